#include "targeting/internal/js_semantics.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <system_error>

namespace allot::internal {
namespace {

// Length of the JS WhiteSpace or LineTerminator character that starts at
// s[i] (UTF-8), or 0.
size_t WhitespaceAt(std::string_view s, size_t i) {
  const auto b = [&](size_t k) {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  const unsigned c = b(0);
  if (c == 0x09 || c == 0x0A || c == 0x0B || c == 0x0C || c == 0x0D ||
      c == 0x20) {
    return 1;
  }
  if (c == 0xC2 && b(1) == 0xA0) return 2;                  // U+00A0
  if (c == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;  // U+1680
  if (c == 0xE2 && b(1) == 0x80) {
    const unsigned t = b(2);
    if ((t >= 0x80 && t <= 0x8A) || t == 0xA8 || t == 0xA9 || t == 0xAF) {
      return 3;  // U+2000..U+200A, U+2028, U+2029, U+202F
    }
  }
  if (c == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;  // U+3000
  if (c == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return 3;  // U+FEFF
  return 0;
}

std::string_view TrimJsWhitespace(std::string_view s) {
  size_t n;
  while (!s.empty() && (n = WhitespaceAt(s, 0)) != 0) s.remove_prefix(n);
  while (!s.empty()) {
    // A trailing white space character is 1, 2 or 3 bytes long.
    size_t cut = 0;
    for (size_t len = 1; len <= 3 && len <= s.size(); ++len) {
      if (WhitespaceAt(s, s.size() - len) == len) {
        cut = len;
        break;
      }
    }
    if (cut == 0) break;
    s.remove_suffix(cut);
  }
  return s;
}

int DigitValue(char c, int radix) {
  int v;
  if (c >= '0' && c <= '9') {
    v = c - '0';
  } else if (c >= 'a' && c <= 'z') {
    v = c - 'a' + 10;
  } else if (c >= 'A' && c <= 'Z') {
    v = c - 'A' + 10;
  } else {
    return -1;
  }
  return v < radix ? v : -1;
}

double ParseRadixLiteral(std::string_view digits, int radix) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (digits.empty()) return kNaN;
  double value = 0;
  for (char c : digits) {
    const int d = DigitValue(c, radix);
    if (d < 0) return kNaN;
    value = value * radix + d;
  }
  return value;
}

// Whether `s` is a StrUnsignedDecimalLiteral without "Infinity":
// digits [. digits] [e [+-] digits], with at least one mantissa digit.
bool IsUnsignedDecimal(std::string_view s) {
  size_t i = 0, mantissa_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mantissa_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

double ParseUnsignedDecimal(std::string_view s) {
  double value = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), value,
                                 std::chars_format::general);
  if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return value;
  // Out of range: let strtod decide between infinity and zero. Only absurd
  // inputs (thousands of digits) get here, so the copy does not matter.
  const std::string copy(s);
  return std::strtod(copy.c_str(), nullptr);
}

// Decodes the UTF-8 character at s[i]; returns false on malformed input.
bool DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) -> int {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : -1;
  };
  const int c = b(0);
  int len;
  uint32_t v;
  if (c < 0x80) {
    *cp = static_cast<uint32_t>(c);
    return c >= 0;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, v = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, v = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, v = c & 0x07;
  } else {
    return false;
  }
  for (int k = 1; k < len; ++k) {
    const int t = b(k);
    if (t < 0 || (t & 0xC0) != 0x80) return false;
    v = (v << 6) | (t & 0x3F);
  }
  *cp = v;
  return true;
}

// Sort key of a code point in UTF-16 order: its first code unit, then the
// code point itself (which orders the second surrogate correctly).
uint32_t FirstCodeUnit(uint32_t cp) {
  return cp >= 0x10000 ? 0xD800 + ((cp - 0x10000) >> 10) : cp;
}

}  // namespace

std::string_view JsNumberToString(double d, char (&buf)[kJsNumberBufferSize]) {
  if (std::isnan(d)) return "NaN";
  if (d == 0) return "0";  // also -0
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";

  // Shortest round-trip digits, in scientific form "d[.ddd]e±xx".
  char sci[kJsNumberBufferSize];
  const auto r = std::to_chars(sci, sci + sizeof(sci), std::fabs(d),
                               std::chars_format::scientific);
  char digits[20];
  int k = 0;
  const char* p = sci;
  for (; p < r.ptr && *p != 'e'; ++p) {
    if (*p != '.') digits[k++] = *p;
  }
  int exp = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), r.ptr, exp);
  const int n = exp + 1;  // value = 0.digits * 10^n

  size_t pos = 0;
  auto put = [&](char c) { buf[pos++] = c; };
  if (d < 0) put('-');
  if (k <= n && n <= 21) {
    for (int i = 0; i < k; ++i) put(digits[i]);
    for (int i = k; i < n; ++i) put('0');
  } else if (0 < n && n <= 21) {
    for (int i = 0; i < n; ++i) put(digits[i]);
    put('.');
    for (int i = n; i < k; ++i) put(digits[i]);
  } else if (-6 < n && n <= 0) {
    put('0');
    put('.');
    for (int i = 0; i < -n; ++i) put('0');
    for (int i = 0; i < k; ++i) put(digits[i]);
  } else {
    put(digits[0]);
    if (k > 1) {
      put('.');
      for (int i = 1; i < k; ++i) put(digits[i]);
    }
    put('e');
    put(n - 1 < 0 ? '-' : '+');
    const auto e = std::to_chars(buf + pos, buf + kJsNumberBufferSize,
                                 n - 1 < 0 ? 1 - n : n - 1);
    pos = static_cast<size_t>(e.ptr - buf);
  }
  return std::string_view(buf, pos);
}

