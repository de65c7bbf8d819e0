// File: targeting/internal/rfc3339.h
//
// A strict, allocation-free RFC 3339 date-time parser
// ("2024-05-01T12:00:00Z", "2024-05-01t12:00:00.25+02:00"; a space may
// replace the "T"), used by the BEFORE / AFTER operators.
#ifndef ALLOT_TARGETING_INTERNAL_RFC3339_H_
#define ALLOT_TARGETING_INTERNAL_RFC3339_H_

#include <string_view>

#include "absl/time/time.h"

namespace allot::internal {

// Parses a full RFC 3339 date-time with a mandatory offset ("Z" or
// "±hh:mm"). Fractions beyond nanoseconds are truncated; a leap second
// ":60" counts as the next minute's ":00".
bool ParseRfc3339(std::string_view text, absl::Time* out);

// An instant from seconds since the Unix epoch; false for NaN.
bool TimeFromEpochSeconds(double seconds, absl::Time* out);

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_RFC3339_H_
