// The simple-regex matcher against RE2, the engine whose answers it must
// give: on the shapes targeting uses, on random patterns of its subset (and
// some outside it), on random text.
#include "targeting/internal/simple_regex.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "re2/re2.h"

namespace allot::internal {
namespace {

using Result = SimpleRegex::Result;

bool Re2Search(const RE2& re, std::string_view text) {
  return re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                  RE2::UNANCHORED, nullptr, 0);
}

RE2::Options Options(bool case_sensitive) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_case_sensitive(case_sensitive);
  return o;
}

// Searches `text` with both matchers: the same answer, or kNotAscii on text
// outside ASCII only (RE2 then answers). Counts the answers compared and
// RE2's matches among them.
void ExpectAgreement(const SimpleRegex& simple, const RE2& re,
                     const std::string& pattern, bool case_sensitive,
                     const std::string& text, int* compared, int* matched) {
  const Result r = simple.Search(text);
  const bool re2 = Re2Search(re, text);
  if (r == Result::kNotAscii) {
    EXPECT_NE(text.find_first_of("\xc3\xa9\xff"), std::string::npos)
        << "/" << pattern << "/ on \"" << text << "\"";
    return;
  }
  ++*compared;
  *matched += re2;
  EXPECT_EQ(r == Result::kMatch, re2)
      << "/" << pattern << "/" << (case_sensitive ? "" : "i") << " on \""
      << text << "\"";
}

TEST(SimpleRegex, CompilesTheShapesTargetingUses) {
  for (const char* pattern :
       {"^[a-z0-9.+-]+@acme\\.com$", "Chrome/\\d+", "^Mozilla/5\\.0 .*Safari",
        "(?i)^iphone", "colou?r", "^\\w{3,8}$", "", "^$", "[^@]+@[^@]+",
        "\\.(gif|jpg)", "a|b", "^a|b$", "a|", "(?:^iOS)|(?:^Android)",
        "(?:(?i)chrome)|(?:firefox)", "[|]|\\|"}) {
    const RE2 re(pattern, Options(true));
    ASSERT_TRUE(re.ok()) << pattern;
    const bool expected = std::string_view(pattern) != "\\.(gif|jpg)";
    EXPECT_EQ(SimpleRegex::Compile(pattern, true).has_value(), expected)
        << pattern;
  }
  EXPECT_EQ(
      SimpleRegex::Compile("^[a-z0-9.+-]+@acme\\.com$", true)->positions(), 10);
  EXPECT_EQ(SimpleRegex::Compile("a{2,5}b?", true)->positions(), 6);
  EXPECT_EQ(SimpleRegex::Compile("(?:^iOS)|(?:^Android)", true)->alternatives(),
            2u);
  EXPECT_EQ(SimpleRegex::Compile("[|]|\\|", true)->alternatives(), 2u);
}

TEST(SimpleRegex, DeclinesWhatItDoesNotModel) {
  for (const char* pattern :
       {"(?i)a|b",    "(?:a)b",   "(?:(a))",
        "(?:a(?i)b)", "a|(b)",    "(?:a|b)",
        "[]a|]",      "(ab)+",    "(?:ab)+",
        "a|@\\Q\\",   "\\bword",  "[[:alpha:]]",
        "\\pL",       "[]a]",     "(?s)a.b",
        "(?m)^a",     "\xc3\xa9", "\\x41",
        "\\Qa.b\\E",  "a^b",      "a$b",
        "\\Aa",       "a\\z",     "\\C",
        "a{64}",      "a{01}",    "[a-c]{20}[d-f]{20}[g-i]{24}"}) {
    const RE2 re(pattern, Options(true));
    ASSERT_TRUE(re.ok()) << pattern << ": " << re.error();
    EXPECT_FALSE(SimpleRegex::Compile(pattern, true).has_value()) << pattern;
  }
}