double JsStringToNumber(std::string_view s) {
  s = TrimJsWhitespace(s);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {
    switch (s[1]) {
      case 'x':
      case 'X':
        return ParseRadixLiteral(s.substr(2), 16);
      case 'o':
      case 'O':
        return ParseRadixLiteral(s.substr(2), 8);
      case 'b':
      case 'B':
        return ParseRadixLiteral(s.substr(2), 2);
      default:
        break;
    }
  }
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  double value;
  if (s == "Infinity") {
    value = std::numeric_limits<double>::infinity();
  } else if (IsUnsignedDecimal(s)) {
    value = ParseUnsignedDecimal(s);
  } else {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return negative ? -value : value;
}

double JsToNumber(const AttributeValue& v) {
  switch (v.type) {
    case ValueType::kNumber:
      return v.number;
    case ValueType::kBool:
      return v.boolean ? 1 : 0;
    case ValueType::kString:
      return JsStringToNumber(v.string);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::string_view JsToString(const AttributeValue& v,
                            char (&buf)[kJsNumberBufferSize]) {
  switch (v.type) {
    case ValueType::kString:
      return v.string;
    case ValueType::kBool:
      return v.boolean ? "true" : "false";
    case ValueType::kNumber:
      return JsNumberToString(v.number, buf);
  }
  return {};
}

int CompareUtf16(std::string_view a, std::string_view b) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  if (i == n) {
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
  }
  // Both strings share bytes [0, i), so their differing characters start at
  // the same offset.
  while (i > 0 && (static_cast<unsigned char>(a[i]) & 0xC0) == 0x80) --i;
  uint32_t ca, cb;
  if (!DecodeUtf8(a, i, &ca) || !DecodeUtf8(b, i, &cb)) {
    // Malformed UTF-8: byte order is the best defined answer.
    return a.substr(i) < b.substr(i) ? -1 : 1;
  }
  const uint32_t ua = FirstCodeUnit(ca), ub = FirstCodeUnit(cb);
  if (ua != ub) return ua < ub ? -1 : 1;
  return ca == cb ? 0 : (ca < cb ? -1 : 1);
}

}  // namespace allot::internal
