#include "parallel.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace allot::python {
namespace {

constexpr size_t kMinRowsPerWorker = 4096;

}  // namespace

size_t WorkerCount(size_t rows, int threads) {
  const size_t wanted = threads > 0
                            ? static_cast<size_t>(threads)
                            : std::max(1u, std::thread::hardware_concurrency());
  return std::max<size_t>(1, std::min(wanted, rows / kMinRowsPerWorker));
}

bool RunInRanges(size_t rows, size_t workers,
                 const std::function<bool(size_t, size_t, size_t)>& run) {
  if (workers <= 1) return run(0, 0, rows);
  std::vector<std::thread> pool;
  std::vector<char> results(workers, 1);
  pool.reserve(workers);
  for (size_t w = 0; w < workers; ++w) {
    const size_t begin = rows * w / workers;
    const size_t end = rows * (w + 1) / workers;
    pool.emplace_back([&run, &results, w, begin, end] {
      results[w] = run(w, begin, end) ? 1 : 0;
    });
  }
  for (std::thread& t : pool) t.join();
  return std::all_of(results.begin(), results.end(),
                     [](char r) { return r != 0; });
}

}  // namespace allot::python
