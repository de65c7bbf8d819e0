// allot._allot.Engine: a config plus run-time state (campaign toggles,
// rollback latches), as core/engine.h defines it.
#ifndef ALLOT_BINDINGS_PYTHON_ENGINE_BINDINGS_H_
#define ALLOT_BINDINGS_PYTHON_ENGINE_BINDINGS_H_

#include <pybind11/pybind11.h>

namespace allot::python {

void BindEngine(pybind11::module_& m);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_ENGINE_BINDINGS_H_
