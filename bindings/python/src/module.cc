// allot._allot: the compiled half of the `allot` Python package. The
// package (bindings/python/allot/) gives it its Pythonic surface; use that.
#include <pybind11/pybind11.h>

#include "config_bindings.h"
#include "engine_bindings.h"
#include "status.h"

PYBIND11_MODULE(_allot, m) {
  m.doc() = "allot's compiled core; import allot instead.";
  allot::python::RegisterExceptions(m);
  allot::python::BindConfig(m);
  allot::python::BindEngine(m);
}
