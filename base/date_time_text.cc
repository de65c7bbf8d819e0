#include "base/date_time_text.h"

namespace allot::base {
namespace {

// A cursor over the text; every Read* consumes only on success.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool done() const { return pos_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }

  bool ReadChar(char c) {
    if (done() || s_[pos_] != c) return false;
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

  // One to nine digits of a fraction of a second, in nanoseconds.
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

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

DateTimeTextError CheckDate(const DateTimeText& t) {
  if (t.month < 1 || t.month > 12) return DateTimeTextError::kMonthRange;
  if (t.day < 1 || t.day > DaysInMonth(t.year, t.month)) {
    return DateTimeTextError::kDayRange;
  }
  return DateTimeTextError::kNone;
}

}  // namespace

DateTimeTextError ReadDateTimeText(std::string_view text, bool require_offset,
                                   DateTimeText* out) {
  using E = DateTimeTextError;
  Scanner in(text);
  DateTimeText t;
  if (!in.ReadDigits(4, &t.year) || !in.ReadChar('-') ||
      !in.ReadDigits(2, &t.month) || !in.ReadChar('-') ||
      !in.ReadDigits(2, &t.day)) {
    return E::kSyntax;
  }
  if (!(in.ReadChar('T') || in.ReadChar('t') || in.ReadChar(' ')) ||
      !in.ReadDigits(2, &t.hour) || !in.ReadChar(':') ||
      !in.ReadDigits(2, &t.minute)) {
    return E::kSyntax;
  }
  if (in.ReadChar(':')) {
    if (!in.ReadDigits(2, &t.second)) return E::kSyntax;
    if ((in.ReadChar('.') || in.ReadChar(',')) && !in.ReadFraction(&t.nanos)) {
      return E::kFraction;
    }
  }
  if (in.ReadChar('Z') || in.ReadChar('z')) {
    t.has_offset = true;
  } else if (in.peek() == '+' || in.peek() == '-') {
    const int sign = in.peek() == '-' ? -1 : 1;
    in.ReadChar(in.peek());
    int oh, om;
    if (!in.ReadDigits(2, &oh) || !in.ReadChar(':') || !in.ReadDigits(2, &om)) {
      return E::kSyntax;
    }
    if (oh > 23 || om > 59) return E::kOffsetRange;
    t.has_offset = true;
    t.offset_seconds = sign * (oh * 3600 + om * 60);
  }
  if (!in.done()) return E::kTrailing;
  if (require_offset && !t.has_offset) return E::kNoOffset;
  *out = t;
  if (const E e = CheckDate(t); e != E::kNone) return e;
  if (t.hour > 23 || t.minute > 59 || t.second > 60) return E::kTimeRange;
  return E::kNone;
}

DateTimeTextError ReadDateText(std::string_view text, DateTimeText* out) {
  Scanner in(text);
  DateTimeText t;
  if (!in.ReadDigits(4, &t.year) || !in.ReadChar('-') ||
      !in.ReadDigits(2, &t.month) || !in.ReadChar('-') ||
      !in.ReadDigits(2, &t.day) || !in.done()) {
    return DateTimeTextError::kSyntax;
  }
  *out = t;
  return CheckDate(t);
}

const char* DescribeDateTimeTextError(DateTimeTextError error) {
  switch (error) {
    case DateTimeTextError::kNone:
    case DateTimeTextError::kSyntax:
      return "";
    case DateTimeTextError::kFraction:
      return "a fraction of a second has 1 to 9 digits";
    case DateTimeTextError::kOffsetRange:
      return "offset out of range";
    case DateTimeTextError::kTrailing:
      return "unexpected trailing text";
    case DateTimeTextError::kNoOffset:
      return "an instant needs an offset (\"Z\" or \"+hh:mm\")";
    case DateTimeTextError::kMonthRange:
      return "month out of range";
    case DateTimeTextError::kDayRange:
      return "day out of range for the month";
    case DateTimeTextError::kTimeRange:
      return "time of day out of range";
  }
  return "";
}

absl::Time InstantInUtc(const DateTimeText& t) {
  const int64_t seconds = DaysFromCivil(t.year, t.month, t.day) * 86400 +
                          t.hour * 3600 + t.minute * 60 + t.second -
                          t.offset_seconds;
  return absl::FromUnixSeconds(seconds) + absl::Nanoseconds(t.nanos);
}

bool ParseRfc3339Instant(std::string_view text, absl::Time* out) {
  DateTimeText t;
  if (ReadDateTimeText(text, /*require_offset=*/true, &t) !=
      DateTimeTextError::kNone) {
    return false;
  }
  *out = InstantInUtc(t);
  return true;
}

}  // namespace allot::base
