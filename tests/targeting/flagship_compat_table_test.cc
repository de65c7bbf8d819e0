// flagship-compat.md §Targeting, row by row: each operator of the table with
// a present attribute, a missing one, a list value and the JavaScript
// coercions the row names; then the bullets around the table (fs_all_users,
// fs_users, string forms, relational comparison, lists, the deliberate
// deviation, validation). Expected values are those of the JS SDK 5.2.0 as
// the specification states them.
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "targeting/attributes.h"
#include "targeting_test_util.h"

namespace allot {
namespace {

using testing::B;
using testing::CreateError;
using testing::Eval;
using testing::L;
using testing::N;
using testing::S;
using testing::T;

struct Row {
  const char* name;
  std::optional<AttributeValue> a;  // attribute "a"; nullopt = missing
  const char* op;
  std::optional<TargetingValueSpec> b;
  bool expected;
};

AttributeValue Str(std::string_view s) { return AttributeValue::String(s); }
AttributeValue Num(double d) { return AttributeValue::Number(d); }
AttributeValue Bool(bool b) { return AttributeValue::Bool(b); }
constexpr std::nullopt_t kMissing = std::nullopt;

const Row kRows[] = {
    // EQUALS: same type and value, no coercion, case-sensitive; missing false.
    {"EQUALS same string", Str("Paris"), "EQUALS", S("Paris"), true},
    {"EQUALS case differs", Str("Paris"), "EQUALS", S("paris"), false},
    {"EQUALS 5 vs \"5\"", Num(5), "EQUALS", S("5"), false},
    {"EQUALS \"5\" vs 5", Str("5"), "EQUALS", N(5), false},
    {"EQUALS true vs \"true\"", Bool(true), "EQUALS", S("true"), false},
    {"EQUALS 1 vs true", Num(1), "EQUALS", B(true), false},
    {"EQUALS 0.1+0.2 vs 0.3", Num(0.1 + 0.2), "EQUALS", N(0.3), false},
    {"EQUALS false vs false", Bool(false), "EQUALS", B(false), true},
    {"EQUALS empty strings", Str(""), "EQUALS", S(""), true},
    {"EQUALS non-ASCII", Str("Zürich"), "EQUALS", S("Zürich"), true},
    {"EQUALS missing", kMissing, "EQUALS", S(""), false},
    {"EQUALS missing vs list", kMissing, "EQUALS", L({S("a"), N(0)}), false},
    // NOT_EQUALS: not EQUALS; missing true.
    {"NOT_EQUALS 5 vs \"5\"", Num(5), "NOT_EQUALS", S("5"), true},
    {"NOT_EQUALS same", Str("x"), "NOT_EQUALS", S("x"), false},
    {"NOT_EQUALS missing", kMissing, "NOT_EQUALS", S("x"), true},
    {"NOT_EQUALS missing vs list", kMissing, "NOT_EQUALS", L({S("x")}), true},
    {"NOT_EQUALS every element differs", Str("IT"), "NOT_EQUALS",
     L({S("FR"), L({S("DE"), N(1)})}), true},
    {"NOT_EQUALS one nested element equal", Str("DE"), "NOT_EQUALS",
     L({S("FR"), L({S("DE")})}), false},
    // CONTAINS / NOT_CONTAINS on string forms; missing false (allot).
    {"CONTAINS substring", Str("newsletter"), "CONTAINS", S("slet"), true},
    {"CONTAINS true contains ru", Bool(true), "CONTAINS", S("ru"), true},
    {"CONTAINS number form", Num(75001), "CONTAINS", N(500), true},
    {"CONTAINS number needle in string", Str("v5.5"), "CONTAINS", N(5.5), true},
    {"CONTAINS bool needle", Str("is-false"), "CONTAINS", B(false), true},
    {"CONTAINS astral", Str("a\xF0\x9F\x98\x80z"), "CONTAINS",
     S("\xF0\x9F\x98\x80"), true},
    {"CONTAINS case-sensitive", Str("Paris"), "CONTAINS", S("PAR"), false},
    {"CONTAINS missing", kMissing, "CONTAINS", S(""), false},
    {"CONTAINS missing vs list", kMissing, "CONTAINS", L({S("a")}), false},
    {"NOT_CONTAINS absent", Str("Paris"), "NOT_CONTAINS", S("Lyon"), true},
    {"NOT_CONTAINS present", Str("Paris"), "NOT_CONTAINS", S("ari"), false},
    {"NOT_CONTAINS bool form", Bool(false), "NOT_CONTAINS", S("als"), false},
    {"NOT_CONTAINS missing", kMissing, "NOT_CONTAINS", S("x"), false},
    {"NOT_CONTAINS missing vs list", kMissing, "NOT_CONTAINS",
     L({S("x"), S("y")}), false},
    {"NOT_CONTAINS every element absent", Str("Paris"), "NOT_CONTAINS",
     L({S("x"), L({N(7)})}), true},
    // STARTS_WITH / ENDS_WITH on string forms; missing false (allot).
    {"STARTS_WITH 75001 starts with 7", Num(75001), "STARTS_WITH", N(7), true},
    {"STARTS_WITH 1e21 form", Num(1e21), "STARTS_WITH", S("1e+2"), true},
    {"STARTS_WITH 0.000001 form", Num(0.000001), "STARTS_WITH", S("0.0000"),
     true},
    {"STARTS_WITH 1e-7 form", Num(1e-7), "STARTS_WITH", S("1e-"), true},
    {"STARTS_WITH -0 is 0", Num(-0.0), "STARTS_WITH", S("-"), false},
    {"STARTS_WITH false", Bool(false), "STARTS_WITH", S("fa"), true},
    {"STARTS_WITH missing", kMissing, "STARTS_WITH", S(""), false},
    {"ENDS_WITH 5.5 ends with .5", Num(5.5), "ENDS_WITH", S(".5"), true},
    {"ENDS_WITH 5 has no .0", Num(5), "ENDS_WITH", S(".0"), false},
    {"ENDS_WITH 1e21 ends with 21", Num(1e21), "ENDS_WITH", N(21), true},
    {"ENDS_WITH non-ASCII", Str("Liège"), "ENDS_WITH", S("ège"), true},
    {"ENDS_WITH missing", kMissing, "ENDS_WITH", S(""), false},
    // GREATER_THAN ... LOWER_THAN_OR_EQUALS; missing false.
    {"GT strings by code units 9 > 10", Str("9"), "GREATER_THAN", S("10"),
     true},
    {"GT Z > a is false", Str("Z"), "GREATER_THAN", S("a"), false},
    {"GT string vs number converts", Str("10"), "GREATER_THAN", N(9), true},
    {"GT bool vs number", Bool(true), "GREATER_THAN", N(0.5), true},
    {"GT number vs bool", Num(0.5), "GREATER_THAN", B(false), true},
    {"GT NaN string", Str("12px"), "GREATER_THAN", N(0), false},
    {"GT missing", kMissing, "GREATER_THAN", N(-1e308), false},
    {"GTE empty string is 0", Str(""), "GREATER_THAN_OR_EQUALS", N(0), true},
    {"GTE trimmed", Str(" \n 7 \t"), "GREATER_THAN_OR_EQUALS", N(7), true},
    {"GTE hex", Str("0x1F"), "GREATER_THAN_OR_EQUALS", N(31), true},
    {"GTE NaN both ways", Str("abc"), "GREATER_THAN_OR_EQUALS", B(false),
     false},
    {"GTE missing", kMissing, "GREATER_THAN_OR_EQUALS", N(0), false},
    {"LT astral vs U+FF5E in UTF-16", Str("\xF0\x9F\x98\x80"), "LOWER_THAN",
     S("\xEF\xBD\x9E"), true},
    {"LT number vs exponent string", Num(999), "LOWER_THAN", S("1e3"), true},
    {"LT Infinity string", Str("Infinity"), "LOWER_THAN", N(1e308), false},
    {"LT missing", kMissing, "LOWER_THAN", N(1e308), false},
    {"LTE equal numbers", Num(3), "LOWER_THAN_OR_EQUALS", N(3), true},
    {"LTE binary literal", Str("0b11"), "LOWER_THAN_OR_EQUALS", N(3), true},
    {"LTE octal literal", Str("0o10"), "LOWER_THAN_OR_EQUALS", N(7), false},
    {"LTE signed hex is NaN", Str("+0x1"), "LOWER_THAN_OR_EQUALS", N(100),
     false},
    {"LTE missing", kMissing, "LOWER_THAN_OR_EQUALS", N(1e308), false},
    // EXISTS / NOT_EXISTS: the scalar value is ignored.
    {"EXISTS present", Str(""), "EXISTS", std::nullopt, true},
    {"EXISTS present, value ignored", Num(0), "EXISTS", B(false), true},
    {"EXISTS missing", kMissing, "EXISTS", S("anything"), false},
    {"NOT_EXISTS missing", kMissing, "NOT_EXISTS", std::nullopt, true},
    {"NOT_EXISTS present", Bool(false), "NOT_EXISTS", std::nullopt, false},
    // Lists: any element, every element for NOT_EQUALS / NOT_CONTAINS;
    // an empty list is false for the "any" operators, true for the NOT_
    // ones; nested lists recurse.
    {"list EQUALS any", Num(5), "EQUALS", L({S("5"), N(5)}), true},
    {"list CONTAINS any", Str("abc"), "CONTAINS", L({S("x"), S("b")}), true},
    {"list GT any", Num(5), "GREATER_THAN", L({N(9), S("4")}), true},
    {"list STARTS_WITH none", Str("abc"), "STARTS_WITH", L({S("b"), S("c")}),
     false},
    {"list EXISTS any element", Str("x"), "EXISTS", L({N(1)}), true},
    {"list NOT_EXISTS any element", kMissing, "NOT_EXISTS", L({N(1)}), true},
    {"empty list EQUALS", Str("x"), "EQUALS", L({}), false},
    {"empty list GT", Num(1), "GREATER_THAN", L({}), false},
    {"empty list EXISTS present", Str("x"), "EXISTS", L({}), false},
    {"empty list EXISTS nested", Str("x"), "EXISTS", L({L({}), L({})}), false},
    {"empty list NOT_EXISTS missing", kMissing, "NOT_EXISTS", L({}), false},
    {"empty list NOT_EQUALS present", Str("x"), "NOT_EQUALS", L({}), true},
    {"empty list NOT_EQUALS missing", kMissing, "NOT_EQUALS", L({L({})}), true},
    {"empty list NOT_CONTAINS present", Str("x"), "NOT_CONTAINS", L({}), true},
    {"empty list NOT_CONTAINS missing", kMissing, "NOT_CONTAINS", L({}), true},
    {"empty nested list NOT_CONTAINS missing", kMissing, "NOT_CONTAINS",
     L({L({}), L({L({})})}), true},
    {"nested list EQUALS", Str("CA"), "EQUALS",
     L({L({S("FR"), S("BE")}), L({S("CA")}), L({})}), true},
    {"nested list EXISTS with an element", Str("x"), "EXISTS",
     L({L({}), L({S("y")})}), true},
};

class FlagshipCompatTable : public ::testing::TestWithParam<Row> {};

TEST_P(FlagshipCompatTable, FollowsTheSpecification) {
  const Row& r = GetParam();
  Attributes attributes;
  attributes.Set("unrelated", "value");
  if (r.a.has_value()) {
    switch (r.a->type) {
      case ValueType::kString:
        attributes.Set("a", r.a->string);
        break;
      case ValueType::kNumber:
        attributes.Set("a", r.a->number);
        break;
      case ValueType::kBool:
        attributes.Set("a", r.a->boolean);
        break;
    }
  }
  EXPECT_EQ(Eval(T("a", r.op, r.b), attributes), r.expected) << r.name;
}

std::string RowName(const ::testing::TestParamInfo<Row>& info) {
  std::string name;
  for (const char* p = info.param.name; *p != '\0'; ++p) {
    const char c = *p;
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9');
    name.push_back(keep ? c : '_');
  }
  return name + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Rows, FlagshipCompatTable, ::testing::ValuesIn(kRows),
                         RowName);

TEST(FlagshipCompat, AllUsersIsTrueForEveryOperatorAndValue) {
  const Attributes none;
  for (const char* op :
       {"EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "STARTS_WITH",
        "ENDS_WITH", "GREATER_THAN", "GREATER_THAN_OR_EQUALS", "LOWER_THAN",
        "LOWER_THAN_OR_EQUALS", "EXISTS", "NOT_EXISTS"}) {
    EXPECT_TRUE(Eval(T("fs_all_users", op, L({})), none)) << op;
    EXPECT_TRUE(Eval(T("fs_all_users", op, B(false)), none)) << op;
  }
}

TEST(FlagshipCompat, UsersReadsTheVisitorIdWithEveryOperator) {
  Attributes a;
  a.Set("fs_users", "not-the-id");
  const std::string id = "用户7";  // hashed and compared as text
  EXPECT_TRUE(Eval(T("fs_users", "EQUALS", S(id)), a, id));
  EXPECT_FALSE(Eval(T("fs_users", "EQUALS", S("not-the-id")), a, id));
  EXPECT_TRUE(Eval(T("fs_users", "ENDS_WITH", N(7)), a, id));
  EXPECT_TRUE(Eval(T("fs_users", "NOT_CONTAINS", L({S("x"), S("y")})), a, id));
  EXPECT_TRUE(Eval(T("fs_users", "GREATER_THAN", S("z")), a, id));
  EXPECT_TRUE(Eval(T("fs_users", "GREATER_THAN", N(41)), a, "0x2A"));
  EXPECT_FALSE(Eval(T("fs_users", "GREATER_THAN", N(41)), a, "v42"));
  EXPECT_TRUE(Eval(T("fs_users", "EXISTS", std::nullopt), a, id));
  EXPECT_FALSE(Eval(T("fs_users", "EXISTS", L({})), a, id));
}

// EXISTS with an empty list and EXISTS with no value read the same key but
// are different predicates; sharing identical predicates must keep them
// apart.
TEST(FlagshipCompat, EmptyListExistsIsNotMergedWithPlainExists) {
  TargetingTreeSpec plain = testing::Tree({T("a", "EXISTS", std::nullopt)});
  TargetingTreeSpec empty = testing::Tree({T("a", "EXISTS", L({}))});
  TargetingTreeSpec not_plain =
      testing::Tree({T("a", "NOT_EXISTS", std::nullopt)});
  TargetingTreeSpec not_empty =
      testing::Tree({T("a", "NOT_EXISTS", L({L({})}))});
  auto set = testing::MustCreate({plain, empty, not_plain, not_empty});
  ASSERT_NE(set, nullptr);
  TargetingScratch scratch;
  Attributes present;
  present.Set("a", 1);
  set->Bind("v", present, &scratch);
  EXPECT_TRUE(set->Matches(0, &scratch));
  EXPECT_FALSE(set->Matches(1, &scratch));
  EXPECT_FALSE(set->Matches(2, &scratch));
  EXPECT_FALSE(set->Matches(3, &scratch));
  const Attributes missing;
  set->Bind("v", missing, &scratch);
  EXPECT_FALSE(set->Matches(0, &scratch));
  EXPECT_FALSE(set->Matches(1, &scratch));
  EXPECT_TRUE(set->Matches(2, &scratch));
  EXPECT_FALSE(set->Matches(3, &scratch));
}

TEST(FlagshipCompat, EveryValueTypeIsAcceptedWithEveryOperator) {
  const std::vector<TargetingValueSpec> values = {
      S("x"), N(1.5), B(true), L({}), L({S("a"), N(2), L({B(false)})})};
  for (const char* op :
       {"EQUALS", "NOT_EQUALS", "CONTAINS", "NOT_CONTAINS", "STARTS_WITH",
        "ENDS_WITH", "GREATER_THAN", "GREATER_THAN_OR_EQUALS", "LOWER_THAN",
        "LOWER_THAN_OR_EQUALS", "EXISTS", "NOT_EXISTS"}) {
    for (const TargetingValueSpec& v : values) {
      EXPECT_TRUE(CreateError(T("a", op, v)).ok()) << op;
    }
  }
}

TEST(FlagshipCompat, NullMissingValueAndUnknownOperatorAreErrors) {
  absl::Status s = CreateError(T("a", "CONTAINS", TargetingValueSpec::Null()));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(".value"), std::string_view::npos) << s;
  s = CreateError(T("a", "EQUALS", L({S("x"), TargetingValueSpec::Null()})));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(".value[1]"), std::string_view::npos) << s;
  s = CreateError(T("a", "GREATER_THAN", std::nullopt));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = CreateError(T("a", "EQUAL", S("x")));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown operator \"EQUAL\""),
            std::string_view::npos)
      << s;
  // EXISTS / NOT_EXISTS need no value at all.
  EXPECT_TRUE(CreateError(T("a", "EXISTS", std::nullopt)).ok());
  EXPECT_TRUE(CreateError(T("a", "NOT_EXISTS", std::nullopt)).ok());
}

}  // namespace
}  // namespace allot
