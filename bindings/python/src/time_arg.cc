#include "time_arg.h"

#include <string>

#include "status.h"

namespace allot::python {

absl::Time TimeArg(const py::handle& at) {
  if (at.is_none()) return absl::Now();
  if (PyBool_Check(at.ptr())) {
    Throw(PyExc_TypeError, "at: expected a datetime, an RFC 3339 str or None");
  }
  if (PyLong_Check(at.ptr())) {
    return absl::FromUnixNanos(at.cast<int64_t>());
  }
  if (PyUnicode_Check(at.ptr())) {
    const std::string text = at.cast<std::string>();
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
      Throw(PyExc_ValueError,
            "at: \"" + text +
                "\" is not an RFC 3339 time with an offset (e.g. "
                "2026-06-01T12:00:00Z): " +
                error);
    }
    return t;
  }
  Throw(PyExc_TypeError, "at: expected a datetime, an RFC 3339 str or None");
}

}  // namespace allot::python
