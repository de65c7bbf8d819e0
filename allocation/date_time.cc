#include "allocation/date_time.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "base/date_time_text.h"

namespace allot {
namespace {

constexpr char kExpectedInstant[] =
    "expected RFC 3339 with an offset such as \"2026-03-27T09:00:00Z\" or "
    "\"2026-03-27T09:00:00.5+01:00\"";
constexpr char kExpectedDateTime[] =
    "expected RFC 3339 such as \"2026-03-27T09:00:00Z\" or "
    "\"2026-03-27T09:00:00+01:00\", or a civil time such as "
    "\"2026-03-27T09:00:00\" read in the time zone";

absl::Status DateTimeError(std::string_view text, std::string_view reason,
                           bool instant = false) {
  return absl::InvalidArgumentError(absl::StrCat(
      instant ? "invalid instant \"" : "invalid date-time \"",
      absl::string_view(text.data(), text.size()), "\"",
      reason.empty() ? "" : ": ",
      absl::string_view(reason.data(), reason.size()), "; ",
      instant ? kExpectedInstant : kExpectedDateTime));
}

// Why base::ReadDateTimeText refused a text, with the month or day at fault.
std::string Reason(base::DateTimeTextError e, const base::DateTimeText& t) {
  switch (e) {
    case base::DateTimeTextError::kMonthRange:
      return absl::StrCat("month ", t.month, " out of range");
    case base::DateTimeTextError::kDayRange:
      return absl::StrCat("day ", t.day, " out of range for the month");
    default:
      return base::DescribeDateTimeTextError(e);
  }
}

absl::StatusOr<absl::Time> ParseDateTimeOrInstant(std::string_view text,
                                                  const absl::TimeZone& tz,
                                                  bool require_offset) {
  using base::DateTimeTextError;
  base::DateTimeText t;
  const DateTimeTextError e = base::ReadDateTimeText(text, require_offset, &t);
  if (e != DateTimeTextError::kNone) {
    return DateTimeError(text, Reason(e, t), require_offset);
  }
  if (t.has_offset) return base::InstantInUtc(t);
  // CivilSecond normalizes second 60 into the next minute.
  const absl::CivilSecond cs(t.year, t.month, t.day, t.hour, t.minute,
                             t.second);
  return absl::FromCivil(cs, tz) + absl::Nanoseconds(t.nanos);
}

}  // namespace

absl::StatusOr<absl::Time> ParseDateTime(std::string_view text,
                                         const absl::TimeZone& tz) {
  return ParseDateTimeOrInstant(text, tz, /*require_offset=*/false);
}

absl::StatusOr<absl::Time> ParseInstant(std::string_view text) {
  return ParseDateTimeOrInstant(text, absl::UTCTimeZone(),
                                /*require_offset=*/true);
}

absl::StatusOr<absl::CivilDay> ParseCivilDate(std::string_view text) {
  const auto error = [&](std::string_view reason) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid date \"", absl::string_view(text.data(), text.size()), "\"",
        reason.empty() ? "" : ": ",
        absl::string_view(reason.data(), reason.size()),
        "; expected a calendar date YYYY-MM-DD such as \"2026-03-27\""));
  };
  base::DateTimeText t;
  const base::DateTimeTextError e = base::ReadDateText(text, &t);
  if (e != base::DateTimeTextError::kNone) return error(Reason(e, t));
  return absl::CivilDay(t.year, t.month, t.day);
}

bool HasUtcOffset(std::string_view text) {
  // After the date (10 characters), only an offset has 'Z', '+' or '-'.
  return text.size() > 10 && (text.find_first_of("Zz+", 10) != text.npos ||
                              text.find('-', 10) != text.npos);
}

absl::Time StartOfDay(absl::CivilDay day, const absl::TimeZone& tz) {
  const absl::TimeZone::TimeInfo info = tz.At(absl::CivilSecond(day));
  // Read with either offset, a skipped midnight lands off the transition
  // when the gap does not start at 00:00 (`post` in the day before, `pre`
  // later than the day's first instant): the day starts when the clock jumps.
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

absl::StatusOr<absl::TimeZone> LoadTimeZoneOrError(std::string_view name) {
  if (name.empty()) return absl::UTCTimeZone();
  // IANA names are relative paths under the zoneinfo directory; refuse
  // anything that could name another file.
  const bool path_like =
      name.front() == '/' || name.find("..") != std::string_view::npos;
  absl::TimeZone tz;
  if (path_like ||
      !absl::LoadTimeZone(absl::string_view(name.data(), name.size()), &tz)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown time zone \"", absl::string_view(name.data(), name.size()),
        "\"; expected an IANA time zone name such as \"Europe/Paris\" or "
        "\"UTC\""));
  }
  return tz;
}

absl::StatusOr<absl::Duration> ParseStepDuration(std::string_view text) {
  const auto error = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid step duration \"", absl::string_view(text.data(), text.size()),
        "\"; expected a positive duration such as \"30m\", \"15min\", "
        "\"1h\", \"1h30m\" or \"1d\""));
  };
  if (text.empty()) return error();
  // Split into <number><unit> terms; "min" and "d" are rewritten into units
  // absl::ParseDuration knows.
  absl::Duration total = absl::ZeroDuration();
  size_t i = 0;
  while (i < text.size()) {
    const size_t num_start = i;
    while (i < text.size() &&
           ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) {
      ++i;
    }
    const size_t unit_start = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    if (unit_start == num_start || i == unit_start) return error();
    const std::string_view number =
        text.substr(num_start, unit_start - num_start);
    std::string_view unit = text.substr(unit_start, i - unit_start);
    int64_t multiplier = 1;
    if (unit == "d") {
      unit = "h";
      multiplier = 24;
    } else if (unit == "min") {
      unit = "m";
    }
    absl::Duration term;
    if (!absl::ParseDuration(
            absl::StrCat(absl::string_view(number.data(), number.size()),
                         absl::string_view(unit.data(), unit.size())),
            &term)) {
      return error();
    }
    total += term * multiplier;
  }
  if (total <= absl::ZeroDuration() || total == absl::InfiniteDuration()) {
    return error();
  }
  return total;
}

}  // namespace allot
