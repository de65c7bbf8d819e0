#include "allocation/date_time.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace allot {
namespace {

constexpr char kExpectedInstant[] =
    "expected RFC 3339 with an offset such as \"2026-03-27T09:00:00Z\" or "
    "\"2026-03-27T09:00:00.5+01:00\"";
constexpr char kExpectedDateTime[] =
    "expected RFC 3339 such as \"2026-03-27T09:00:00Z\" or "
    "\"2026-03-27T09:00:00+01:00\", or a civil time such as "
    "\"2026-03-27T09:00:00\" read in the time zone";

// A cursor over the text; every Read* consumes only on success.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool done() const { return pos_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }

  bool ReadChar(char c) {
    if (peek() != c || done()) return false;
    ++pos_;
    return true;
  }

  // Exactly `n` decimal digits.
  bool ReadDigits(int n, int* out) {
    if (s_.size() - pos_ < static_cast<size_t>(n)) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      const char c = s_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    *out = v;
    return true;
  }

  // One or more digits of a fraction of a second, in nanoseconds.
  // At most 9 digits (nanoseconds, the precision of absl::Time): more is
  // refused rather than silently dropped.
  bool ReadFraction(int64_t* nanos) {
    int64_t v = 0;
    int digits = 0;
    while (!done() && peek() >= '0' && peek() <= '9') {
      if (++digits > 9) return false;
      v = v * 10 + (peek() - '0');
      ++pos_;
    }
    if (digits == 0) return false;
    for (int i = digits; i < 9; ++i) v *= 10;
    *nanos = v;
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

absl::Status DateTimeError(std::string_view text, std::string_view reason,
                           bool instant = false) {
  return absl::InvalidArgumentError(absl::StrCat(
      instant ? "invalid instant \"" : "invalid date-time \"",
      absl::string_view(text.data(), text.size()), "\"",
      reason.empty() ? "" : ": ",
      absl::string_view(reason.data(), reason.size()), "; ",
      instant ? kExpectedInstant : kExpectedDateTime));
}

int DaysInMonth(int64_t year, int month) {
  const absl::CivilDay first(year, month, 1);
  return static_cast<int>(
      (absl::CivilDay(absl::CivilMonth(first) + 1) - 1).day());
}

absl::StatusOr<absl::Time> ParseDateTimeOrInstant(std::string_view text,
                                                  const absl::TimeZone& tz,
                                                  bool require_offset) {
  const auto error = [&](std::string_view reason) {
    return DateTimeError(text, reason, require_offset);
  };
  Scanner in(text);
  int year, month, day, hour, minute, second = 0;
  if (!in.ReadDigits(4, &year) || !in.ReadChar('-') ||
      !in.ReadDigits(2, &month) || !in.ReadChar('-') ||
      !in.ReadDigits(2, &day)) {
    return error( "");
  }
  if (!(in.ReadChar('T') || in.ReadChar('t') || in.ReadChar(' ')) ||
      !in.ReadDigits(2, &hour) || !in.ReadChar(':') ||
      !in.ReadDigits(2, &minute)) {
    return error( "");
  }
  int64_t nanos = 0;
  if (in.ReadChar(':')) {
    if (!in.ReadDigits(2, &second)) return error( "");
    if ((in.ReadChar('.') || in.ReadChar(',')) && !in.ReadFraction(&nanos)) {
      return error( "a fraction of a second has 1 to 9 digits");
    }
  }
  bool has_offset = false;
  int offset_seconds = 0;
  if (in.ReadChar('Z') || in.ReadChar('z')) {
    has_offset = true;
  } else if (in.peek() == '+' || in.peek() == '-') {
    const int sign = in.peek() == '-' ? -1 : 1;
    in.ReadChar(in.peek());
    int oh, om;
    if (!in.ReadDigits(2, &oh) || !in.ReadChar(':') || !in.ReadDigits(2, &om)) {
      return error( "");
    }
    if (oh > 23 || om > 59) return error( "offset out of range");
    has_offset = true;
    offset_seconds = sign * (oh * 3600 + om * 60);
  }
  if (!in.done()) return error( "unexpected trailing text");
  if (require_offset && !has_offset) {
    return error(
                         "an instant needs an offset (\"Z\" or \"+hh:mm\")");
  }

  if (month < 1 || month > 12) {
    return error( absl::StrCat("month ", month, " out of range"));
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    return DateTimeError(
        text, absl::StrCat("day ", day, " out of range for the month"));
  }
  if (hour > 23 || minute > 59 || second > 60) {
    return error( "time of day out of range");
  }
  // CivilSecond normalizes second 60 into the next minute.
  const absl::CivilSecond cs(year, month, day, hour, minute, second);
  const absl::Duration fraction = absl::Nanoseconds(nanos);
  if (has_offset) {
    return absl::FromCivil(cs, absl::UTCTimeZone()) -
           absl::Seconds(offset_seconds) + fraction;
  }
  return absl::FromCivil(cs, tz) + fraction;
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
  Scanner in(text);
  int year, month, day;
  if (!in.ReadDigits(4, &year) || !in.ReadChar('-') ||
      !in.ReadDigits(2, &month) || !in.ReadChar('-') ||
      !in.ReadDigits(2, &day) || !in.done()) {
    return error("");
  }
  if (month < 1 || month > 12) {
    return error(absl::StrCat("month ", month, " out of range"));
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    return error(absl::StrCat("day ", day, " out of range for the month"));
  }
  return absl::CivilDay(year, month, day);
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
