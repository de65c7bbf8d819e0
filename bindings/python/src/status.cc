#include "status.h"

#include <string>

namespace allot::python {
namespace {

struct ConfigErrorTag {};

// Owned by the module object once registered; never freed before it.
PyObject* g_config_error = nullptr;

}  // namespace

void RegisterExceptions(py::module_& m) {
  static py::exception<ConfigErrorTag> config_error(m, "ConfigError",
                                                    PyExc_ValueError);
  // Shown as allot.ConfigError: the package re-exports it.
  config_error.attr("__module__") = "allot";
  config_error.attr("__doc__") =
      "A configuration that cannot be used. The message starts with the JSON "
      "path of the value at fault, e.g. \"campaigns[0].variation_groups[0]."
      "variations: allocations sum to 110 %; ...\". Subclass of ValueError.";
  g_config_error = config_error.ptr();
}

void Throw(PyObject* type, std::string_view message) {
  const std::string text(message);
  PyErr_SetString(type, text.c_str());
  throw py::error_already_set();
}

void ThrowStatus(const absl::Status& status, ErrorKind kind) {
  const std::string_view message(status.message().data(),
                                 status.message().size());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      Throw(kind == ErrorKind::kConfig && g_config_error != nullptr
                ? g_config_error
                : PyExc_ValueError,
            message);
    case absl::StatusCode::kNotFound:
      Throw(PyExc_KeyError, message);
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      Throw(PyExc_ValueError, message);
    default:
      Throw(PyExc_RuntimeError, status.ToString());
  }
}

}  // namespace allot::python
