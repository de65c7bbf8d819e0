// The `at` argument of decisions, as the pure-Python package passes it down:
// None (now), an int (Unix time in nanoseconds) or a str (RFC 3339 with an
// offset or Z, as `allot decide --at` takes it).
#ifndef ALLOT_BINDINGS_PYTHON_TIME_ARG_H_
#define ALLOT_BINDINGS_PYTHON_TIME_ARG_H_

#include <pybind11/pybind11.h>

#include "absl/time/time.h"

namespace allot::python {

// Raises ValueError for a string that is not RFC 3339, TypeError for other
// types.
absl::Time TimeArg(const pybind11::handle& at);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_TIME_ARG_H_
