// Python exposure sinks for allot::ExposureLogger (DESIGN §12): each batch
// becomes a list of dicts {"visitor_id", "campaign_id", "variation_group_id",
// "variation_id", "reason", "at"} that is appended to a Python list or passed
// to a Python callable.
//
//   ExposureSink sink = MakeExposureSink(target, owner);  // GIL held
//   ...
//   {
//     SinkErrorScope errors;
//     {
//       py::gil_scoped_release release;
//       engine->DecideAll(ctx, now, &list);  // may call the sink
//     }
//     errors.RaiseIfFailed();  // what the sink raised, if it did
//   }
//
// Locking. The logger calls its sink while holding its own locks, on the
// thread that filled a batch or flushed; the sink then takes the GIL. So
// every logger call (Engine::DecideAll with a logger set, Flush) must be made
// with the GIL released: a thread that held the GIL while waiting for a
// logger lock would deadlock with a sink waiting for the GIL.
//
// Errors. A sink never throws into the logger. What the Python side raises
// is kept by the innermost SinkErrorScope of the calling thread and raised
// by RaiseIfFailed; with no scope (the flush of a logger being destroyed),
// it is reported as unraisable (sys.unraisablehook).
#ifndef ALLOT_BINDINGS_PYTHON_EXPOSURE_SINK_H_
#define ALLOT_BINDINGS_PYTHON_EXPOSURE_SINK_H_

#include <pybind11/pybind11.h>

#include <optional>

#include "core/exposure_logger.h"

namespace allot::python {

// A sink handing batches to `target` (a list or a callable; TypeError
// otherwise). `owner` identifies the object whose logger calls it (see
// InSinkOf). REQUIRES: the GIL is held.
ExposureSink MakeExposureSink(const pybind11::handle& target,
                              const void* owner);

// Whether this thread is running the Python code of a sink made for
// `owner`: calling that owner's logger again from there would deadlock.
bool InSinkOf(const void* owner);

// Collects what sinks raise on this thread while it lives. Scopes nest.
class SinkErrorScope {
 public:
  SinkErrorScope();
  // REQUIRES: the GIL is held.
  ~SinkErrorScope();
  SinkErrorScope(const SinkErrorScope&) = delete;
  SinkErrorScope& operator=(const SinkErrorScope&) = delete;

  // Raises the first exception a sink raised in this scope, if any.
  // REQUIRES: the GIL is held.
  void RaiseIfFailed();

  // For sinks: keeps `e` in this thread's innermost scope (the first one
  // only), or reports it as unraisable. REQUIRES: the GIL is held.
  static void Keep(pybind11::error_already_set& e);

 private:
  SinkErrorScope* previous_;
  std::optional<pybind11::error_already_set> error_;
};

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_EXPOSURE_SINK_H_
