#include "targeting/internal/semver.h"

#include <cstddef>

namespace allot::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsIdentifierChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c == '-';
}

bool IsNumeric(std::string_view id) {
  for (char c : id) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// Reads a numeric identifier (no leading zero unless it is "0") at s[*i].
// Inline, with the index in a local and the overflow from the multiply's
// and the add's carry: a visitor's version is parsed on the decision path.
inline bool ReadNumber(std::string_view s, size_t* i, uint64_t* out) {
  const size_t start = *i;
  size_t k = start;
  uint64_t v = 0;
  while (k < s.size()) {
    const unsigned d = static_cast<unsigned char>(s[k]) - unsigned{'0'};
    if (d > 9) break;
    if (__builtin_mul_overflow(v, uint64_t{10}, &v) ||
        __builtin_add_overflow(v, uint64_t{d}, &v)) {
      return false;  // overflow
    }
    ++k;
  }
  *i = k;
  const size_t len = k - start;
  if (len == 0 || (len > 1 && s[start] == '0')) return false;
  *out = v;
  return true;
}

// Checks a dot-separated identifier list; `strict_numeric` forbids leading
// zeros in numeric identifiers (prerelease rule, not build rule).
bool ValidIdentifiers(std::string_view s, bool strict_numeric) {
  if (s.empty()) return false;
  size_t begin = 0;
  while (true) {
    size_t end = s.find('.', begin);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view id = s.substr(begin, end - begin);
    if (id.empty()) return false;
    for (char c : id) {
      if (!IsIdentifierChar(c)) return false;
    }
    if (strict_numeric && id.size() > 1 && id[0] == '0' && IsNumeric(id)) {
      return false;
    }
    if (end == s.size()) return true;
    begin = end + 1;
  }
}

// Compares one prerelease identifier pair: numeric ones numerically and
// below alphanumeric ones, alphanumeric ones in ASCII order.
int CompareIdentifier(std::string_view a, std::string_view b) {
  const bool na = IsNumeric(a), nb = IsNumeric(b);
  if (na && nb) {
    // No leading zeros, so a longer number is a larger one.
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  } else if (na != nb) {
    return na ? -1 : 1;
  }
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

bool ParseSemVer(std::string_view text, SemVer* out) {
  std::string_view s = text;
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  SemVer v;
  size_t i = 0;
  if (!ReadNumber(s, &i, &v.major) || i >= s.size() || s[i++] != '.') {
    return false;
  }
  if (!ReadNumber(s, &i, &v.minor) || i >= s.size() || s[i++] != '.') {
    return false;
  }
  if (!ReadNumber(s, &i, &v.patch)) return false;
  std::string_view rest = s.substr(i);
  const size_t plus = rest.find('+');
  if (plus != std::string_view::npos) {
    if (!ValidIdentifiers(rest.substr(plus + 1), false)) return false;
    rest = rest.substr(0, plus);
  }
  if (!rest.empty()) {
    if (rest[0] != '-') return false;
    rest.remove_prefix(1);
    if (!ValidIdentifiers(rest, true)) return false;
    v.prerelease = rest;
  }
  *out = v;
  return true;
}

int CompareSemVer(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  // A version without prerelease ranks above any prerelease of it.
  if (a.prerelease.empty() || b.prerelease.empty()) {
    if (a.prerelease.empty() && b.prerelease.empty()) return 0;
    return a.prerelease.empty() ? 1 : -1;
  }
  std::string_view x = a.prerelease, y = b.prerelease;
  while (true) {
    const size_t dx = x.find('.'), dy = y.find('.');
    const int c = CompareIdentifier(x.substr(0, dx), y.substr(0, dy));
    if (c != 0) return c;
    const bool ex = dx == std::string_view::npos;
    const bool ey = dy == std::string_view::npos;
    if (ex || ey) return ex == ey ? 0 : (ex ? -1 : 1);
    x.remove_prefix(dx + 1);
    y.remove_prefix(dy + 1);
  }
}

}  // namespace allot::internal
