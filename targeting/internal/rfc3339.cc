#include "targeting/internal/rfc3339.h"

#include <cmath>
#include <cstdint>

namespace allot::internal {
namespace {

bool ReadDigits(std::string_view s, size_t* i, int count, int* out) {
  int v = 0;
  for (int k = 0; k < count; ++k, ++*i) {
    if (*i >= s.size() || s[*i] < '0' || s[*i] > '9') return false;
    v = v * 10 + (s[*i] - '0');
  }
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* i, char c) {
  if (*i >= s.size() || s[*i] != c) return false;
  ++*i;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

bool ParseRfc3339(std::string_view s, absl::Time* out) {
  size_t i = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(s, &i, 4, &year) || !Expect(s, &i, '-') ||
      !ReadDigits(s, &i, 2, &month) || !Expect(s, &i, '-') ||
      !ReadDigits(s, &i, 2, &day)) {
    return false;
  }
  if (i >= s.size() || (s[i] != 'T' && s[i] != 't' && s[i] != ' ')) {
    return false;
  }
  ++i;
  if (!ReadDigits(s, &i, 2, &hour) || !Expect(s, &i, ':') ||
      !ReadDigits(s, &i, 2, &minute) || !Expect(s, &i, ':') ||
      !ReadDigits(s, &i, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) ||
      hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (s[i] - '0');
      ++digits, ++i;
    }
    if (digits == 0) return false;
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int offset_minutes = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int oh, om;
    if (!ReadDigits(s, &i, 2, &oh) || !Expect(s, &i, ':') ||
        !ReadDigits(s, &i, 2, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return false;
  }
  if (i != s.size()) return false;
  const int64_t seconds = DaysFromCivil(year, month, day) * 86400 +
                          hour * 3600 + minute * 60 + second -
                          offset_minutes * 60;
  *out = absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
  return true;
}

bool TimeFromEpochSeconds(double seconds, absl::Time* out) {
  if (std::isnan(seconds)) return false;
  if (std::isinf(seconds)) {
    *out = seconds > 0 ? absl::InfiniteFuture() : absl::InfinitePast();
    return true;
  }
  *out = absl::UnixEpoch() + absl::Seconds(seconds);
  return true;
}

}  // namespace allot::internal
