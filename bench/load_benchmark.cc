// Loading (parse + validate + compile) generated configs of W2-style
// campaigns: 100, 1,000, 10,000 and 100,000 of them, with the peak memory a
// load adds.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "bench/workloads.h"
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

}  // namespace
}  // namespace allot::bench

BENCHMARK_MAIN();
