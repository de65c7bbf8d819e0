#include "time_arg.h"

#include <string>

#include "core/json_text.h"
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
    absl::StatusOr<absl::Time> t = ParseInstant(text);
    if (!t.ok()) {
      Throw(PyExc_ValueError, "at: \"" + text +
                                  "\" is not an RFC 3339 time with an offset: " +
                                  std::string(t.status().message()));
    }
    return *t;
  }
  Throw(PyExc_TypeError, "at: expected a datetime, an RFC 3339 str or None");
}

}  // namespace allot::python