TEST(SimpleRegex, AnswersTheW2PatternLikeRe2) {
  const std::string pattern = "^[a-z0-9.+-]+@acme\\.com$";
  const RE2 re(pattern, Options(true));
  const auto simple = SimpleRegex::Compile(pattern, true);
  ASSERT_TRUE(simple.has_value());
  for (const char* text :
       {"visitor-1@acme.com", "visitor-1@example.org", "Visitor@acme.com",
        "a@acme.com.evil", "@acme.com", "x@acmeXcom", "a.b+c-d@acme.com",
        "a@acme.com\n", ""}) {
    EXPECT_EQ(simple->Search(text) == Result::kMatch, Re2Search(re, text))
        << text;
  }
}

// A pattern anchored at the end keeps its literal ending apart (compared as
// bytes; the rest scanned, or a run of one class tested byte by byte).
TEST(SimpleRegex, FindsTheLiteralSuffix) {
  struct Case {
    const char* pattern;
    bool case_sensitive;
    size_t suffix;
  };
  for (const Case& c : std::vector<Case>{
           {"^[a-z0-9.+-]+@acme\\.com$", true, 9},
           {"@acme\\.com$", true, 9},
           {"ab?c$", true, 1},
           {"a{2}$", true, 2},
           {"(?i)x@1$", true, 2},       // @ and 1 have no other case
           {"@acme\\.com$", false, 0},  // m has two cases
           {"a+$", true, 0},
           {"ab*$", true, 0},
           {"ab?$", true, 0},
           {"a.$", true, 0},
           {"abc", true, 0},  // not anchored at the end
       }) {
    const auto simple = SimpleRegex::Compile(c.pattern, c.case_sensitive);
    ASSERT_TRUE(simple.has_value()) << c.pattern;
    EXPECT_EQ(simple->suffix_length(), c.suffix) << c.pattern;
  }
}

// Patterns of items then a literal ending and "$", on text that often ends
// with that literal (so that the suffix test passes and the rest decides):
// every answer is RE2's.
TEST(SimpleRegex, SuffixPatternsAgreeWithRe2) {
  std::mt19937 rng(20261204);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::vector<std::string> items = {
      "[a-z0-9.+-]+", "[^@]+", "\\w+",   "a", "b?", "[ab]*", ".",
      "x{1,3}",       "\\d",   "[a-c]+", "-", ".*", "a+",    "\\s?"};
  const std::vector<std::string> literals = {"@", "a", "x",     ".",   "1",
                                             "-", "b", "@acme", "com", "\\."};
  const std::string text_chars = "abcx01-.@ \n";
  int compared = 0, matched = 0, fast = 0, class_runs = 0;
  for (int n = 0; n < 2000; ++n) {
    std::string pattern = pick(2) ? "^" : "";
    for (int m = pick(3); m > 0; --m) pattern += items[pick(items.size())];
    std::string literal;
    std::string literal_text;
    for (int m = 1 + pick(3); m > 0; --m) {
      const std::string& l = literals[pick(literals.size())];
      literal += l;
      literal_text += l == "\\." ? "." : l;
    }
    pattern += literal + "$";
    const bool case_sensitive = pick(5) != 0;
    const RE2 re(pattern, Options(case_sensitive));
    ASSERT_TRUE(re.ok()) << pattern;
    const auto simple = SimpleRegex::Compile(pattern, case_sensitive);
    if (!simple.has_value()) continue;
    fast += simple->suffix_length() > 0;
    class_runs +=
        pattern.rfind("^[", 0) == 0 && pattern.find("]+") != std::string::npos;
    for (int t = 0; t < 40; ++t) {
      std::string text;
      for (int len = pick(8); len > 0; --len) {
        text += text_chars[pick(text_chars.size())];
      }
      if (pick(4) != 0) text += literal_text;
      if (pick(20) == 0) {
        text.insert(pick(text.size() + 1), pick(2) ? "\xc3\xa9" : "\xff");
      }
      ExpectAgreement(*simple, re, pattern, case_sensitive, text, &compared,
                      &matched);
      if (HasFailure()) return;
    }
  }
  EXPECT_GT(fast, 1000);
  EXPECT_GT(class_runs, 50);
  EXPECT_GT(matched, compared / 5);
  EXPECT_LT(matched, compared * 4 / 5);
}

