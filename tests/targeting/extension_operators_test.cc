// allot's extension operators: regex, semver, sets, dates, ignore_case.
#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "re2/re2.h"
#include "targeting/attributes.h"
#include "targeting_test_util.h"

namespace allot {
namespace {

using testing::B;
using testing::CreateError;
using testing::Eval;
using ::testing::HasSubstr;
using testing::kPath;
using testing::L;
using testing::N;
using testing::S;
using ::testing::StartsWith;
using testing::T;

template <typename V>
Attributes With(V v) {
  Attributes a;
  a.Set("a", v);
  return a;
}

// MATCHES_REGEX is RE2's partial match: the same answer as
// RE2::PartialMatch for anchored, unanchored, empty-matching and
// end-anchored patterns, on empty, short and long values, in ASCII (which
// the simple patterns answer without RE2) or not.
TEST(RegexOperators, AnswerLikeRe2PartialMatch) {
  const char* patterns[] = {"acme",     "^acme", "acme$",
                            "^$",       "a*",    "^[a-z0-9.+-]+@acme\\.com$",
                            "(?i)ACME", "c.m",   "^v[0-9]+\\.[0-9]+$"};
  const char* values[] = {"", "acme", "x@acme.com", "acme.com", "ACME",
                          "visitor-7@acme.com", "v1.20", "v1.2.3",
                          "visitor-7@example.org",
                          // Outside ASCII (UTF-8, then not UTF-8): RE2's
                          // answer, not a byte matcher's.
                          "c\xc3\xa9m", "\xc3\xa9@acme.com", "c\xffm"};
  for (const char* p : patterns) {
    const RE2 re(p);
    ASSERT_TRUE(re.ok()) << p;
    for (const char* v : values) {
      EXPECT_EQ(Eval(T("a", "MATCHES_REGEX", S(p)), With(v)),
                RE2::PartialMatch(v, re))
          << p << " on " << v;
      EXPECT_EQ(Eval(T("a", "NOT_MATCHES_REGEX", S(p)), With(v)),
                !RE2::PartialMatch(v, re))
          << p << " on " << v;
    }
  }
}

TEST(RegexOperators, MatchesAnywhereInTheString) {
  EXPECT_TRUE(Eval(T("a", "MATCHES_REGEX", S("Chrome/1[0-9]{2}")),
                   With("Mozilla/5.0 Chrome/120.0 Safari")));
  EXPECT_FALSE(Eval(T("a", "MATCHES_REGEX", S("^Chrome")),
                    With("Mozilla/5.0 Chrome/120.0")));
  EXPECT_TRUE(
      Eval(T("a", "MATCHES_REGEX", S("^Moz.*0$")), With("Mozilla/5.0")));
  EXPECT_TRUE(Eval(T("a", "NOT_MATCHES_REGEX", S("Firefox")),
                   With("Mozilla/5.0 Chrome/120.0")));
  EXPECT_FALSE(Eval(T("a", "NOT_MATCHES_REGEX", S("Chrome")),
                    With("Mozilla/5.0 Chrome/120.0")));
}

TEST(RegexOperators, ListMeansAnyPattern) {
  const auto t = T("a", "MATCHES_REGEX", L({S("^iOS"), S("^Android")}));
  EXPECT_TRUE(Eval(t, With("Android 14")));
  EXPECT_TRUE(Eval(t, With("iOS 17")));
  EXPECT_FALSE(Eval(t, With("Windows")));
  const auto n = T("a", "NOT_MATCHES_REGEX", L({S("^iOS"), S("^Android")}));
  EXPECT_FALSE(Eval(n, With("Android 14")));
  EXPECT_TRUE(Eval(n, With("Windows")));
}

TEST(RegexOperators, NonStringOrMissingAttribute) {
  // Only strings can match. A present non-string does not match, so
  // NOT_MATCHES_REGEX holds; a missing attribute makes both false.
  EXPECT_FALSE(Eval(T("a", "MATCHES_REGEX", S("1")), With(1.0)));
  EXPECT_TRUE(Eval(T("a", "NOT_MATCHES_REGEX", S("1")), With(1.0)));
  EXPECT_TRUE(Eval(T("a", "NOT_MATCHES_REGEX", S("true")), With(true)));
  EXPECT_FALSE(Eval(T("a", "MATCHES_REGEX", S(".*")), Attributes()));
  EXPECT_FALSE(Eval(T("a", "NOT_MATCHES_REGEX", S("x")), Attributes()));
}

TEST(RegexOperators, IgnoreCase) {
  EXPECT_TRUE(
      Eval(T("a", "MATCHES_REGEX", S("chrome"), true), With("CHROME 1")));
  EXPECT_FALSE(Eval(T("a", "MATCHES_REGEX", S("chrome")), With("CHROME 1")));
}

TEST(RegexOperators, BadPatternIsAnErrorAtTheValuePath) {
  const absl::Status s = CreateError(T("a", "MATCHES_REGEX", S("a(b")));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              StartsWith(std::string(kPath) +
                         ".value: invalid regular expression: missing )"));
  const absl::Status l =
      CreateError(T("a", "MATCHES_REGEX", L({S("ok"), S("[z-a]")})));
  EXPECT_THAT(std::string(l.message()),
              StartsWith(std::string(kPath) +
                         ".value[1]: invalid regular expression: "));
}

TEST(RegexOperators, PatternOverMemoryBudgetIsAnError) {
  TargetingOptions options;
  options.regex_max_mem = 1 << 10;
  const auto s = CompiledTargetingSet::Create(
      {testing::Tree({T("a", "MATCHES_REGEX", S("((a{100}){100}){100}"))})},
      options);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()),
              StartsWith(std::string(kPath) + ".value: "));
}

