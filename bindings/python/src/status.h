// Turns absl::Status into Python exceptions, the one place where the
// bindings' error mapping lives:
//   InvalidArgument    -> allot.ConfigError (loading) or ValueError
//   NotFound           -> KeyError
//   FailedPrecondition -> ValueError
//   anything else      -> RuntimeError
//
//   ThrowIfError(engine->ResetRollback(id));
#ifndef ALLOT_BINDINGS_PYTHON_STATUS_H_
#define ALLOT_BINDINGS_PYTHON_STATUS_H_

#include <pybind11/pybind11.h>

#include <string_view>

#include "absl/status/status.h"

namespace allot::python {

namespace py = pybind11;

enum class ErrorKind { kPlain, kConfig };

// Creates allot._allot.ConfigError (a ValueError subclass) in `m`.
void RegisterExceptions(py::module_& m);

// Raises the Python exception for `status`. REQUIRES: !status.ok().
[[noreturn]] void ThrowStatus(const absl::Status& status,
                              ErrorKind kind = ErrorKind::kPlain);

inline void ThrowIfError(const absl::Status& status,
                         ErrorKind kind = ErrorKind::kPlain) {
  if (!status.ok()) ThrowStatus(status, kind);
}

// Raises `type` (e.g. PyExc_TypeError) with `message`.
[[noreturn]] void Throw(PyObject* type, std::string_view message);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_STATUS_H_
