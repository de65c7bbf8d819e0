// File: core/recurrence_rule.h
//
// Recurring live windows of a campaign (DESIGN §14): the RFC 5545 RRULE
// subset a scheduler's `recurrence` may hold, the `duration` of each
// occurrence, and the occurrences of a rule in wall-clock time.
//
//   absl::StatusOr<RecurrenceRule> rule =
//       ParseRecurrenceRule("RRULE:FREQ=MONTHLY;BYDAY=+1MO");
//   absl::StatusOr<absl::Duration> d = ParseRecurrenceDuration("168h");
//   ForEachOccurrence(*rule, absl::CivilSecond(2026, 1, 1, 9, 0, 0), paris,
//                     horizon, [](absl::Time t) { ... });  // 2026-01-05 ...
//
// Supported parts: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, COUNT,
// UNTIL, BYDAY (with ordinals for MONTHLY and YEARLY), BYMONTHDAY (negative
// counts from the month's end), BYMONTH, BYHOUR, BYMINUTE, BYSETPOS, WKST.
// Anything else is an error. Errors are InvalidArgument with a message that
// names the rule part and carries no JSON path (the caller prefixes one).
// All functions are pure and thread-safe.
#ifndef ALLOT_CORE_RECURRENCE_RULE_H_
#define ALLOT_CORE_RECURRENCE_RULE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace allot {

enum class RecurrenceFrequency : unsigned char {
  kDaily,
  kWeekly,
  kMonthly,
  kYearly,
};

// A parsed RRULE. Empty lists are parts that were absent.
struct RecurrenceRule {
  RecurrenceFrequency frequency = RecurrenceFrequency::kDaily;
  int interval = 1;
  int64_t count = 0;  // 0: no COUNT
  // UNTIL, inclusive. A UTC form ("...Z") bounds the occurrence instants;
  // a local date-time bounds their wall-clock times; a local date (no
  // time) keeps every occurrence of that day (until_local is its 23:59:59).
  enum class Until : unsigned char { kNone, kUtc, kLocal };
  Until until_kind = Until::kNone;
  absl::Time until_utc;
  absl::CivilSecond until_local;
  // BYDAY: `ordinal` 0 is every such weekday; +n / -n the n-th from the
  // start / end of the month (MONTHLY, or YEARLY with BYMONTH) or of the
  // year (YEARLY without BYMONTH).
  struct Day {
    absl::Weekday weekday = absl::Weekday::monday;
    int ordinal = 0;
  };
  std::vector<Day> by_day;
  std::vector<int> by_month_day;                     // 1..31 or -31..-1
  std::vector<int> by_month;                         // 1..12
  std::vector<int> by_hour;                          // 0..23
  std::vector<int> by_minute;                        // 0..59
  std::vector<int> by_set_pos;                       // 1..366 or -366..-1
  absl::Weekday week_start = absl::Weekday::monday;  // WKST
};

// Parses "RRULE:FREQ=...;..." or the rule alone; part names and values are
// case-insensitive. InvalidArgument naming the part at fault for an
// unsupported or malformed part, a repeated part, a missing FREQ, COUNT with
// UNTIL, a BYDAY ordinal outside MONTHLY/YEARLY, BYMONTHDAY with WEEKLY, or
// BYSETPOS without another BY part (RFC 5545 §3.3.10).
[[nodiscard]] absl::StatusOr<RecurrenceRule> ParseRecurrenceRule(
    std::string_view text);

// Parses the duration of one occurrence: ISO 8601 ("P7D", "PT36H",
// "P1DT12H", "PT2H30M", "P2W"; a day is 24 hours) or Go/absl style ("168h",
// "2h30m", "90m", "45s"). Zero, negative, infinite and year or month
// durations are errors.
[[nodiscard]] absl::StatusOr<absl::Duration> ParseRecurrenceDuration(
    std::string_view text);

// Calls `emit` with each occurrence of `rule` from `dtstart` (the first one
// considered; it is an occurrence only if it matches the rule) that starts
// before `horizon`, and returns how many it emitted. Occurrences are
// computed in wall-clock time and converted with RFC 5545 §3.3.5's rule: a
// time skipped by a DST gap is read with the offset before the gap (02:30
// on New York's spring-forward day is 03:30 EDT), a repeated time is its
// first occurrence; that is absl::TimeZone::At(civil).pre, not
// absl::FromCivil (which gives the transition for a skipped time).
// Emission follows wall-clock order, so instants may step back by a DST gap
// when two occurrences straddle one.
// REQUIRES: `horizon` is finite.
int64_t ForEachOccurrence(const RecurrenceRule& rule, absl::CivilSecond dtstart,
                          const absl::TimeZone& tz, absl::Time horizon,
                          absl::FunctionRef<void(absl::Time)> emit);

}  // namespace allot

#endif  // ALLOT_CORE_RECURRENCE_RULE_H_
