// File: base/date_time_text.h
//
// The one reader of RFC 3339 date-times for the whole project: configs
// (allocation's ParseDateTime / ParseInstant), state documents, the command's
// --at, Python's `at`, and the BEFORE / AFTER targeting operators on visitor
// values all go through ReadDateTimeText.
//
// Grammar: YYYY-MM-DD, then 'T', 't' or a space, then hh:mm, optionally :ss
// with an optional fraction ('.' or ',' and 1 to 9 digits: nanoseconds, the
// precision of absl::Time; more is refused rather than silently dropped),
// then optionally 'Z', 'z' or ±hh:mm. Ranges are checked (a real calendar
// date, hh ≤ 23, mm ≤ 59, ss ≤ 60: a leap second reads as the next minute's
// first second).
//
// Allocation-free and exception-free: the targeting operators run it on the
// decision path.
#ifndef ALLOT_BASE_DATE_TIME_TEXT_H_
#define ALLOT_BASE_DATE_TIME_TEXT_H_

#include <cstdint>
#include <string_view>

#include "absl/time/time.h"

namespace allot::base {

struct DateTimeText {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;  // 0 when the text has no seconds; 60 for a leap second
  int64_t nanos = 0;
  bool has_offset = false;  // 'Z' or ±hh:mm present
  int offset_seconds = 0;   // east of UTC
};

// What is wrong with a text ReadDateTimeText refuses.
enum class DateTimeTextError {
  kNone,
  kSyntax,         // not the grammar above
  kFraction,       // a fraction of a second without digits or with > 9
  kOffsetRange,    // offset hours > 23 or minutes > 59
  kTrailing,       // text after a complete date-time
  kNoOffset,       // an instant was required and the text has no offset
  kMonthRange,     // month not 1..12
  kDayRange,       // no such day in the month
  kTimeRange,      // hour, minute or second out of range
};

// Reads `text` into `out`; kNone on success. With `require_offset`, a text
// without 'Z' or ±hh:mm is kNoOffset (checked after the syntax, before the
// ranges). On a range error `*out` holds the fields read, for the message.
DateTimeTextError ReadDateTimeText(std::string_view text, bool require_offset,
                                   DateTimeText* out);

// A calendar date "YYYY-MM-DD" alone (into year, month and day of `out`):
// kSyntax, kMonthRange, kDayRange or kNone, with `*out` filled as above.
DateTimeTextError ReadDateText(std::string_view text, DateTimeText* out);

// A short English phrase for `error` ("month out of range", ...); "" for
// kNone and kSyntax (the caller says what was expected).
const char* DescribeDateTimeTextError(DateTimeTextError error);

// The instant `t` names when read with its own offset (or in UTC when it
// has none): plain arithmetic on the proleptic Gregorian calendar.
absl::Time InstantInUtc(const DateTimeText& t);

// An RFC 3339 instant: the grammar above with the offset required. False,
// and `*out` untouched, otherwise.
bool ParseRfc3339Instant(std::string_view text, absl::Time* out);

}  // namespace allot::base

#endif  // ALLOT_BASE_DATE_TIME_TEXT_H_
