// Loading (parse + validate + compile) generated configs of W2-style
// campaigns: 100, 1,000, 10,000 and 100,000 of them, with the peak memory a
// load adds; and the bulk campaign table (DESIGN §14) of such configs,
// exported as CSV and imported back with every row edited.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bench/workloads.h"
#include "core/campaign_table.h"
#include "core/compiled_config.h"

namespace allot::bench {
namespace {

// Resident and peak resident memory of this process, in bytes.
struct Memory {
  double rss = 0, peak = 0;
};
Memory ReadMemory() {
  Memory m;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) m.rss = 1024.0 * std::atof(line.c_str() + 6);
    if (line.rfind("VmHWM:", 0) == 0) m.peak = 1024.0 * std::atof(line.c_str() + 6);
  }
  return m;
}

void BM_Load_Campaigns(benchmark::State& state) {
  const std::string json = W2Config(static_cast<int>(state.range(0)));
  {
    auto check = LoadConfig(json);
    if (!check.ok() || (*check)->campaigns().size() != size_t(state.range(0))) {
      state.SkipWithError("generated config does not load");
      return;
    }
  }
  // The peak resident memory a load adds to the process: the peak is reset
  // (Linux: "5" to clear_refs) with the JSON text already resident.
  { std::ofstream("/proc/self/clear_refs") << "5"; }
  const Memory before = ReadMemory();
  for (auto _ : state) {
    auto config = LoadConfig(json);
    benchmark::DoNotOptimize(config);
  }
  const Memory after = ReadMemory();
  state.SetBytesProcessed(state.iterations() * json.size());
  state.counters["campaigns"] = static_cast<double>(state.range(0));
  state.counters["json_mb"] = json.size() / 1e6;
  state.counters["peak_added_mb"] = (after.peak - before.rss) / 1e6;
}
BENCHMARK(BM_Load_Campaigns)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

// A campaign of the kind a bulk campaign sheet lists: one group for
// everyone, two variations, a name; ids "exp-<i % 50>-<i / 50>" past 50 as
// W2Config's.
std::string SheetCampaignId(int i) {
  return i < 50 ? absl::StrCat("exp-", i) : absl::StrCat("exp-", i % 50, "-", i / 50);
}
std::string SheetConfig(int n) {
  std::string json = R"({"settings":{"bucketing":"xxh3"},"campaigns":[)";
  for (int i = 0; i < n; ++i) {
    const std::string id = SheetCampaignId(i);
    absl::StrAppend(&json, i > 0 ? "," : "", R"({"id":")", id,
                    R"(","name":"Campaign )", i, R"(","type":"ab","variation_groups":[{"id":")",
                    id, R"(-all","targeting":{"targeting_groups":[{"targetings":[)",
                    R"({"key":"fs_all_users","operator":"EQUALS","value":true}]}]},)",
                    R"("variations":[{"id":")", id, R"(-a","allocation":50,"reference":true},)",
                    R"({"id":")", id, R"(-b","allocation":50,)",
                    R"("modifications":{"type":"FLAG","value":{"flag":true}}}]}]})");
  }
  return json + "]}";
}

const absl::Time kTableAt = absl::FromUnixSeconds(1780000000);  // 2026-05-28

// Export: load, compile, and write the CSV of every campaign (arg 1: W2's
// campaigns rather than a sheet's, as for the import below).
void BM_Campaigns_Export(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string json = state.range(1) ? W2Config(n) : SheetConfig(n);
  size_t rows = 0;
  for (auto _ : state) {
    absl::StatusOr<CampaignTable> table = ExportCampaignTable(json, kTableAt);
    if (!table.ok()) {
      state.SkipWithError("export failed");
      return;
    }
    std::string csv = CampaignTableCsv(*table);
    rows = table->rows.size();
    benchmark::DoNotOptimize(csv);
  }
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_Campaigns_Export)
    ->ArgNames({"rows", "w2"})
    ->Args({100000, 0})
    ->Args({100000, 1})
    ->Unit(benchmark::kMillisecond);

// Import: read a CSV whose every row renames its campaign and gives it dates
// and a monthly recurrence (about 60 windows each over the 5-year horizon),
// apply it, and check the result loads: what `allot campaigns import` does
// between reading and writing the files. Arg 1: the campaigns are W2's
// (about ten predicates each, 52 MB of JSON for 100,000) rather than a
// sheet's.
void BM_Campaigns_Import(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string json = state.range(1) ? W2Config(n) : SheetConfig(n);
  std::string csv =
      "ID,Name,Status,Start Date,End Date,Recurrence,Escalation,Escalation Date\r\n";
  for (int i = 0; i < n; ++i) {
    const std::string id = SheetCampaignId(i);
    absl::StrAppend(&csv, id, ",\"Experiment ", i,
                    ", renamed\",active,2026-01-0", 1 + i % 9,
                    ",,RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO,168h,\r\n");
  }
  size_t rows = 0, changed = 0;
  for (auto _ : state) {
    absl::StatusOr<CampaignTable> table = ReadCampaignTableCsv(csv);
    absl::StatusOr<CampaignImport> result =
        table.ok() ? ImportCampaignTable(json, *table) : table.status();
    if (!result.ok()) {
      const std::string message(result.status().message());
      state.SkipWithError(message.substr(0, message.find('\n')).c_str());
      return;
    }
    rows = result->rows;
    changed = result->changed.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["changed"] = static_cast<double>(changed);
  state.counters["csv_mb"] = csv.size() / 1e6;
  state.counters["json_mb"] = json.size() / 1e6;
}
BENCHMARK(BM_Campaigns_Import)
    ->ArgNames({"rows", "w2"})
    ->Args({100000, 0})
    ->Args({100000, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace allot::bench

BENCHMARK_MAIN();