// A run of one class before a literal ending ("^[a-z0-9.+-]+@acme\\.com$"),
// on text long enough for the run to be tested 16 bytes at a time: heads of
// 0 to 40 bytes, in the class or with one byte outside it (ASCII or not) at
// any place, classes of one to many ranges (past six, byte by byte). Every
// answer is RE2's.
TEST(SimpleRegex, LongClassRunsAgreeWithRe2) {
  std::mt19937 rng(20261205);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::vector<std::string> classes = {
      "[a-z0-9.+-]", "[^@]",    "\\w",  "[a-z0-9._%+-]", "[A-Za-z]",
      "\\d",        "[ -~]",   "[xyz]", "[acegikmoqsuwy]", "[^a-z]",
      "[0-9a-f]",    "[-.+]"};
  const std::vector<std::string> endings = {"@acme\\.com", "!", "@@", "z"};
  int compared = 0, matched = 0, long_runs = 0;
  for (const std::string& cls : classes) {
    for (const bool case_sensitive : {true, false}) {
      for (const std::string& ending : endings) {
        const std::string pattern = "^" + cls + "+" + ending + "$";
        const RE2 re(pattern, Options(case_sensitive));
        ASSERT_TRUE(re.ok()) << pattern;
        const auto simple = SimpleRegex::Compile(pattern, case_sensitive);
        if (!simple.has_value()) continue;
        // The printable bytes and the newline that the class takes.
        const RE2 one("^" + cls + "$", Options(case_sensitive));
        std::string members;
        for (int c = 1; c < 128; ++c) {
          const std::string b(1, static_cast<char>(c));
          if (RE2::FullMatch(b, one)) members += b;
        }
        ASSERT_FALSE(members.empty()) << cls;
        std::string literal = ending;
        literal.erase(std::remove(literal.begin(), literal.end(), '\\'),
                      literal.end());
        for (int t = 0; t < 120; ++t) {
          const int length = pick(41);
          std::string text;
          for (int k = 0; k < length; ++k) {
            text += members[pick(members.size())];
          }
          if (length > 0 && pick(2) == 0) {
            // One byte anywhere: any ASCII byte but NUL, or outside ASCII.
            const int at = pick(length);
            switch (pick(3)) {
              case 0:
                text[at] = static_cast<char>(1 + pick(127));
                break;
              case 1:
                text.replace(at, 1, "\xc3\xa9");
                break;
              default:
                text[at] = '\xff';
            }
          }
          if (pick(8) != 0) text += literal;
          long_runs += text.size() >= 16;
          ExpectAgreement(*simple, re, pattern, case_sensitive, text,
                          &compared, &matched);
          if (HasFailure()) return;
        }
      }
    }
  }
  EXPECT_GT(long_runs, 4000);
  EXPECT_GT(matched, compared / 4);
  EXPECT_LT(matched, compared * 3 / 4);
}

// RE2 matches UTF-8 characters, this matcher bytes: on text outside ASCII
// it says so, and RE2 answers.
TEST(SimpleRegex, LeavesTextOutsideAsciiToRe2) {
  const auto simple = SimpleRegex::Compile("^a.b$", true);
  ASSERT_TRUE(simple.has_value());
  EXPECT_EQ(simple->Search("a\xc3\xa9"
                           "b"),
            Result::kNotAscii);
  EXPECT_TRUE(Re2Search(RE2("^a.b$"),
                        "a\xc3\xa9"
                        "b"));
  EXPECT_EQ(simple->Search("axb"), Result::kMatch);
  // A match found before the first such byte stands; so does a prefix that
  // already failed an anchored pattern.
  EXPECT_EQ(SimpleRegex::Compile("ab", true)->Search("xab\xff"),
            Result::kMatch);
  EXPECT_EQ(simple->Search("zz\xff"), Result::kNoMatch);
}

