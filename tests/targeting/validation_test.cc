// Every bad targeting is an InvalidArgument starting with its JSON path.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "targeting_test_util.h"

namespace allot {
namespace {

using testing::B;
using testing::CreateError;
using testing::kPath;
using testing::L;
using testing::N;
using testing::S;
using ::testing::StartsWith;
using testing::T;

std::string P(const std::string& suffix) { return kPath + suffix; }

void ExpectError(const TargetingSpec& t, const std::string& prefix) {
  const absl::Status s = CreateError(t);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()), StartsWith(prefix));
}

TEST(Validation, UnknownOperator) {
  ExpectError(T("a", "EQUAL", S("x")),
              P(".operator: unknown operator \"EQUAL\"; expected one of "
                "EQUALS, NOT_EQUALS"));
  ExpectError(T("a", "equals", S("x")),
              P(".operator: unknown operator \"equals\""));
  ExpectError(T("fs_all_users", "", S("")),
              P(".operator: unknown operator \"\""));
}

TEST(Validation, EmptyKey) {
  ExpectError(T("", "EQUALS", S("x")), P(".key: empty key"));
}

TEST(Validation, MissingValue) {
  for (const char* op :
       {"EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "STARTS_WITH",
        "ENDS_WITH", "GREATER_THAN", "GREATER_THAN_OR_EQUALS", "LOWER_THAN",
        "LOWER_THAN_OR_EQUALS", "MATCHES_REGEX", "SEMVER_EQUALS", "IN",
        "NOT_IN", "BEFORE", "AFTER"}) {
    ExpectError(T("a", op, std::nullopt), P(".value: missing value"));
  }
  EXPECT_TRUE(CreateError(T("a", "EXISTS", std::nullopt)).ok());
  EXPECT_TRUE(CreateError(T("a", "NOT_EXISTS", std::nullopt)).ok());
}

TEST(Validation, NullAnywhereInAFlagshipValue) {
  const TargetingValueSpec null = TargetingValueSpec::Null();
  ExpectError(T("a", "EQUALS", null),
              P(".value: null is not a valid targeting value; expected a "
                "string, number, bool or a (nested) list of them"));
  ExpectError(T("a", "CONTAINS", L({S("x"), null})),
              P(".value[1]: null is not a valid targeting value"));
  ExpectError(T("a", "GREATER_THAN", L({N(1), L({B(true), null})})),
              P(".value[1][1]: null is not a valid targeting value"));
  // EXISTS / NOT_EXISTS ignore their value, null included (as the SDK does).
  EXPECT_TRUE(CreateError(T("a", "EXISTS", null)).ok());
}

TEST(Validation, AnyScalarOrListIsValidForFlagshipOperators) {
  for (const char* op :
       {"EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "STARTS_WITH",
        "ENDS_WITH", "GREATER_THAN", "GREATER_THAN_OR_EQUALS", "LOWER_THAN",
        "LOWER_THAN_OR_EQUALS", "EXISTS", "NOT_EXISTS"}) {
    for (const TargetingValueSpec& v :
         {S("x"), N(1.5), B(false), L({}), L({S("x"), L({N(2), B(true)})})}) {
      EXPECT_TRUE(CreateError(T("a", op, v)).ok()) << op;
    }
  }
}

TEST(Validation, ExtensionValueTypes) {
  ExpectError(T("a", "MATCHES_REGEX", N(3)),
              P(".value: got a number; expected a regular expression (RE2) "
                "or a list of them"));
  ExpectError(T("a", "NOT_MATCHES_REGEX", L({S("x"), B(true)})),
              P(".value[1]: got a bool; expected a regular expression"));
  ExpectError(T("a", "MATCHES_REGEX", L({})), P(".value: empty list"));
  ExpectError(T("a", "SEMVER_LOWER_THAN", L({L({S("1.0.0")})})),
              P(".value[0]: got a list; expected a semantic version"));
  ExpectError(T("a", "BEFORE", TargetingValueSpec::Null()),
              P(".value: got null; expected an RFC 3339 date-time"));
  ExpectError(T("a", "IN", TargetingValueSpec::Null()), P(".value: got null"));
}

TEST(Validation, IgnoreCaseOnlyOnStringOperators) {
  for (const char* op : {"GREATER_THAN", "GREATER_THAN_OR_EQUALS", "LOWER_THAN",
                         "LOWER_THAN_OR_EQUALS", "EXISTS", "NOT_EXISTS",
                         "SEMVER_EQUALS", "BEFORE", "AFTER"}) {
    ExpectError(T("a", op, S("2024-01-01T00:00:00Z"), true),
                P(".ignore_case: ignore_case is not valid with ") + op);
  }
  for (const char* op :
       {"EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "STARTS_WITH",
        "ENDS_WITH", "IN", "NOT_IN", "MATCHES_REGEX", "NOT_MATCHES_REGEX"}) {
    EXPECT_TRUE(CreateError(T("a", op, S("x"), true)).ok()) << op;
  }
}

TEST(Validation, ErrorNamesTheFaultyTargetingAmongMany) {
  TargetingTreeSpec good = testing::Tree({T("a", "EQUALS", S("x"))});
  TargetingTreeSpec bad;
  bad.path = "campaigns[3].variation_groups[1].targeting";
  TargetingGroupSpec& g = bad.groups.emplace_back();
  g.path = bad.path + ".targeting_groups[2]";
  TargetingSpec t = T("a", "EQUALS", S("x"));
  t.path = g.path + ".targetings[0]";
  g.targetings.push_back(t);
  t = T("b", "SEMVER_EQUALS", S("x.y.z"));
  t.path = g.path + ".targetings[1]";
  g.targetings.push_back(t);
  const auto s = CompiledTargetingSet::Create({good, bad});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()),
              StartsWith("campaigns[3].variation_groups[1].targeting."
                         "targeting_groups[2].targetings[1].value: invalid "
                         "semantic version \"x.y.z\""));
}

}  // namespace
}  // namespace allot