TEST(SemverOperators, ComparesByPrecedence) {
  EXPECT_TRUE(Eval(T("a", "SEMVER_LOWER_THAN", S("1.0.0-alpha.1")),
                   With("1.0.0-alpha")));
  EXPECT_TRUE(Eval(T("a", "SEMVER_LOWER_THAN", S("1.0.0-beta")),
                   With("1.0.0-alpha.1")));
  EXPECT_TRUE(
      Eval(T("a", "SEMVER_LOWER_THAN", S("1.0.0")), With("1.0.0-beta")));
  EXPECT_TRUE(Eval(T("a", "SEMVER_GREATER_THAN", S("1.9.0")), With("1.10.0")));
  EXPECT_FALSE(Eval(T("a", "SEMVER_GREATER_THAN", S("1.10.0")), With("1.9.0")));
  EXPECT_TRUE(Eval(T("a", "SEMVER_EQUALS", S("v2.1.0")), With("2.1.0+b7")));
  EXPECT_TRUE(Eval(T("a", "SEMVER_EQUALS", S("2.1.0")), With("v2.1.0")));
  EXPECT_TRUE(
      Eval(T("a", "SEMVER_GREATER_THAN_OR_EQUALS", S("2.1.0")), With("2.1.0")));
  EXPECT_TRUE(
      Eval(T("a", "SEMVER_LOWER_THAN_OR_EQUALS", S("2.1.0")), With("2.0.9")));
  EXPECT_TRUE(Eval(T("a", "SEMVER_NOT_EQUALS", S("2.1.0")), With("2.1.1")));
  EXPECT_FALSE(Eval(T("a", "SEMVER_NOT_EQUALS", S("2.1.0")), With("2.1.0")));
}

TEST(SemverOperators, ListsAndUnparseableContext) {
  EXPECT_TRUE(Eval(T("a", "SEMVER_EQUALS", L({S("1.0.0"), S("2.0.0")})),
                   With("2.0.0")));
  EXPECT_FALSE(Eval(T("a", "SEMVER_NOT_EQUALS", L({S("1.0.0"), S("2.0.0")})),
                    With("2.0.0")));
  EXPECT_TRUE(Eval(T("a", "SEMVER_NOT_EQUALS", L({S("1.0.0"), S("2.0.0")})),
                   With("3.0.0")));
  // A context value that is not a version: false, whatever the operator.
  for (const char* op : {"SEMVER_EQUALS", "SEMVER_NOT_EQUALS",
                         "SEMVER_GREATER_THAN", "SEMVER_LOWER_THAN"}) {
    EXPECT_FALSE(Eval(T("a", op, S("1.0.0")), With("latest"))) << op;
    EXPECT_FALSE(Eval(T("a", op, S("1.0.0")), With(1.0))) << op;
    EXPECT_FALSE(Eval(T("a", op, S("1.0.0")), Attributes())) << op;
  }
}

TEST(SemverOperators, BadVersionIsAnErrorAtTheValuePath) {
  const absl::Status s = CreateError(T("a", "SEMVER_EQUALS", S("1.2")));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              StartsWith(std::string(kPath) +
                         ".value: invalid semantic version \"1.2\""));
  const absl::Status l =
      CreateError(T("a", "SEMVER_EQUALS", L({S("1.2.3"), S("01.2.3")})));
  EXPECT_THAT(std::string(l.message()),
              StartsWith(std::string(kPath) + ".value[1]: invalid semantic"));
  const absl::Status n = CreateError(T("a", "SEMVER_EQUALS", N(1)));
  EXPECT_THAT(std::string(n.message()),
              StartsWith(std::string(kPath) + ".value: got a number"));
}

TEST(SetOperators, MembershipIsStrictByType) {
  const auto in = T("a", "IN", L({S("FR"), S("DE"), N(42), B(true)}));
  EXPECT_TRUE(Eval(in, With("FR")));
  EXPECT_FALSE(Eval(in, With("fr")));
  EXPECT_FALSE(Eval(in, With("IT")));
  EXPECT_TRUE(Eval(in, With(42)));
  EXPECT_TRUE(Eval(in, With(42.0)));
  EXPECT_FALSE(Eval(in, With("42")));
  EXPECT_TRUE(Eval(in, With(true)));
  EXPECT_FALSE(Eval(in, With(false)));
  EXPECT_FALSE(Eval(in, Attributes()));
  const auto not_in = T("a", "NOT_IN", L({S("FR"), S("DE")}));
  EXPECT_FALSE(Eval(not_in, With("FR")));
  EXPECT_TRUE(Eval(not_in, With("IT")));
  EXPECT_TRUE(Eval(not_in, Attributes()));
  EXPECT_FALSE(Eval(T("a", "IN", L({})), With("x")));
  EXPECT_TRUE(Eval(T("a", "NOT_IN", L({})), With("x")));
  EXPECT_TRUE(Eval(T("a", "IN", N(0)), With(-0.0)));
  EXPECT_TRUE(Eval(T("a", "IN", S("solo")), With("solo")));
}

