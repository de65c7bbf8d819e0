// File: allocation/date_time.h
//
// Parsing of the dates, time zones and durations that configurations and the
// command line carry: RFC 3339 instants, civil date-times read in an IANA time
// zone, and step durations such as "15min" or "1d".
//
//   auto tz = allot::LoadTimeZoneOrError("Europe/Paris");
//   auto t = allot::ParseDateTime("2026-03-27T09:00:00", *tz);
//   // *t is 08:00 UTC: a civil time without offset is read in `tz`.
//
// Errors are InvalidArgument with a message that says what was expected and
// carries no JSON path (the caller prefixes one). All functions are pure and
// thread-safe.
#ifndef ALLOT_ALLOCATION_DATE_TIME_H_
#define ALLOT_ALLOCATION_DATE_TIME_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace allot {

// Parses `text` as either
//  - RFC 3339 with an offset or Z ("2026-03-27T09:00:00+01:00",
//    "2026-03-27T08:00:00.250Z"): that instant, whatever `tz`; or
//  - a civil date-time without offset ("2026-03-27T09:00:00",
//    "2026-03-27T09:00", "2026-03-27 09:00:00.5"): that wall-clock time in
//    `tz`, resolved as absl::FromCivil does: a time skipped by a DST gap
//    gives the instant of the transition, a repeated one its first
//    occurrence.
// 'T' may also be 't' or a space, 'Z' may be 'z'; seconds are optional and
// may carry a fraction of at most nine digits (nanoseconds); second 60 (a
// leap second) reads as the next minute's first second.
[[nodiscard]] absl::StatusOr<absl::Time> ParseDateTime(
    std::string_view text, const absl::TimeZone& tz);

// Whether `text`, a date-time ParseDateTime accepts, carries its own UTC
// offset or Z (and so names an instant whatever the time zone).
bool HasUtcOffset(std::string_view text);

// An RFC 3339 instant: ParseDateTime's grammar with the offset required
// ("2026-06-01T12:00:00Z", "2026-06-01T14:00:00.5+02:00"). Configs, state
// documents, the command's --at and Python's `at` read instants through it;
// it and ParseDateTime wrap the project's one date-time reader
// (base/date_time_text.h, which the BEFORE / AFTER operators also use), so
// every surface accepts the same text. Years have four digits, the fraction
// at most nine.
[[nodiscard]] absl::StatusOr<absl::Time> ParseInstant(std::string_view text);

// Parses a civil date "YYYY-MM-DD": four-digit year, two-digit month and
// day, a real calendar date ("2026-02-29" is refused).
[[nodiscard]] absl::StatusOr<absl::CivilDay> ParseCivilDate(
    std::string_view text);

// The first instant of `day` in `tz`: its local midnight; where the zone
// skips that midnight (a DST change at 00:00, as America/Santiago's), the
// instant of the transition; where it repeats it, the first occurrence.
absl::Time StartOfDay(absl::CivilDay day, const absl::TimeZone& tz);

// Loads the IANA time zone `name` ("Europe/Paris"); "" is UTC.
[[nodiscard]] absl::StatusOr<absl::TimeZone> LoadTimeZoneOrError(
    std::string_view name);

// Parses a positive step such as "30s", "30m", "15min", "1h", "1h30m", "1.5h"
// or "1d": absl::ParseDuration units (ns, us, ms, s, m, h), plus "min" for
// minutes and "d" for 24 hours. Zero, negative and infinite durations are
// rejected: a step must move time forward.
[[nodiscard]] absl::StatusOr<absl::Duration> ParseStepDuration(
    std::string_view text);

}  // namespace allot

#endif  // ALLOT_ALLOCATION_DATE_TIME_H_
