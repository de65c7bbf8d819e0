#include "time_arg.h"

#include <string>

#include "core/json_text.h"
#include "status.h"

namespace allot::python {

absl::StatusOr<absl::Time> ParseTimeText(std::string_view text) {
  if (HasUtcOffset(text)) return ParseInstant(text);
  if (text.size() == 10) {
    absl::StatusOr<absl::CivilDay> day = ParseCivilDate(text);
    if (!day.ok()) return day.status();
    return StartOfDay(*day, absl::UTCTimeZone());
  }
  return ParseDateTime(text, absl::UTCTimeZone());
}

absl::Time TimeText(std::string_view text, const std::string& what) {
  absl::StatusOr<absl::Time> t = ParseTimeText(text);
  if (!t.ok()) {
    Throw(PyExc_ValueError, what + ": \"" + std::string(text) +
                                "\" is not an RFC 3339 time: " +
                                std::string(t.status().message()));
  }
  return *t;
}

py::array_t<int64_t> TimeTexts(const py::sequence& texts, const std::string& what) {
  py::array_t<int64_t> out(static_cast<py::ssize_t>(texts.size()));
  int64_t* o = out.mutable_data();
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string where = what + "[" + std::to_string(i) + "]";
    const py::handle item = texts[i];
    if (!py::isinstance<py::str>(item)) {
      Throw(PyExc_TypeError, where + ": expected a str time, got " +
                                 Py_TYPE(item.ptr())->tp_name);
    }
    o[i] = absl::ToUnixNanos(TimeText(item.cast<std::string>(), where));
  }
  return out;
}

absl::Time TimeArg(const py::handle& at) {
  if (at.is_none()) return absl::Now();
  if (PyBool_Check(at.ptr())) {
    Throw(PyExc_TypeError, "at: expected a datetime, an RFC 3339 str or None");
  }
  if (PyLong_Check(at.ptr())) {
    return absl::FromUnixNanos(at.cast<int64_t>());
  }
  if (PyUnicode_Check(at.ptr())) {
    return TimeText(at.cast<std::string>(), "at");
  }
  Throw(PyExc_TypeError, "at: expected a datetime, an RFC 3339 str or None");
}

}  // namespace allot::python
