// File: targeting/internal/js_semantics.h
//
// The few pieces of JavaScript's value semantics that Flagship's targeting
// depends on: Number.prototype.toString, StringToNumber, ToNumber of an
// attribute, and the UTF-16 code-unit order of strings (JS `<` on strings).
// None of them allocates.
#ifndef ALLOT_TARGETING_INTERNAL_JS_SEMANTICS_H_
#define ALLOT_TARGETING_INTERNAL_JS_SEMANTICS_H_

#include <cstddef>
#include <string_view>

#include "targeting/attribute_value.h"

namespace allot::internal {

// Large enough for any JS rendering of a double ("-1.2345678901234567e-308").
inline constexpr size_t kJsNumberBufferSize = 32;

// Writes JavaScript's `String(d)` into `buf` and returns a view of it:
// 5 -> "5", 5.5 -> "5.5", 1e21 -> "1e+21", 1e-7 -> "1e-7", -0 -> "0",
// NaN -> "NaN", Infinity -> "Infinity".
std::string_view JsNumberToString(double d, char (&buf)[kJsNumberBufferSize]);

// JavaScript's StringToNumber on UTF-8 text: trims JS white space and line
// terminators; "" -> 0; decimal literals with optional sign, fraction and
// exponent; "Infinity" with optional sign; unsigned 0x / 0o / 0b literals;
// anything else -> NaN.
double JsStringToNumber(std::string_view s);

// JavaScript's ToNumber of an attribute value (bool -> 0/1).
double JsToNumber(const AttributeValue& v);

// The JavaScript string form of `v` (strings unchanged, bools "true"/"false",
// numbers as JsNumberToString). The view may point into `buf`.
std::string_view JsToString(const AttributeValue& v,
                            char (&buf)[kJsNumberBufferSize]);

// Three-way comparison of two UTF-8 strings in the order of their UTF-16
// code units, as JavaScript compares strings (< 0, 0, > 0). Differs from
// byte order only between U+E000..U+FFFF and supplementary characters,
// which UTF-16 places below them (surrogates are 0xD800..0xDFFF).
int CompareUtf16(std::string_view a, std::string_view b);

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_JS_SEMANTICS_H_
