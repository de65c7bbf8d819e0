#include "targeting/internal/js_semantics.h"

#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace allot::internal {
namespace {

std::string Js(double d) {
  char buf[kJsNumberBufferSize];
  return std::string(JsNumberToString(d, buf));
}

TEST(JsNumberToString, MatchesNumberPrototypeToString) {
  EXPECT_EQ(Js(5), "5");
  EXPECT_EQ(Js(5.5), "5.5");
  EXPECT_EQ(Js(-5.5), "-5.5");
  EXPECT_EQ(Js(0), "0");
  EXPECT_EQ(Js(-0.0), "0");
  EXPECT_EQ(Js(75001), "75001");
  EXPECT_EQ(Js(0.1), "0.1");
  EXPECT_EQ(Js(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(Js(1e21), "1e+21");
  EXPECT_EQ(Js(1e20), "100000000000000000000");
  EXPECT_EQ(Js(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(Js(1.5e21), "1.5e+21");
  EXPECT_EQ(Js(0.000001), "0.000001");
  EXPECT_EQ(Js(0.0000015), "0.0000015");
  EXPECT_EQ(Js(1e-7), "1e-7");
  EXPECT_EQ(Js(1.25e-7), "1.25e-7");
  EXPECT_EQ(Js(-1e-7), "-1e-7");
  EXPECT_EQ(Js(5e-324), "5e-324");
  EXPECT_EQ(Js(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(Js(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(Js(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(Js(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(Js(9007199254740993.0), "9007199254740992");
}

TEST(JsStringToNumber, FollowsStringToNumberGrammar) {
  EXPECT_EQ(JsStringToNumber(""), 0);
  EXPECT_EQ(JsStringToNumber("   "), 0);
  EXPECT_EQ(JsStringToNumber("42"), 42);
  EXPECT_EQ(JsStringToNumber(" \t\n42\r\n"), 42);
  EXPECT_EQ(JsStringToNumber("\xE3\x80\x80"
                             "42\xEF\xBB\xBF"),
            42);
  EXPECT_EQ(JsStringToNumber("+1.5"), 1.5);
  EXPECT_EQ(JsStringToNumber("-1.5e3"), -1500);
  EXPECT_EQ(JsStringToNumber(".5"), 0.5);
  EXPECT_EQ(JsStringToNumber("5."), 5);
  EXPECT_EQ(JsStringToNumber("1E2"), 100);
  EXPECT_EQ(JsStringToNumber("0x10"), 16);
  EXPECT_EQ(JsStringToNumber("0XfF"), 255);
  EXPECT_EQ(JsStringToNumber("0o17"), 15);
  EXPECT_EQ(JsStringToNumber("0b101"), 5);
  EXPECT_EQ(JsStringToNumber("007"), 7);
  EXPECT_EQ(JsStringToNumber("Infinity"),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(JsStringToNumber("-Infinity"),
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ(JsStringToNumber("1e400"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(JsStringToNumber("1e-400"), 0);
  for (const char* nan :
       {"abc", "0x", "-0x10", "+0b1", "1e", ".", "e5", "1_000", "inf", "nan",
        "Infinityx", "12px", "0x1g", "1 2", "--1"}) {
    EXPECT_TRUE(std::isnan(JsStringToNumber(nan))) << nan;
  }
}

TEST(CompareUtf16, OrdersByUtf16CodeUnits) {
  EXPECT_LT(CompareUtf16("10", "9"), 0);
  EXPECT_LT(CompareUtf16("Z", "a"), 0);
  EXPECT_LT(CompareUtf16("ab", "abc"), 0);
  EXPECT_EQ(CompareUtf16("é", "é"), 0);
  EXPECT_LT(CompareUtf16("e", "é"), 0);
  // U+1F600 is D83D DE00 in UTF-16, below U+FFFF; code point order differs.
  EXPECT_LT(CompareUtf16("\xF0\x9F\x98\x80", "\xEF\xBF\xBF"), 0);
  EXPECT_GT(CompareUtf16("\xEE\x80\x80", "\xF0\x90\x80\x80"), 0);
  EXPECT_LT(CompareUtf16("\xF0\x90\x80\x80", "\xF0\x90\x80\x81"), 0);
  EXPECT_LT(CompareUtf16("\xED\x9F\xBF", "\xF0\x90\x80\x80"), 0);
}

}  // namespace
}  // namespace allot::internal
