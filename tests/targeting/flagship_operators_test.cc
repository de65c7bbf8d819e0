// Flagship's twelve operators, with the JavaScript SDK's coercions
// (flagship-compat.md §Targeting), as one table: operator x value type x
// missing key x list values.
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "targeting/attributes.h"
#include "targeting_test_util.h"

namespace allot {
namespace {

using testing::B;
using testing::Eval;
using testing::L;
using testing::N;
using testing::S;
using testing::T;

struct Case {
  const char* name;
  std::optional<AttributeValue> attribute;  // of key "a"; nullopt = missing
  const char* op;
  std::optional<TargetingValueSpec> value;
  bool expected;
};

AttributeValue As(std::string_view s) { return AttributeValue::String(s); }
AttributeValue An(double d) { return AttributeValue::Number(d); }
AttributeValue Ab(bool b) { return AttributeValue::Bool(b); }
constexpr std::nullopt_t kMissing = std::nullopt;

const Case kCases[] = {
    // EQUALS: same type and value, no coercion, case-sensitive.
    {"equals string", As("FR"), "EQUALS", S("FR"), true},
    {"equals string is case sensitive", As("FR"), "EQUALS", S("fr"), false},
    {"equals number", An(5), "EQUALS", N(5), true},
    {"equals zero and minus zero", An(0), "EQUALS", N(-0.0), true},
    {"equals number vs string 5", An(5), "EQUALS", S("5"), false},
    {"equals string vs number 5", As("5"), "EQUALS", N(5), false},
    {"equals bool", Ab(true), "EQUALS", B(true), true},
    {"equals true vs string true", Ab(true), "EQUALS", S("true"), false},
    {"equals true vs 1", Ab(true), "EQUALS", N(1), false},
    {"equals missing", kMissing, "EQUALS", S("FR"), false},
    {"equals list any", As("FR"), "EQUALS", L({S("DE"), S("FR")}), true},
    {"equals list none", As("IT"), "EQUALS", L({S("DE"), S("FR")}), false},
    {"equals nested list", As("FR"), "EQUALS", L({L({S("DE")}), L({S("FR")})}),
     true},
    {"equals empty list", As("FR"), "EQUALS", L({}), false},
    {"equals list mixed types", An(5), "EQUALS", L({S("5"), B(true), N(5)}),
     true},
    // NOT_EQUALS: true on a missing key; a list must differ from every element.
    {"not equals string", As("FR"), "NOT_EQUALS", S("DE"), true},
    {"not equals same string", As("FR"), "NOT_EQUALS", S("FR"), false},
    {"not equals number vs string", An(5), "NOT_EQUALS", S("5"), true},
    {"not equals bool", Ab(false), "NOT_EQUALS", B(false), false},
    {"not equals missing", kMissing, "NOT_EQUALS", S("FR"), true},
    {"not equals list all differ", As("IT"), "NOT_EQUALS",
     L({S("DE"), S("FR")}), true},
    {"not equals list one same", As("FR"), "NOT_EQUALS", L({S("DE"), S("FR")}),
     false},
    {"not equals nested list", As("FR"), "NOT_EQUALS",
     L({L({S("DE")}), L({S("IT"), S("FR")})}), false},
    {"not equals empty list", As("FR"), "NOT_EQUALS", L({}), true},
    // CONTAINS / NOT_CONTAINS on JavaScript string forms.
    {"contains string", As("hello"), "CONTAINS", S("ell"), true},
    {"contains string absent", As("hello"), "CONTAINS", S("xyz"), false},
    {"contains is case sensitive", As("hello"), "CONTAINS", S("ELL"), false},
    {"contains true ru", Ab(true), "CONTAINS", S("ru"), true},
    {"contains false vs bool false", Ab(false), "CONTAINS", B(false), true},
    {"contains number digits", An(12345), "CONTAINS", N(234), true},
    {"contains number vs string", An(12345), "CONTAINS", S("34"), true},
    {"contains string vs number", As("a5.5b"), "CONTAINS", N(5.5), true},
    {"contains 1e21 form", An(1e21), "CONTAINS", S("e+21"), true},
    {"contains 1e21 is not 1000", An(1e21), "CONTAINS", S("1000"), false},
    {"contains 0.000001 form", An(0.000001), "CONTAINS", S("0.000001"), true},
    {"contains 1e-7 form", An(1e-7), "CONTAINS", S("1e-7"), true},
    {"contains 5.0 is 5", An(5.0), "CONTAINS", S("."), false},
    {"contains missing", kMissing, "CONTAINS", S("a"), false},
    {"contains list any", As("hello"), "CONTAINS", L({S("x"), S("lo")}), true},
    {"contains empty list", As("hello"), "CONTAINS", L({}), false},
    {"contains nested list", As("hello"), "CONTAINS", L({L({L({S("he")})})}),
     true},
    {"not contains", As("hello"), "NOT_CONTAINS", S("xyz"), true},
    {"not contains present", As("hello"), "NOT_CONTAINS", S("ell"), false},
    {"not contains number", An(75001), "NOT_CONTAINS", N(500), false},
    {"not contains missing", kMissing, "NOT_CONTAINS", S("a"), false},
    {"not contains list all absent", As("hello"), "NOT_CONTAINS",
     L({S("x"), S("y")}), true},
    {"not contains list one present", As("hello"), "NOT_CONTAINS",
     L({S("x"), S("ell")}), false},
    {"not contains empty list", As("hello"), "NOT_CONTAINS", L({}), true},
    // STARTS_WITH / ENDS_WITH.
    {"starts with number 75001 7", An(75001), "STARTS_WITH", N(7), true},
    {"starts with string", As("75001"), "STARTS_WITH", N(75), true},
    {"starts with no", As("abc"), "STARTS_WITH", S("b"), false},
    {"starts with bool", Ab(true), "STARTS_WITH", S("tr"), true},
    {"starts with 1e21", An(1e21), "STARTS_WITH", S("1e+"), true},
    {"starts with negative", An(-3.5), "STARTS_WITH", S("-3."), true},
    {"starts with missing", kMissing, "STARTS_WITH", S("a"), false},
    {"starts with list", As("abc"), "STARTS_WITH", L({S("x"), S("ab")}), true},
    {"starts with empty list", As("abc"), "STARTS_WITH", L({}), false},
    {"ends with number", An(75001), "ENDS_WITH", N(1), true},
    {"ends with fraction", An(5.5), "ENDS_WITH", S(".5"), true},
    {"ends with string", As("abc"), "ENDS_WITH", S("bc"), true},
    {"ends with no", As("abc"), "ENDS_WITH", S("b"), false},
    {"ends with missing", kMissing, "ENDS_WITH", S("c"), false},
    {"ends with empty list", As("abc"), "ENDS_WITH", L({}), false},
    // Relational: strings by UTF-16 code units, otherwise ToNumber both.
    {"gt strings 9 > 10", As("9"), "GREATER_THAN", S("10"), true},
    {"gt string 12 > number 10", As("12"), "GREATER_THAN", N(10), true},
    {"gt abc > 5 is false", As("abc"), "GREATER_THAN", N(5), false},
    {"gt numbers", An(10), "GREATER_THAN", N(9), true},
    {"gt numbers equal", An(10), "GREATER_THAN", N(10), false},
    {"gt Z > a is false", As("Z"), "GREATER_THAN", S("a"), false},
    {"gt b > a", As("b"), "GREATER_THAN", S("a"), true},
    {"gt true > 0", Ab(true), "GREATER_THAN", N(0), true},
    {"gt true > false", Ab(true), "GREATER_THAN", B(false), true},
    {"gt false > 0 is false", Ab(false), "GREATER_THAN", N(0), false},
    {"gt number > bool", An(2), "GREATER_THAN", B(true), true},
    {"gt bool vs string", Ab(true), "GREATER_THAN", S("0.5"), true},
    {"gt hex string", As("0x10"), "GREATER_THAN", N(15), true},
    {"gt empty string is 0", As(""), "GREATER_THAN", N(-1), true},
    {"gt whitespace trimmed", As(" \t12\n "), "GREATER_THAN", N(11), true},
    {"gt nbsp trimmed",
     As("\xC2\xA0"
        "12"),
     "GREATER_THAN", N(11), true},
    {"gt exponent string", As("1e3"), "GREATER_THAN", N(999), true},
    {"gt Infinity string", As("Infinity"), "GREATER_THAN", N(1e308), true},
    {"gt -Infinity string", As("-Infinity"), "GREATER_THAN", N(0), false},
    {"gt signed hex is NaN", As("-0x10"), "GREATER_THAN", N(-100), false},
    {"gt trailing junk is NaN", As("12px"), "GREATER_THAN", N(1), false},
    {"gt missing", kMissing, "GREATER_THAN", N(0), false},
    {"gt list any", An(5), "GREATER_THAN", L({N(100), N(3)}), true},
    {"gt list none", An(1), "GREATER_THAN", L({N(100), N(3)}), false},
    {"gt empty list", An(5), "GREATER_THAN", L({}), false},
    {"gt nested list", An(5), "GREATER_THAN", L({L({N(100)}), L({N(4)})}),
     true},
    {"gte hex equals number", As("0x10"), "GREATER_THAN_OR_EQUALS", N(16),
     true},
    {"gte number equals hex", An(16), "GREATER_THAN_OR_EQUALS", S("0x10"),
     true},
    {"gte binary", As("0b101"), "GREATER_THAN_OR_EQUALS", N(5), true},
    {"gte octal", As("0o17"), "GREATER_THAN_OR_EQUALS", N(15), true},
    {"gte same strings", As("abc"), "GREATER_THAN_OR_EQUALS", S("abc"), true},
    {"gte abc >= 5 is false", As("abc"), "GREATER_THAN_OR_EQUALS", N(5), false},
    {"gte missing", kMissing, "GREATER_THAN_OR_EQUALS", N(0), false},
    {"lt abc < 5 is false", As("abc"), "LOWER_THAN", N(5), false},
    {"lt strings 10 < 9", As("10"), "LOWER_THAN", S("9"), true},
    {"lt number 9 < string 10", An(9), "LOWER_THAN", S("10"), true},
    {"lt astral below U+FFFF in UTF-16", As("\xF0\x9F\x98\x80"), "LOWER_THAN",
     S("\xEF\xBF\xBF"), true},
    {"lt U+FFFF not below astral", As("\xEF\xBF\xBF"), "LOWER_THAN",
     S("\xF0\x9F\x98\x80"), false},
    {"lt astral below U+E000", As("a\xF0\x90\x80\x80"), "LOWER_THAN",
     S("a\xEE\x80\x80"), true},
    {"lt BMP below surrogates", As("\xED\x9F\xBF"), "LOWER_THAN",
     S("\xF0\x90\x80\x80"), true},
    {"lt prefix is lower", As("ab"), "LOWER_THAN", S("abc"), true},
    {"lt missing", kMissing, "LOWER_THAN", N(100), false},
    {"lt empty list", An(1), "LOWER_THAN", L({}), false},
    {"lte hex equals number", As("0x10"), "LOWER_THAN_OR_EQUALS", N(16), true},
    {"lte number equals hex", An(16), "LOWER_THAN_OR_EQUALS", S("0x10"), true},
    {"lte abc <= 5 is false", As("abc"), "LOWER_THAN_OR_EQUALS", N(5), false},
    {"lte bools", Ab(false), "LOWER_THAN_OR_EQUALS", B(false), true},
    {"lte missing", kMissing, "LOWER_THAN_OR_EQUALS", N(100), false},
    // EXISTS / NOT_EXISTS ignore a scalar value; a list is "any element",
    // so an empty one is false (the SDK tests lists before operators).
    {"exists string", As("x"), "EXISTS", S(""), true},
    {"exists false bool", Ab(false), "EXISTS", B(true), true},
    {"exists number without value", An(0), "EXISTS", std::nullopt, true},
    {"exists empty list is false", As("x"), "EXISTS", L({}), false},
    {"exists missing", kMissing, "EXISTS", S(""), false},
    {"not exists missing", kMissing, "NOT_EXISTS", S(""), true},
    {"not exists present", As("x"), "NOT_EXISTS", std::nullopt, false},
    {"not exists empty list is false", kMissing, "NOT_EXISTS", L({}), false},
};

class FlagshipOperatorTable : public ::testing::TestWithParam<Case> {};

TEST_P(FlagshipOperatorTable, MatchesJavaScriptSdk) {
  const Case& c = GetParam();
  Attributes attributes;
  attributes.Set("other", "unrelated");
  if (c.attribute.has_value()) {
    switch (c.attribute->type) {
      case ValueType::kString:
        attributes.Set("a", c.attribute->string);
        break;
      case ValueType::kNumber:
        attributes.Set("a", c.attribute->number);
        break;
      case ValueType::kBool:
        attributes.Set("a", c.attribute->boolean);
        break;
    }
  }
  EXPECT_EQ(Eval(T("a", c.op, c.value), attributes), c.expected) << c.name;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name;
  for (const char* p = info.param.name; *p != '\0'; ++p) {
    const char ch = *p;
    name.push_back((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                           (ch >= '0' && ch <= '9')
                       ? ch
                       : '_');
  }
  return name + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(AllOperators, FlagshipOperatorTable,
                         ::testing::ValuesIn(kCases), CaseName);

TEST(FlagshipKeys, AllUsersMatchesWhateverOperatorAndValue) {
  const Attributes none;
  EXPECT_TRUE(Eval(T("fs_all_users", "EQUALS", S("")), none));
  EXPECT_TRUE(Eval(T("fs_all_users", "GREATER_THAN", N(1e9)), none));
  EXPECT_TRUE(Eval(T("fs_all_users", "NOT_EXISTS", std::nullopt), none));
  EXPECT_TRUE(Eval(T("fs_all_users", "EQUALS", L({})), none));
  EXPECT_TRUE(Eval(T("fs_all_users", "CONTAINS", std::nullopt), none));
}

TEST(FlagshipKeys, UsersReadsTheVisitorId) {
  const Attributes none;
  EXPECT_TRUE(Eval(T("fs_users", "EQUALS", S("visitor-1")), none));
  EXPECT_FALSE(Eval(T("fs_users", "EQUALS", S("visitor-2")), none));
  EXPECT_TRUE(Eval(T("fs_users", "STARTS_WITH", S("visit")), none));
  EXPECT_TRUE(Eval(T("fs_users", "EQUALS", L({S("a"), S("v7")})), none, "v7"));
  EXPECT_TRUE(Eval(T("fs_users", "EXISTS", std::nullopt), none));
  EXPECT_FALSE(Eval(T("fs_users", "NOT_EXISTS", std::nullopt), none));
  // The visitor id wins over an attribute of the same name.
  Attributes shadow;
  shadow.Set("fs_users", "someone-else");
  EXPECT_TRUE(Eval(T("fs_users", "EQUALS", S("visitor-1")), shadow));
}

TEST(FlagshipTree, GroupsAreOredAndTargetingsAnded) {
  TargetingTreeSpec tree = testing::Tree(
      {T("country", "EQUALS", S("FR")), T("age", "GREATER_THAN", N(18))});
  TargetingGroupSpec& second = tree.groups.emplace_back();
  second.path = tree.path + ".targeting_groups[1]";
  second.targetings.push_back(T("vip", "EQUALS", B(true)));
  TargetingTreeSpec empty_group;
  empty_group.groups.emplace_back();
  const TargetingTreeSpec no_groups;
  auto set = testing::MustCreate({tree, empty_group, no_groups});
  ASSERT_NE(set, nullptr);
  ASSERT_EQ(set->size(), 3u);
  TargetingScratch scratch;
  Attributes a;
  a.Set("country", "FR");
  a.Set("age", 30);
  set->Bind("v", a, &scratch);
  EXPECT_TRUE(set->Matches(0, &scratch));
  EXPECT_FALSE(set->Matches(1, &scratch));  // an empty group is false
  EXPECT_FALSE(set->Matches(2, &scratch));  // no groups is false
  a.Set("age", 12);
  set->Bind("v", a, &scratch);
  EXPECT_FALSE(set->Matches(0, &scratch));
  a.Set("vip", true);
  set->Bind("v", a, &scratch);
  EXPECT_TRUE(set->Matches(0, &scratch));
  a.Erase("vip");
  set->Bind("v", a, &scratch);
  EXPECT_FALSE(set->Matches(0, &scratch));
}

TEST(FlagshipTree, AttributeNamesListOnlyKeysThatAreRead) {
  auto set = testing::MustCreate(
      {testing::Tree({T("country", "EQUALS", S("FR")),
                      T("fs_users", "EQUALS", S("x")),
                      T("fs_all_users", "EQUALS", S(""))}),
       testing::Tree({T("age", "EXISTS", std::nullopt),
                      T("country", "NOT_EQUALS", S("DE"))})});
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->attribute_names(),
            (std::vector<std::string>{"country", "age"}));
}

}  // namespace
}  // namespace allot