TEST(SetOperators, LargeSetsAndIgnoreCase) {
  std::vector<TargetingValueSpec> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(S("user-" + std::to_string(i)));
  const auto in = T("a", "IN", L(ids));
  EXPECT_TRUE(Eval(in, With("user-0")));
  EXPECT_TRUE(Eval(in, With("user-999")));
  EXPECT_FALSE(Eval(in, With("user-1000")));
  EXPECT_FALSE(Eval(in, With("USER-5")));
  EXPECT_TRUE(Eval(T("a", "IN", L(ids), true), With("USER-5")));
  EXPECT_FALSE(Eval(T("a", "NOT_IN", L(ids), true), With("User-5")));
}

TEST(SetOperators, NestedListOrNullIsAnError) {
  const absl::Status s = CreateError(T("a", "IN", L({S("x"), L({S("y")})})));
  EXPECT_THAT(std::string(s.message()),
              StartsWith(std::string(kPath) + ".value[1]: got a list"));
  const absl::Status n =
      CreateError(T("a", "NOT_IN", L({S("x"), TargetingValueSpec::Null()})));
  EXPECT_THAT(std::string(n.message()),
              StartsWith(std::string(kPath) + ".value[1]: got null"));
}

TEST(DateOperators, ComparesRfc3339AndEpochSeconds) {
  const auto before = T("a", "BEFORE", S("2024-05-01T12:00:00Z"));
  const auto after = T("a", "AFTER", S("2024-05-01T14:00:00+02:00"));
  EXPECT_TRUE(Eval(before, With("2024-05-01T11:59:59Z")));
  EXPECT_FALSE(Eval(before, With("2024-05-01T12:00:00Z")));
  EXPECT_FALSE(Eval(after, With("2024-05-01T12:00:00Z")));
  EXPECT_TRUE(Eval(after, With("2024-05-01T12:00:00.001Z")));
  EXPECT_TRUE(Eval(after, With("2024-05-01T13:00:00+00:30")));
  EXPECT_TRUE(Eval(before, With(1714564799.0)));
  EXPECT_FALSE(Eval(before, With(1714564800)));
  EXPECT_TRUE(Eval(after, With(1714564800.5)));
  // Unparseable or wrongly typed context values are false.
  EXPECT_FALSE(Eval(before, With("yesterday")));
  EXPECT_FALSE(Eval(after, With("yesterday")));
  EXPECT_FALSE(Eval(before, With(true)));
  EXPECT_FALSE(Eval(before, Attributes()));
  EXPECT_TRUE(Eval(T("a", "AFTER",
                     L({S("2030-01-01T00:00:00Z"), S("2020-01-01T00:00:00Z")})),
                   With("2024-01-01T00:00:00Z")));
}

TEST(DateOperators, BadDateIsAnErrorAtTheValuePath) {
  const absl::Status s = CreateError(T("a", "BEFORE", S("2024-05-01")));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              StartsWith(std::string(kPath) +
                         ".value: invalid date-time \"2024-05-01\""));
  const absl::Status n = CreateError(T("a", "AFTER", N(1714564800)));
  EXPECT_THAT(std::string(n.message()),
              StartsWith(std::string(kPath) + ".value: got a number"));
}

TEST(IgnoreCase, FoldsAsciiOnStringOperators) {
  EXPECT_TRUE(Eval(T("a", "EQUALS", S("fr"), true), With("FR")));
  EXPECT_FALSE(Eval(T("a", "NOT_EQUALS", S("fr"), true), With("Fr")));
  EXPECT_TRUE(Eval(T("a", "CONTAINS", S("ELL"), true), With("hello")));
  EXPECT_FALSE(Eval(T("a", "NOT_CONTAINS", S("ELL"), true), With("hello")));
  EXPECT_TRUE(Eval(T("a", "STARTS_WITH", S("HE"), true), With("hello")));
  EXPECT_TRUE(Eval(T("a", "ENDS_WITH", S("LO"), true), With("hello")));
  EXPECT_TRUE(Eval(T("a", "CONTAINS", S("TRU"), true), With(true)));
  // Types still have to agree, and only ASCII letters fold.
  EXPECT_FALSE(Eval(T("a", "EQUALS", S("true"), true), With(true)));
  EXPECT_FALSE(Eval(T("a", "EQUALS", S("\xC3\xA9"), true), With("\xC3\x89")));
}

}  // namespace
}  // namespace allot