// Random patterns of the subset (and a few outside it) on random text: every
// answer the matcher gives is RE2's.
TEST(SimpleRegex, AgreesWithRe2OnRandomPatternsAndText) {
  std::mt19937 rng(20261203);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  auto chance = [&](int percent) { return pick(100) < percent; };
  const std::vector<std::string> class_members = {
      "a",   "b",   "A",   "B",   "0",   "1",   "-",   "_",
      " ",   "@",   "a-c", "A-C", "0-9", "\\d", "\\w", "\\s",
      "\\D", "\\W", "\\S", "\\.", "\\]", "\\n", "."};
  const std::vector<std::string> atoms = {
      "a",   "b",   "A",   "B",   "1",   "-",   "@",   " ",
      "x",   ".",   "\\.", "\\d", "\\w", "\\s", "\\D", "\\W",
      "\\S", "\\-", "\\n", "\\t", "\\v", "\\f", "_"};
  const std::vector<std::string> outside = {"|",     "(a)",         "\\b",
                                            "(?:b)", "[[:digit:]]", "\\pN"};
  const std::string text_chars = "abAB01-_ @.x\n\t\v\f\r";
  int valid = 0, compiled = 0, compared = 0, matched = 0, alternations = 0;
  std::string previous;
  for (int n = 0; n < 3000; ++n) {
    std::string pattern;
    if (chance(10)) pattern += "(?i)";
    if (chance(30)) pattern += "^";
    const bool inject = chance(10);
    for (int items = pick(7); items > 0; --items) {
      if (inject && chance(30)) pattern += outside[pick(outside.size())];
      if (chance(25)) {
        std::string cls = chance(30) ? "[^" : "[";
        for (int m = 1 + pick(3); m > 0; --m) {
          cls += class_members[pick(class_members.size())];
        }
        if (chance(15)) cls += "-";
        pattern += cls + "]";
      } else {
        pattern += atoms[pick(atoms.size())];
      }
      switch (pick(10)) {
        case 0:
          pattern += "?";
          break;
        case 1:
          pattern += "*";
          break;
        case 2:
          pattern += "+";
          break;
        case 3:
          pattern += "{" + std::to_string(pick(3)) + "}";
          break;
        case 4:
          pattern += "{" + std::to_string(pick(3)) + ",}";
          break;
        case 5: {
          const int lo = pick(3);
          pattern += "{" + std::to_string(lo) + "," +
                     std::to_string(lo + pick(3)) + "}";
          break;
        }
        default:
          break;
      }
      if (chance(5)) pattern += "?";
    }
    if (chance(30)) pattern += "$";
    // Sometimes an alternation of it and another (as a list of patterns
    // becomes, each wrapped in a group, or bare).
    if (!previous.empty() && chance(20)) {
      pattern = chance(50) ? "(?:" + previous + ")|(?:" + pattern + ")"
                           : previous + "|" + pattern;
    }
    previous = pattern.size() < 40 ? pattern : "";
    const bool case_sensitive = !chance(15);
    const RE2 re(pattern, Options(case_sensitive));
    if (!re.ok()) continue;
    ++valid;
    const auto simple = SimpleRegex::Compile(pattern, case_sensitive);
    if (!simple.has_value()) continue;
    ++compiled;
    alternations += simple->alternatives() > 1;
    for (int t = 0; t < 60; ++t) {
      std::string text;
      for (int len = pick(12); len > 0; --len) {
        text += text_chars[pick(text_chars.size())];
      }
      if (chance(5))
        text.insert(pick(text.size() + 1), chance(50) ? "\xc3\xa9" : "\xff");
      ExpectAgreement(*simple, re, pattern, case_sensitive, text, &compared,
                      &matched);
      if (HasFailure()) return;
    }
  }
  // The comparison means something: most valid patterns are of the subset,
  // and both answers are common.
  EXPECT_GT(valid, 2000);
  EXPECT_GT(compiled, valid * 7 / 10);
  EXPECT_GT(alternations, 200);
  EXPECT_GT(matched, compared / 10);
  EXPECT_LT(matched, compared * 9 / 10);
}

}  // namespace
}  // namespace allot::internal
