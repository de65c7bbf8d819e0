// The `at` argument of decisions, as the pure-Python package passes it down:
// None (now), an int (Unix time in nanoseconds) or a str (RFC 3339 with an
// offset or Z, as `allot decide --at` takes it).
#ifndef ALLOT_BINDINGS_PYTHON_TIME_ARG_H_
#define ALLOT_BINDINGS_PYTHON_TIME_ARG_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace allot::python {

// Raises ValueError for a string that is not RFC 3339, TypeError for other
// types.
absl::Time TimeArg(const pybind11::handle& at);

// The one reading of a time string from Python (decide, assign, Engine,
// traffic_schedule): RFC 3339 with an offset or Z is that instant; without
// one ("2026-06-01T12:00:00", "2026-06-01 12:00", "2026-06-01") it is UTC,
// as a naive datetime is.
[[nodiscard]] absl::StatusOr<absl::Time> ParseTimeText(std::string_view text);
// ParseTimeText, or ValueError "<what>: "<text>" is not an RFC 3339 time: ...".
absl::Time TimeText(std::string_view text, const std::string& what);
// Each str of `texts` through TimeText, as Unix nanoseconds; errors name
// `what[i]`.
pybind11::array_t<int64_t> TimeTexts(const pybind11::sequence& texts,
                                     const std::string& what);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_TIME_ARG_H_
