// Loading (parse + validate + compile) generated configs of W2-style
// campaigns: 100, 1,000 and 10,000 of them.
#include <benchmark/benchmark.h>

#include "bench/workloads.h"
#include "core/compiled_config.h"

namespace allot::bench {
namespace {

void BM_Load_Campaigns(benchmark::State& state) {
  const std::string json = W2Config(static_cast<int>(state.range(0)));
  {
    auto check = LoadConfig(json);
    if (!check.ok() || (*check)->campaigns().size() != size_t(state.range(0))) {
      state.SkipWithError("generated config does not load");
      return;
    }
  }
  for (auto _ : state) {
    auto config = LoadConfig(json);
    benchmark::DoNotOptimize(config);
  }
  state.SetBytesProcessed(state.iterations() * json.size());
  state.counters["campaigns"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_Load_Campaigns)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace allot::bench

BENCHMARK_MAIN();
