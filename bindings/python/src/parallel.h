// Batch work split over threads (Config.assign, Config.diff).
#ifndef ALLOT_BINDINGS_PYTHON_PARALLEL_H_
#define ALLOT_BINDINGS_PYTHON_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace allot::python {

// Workers for `rows` rows: `threads` (<= 0: all cores), but no more than
// one per kMinRowsPerWorker rows (a thread costs more than a few thousand
// decisions), and at least one.
size_t WorkerCount(size_t rows, int threads);

// Runs run(worker, begin, end) over `workers` contiguous ranges that cover
// [0, rows), each on its own std::thread (on the caller's thread when there
// is one worker). True when every call returned true.
// REQUIRES: `run` calls no Python API and changes no reference count; the
// GIL is released, or held by the caller for the whole call so that no
// Python code runs meanwhile (what lets `run` read the fields of objects
// the caller's containers hold, as Column::ReadObjects does).
bool RunInRanges(size_t rows, size_t workers,
                 const std::function<bool(size_t worker, size_t begin,
                                          size_t end)>& run);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_PARALLEL_H_
