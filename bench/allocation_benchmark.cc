// Benchmarks of the allocation module: the hash floor of bench-workloads.md
// and the per-decision pieces built on it.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "allocation/bucketing.h"
#include "allocation/hash.h"
#include "allocation/internal/xxh3.h"
#include "allocation/split.h"
#include "allocation/traffic_schedule.h"
#include "benchmark/benchmark.h"

namespace allot {
namespace {

constexpr int kW1Visitors = 1000000;

const std::vector<std::string>& W1Ids() {
  static const auto* ids = [] {
    auto* v = new std::vector<std::string>();
    v->reserve(kW1Visitors);
    for (int n = 0; n < kW1Visitors; ++n)
      v->push_back(absl::StrCat("visitor-", n));
    return v;
  }();
  return *ids;
}

// Same ids with a non-ASCII tail, for Flagship's UTF-16 path.
const std::vector<std::string>& NonAsciiIds() {
  static const auto* ids = [] {
    auto* v = new std::vector<std::string>();
    v->reserve(kW1Visitors);
    for (int n = 0; n < kW1Visitors; ++n) {
      v->push_back(absl::StrCat("visiteur-\u00e9t\u00e9-", n, "-\u7528\u6237"));
    }
    return v;
  }();
  return *ids;
}

// The floor: XXH3 64-bit of each W1 id, % 10000, nothing else.
void BM_Floor_Xxh3Bucket(benchmark::State& state) {
  const auto& ids = W1Ids();
  size_t i = 0;
  for (auto _ : state) {
    const std::string& id = ids[i];
    uint32_t bucket =
        static_cast<uint32_t>(XXH3_64bits(id.data(), id.size()) % 10000);
    benchmark::DoNotOptimize(bucket);
    if (++i == ids.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Floor_Xxh3Bucket);

void BM_Allocation_GroupSplitXxh3(benchmark::State& state) {
  const auto& ids = W1Ids();
  const GroupBucketer b = GroupBucketer::Create(BucketingMode::kXxh3, "vg-1");
  if (b.SplitBucket(ids[0]) != XXH3_64bits_withSeed(ids[0].data(),
                                                    ids[0].size(),
                                                    XXH3_64bits("vg-1", 4)) %
                                   10000) {
    state.SkipWithError("split bucket disagrees with XXH3");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    uint32_t bucket = b.SplitBucket(ids[i]);
    benchmark::DoNotOptimize(bucket);
    if (++i == ids.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Allocation_GroupSplitXxh3);

void BM_Allocation_GroupSplitFlagship(benchmark::State& state) {
  const bool ascii = state.range(0) == 0;
  const auto& ids = ascii ? W1Ids() : NonAsciiIds();
  const GroupBucketer b =
      GroupBucketer::Create(BucketingMode::kFlagship, "c20j8bk3fk9hdphqtd2g");
  if (GroupBucketer::Create(BucketingMode::kFlagship, "c20j8bk3fk9hdphqtd2g")
          .SplitBucket("visitor_1") != 48) {
    state.SkipWithError("split bucket disagrees with flagship-compat.md");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    uint32_t bucket = b.SplitBucket(ids[i]);
    benchmark::DoNotOptimize(bucket);
    if (++i == ids.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(ascii ? "ascii" : "non-ascii");
}
BENCHMARK(BM_Allocation_GroupSplitFlagship)->Arg(0)->Arg(1);

void BM_Allocation_SplitPick(benchmark::State& state) {
  auto table = SplitTable::Create(BucketingMode::kXxh3, {26.67, 26.67, 26.66});
  if (!table.ok() || table->Pick(5334) != 2) {
    state.SkipWithError("split table broken");
    return;
  }
  // Buckets from a cheap LCG so the branch pattern is not trivially learned.
  std::vector<uint32_t> buckets(1 << 16);
  uint32_t x = 12345;
  for (auto& b : buckets) {
    x = x * 1664525u + 1013904223u;
    b = (x >> 8) % 10000;
  }
  size_t i = 0;
  for (auto _ : state) {
    int v = table->Pick(buckets[i]);
    benchmark::DoNotOptimize(v);
    i = (i + 1) & (buckets.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Allocation_SplitPick);

// A 1 %-a-day ramp in Paris (101 breakpoints). Arg 0: instants spread over
// the ramp (binary search); arg 1: after the ramp (the fast path every
// decision takes once a rollout is complete).
void BM_Allocation_ScheduleShareAt(benchmark::State& state) {
  TrafficScheduleSpec spec;
  spec.start_date = "2026-03-01T09:00:00";
  spec.timezone = "Europe/Paris";
  spec.periodic_steps = ScheduleStepSpec{1, 1, "day"};
  absl::StatusOr<TrafficSchedule> schedule = TrafficSchedule::Create(spec);
  if (!schedule.ok() || schedule->breakpoints().size() != 101) {
    state.SkipWithError("schedule broken");
    return;
  }
  const absl::Time start = schedule->breakpoints().front().at;
  const absl::Time base =
      state.range(0) == 0 ? start : schedule->breakpoints().back().at;
  std::vector<absl::Time> times(1 << 12);
  uint32_t x = 12345;
  for (auto& t : times) {
    x = x * 1664525u + 1013904223u;
    t = base + absl::Minutes((x >> 8) % (100 * 24 * 60));
  }
  size_t i = 0;
  for (auto _ : state) {
    int32_t share = schedule->ShareAt(times[i]);
    benchmark::DoNotOptimize(share);
    i = (i + 1) & (times.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "during ramp" : "after ramp");
}
BENCHMARK(BM_Allocation_ScheduleShareAt)->Arg(0)->Arg(1);

}  // namespace
}  // namespace allot

BENCHMARK_MAIN();
