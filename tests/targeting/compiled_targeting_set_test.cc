// Compile-time sharing, the per-visitor memo, zero allocation after
// warm-up, scratch reuse across sets, threads and Explain.
#include "targeting/compiled_targeting_set.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <new>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "targeting/internal/stats.h"
#include "targeting_test_util.h"
#include "tests/common/allocation_counter.h"

namespace allot {
namespace {

using internal::ScratchAccess;
using testing::B;
using testing::L;
using testing::N;
using testing::S;
using testing::T;
using testing::Tree;

// A config in the shape of a real one: many trees sharing a few predicates.
std::vector<TargetingTreeSpec> SampleTrees() {
  std::vector<TargetingTreeSpec> trees;
  for (int i = 0; i < 20; ++i) {
    trees.push_back(Tree({
        T("ua", "MATCHES_REGEX", S("Chrome/(1[0-9]{2})")),
        T("country", "IN", L({S("FR"), S("DE"), S("IT")})),
        T("app", "SEMVER_GREATER_THAN_OR_EQUALS", S("2.1.0")),
        T("age", "GREATER_THAN", N(i)),
    }));
    trees.push_back(Tree({
        T("plan", "EQUALS", S(i % 2 ? "pro" : "free")),
        T("email", "ENDS_WITH", S("@example.com"), true),
        T("signup", "AFTER", S("2023-01-01T00:00:00Z")),
        T("beta", "NOT_EQUALS", B(true)),
    }));
  }
  trees.push_back(Tree({T("fs_all_users", "EQUALS", S(""))}));
  trees.push_back(Tree({T("fs_users", "STARTS_WITH", S("v1"))}));
  return trees;
}

std::vector<Attributes> SampleVisitors(int n) {
  std::mt19937 rng(7);
  const char* countries[] = {"FR", "DE", "US", "IT", "JP"};
  const char* uas[] = {"Mozilla/5.0 Chrome/120.0", "Mozilla/5.0 Firefox/121",
                       "Chrome/99", "curl/8"};
  const char* apps[] = {"2.0.9", "2.1.0", "v3.0.0-beta", "junk"};
  std::vector<Attributes> visitors(n);
  for (Attributes& a : visitors) {
    a.Set("ua", uas[rng() % 4]);
    a.Set("country", countries[rng() % 5]);
    a.Set("app", apps[rng() % 4]);
    a.Set("age", static_cast<double>(rng() % 40));
    a.Set("plan", rng() % 2 ? "pro" : "free");
    a.Set("email", rng() % 2 ? "Ann@Example.COM" : "bob@other.org");
    a.Set("signup",
          rng() % 2 ? "2024-03-01T00:00:00Z" : "2022-03-01T00:00:00Z");
    if (rng() % 3 == 0) a.Set("beta", true);
    if (rng() % 5 == 0) a.Set("unread_attribute", 1);
  }
  return visitors;
}

std::vector<bool> EvaluateAll(const CompiledTargetingSet& set,
                              const std::vector<Attributes>& visitors,
                              TargetingScratch* scratch) {
  std::vector<bool> out;
  for (size_t v = 0; v < visitors.size(); ++v) {
    set.Bind(v % 2 ? "v1-odd" : "v2-even", visitors[v], scratch);
    for (size_t t = 0; t < set.size(); ++t) {
      out.push_back(set.Matches(t, scratch));
    }
  }
  return out;
}

TEST(CompiledTargetingSet, SharedRegexIsEvaluatedOncePerVisitor) {
  const auto t = T("ua", "MATCHES_REGEX", S("Chrome/1[0-9]{2}"));
  auto set = testing::MustCreate({Tree({t}), Tree({t}), Tree({t})});
  ASSERT_NE(set, nullptr);
  TargetingScratch scratch;
  Attributes a;
  a.Set("ua", "Mozilla/5.0 Chrome/120.0");
  set->Bind("v", a, &scratch);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(set->Matches(i, &scratch));
  // Three trees, one regex run: the other two were answered by the memo.
  EXPECT_EQ(ScratchAccess::Stats(scratch).regex_matches, 1u);
  // A new visitor is evaluated afresh (the memo is reset by Bind).
  a.Set("ua", "curl/8");
  set->Bind("w", a, &scratch);
  for (size_t i = 0; i < 3; ++i) EXPECT_FALSE(set->Matches(i, &scratch));
  EXPECT_EQ(ScratchAccess::Stats(scratch).regex_matches, 2u);
}

// Epochs wrap once every 2^31 visitors: Bind then forgets every stale
// epoch, or the values, memo cells and index marks of the visitor bound at
// epoch 1 would answer again for the visitor bound at epoch 1 after the wrap.
TEST(CompiledTargetingSet, EpochWrapForgetsEarlierVisitors) {
  std::vector<TargetingTreeSpec> trees = SampleTrees();
  for (int i = 0; i < 6; ++i) {  // enough EQUALS trees for an index
    trees.push_back(Tree({T("plan", "EQUALS", S(i % 2 ? "pro" : "gold")),
                          T("age", "GREATER_THAN", N(i))}));
  }
  for (int i = 0; i < 3; ++i) {  // a memoised predicate
    trees.push_back(Tree({T("ua", "CONTAINS", S("Chrome"))}));
  }
  // A version parsed through the general test (a prerelease operand).
  trees.push_back(
      Tree({T("app", "SEMVER_GREATER_THAN_OR_EQUALS", S("2.0.0-rc.1"))}));
  auto set = testing::MustCreate(trees);
  ASSERT_NE(set, nullptr);
  Attributes full, bare;
  full.Set("ua", "Mozilla/5.0 Chrome/120.0");
  full.Set("country", "FR");
  full.Set("app", "2.1.0");
  full.Set("age", 30.0);
  full.Set("plan", "pro");
  full.Set("email", "Ann@Example.COM");
  full.Set("signup", "2024-03-01T00:00:00Z");
  full.Set("beta", true);
  bare.Set("beta", false);   // every other attribute missing, but
  bare.Set("age", 30.0);     // the one beside the index's EQUALS, and
  bare.Set("app", "1.0.0");  // a version of its own
  auto answers = [&](const Attributes& a, TargetingScratch* scratch) {
    set->Bind("v1", a, scratch);
    std::vector<bool> out;
    for (size_t t = 0; t < set->size(); ++t)
      out.push_back(set->Matches(t, scratch));
    return out;
  };
  TargetingScratch fresh;
  const std::vector<bool> want_full = answers(full, &fresh);
  TargetingScratch other;
  const std::vector<bool> want_bare = answers(bare, &other);
  ASSERT_NE(want_full, want_bare);

  TargetingScratch scratch;
  EXPECT_EQ(answers(full, &scratch), want_full);
  ASSERT_EQ(ScratchAccess::Epoch(scratch), 1u);
  ScratchAccess::SetEpoch(&scratch, ScratchAccess::MaxEpoch() - 1);
  Attributes none;
  none.Set("beta", true);
  set->Bind("v1", none, &scratch);  // bound, nothing evaluated
  EXPECT_EQ(ScratchAccess::Epoch(scratch), ScratchAccess::MaxEpoch());
  // The wrap: epoch 1 again, with nothing of the first visitor's left.
  EXPECT_EQ(answers(bare, &scratch), want_bare);
  EXPECT_EQ(ScratchAccess::Epoch(scratch), 1u);
  EXPECT_EQ(answers(full, &scratch), want_full);
  EXPECT_EQ(answers(bare, &scratch), want_bare);
}

// IN / NOT_IN lists on one attribute are interned together: each visitor
// value is looked up once, each predicate tests a bit. Overlapping lists,
// values in none of them, non-string values (numbers and booleans are
// looked up among the list's numbers and booleans), a missing attribute and
// an ignore_case list (not interned) must all answer as the plain sets do.
TEST(CompiledTargetingSet, InternedInListsAnswerLikeTheirSets) {
  const std::vector<std::vector<std::string>> lists = {
      {"FR", "DE", "IT"}, {"DE", "US"}, {"JP"}, {"FR", "GB", "US", "DE"}};
  std::vector<TargetingTreeSpec> trees;
  for (const auto& list : lists) {
    std::vector<TargetingValueSpec> values;
    for (const std::string& v : list) values.push_back(S(v));
    trees.push_back(Tree({T("country", "IN", L(values))}));
    trees.push_back(Tree({T("country", "NOT_IN", L(values))}));
  }
  trees.push_back(Tree({T("country", "IN", L({S("fr"), N(7)}), true)}));
  trees.push_back(Tree({T("country", "IN", L({S("7"), N(7), B(true)}))}));
  auto set = testing::MustCreate(trees);
  ASSERT_NE(set, nullptr);
  TargetingScratch scratch;
  Attributes a;
  for (const char* country : {"FR", "DE", "US", "JP", "GB", "IT", "XX", "", "fr"}) {
    a.Clear();
    a.Set("country", country);
    set->Bind("v", a, &scratch);
    for (size_t i = 0; i < lists.size(); ++i) {
      const bool in = std::find(lists[i].begin(), lists[i].end(),
                                std::string(country)) != lists[i].end();
      EXPECT_EQ(set->Matches(2 * i, &scratch), in) << country << " list " << i;
      EXPECT_EQ(set->Matches(2 * i + 1, &scratch), !in) << country << " list " << i;
    }
    EXPECT_EQ(set->Matches(2 * lists.size(), &scratch),
              std::string(country) == "FR" || std::string(country) == "fr")
        << country;
    EXPECT_FALSE(set->Matches(2 * lists.size() + 1, &scratch)) << country;
  }
  // A number is among the list's numbers only; "7" the string is not 7.
  a.Clear();
  a.Set("country", 7);
  set->Bind("v", a, &scratch);
  for (size_t i = 0; i < lists.size(); ++i) {
    EXPECT_FALSE(set->Matches(2 * i, &scratch));
    EXPECT_TRUE(set->Matches(2 * i + 1, &scratch));
  }
  EXPECT_TRUE(set->Matches(2 * lists.size(), &scratch));
  EXPECT_TRUE(set->Matches(2 * lists.size() + 1, &scratch));
  a.Clear();
  a.Set("country", "7");
  set->Bind("v", a, &scratch);
  EXPECT_FALSE(set->Matches(2 * lists.size(), &scratch));
  EXPECT_TRUE(set->Matches(2 * lists.size() + 1, &scratch));
  // Missing: IN is false, NOT_IN true.
  a.Clear();
  a.Set("plan", "pro");
  set->Bind("v", a, &scratch);
  for (size_t i = 0; i < lists.size(); ++i) {
    EXPECT_FALSE(set->Matches(2 * i, &scratch));
    EXPECT_TRUE(set->Matches(2 * i + 1, &scratch));
  }
}

// A visitor's version is parsed once for all SEMVER_* predicates on it, and
// again for the next visitor (a stale parse would answer for the previous
// one), also when the next visitor's value is not a version at all.
TEST(CompiledTargetingSet, ParsedVersionIsPerVisitor) {
  auto set = testing::MustCreate({
      Tree({T("app", "SEMVER_GREATER_THAN_OR_EQUALS", S("1.5.0"))}),
      Tree({T("app", "SEMVER_LOWER_THAN", S("2.0.0-rc.1"))}),
      Tree({T("app", "SEMVER_NOT_EQUALS", S("1.0.0"))}),
  });
  ASSERT_NE(set, nullptr);
  TargetingScratch scratch;
  Attributes a;
  struct Case {
    const char* app;
    bool ge, lt, ne;
  };
  for (const Case& c : {Case{"2.0.0", true, false, true},
                        Case{"1.0.0", false, true, false},
                        Case{"2.0.0-beta", true, true, true},
                        Case{"junk", false, false, false},
                        Case{"v1.6.0", true, true, true}}) {
    a.Clear();
    a.Set("app", c.app);
    set->Bind("v", a, &scratch);
    EXPECT_EQ(set->Matches(0, &scratch), c.ge) << c.app;
    EXPECT_EQ(set->Matches(1, &scratch), c.lt) << c.app;
    EXPECT_EQ(set->Matches(2, &scratch), c.ne) << c.app;
  }
  // A number is no version.
  a.Clear();
  a.Set("app", 2);
  set->Bind("v", a, &scratch);
  for (size_t i = 0; i < 3; ++i) EXPECT_FALSE(set->Matches(i, &scratch));
}

// Attributes remember the slot each name was bound to, per targeting set.
// Renaming entries between visitors, reordering them, and alternating two
// sets whose slots differ must all bind each value to its own name.
TEST(CompiledTargetingSet, SlotMemoFollowsNamesAndSets) {
  auto by_country = testing::MustCreate({Tree({T("country", "EQUALS", S("FR"))}),
                                         Tree({T("plan", "EQUALS", S("pro"))})});
  auto by_plan = testing::MustCreate({Tree({T("plan", "EQUALS", S("pro"))}),
                                      Tree({T("zone", "EQUALS", S("eu"))}),
                                      Tree({T("country", "EQUALS", S("FR"))})});
  ASSERT_NE(by_country, nullptr);
  ASSERT_NE(by_plan, nullptr);
  TargetingScratch scratch;
  Attributes a;
  for (int round = 0; round < 4; ++round) {
    a.Clear();
    if (round % 2 == 0) {
      a.Set("country", "FR");
      a.Set("plan", "free");
    } else {
      a.Set("plan", "pro");   // same entries, other names
      a.Set("country", "US");
      a.Set("zone", "eu");
    }
    const bool fr = round % 2 == 0;
    by_country->Bind("v", a, &scratch);
    EXPECT_EQ(by_country->Matches(0, &scratch), fr) << round;
    EXPECT_EQ(by_country->Matches(1, &scratch), !fr) << round;
    by_plan->Bind("v", a, &scratch);
    EXPECT_EQ(by_plan->Matches(0, &scratch), !fr) << round;
    EXPECT_EQ(by_plan->Matches(1, &scratch), !fr) << round;
    EXPECT_EQ(by_plan->Matches(2, &scratch), fr) << round;
  }
  // A value set twice keeps the last one.
  a.Clear();
  a.Set("country", "US");
  a.Set("country", "FR");
  by_country->Bind("v", a, &scratch);
  EXPECT_TRUE(by_country->Matches(0, &scratch));
}

// Bind keeps a plan (which entries to bind, to which slots) while the
// attributes' names stay where they were (Attributes::layout) and their
// number stays. Random fills, refills, erasures and copies of three bags
// bound in turn to one scratch: every answer must be what the bag holds now.
TEST(CompiledTargetingSet, BindPlanFollowsNamesSizesAndCopies) {
  const char* names[] = {"country", "plan", "zone", "unread", "other"};
  const char* values[] = {"a", "b"};
  std::vector<TargetingTreeSpec> trees;
  for (int n = 0; n < 3; ++n) {
    for (const char* v : values) {
      trees.push_back(Tree({T(names[n], "EQUALS", S(v))}));
    }
  }
  // Two predicates in one tree, and a tree through the general test.
  trees.push_back(
      Tree({T("country", "EQUALS", S("a")), T("zone", "EQUALS", S("b"))}));
  trees.push_back(Tree({T("plan", "STARTS_WITH", S("a"))}));
  auto set = testing::MustCreate(trees);
  ASSERT_NE(set, nullptr);
  auto expected = [&](const Attributes& a, size_t tree) {
    auto holds = [&](const char* name, const char* value) {
      AttributeValue v;
      return a.Find(name, &v) && v.type == ValueType::kString &&
             v.string == value;
    };
    if (tree < 6) return holds(names[tree / 2], values[tree % 2]);
    if (tree == 6) return holds("country", "a") && holds("zone", "b");
    return holds("plan", "a");  // STARTS_WITH "a" of "a", "b" or 1
  };
  std::mt19937 rng(11);
  Attributes bags[3];
  TargetingScratch scratch;
  int checked = 0, layout_changes = 0;
  uint64_t last_layout = 0;
  for (int step = 0; step < 20000; ++step) {
    Attributes& a = bags[rng() % 3];
    switch (rng() % 8) {
      case 0:  // a new fill, perhaps in another order and shorter
        a.Clear();
        for (int k = rng() % 6; k > 0; --k) {
          a.Set(names[rng() % 5], values[rng() % 2]);
        }
        break;
      case 1:  // a refill in the same order, with other values
      {
        std::vector<std::string> order;
        for (size_t i = 0; i < a.size(); ++i) order.emplace_back(a.name(i));
        a.Clear();
        for (const std::string& name : order) a.Set(name, values[rng() % 2]);
        break;
      }
      case 2:
        a.Erase(names[rng() % 5]);
        break;
      case 3:
        a = bags[rng() % 3];
        break;
      case 4:  // a number where a string was
        a.Set(names[rng() % 3], 1.0);
        break;
      default:
        a.Set(names[rng() % 5], values[rng() % 2]);
        break;
    }
    const Attributes& bound = bags[rng() % 3];
    layout_changes += bound.layout() != last_layout;
    last_layout = bound.layout();
    set->Bind("v", bound, &scratch);
    for (size_t t = 0; t < set->size(); ++t) {
      ASSERT_EQ(set->Matches(t, &scratch), expected(bound, t))
          << "step " << step << " tree " << t;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 20000 * 8);
  EXPECT_GT(layout_changes, 1000);  // plans kept and plans made
}

TEST(CompiledTargetingSet, PredicatesDifferingInIgnoreCaseAreNotShared) {
  auto set = testing::MustCreate(
      {Tree({T("ua", "MATCHES_REGEX", S("chrome"))}),
       Tree({T("ua", "MATCHES_REGEX", S("chrome"), true)})});
  ASSERT_NE(set, nullptr);
  TargetingScratch scratch;
  Attributes a;
  a.Set("ua", "Chrome");
  set->Bind("v", a, &scratch);
  EXPECT_FALSE(set->Matches(0, &scratch));
  EXPECT_TRUE(set->Matches(1, &scratch));
  EXPECT_EQ(ScratchAccess::Stats(scratch).regex_matches, 2u);
}

// A tree of one predicate is tested through its compact form (strings
// compared in place, numbers, interned IN lists); the same predicate inside
// an AND group goes through the general test. They answer alike for every
// operator, operand and visitor value, missing and mistyped ones included.
TEST(CompiledTargetingSet, OnePredicateTreesAnswerLikeTheGeneralTest) {
  const std::vector<std::string> ops = {
      "EQUALS",       "NOT_EQUALS",
      "GREATER_THAN", "GREATER_THAN_OR_EQUALS",
      "LOWER_THAN",   "LOWER_THAN_OR_EQUALS",
      "IN",           "NOT_IN"};
  const std::string long_value = "a-value-longer-than-16-bytes";
  const std::vector<TargetingValueSpec> operands = {S("FR"),
                                                    S(""),
                                                    S("10"),
                                                    S(long_value),
                                                    N(10),
                                                    N(-1.5),
                                                    B(true),
                                                    L({S("FR"), S("DE")}),
                                                    L({S("FR"), N(7)}),
                                                    L({S(long_value)})};
  std::vector<std::function<void(Attributes*)>> visitors;
  for (const std::string& v :
       {std::string("FR"), std::string("fr"), std::string(""),
        std::string("10"), std::string("9"), std::string("DE"), long_value,
        long_value.substr(0, long_value.size() - 1) + "X"}) {
    visitors.push_back([v](Attributes* a) { a->Set("k", v); });
  }
  for (const double d : {10.0, 9.99, -1.5, 7.0, 0.0, std::nan("")}) {
    visitors.push_back([d](Attributes* a) { a->Set("k", d); });
  }
  for (const bool b : {true, false}) {
    visitors.push_back([b](Attributes* a) { a->Set("k", b); });
  }
  visitors.push_back([](Attributes*) {});  // missing
  int compared = 0, held = 0;
  for (const std::string& op : ops) {
    for (const TargetingValueSpec& operand : operands) {
      for (const bool ignore_case : {false, true}) {
        const TargetingSpec t = T("k", op, operand, ignore_case);
        auto single = CompiledTargetingSet::Create({Tree({t})});
        auto grouped = CompiledTargetingSet::Create(
            {Tree({T("always", "EXISTS", B(true)), t})});
        ASSERT_EQ(single.ok(), grouped.ok()) << op;
        if (!single.ok()) continue;  // e.g. a relational operator on a list
        TargetingScratch a_scratch, b_scratch;
        for (size_t i = 0; i < visitors.size(); ++i) {
          Attributes a;
          a.Set("always", 1);
          visitors[i](&a);
          (*single)->Bind("v", a, &a_scratch);
          (*grouped)->Bind("v", a, &b_scratch);
          const bool one = (*single)->Matches(0, &a_scratch);
          EXPECT_EQ(one, (*grouped)->Matches(0, &b_scratch))
              << op << " ignore_case=" << ignore_case << " visitor " << i;
          ++compared;
          held += one;
        }
      }
    }
  }
  // Enough cases, and both answers among them.
  EXPECT_GT(compared, 1000);
  EXPECT_GT(held, 100);
  EXPECT_LT(held, compared - 100);
  // A few answers checked outright.
  Attributes fr;
  fr.Set("k", "FR");
  EXPECT_TRUE(testing::Eval(T("k", "EQUALS", S("FR")), fr));
  EXPECT_FALSE(testing::Eval(T("k", "NOT_EQUALS", S("FR")), fr));
  EXPECT_TRUE(testing::Eval(T("k", "IN", L({S("DE"), S("FR")})), fr));
  Attributes ten;
  ten.Set("k", 10);
  EXPECT_TRUE(testing::Eval(T("k", "GREATER_THAN_OR_EQUALS", N(10)), ten));
  EXPECT_FALSE(testing::Eval(T("k", "GREATER_THAN", N(10)), ten));
  EXPECT_FALSE(testing::Eval(T("k", "EQUALS", S("10")), ten));
}

// A string operand of 1 to 8 bytes in a tree's head is compared as one
// word with the visitor's inline bytes (FastKind::kShortString): bytes an
// earlier, longer value left in the reused entry must not count, nor an
// earlier value kept out of line. Answers as the general test does, and
// EQUALS holds exactly for the same bytes.
TEST(CompiledTargetingSet, ShortStringFormsIgnoreBytesLeftByEarlierValues) {
  const std::string base = "abcdefghij";
  std::vector<std::string> values;
  for (size_t n = 1; n <= 9; ++n) {
    const std::string v = base.substr(0, n);
    values.push_back(v);
    values.push_back(v.substr(0, n - 1) + "X");  // the last byte differs
    values.push_back("X" + v.substr(1));         // the first byte differs
  }
  const std::vector<std::string> earlier = {
      "", "abcdefghijklmnop", "a-value-longer-than-16-bytes", "abcdefgh"};
  int compared = 0, equal = 0;
  for (const std::string op : {"EQUALS", "NOT_EQUALS"}) {
    for (size_t n = 1; n <= 9; ++n) {
      const std::string operand = base.substr(0, n);
      const TargetingSpec t = T("k", op, S(operand));
      auto single = CompiledTargetingSet::Create({Tree({t})});
      auto grouped = CompiledTargetingSet::Create(
          {Tree({T("always", "EXISTS", B(true)), t})});
      ASSERT_TRUE(single.ok() && grouped.ok());
      TargetingScratch a_scratch, b_scratch;
      Attributes a;  // reused: each value follows an earlier one
      for (const std::string& before : earlier) {
        for (const std::string& v : values) {
          a.Clear();
          a.Set("always", 1);
          a.Set("k", before);
          a.Clear();
          a.Set("always", 1);
          a.Set("k", v);
          (*single)->Bind("v", a, &a_scratch);
          (*grouped)->Bind("v", a, &b_scratch);
          const bool one = (*single)->Matches(0, &a_scratch);
          ASSERT_EQ(one, (*grouped)->Matches(0, &b_scratch))
              << op << " " << operand << " against " << v << " after "
              << before;
          ASSERT_EQ(one, (v == operand) == (op == "EQUALS"))
              << op << " " << operand << " against " << v << " after "
              << before;
          ++compared;
          equal += v == operand;
        }
      }
    }
  }
  EXPECT_EQ(compared, 2 * 9 * 4 * 27);
  EXPECT_EQ(equal, 2 * 9 * 4);
}

// Matches (eager bits, masks, the index, lazy predicates) against Explain,
// which evaluates every targeting on its own, on random trees of several
// groups: over 64 eager predicates (several words), more than kMaxEager
// reachable only through indexed trees, indexed trees whose filed EQUALS is
// left out of their group, values of every type and missing ones.
// The positions of a Matching from MatchingOfList or MatchingOfMarked,
// sorted, once their shape is checked: each at most once, in two ascending
// parts (the trees their masks decide, then the others). With the list's
// tests, also that the first part is the complete ones.
std::vector<uint32_t> TwoPartPositions(
    const CompiledTargetingSet::Matching& m,
    const CompiledTargetingSet::TreeList* list = nullptr) {
  std::vector<uint32_t> got(m.positions, m.positions + m.count);
  int descents = 0;
  for (size_t i = 1; i < got.size(); ++i) descents += got[i] < got[i - 1];
  EXPECT_LE(descents, 1);
  if (list != nullptr) {
    for (size_t i = 1; i < got.size(); ++i) {
      EXPECT_GE(list->tests[got[i - 1]].complete, list->tests[got[i]].complete)
          << "position " << i;
    }
  }
  std::sort(got.begin(), got.end());
  EXPECT_TRUE(std::adjacent_find(got.begin(), got.end()) == got.end());
  return got;
}

TEST(CompiledTargetingSet, EagerBitsAnswerLikeExplain) {
  std::mt19937 rng(11);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const char* keys[] = {"a", "b", "c", "d"};
  const char* words[] = {"x", "y", "z", "10", ""};
  auto operand = [&](int kind) -> TargetingValueSpec {
    switch (kind) {
      case 0:
        return S(words[pick(5)]);
      case 1:
        return N(pick(40));
      default:
        return B(pick(2) == 0);
    }
  };
  auto targeting = [&]() -> TargetingSpec {
    const std::string key = keys[pick(4)];
    switch (pick(10)) {
      case 9:
        // A string operand: its number (NaN for "x", 10 for "10") is what a
        // number is compared with, in the same run as the numbers.
        return T(key, pick(2) ? "GREATER_THAN" : "LOWER_THAN_OR_EQUALS",
                 S(words[pick(5)]));
      case 0:
        return T(key, "EQUALS", operand(pick(3)));
      case 1:
        return T(key, "NOT_EQUALS", operand(pick(3)));
      case 2:
        return T(key, "GREATER_THAN_OR_EQUALS", N(pick(40)));
      case 3:
        return T(key, "LOWER_THAN", N(pick(40)));
      case 4:
        return T(key, "IN", L({S(words[pick(5)]), S(words[pick(5)]), N(pick(40))}));
      case 5:
        return T(key, "NOT_IN", L({S(words[pick(5)]), S(words[pick(5)])}));
      case 6:
        return T(key, pick(2) ? "EXISTS" : "NOT_EXISTS", B(true));
      case 7:
        return T(key, "CONTAINS", S(words[pick(4)]), pick(2) == 0);
      default:
        return T(key, "EQUALS", S(words[pick(5)]), true);
    }
  };
  std::vector<TargetingTreeSpec> trees;
  for (int i = 0; i < 400; ++i) {
    TargetingTreeSpec tree;
    tree.path = "t";
    const bool indexed = i % 2 == 0;  // one group with a plan EQUALS
    const int groups = indexed ? 1 : 1 + pick(3);
    for (int g = 0; g < groups; ++g) {
      TargetingGroupSpec& group = tree.groups.emplace_back();
      group.path = "t.g";
      if (indexed) {
        group.targetings.push_back(
            T("plan", "EQUALS", S(std::string("p") + std::to_string(i % 30))));
        // A relational operand of its own per tree: past kMaxEager.
        group.targetings.push_back(T("age", "GREATER_THAN_OR_EQUALS", N(i)));
      }
      const int n = pick(4) + (indexed ? 0 : 1);
      for (int k = 0; k < n; ++k) group.targetings.push_back(targeting());
    }
    if (i % 50 == 7) tree.groups.emplace_back().path = "t.empty";  // false
    trees.push_back(std::move(tree));
  }
  for (const bool index : {true, false}) {
    TargetingOptions options;
    options.candidate_index = index;
    auto set = CompiledTargetingSet::Create(trees, options);
    ASSERT_TRUE(set.ok()) << set.status();
    EXPECT_EQ((*set)->IsIndexed(0), index);
    TargetingScratch scratch;
    int held = 0, compared = 0;
    for (int v = 0; v < 300; ++v) {
      Attributes a;
      for (const char* key : keys) {
        switch (pick(4)) {
          case 0:
            a.Set(key, words[pick(5)]);
            break;
          case 1:
            a.Set(key, static_cast<double>(pick(40)));
            break;
          case 2:
            a.Set(key, pick(2) == 0);
            break;
          default:
            break;  // missing
        }
      }
      a.Set("plan", std::string("p") + std::to_string(pick(32)));
      if (pick(5) != 0) a.Set("age", static_cast<double>(pick(420)));
      (*set)->Bind("visitor", a, &scratch);
      std::vector<bool> expected(trees.size());
      for (size_t t = 0; t < trees.size(); ++t) {
        // The tree holds when some non-empty group has every targeting true.
        const auto explained = (*set)->Explain(t, "visitor", a);
        std::vector<int> all(trees[t].groups.size(), 1);
        for (const TargetingExplanation& e : explained)
          all[e.group] &= e.matched;
        for (size_t g = 0; g < all.size(); ++g) {
          if (all[g] && !trees[t].groups[g].targetings.empty()) {
            expected[t] = true;
          }
        }
      }
      // The positions of `asked` whose trees hold (a tree the set lacks
      // does not), as every Matching* must answer them.
      // MatchingOf's in order; MatchingOfList's and MatchingOfMarked's in
      // two parts (TwoPartPositions) when `two_parts`.
      auto expect_positions = [&](const std::vector<uint32_t>& asked,
                                  const CompiledTargetingSet::Matching& m,
                                  const char* what, bool two_parts = false,
                                  const CompiledTargetingSet::TreeList* list =
                                      nullptr) {
        std::vector<uint32_t> want;
        for (uint32_t i = 0; i < asked.size(); ++i) {
          if (asked[i] < trees.size() && expected[asked[i]]) {
            want.push_back(i);
          }
        }
        ASSERT_EQ(two_parts ? TwoPartPositions(m, list)
                            : std::vector<uint32_t>(m.positions,
                                                    m.positions + m.count),
                  want)
            << what << " visitor " << v << " index " << index;
      };
      // MatchingOf answers like Explain: over every tree in order before
      // any Matches (no memo set yet), and over a shuffled subset with a
      // tree the set lacks after them.
      auto check_matching = [&](const std::vector<uint32_t>& asked) {
        expect_positions(
            asked, (*set)->MatchingOf(asked.data(), asked.size(), &scratch),
            "MatchingOf");
      };
      std::vector<uint32_t> every(trees.size());
      for (uint32_t t = 0; t < every.size(); ++t) every[t] = t;
      check_matching(every);
      // MatchingOf over the trees the index cannot rule out: the ones
      // outside it, then those Bind marked; MatchingOfMarked over the
      // marked ones, through the tests Bind copied beside them;
      // MatchingOfList over those outside as a prepared list, in reverse.
      {
        std::vector<uint32_t> outside;
        for (uint32_t t = trees.size(); t-- > 0;) {
          if (!(*set)->IsIndexed(t)) outside.push_back(t);
        }
        const CompiledTargetingSet::Candidates c =
            (*set)->CandidatesOf(scratch);
        const std::vector<uint32_t> marked(c.marked, c.marked + c.num_marked);
        std::vector<uint32_t> open = outside;
        open.insert(open.end(), marked.begin(), marked.end());
        expect_positions(open,
                         (*set)->MatchingOf(open.data(), open.size(), &scratch),
                         "MatchingOf");
        expect_positions(marked, (*set)->MatchingOfMarked(&scratch),
                         "MatchingOfMarked", true);
        // The Matching*'s answers as each held tree's value, in their order.
        std::vector<int32_t> value_of_tree(trees.size());
        for (size_t t = 0; t < trees.size(); ++t) {
          value_of_tree[t] = 1000 + 7 * static_cast<int32_t>(t);
        }
        auto expect_values = [&](const CompiledTargetingSet::Matching& m,
                                 const std::vector<uint32_t>& asked,
                                 const std::vector<int32_t>& got,
                                 const char* what) {
          std::vector<int32_t> want;
          for (size_t j = 0; j < m.count; ++j) {
            want.push_back(value_of_tree[asked[m.positions[j]]]);
          }
          ASSERT_EQ(got, want) << what << " visitor " << v << " index " << index;
        };
        std::vector<int32_t> values(trees.size() + 1, -1);
        values.resize((*set)->MatchingValuesOfMarked(value_of_tree.data(),
                                                     values.data(), &scratch));
        expect_values((*set)->MatchingOfMarked(&scratch), marked, values,
                      "MatchingValuesOfMarked");
        // One tree the set lacks in place of another (n stays <= size()).
        outside[outside.size() / 2] = static_cast<uint32_t>(trees.size() + 3);
        const CompiledTargetingSet::TreeList list =
            (*set)->PrepareList(outside.data(), outside.size());
        expect_positions(outside, (*set)->MatchingOfList(list, &scratch),
                         "MatchingOfList", true, &list);
        auto check_values = [&](const CompiledTargetingSet::TreeList& l,
                                const std::vector<uint32_t>& asked) {
          std::vector<int32_t> got(asked.size() + 1, -1);
          got.resize((*set)->MatchingValuesOfList(l, value_of_tree.data(),
                                                  got.data(), &scratch));
          expect_values((*set)->MatchingOfList(l, &scratch), asked, got,
                        "MatchingValuesOfList");
        };
        check_values(list, outside);
        // Lists of at most 64 trees go through their sieve (the list above
        // is longer): 64, one, and a few with the tree the set lacks.
        for (const size_t n : {size_t{64}, size_t{1}, size_t{9}}) {
          std::vector<uint32_t> shorter(outside.end() - n, outside.end());
          if (n == 9) shorter[4] = static_cast<uint32_t>(trees.size() + 3);
          const CompiledTargetingSet::TreeList sieved =
              (*set)->PrepareList(shorter.data(), shorter.size());
          ASSERT_NE(sieved.all, 0u);  // matched through the sieve
          expect_positions(shorter, (*set)->MatchingOfList(sieved, &scratch),
                           "MatchingOfList (sieve)", true, &sieved);
          check_values(sieved, shorter);
        }
      }
      for (size_t t = 0; t < trees.size(); ++t) {
        ASSERT_EQ((*set)->Matches(t, &scratch), expected[t])
            << "tree " << t << " visitor " << v << " index " << index;
        ASSERT_EQ((*set)->MatchesBound(t, &scratch), expected[t])
            << "tree " << t << " visitor " << v << " index " << index;
        held += expected[t];
        ++compared;
      }
      std::vector<uint32_t> some(every.begin(), every.begin() + 60);
      std::shuffle(some.begin(), some.end(), rng);
      some[7] = static_cast<uint32_t>(trees.size() + 3);
      check_matching(some);
    }
    // Both answers, many times over.
    EXPECT_GT(held, 1000);
    EXPECT_LT(held, compared - 1000);
  }
}

// Costly predicates (regex, semver, CONTAINS) that many trees outside the
// index share are evaluated by Bind, once per visitor, into eager bits: the
// answers stay those of Explain for every tree, through Matches,
// MatchesBound and MatchingOf, with missing attributes and values of other
// types, for trees of one such predicate too (they read the same bit); and
// each shared regex predicate is evaluated exactly once per
// visitor, even when no tree needs it (the price of evaluating it eagerly;
// the count includes a missing value or one of another type, which never
// matches).
// Once one version comparison of a slot is eager (shared by enough trees
// outside the index), Bind parses the visitor's version anyway: the slot's
// other comparisons that several trees read go eager with it, outside the
// index and in it, and none is made on its own afterwards. Without the
// shared one, and with the trees that read them evaluated for 10 % of
// visitors each (the four thresholds together: 0.4 evaluations per
// visitor), they stay lazy. Either way every answer is Explain's.
TEST(CompiledTargetingSet, VersionComparisonsOfAnEagerSlotAreEagerToo) {
  const std::vector<TargetingSpec> thresholds = {
      T("v", "SEMVER_GREATER_THAN", S("1.0.0")),
      T("v", "SEMVER_LOWER_THAN", S("2.0.0")),
      T("v", "SEMVER_GREATER_THAN_OR_EQUALS", S("1.10.0")),
      T("v", "SEMVER_LOWER_THAN_OR_EQUALS", S("1.5.0")),
  };
  for (const bool shared : {true, false}) {
    std::vector<TargetingTreeSpec> trees;
    if (shared) {
      for (int i = 0; i < 6; ++i) {  // the comparison many trees share
        trees.push_back(Tree({T("n", "GREATER_THAN_OR_EQUALS", N(i)),
                              T("v", "SEMVER_GREATER_THAN_OR_EQUALS", S("1.2.0"))}));
      }
    }
    for (size_t k = 0; k < thresholds.size(); ++k) {
      // Each read by two trees: one outside the index, one in it.
      trees.push_back(Tree({T("n", "LOWER_THAN", N(10 + k)), thresholds[k]}));
      trees.push_back(Tree({T("plan", "EQUALS", S("p" + std::to_string(k % 2))),
                            thresholds[k]}));
      if (!shared) {
        trees[trees.size() - 2].evaluated_share = 0.1;
        trees.back().evaluated_share = 0.1;
      }
    }
    auto set = CompiledTargetingSet::Create(trees);
    ASSERT_TRUE(set.ok()) << set.status();
    const char* versions[] = {"1.2.3",  "2.0.0",       "0.9.0", "1.10.0",
                              "1.5.0-rc.1", "1.5.0-rc.10", "bad", "v1.3.0"};
    TargetingScratch scratch;
    uint64_t alone = 0;
    int held = 0;
    for (int v = 0; v < 64; ++v) {
      Attributes a;
      a.Set("v", versions[v % 8]);
      a.Set("n", static_cast<double>(v % 16));
      a.Set("plan", "p" + std::to_string(v % 3));
      const uint64_t before = ScratchAccess::Stats(scratch).version_comparisons;
      (*set)->Bind("visitor", a, &scratch);
      std::vector<uint32_t> every(trees.size()), want;
      for (uint32_t t = 0; t < every.size(); ++t) every[t] = t;
      for (size_t t = 0; t < trees.size(); ++t) {
        bool all = true;
        for (const TargetingExplanation& e : (*set)->Explain(t, "visitor", a)) {
          all = all && e.matched;
        }
        if (all) want.push_back(static_cast<uint32_t>(t));
      }
      const CompiledTargetingSet::Matching m =
          (*set)->MatchingOf(every.data(), every.size(), &scratch);
      ASSERT_EQ(std::vector<uint32_t>(m.positions, m.positions + m.count), want)
          << "visitor " << v << (shared ? ", shared" : "");
      held += static_cast<int>(want.size());
      alone += ScratchAccess::Stats(scratch).version_comparisons - before;
    }
    if (shared) {
      EXPECT_EQ(alone, 0u);
    } else {
      EXPECT_GT(alone, 64u);
    }
    EXPECT_GT(held, 64);
  }
}

// MatchingValuesOfMarked over the marked trees of one index entry (its
// sieve), of two entries (copied one after the other) and of an entry of
// more than 64 trees (no sieve): each tree that holds, as its value, in
// MatchingOfMarked's order.
TEST(CompiledTargetingSet, MatchingValuesOfMarkedOverOneOrSeveralEntries) {
  std::vector<TargetingTreeSpec> trees;
  for (int i = 0; i < 400; ++i) {
    TargetingTreeSpec tree;
    tree.path = "t";
    TargetingGroupSpec& group = tree.groups.emplace_back();
    group.path = "t.g";
    // Plans p0/p1 file 100 trees each; countries c0..c3 25 each.
    group.targetings.push_back(
        i % 2 == 0 ? T("plan", "EQUALS", S("p" + std::to_string(i / 2 % 2)))
                   : T("country", "EQUALS",
                       S("c" + std::to_string(i / 2 % 4))));
    group.targetings.push_back(T("age", "GREATER_THAN_OR_EQUALS", N(i % 50)));
    trees.push_back(std::move(tree));
  }
  auto set = CompiledTargetingSet::Create(trees, TargetingOptions());
  ASSERT_TRUE(set.ok()) << set.status();
  std::vector<int32_t> value_of_tree(trees.size());
  for (size_t t = 0; t < trees.size(); ++t) {
    value_of_tree[t] = 5000 - 3 * static_cast<int32_t>(t);
  }
  TargetingScratch scratch;
  int held = 0;
  for (int v = 0; v < 60; ++v) {
    Attributes a;
    if (v % 3 != 1) a.Set("plan", "p" + std::to_string(v % 2));
    if (v % 3 != 0) a.Set("country", "c" + std::to_string(v % 5));
    a.Set("age", static_cast<double>(v));
    (*set)->Bind("visitor", a, &scratch);
    const CompiledTargetingSet::Candidates c = (*set)->CandidatesOf(scratch);
    const std::vector<uint32_t> marked(c.marked, c.marked + c.num_marked);
    std::vector<int32_t> got(trees.size(), -1);
    got.resize((*set)->MatchingValuesOfMarked(value_of_tree.data(),
                                              got.data(), &scratch));
    std::vector<int32_t> want;
    std::vector<int32_t> holding;
    const CompiledTargetingSet::Matching m = (*set)->MatchingOfMarked(&scratch);
    for (size_t j = 0; j < m.count; ++j) {
      want.push_back(value_of_tree[marked[m.positions[j]]]);
    }
    for (size_t t = 0; t < trees.size(); ++t) {
      if ((*set)->Matches(t, &scratch)) holding.push_back(value_of_tree[t]);
    }
    ASSERT_EQ(got, want) << "visitor " << v;
    std::sort(got.begin(), got.end());
    std::sort(holding.begin(), holding.end());
    ASSERT_EQ(got, holding) << "visitor " << v;
    held += static_cast<int>(got.size());
  }
  EXPECT_GT(held, 300);
}

TEST(CompiledTargetingSet, SharedCostlyPredicatesAnswerLikeExplain) {
  std::mt19937 rng(23);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::vector<TargetingSpec> costly = {
      T("s", "MATCHES_REGEX", S("^a")),
      T("s", "MATCHES_REGEX", S("b$")),
      T("s", "NOT_MATCHES_REGEX", S("[0-9]")),
      T("v", "SEMVER_GREATER_THAN_OR_EQUALS", S("1.2.0")),
      T("v", "SEMVER_LOWER_THAN", S("2.0.0")),
      T("s", "CONTAINS", S("x")),
  };
  std::vector<TargetingTreeSpec> trees;
  for (int i = 0; i < 60; ++i) {  // outside the index: cheap, then costly
    TargetingTreeSpec tree;
    tree.path = "t";
    const int groups = i % 7 == 3 ? 2 : 1;
    for (int g = 0; g < groups; ++g) {
      TargetingGroupSpec& group = tree.groups.emplace_back();
      group.path = "t.g";
      group.targetings.push_back(T("n", "GREATER_THAN_OR_EQUALS", N(pick(20))));
      group.targetings.push_back(costly[(i + g) % costly.size()]);
      if (i % 5 == 0)
        group.targetings.push_back(costly[(i + 3) % costly.size()]);
    }
    trees.push_back(std::move(tree));
  }
  for (int i = 0; i < 12; ++i) {  // indexed: a plan, then costly
    trees.push_back(Tree({T("plan", "EQUALS", S("p" + std::to_string(i % 3))),
                          costly[i % costly.size()]}));
  }
  trees.push_back(Tree({costly[0]}));  // one predicate: reads the bit
  trees.push_back(Tree({costly[3]}));
  // Trees said to be evaluated for 1 % of visitors each leave the costly
  // predicates lazy (the ~10 to 15 trees that share each are evaluated
  // about 0.1 times per visitor in all); at 25 % each (about 3 times per
  // visitor in all) they are eager, as for trees every visitor has
  // evaluated.
  for (const double share : {1.0, 0.01, 0.25}) {
    const bool seldom = share < 0.1;
    for (TargetingTreeSpec& tree : trees) tree.evaluated_share = share;
    auto set = CompiledTargetingSet::Create(trees);
    ASSERT_TRUE(set.ok()) << set.status();
    uint64_t regex_total = 0;
    const char* strings[] = {"abc", "b", "a1", "xyz", "ab", ""};
    const char* versions[] = {"1.2.3", "2.0.0", "0.9.0", "bad", "1.10.0-rc.1"};
    TargetingScratch scratch;
    int held = 0, compared = 0;
    for (int v = 0; v < 400; ++v) {
      Attributes a;
      const int s_kind = pick(4);  // string, string, number, missing
      if (s_kind < 2) a.Set("s", strings[pick(6)]);
      if (s_kind == 2) a.Set("s", 5.0);
      switch (pick(3)) {
        case 0:
          a.Set("v", versions[pick(5)]);
          break;
        case 1:
          a.Set("v", 2.0);
          break;
        default:
          break;
      }
      if (pick(4) != 0) a.Set("n", static_cast<double>(pick(25)));
      a.Set("plan", "p" + std::to_string(pick(5)));
      const uint64_t regex_before = ScratchAccess::Stats(scratch).regex_matches;
      (*set)->Bind("visitor", a, &scratch);
      std::vector<uint32_t> every(trees.size()), want;
      for (uint32_t t = 0; t < every.size(); ++t) every[t] = t;
      std::vector<bool> expected(trees.size());
      for (size_t t = 0; t < trees.size(); ++t) {
        std::vector<int> all(trees[t].groups.size(), 1);
        for (const TargetingExplanation& e : (*set)->Explain(t, "visitor", a)) {
          all[e.group] &= e.matched;
        }
        for (int g : all) expected[t] = expected[t] || g != 0;
        if (expected[t]) want.push_back(static_cast<uint32_t>(t));
      }
      const CompiledTargetingSet::Matching m =
          (*set)->MatchingOf(every.data(), every.size(), &scratch);
      ASSERT_EQ(std::vector<uint32_t>(m.positions, m.positions + m.count), want)
          << "visitor " << v;
      // The same trees as a prepared list (some are indexed: the list's
      // test is not theirs to trust, so only those outside the index).
      std::vector<uint32_t> outside, want_list;
      for (uint32_t t = 0; t < trees.size(); ++t) {
        if ((*set)->IsIndexed(t)) continue;
        if (expected[t]) want_list.push_back(outside.size());
        outside.push_back(t);
      }
      const CompiledTargetingSet::TreeList list =
          (*set)->PrepareList(outside.data(), outside.size());
      const CompiledTargetingSet::Matching ml =
          (*set)->MatchingOfList(list, &scratch);
      ASSERT_EQ(TwoPartPositions(ml, &list), want_list) << "visitor " << v;
      for (size_t t = 0; t < trees.size(); ++t) {
        ASSERT_EQ((*set)->Matches(t, &scratch), expected[t])
            << "tree " << t << " visitor " << v;
        ASSERT_EQ((*set)->MatchesBound(t, &scratch), expected[t])
            << "tree " << t << " visitor " << v;
        held += expected[t];
        ++compared;
      }
      const uint64_t regex_runs =
          ScratchAccess::Stats(scratch).regex_matches - regex_before;
      if (!seldom) {
        EXPECT_EQ(regex_runs, 3u) << "visitor " << v;
      }
      EXPECT_LE(regex_runs, 3u) << "visitor " << v;  // lazy: at most once each
      regex_total += regex_runs;
    }
    if (seldom) {
      EXPECT_LT(regex_total, 3u * 400 * 9 / 10);
    }
    EXPECT_GT(held, 1000);
    EXPECT_LT(held, compared - 1000);
  }
}

// A slot's version comparisons count together toward going eager: two
// thresholds, each read by two trees (fewer than kSharedEager each, four
// together), are compared in Bind's run (no comparison one by one); one
// threshold read by two trees, or the four reads by trees evaluated for 10 %
// of visitors each, stay lazy.
TEST(CompiledTargetingSet, VersionThresholdsOfASlotCountTogether) {
  struct Case {
    int thresholds;
    double share;
    bool eager;
  };
  for (const Case& c : {Case{2, 1.0, true}, Case{1, 1.0, false},
                        Case{2, 0.1, false}}) {
    std::vector<TargetingTreeSpec> trees;
    for (int i = 0; i < 4; ++i) {
      const int k = c.thresholds == 2 ? i % 2 : 0;
      TargetingTreeSpec tree = Tree(
          {T("n", "GREATER_THAN_OR_EQUALS", N(i)),
           T("v", k == 0 ? "SEMVER_GREATER_THAN_OR_EQUALS" : "SEMVER_LOWER_THAN",
             S(k == 0 ? "1.2.0" : "2.0.0"))});
      tree.evaluated_share = c.share;
      if (c.thresholds == 2 || i < 2) trees.push_back(std::move(tree));
    }
    auto set = CompiledTargetingSet::Create(trees);
    ASSERT_TRUE(set.ok()) << set.status();
    TargetingScratch scratch;
    int held = 0;
    for (const char* version : {"1.0.0", "1.5.0", "2.1.0"}) {
      Attributes a;
      a.Set("n", 9.0);
      a.Set("v", version);
      (*set)->Bind("visitor", a, &scratch);
      for (size_t t = 0; t < trees.size(); ++t) {
        bool expected = false;
        for (const TargetingExplanation& e : (*set)->Explain(t, "visitor", a)) {
          expected = e.matched;  // one group
        }
        ASSERT_EQ((*set)->Matches(t, &scratch), expected)
            << "tree " << t << ", version " << version;
        held += expected;
      }
    }
    EXPECT_GT(held, 0);
    const uint64_t one_by_one =
        ScratchAccess::Stats(scratch).version_comparisons;
    if (c.eager) {
      EXPECT_EQ(one_by_one, 0u) << c.thresholds << " thresholds, share "
                                << c.share;
    } else {
      EXPECT_GT(one_by_one, 0u) << c.thresholds << " thresholds, share "
                                << c.share;
    }
  }
}

// SEMVER_ relational operators of a release operand shared by enough trees
// are evaluated as runs of packed keys (one parse and one search per
// visitor and operator); operands with a prerelease or numbers too wide to
// pack, SEMVER_EQUALS, and visitors' versions that do not pack go the
// general way. Every answer matches Explain's.
TEST(CompiledTargetingSet, SemverRunsAnswerLikeExplain) {
  std::mt19937 rng(41);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const char* ops[] = {"SEMVER_GREATER_THAN", "SEMVER_GREATER_THAN_OR_EQUALS",
                       "SEMVER_LOWER_THAN", "SEMVER_LOWER_THAN_OR_EQUALS",
                       "SEMVER_EQUALS"};
  const char* operands[] = {"1.0.0",       "1.5.0",     "2.0.0",
                            "v1.10.0",     "2.3.1+b.7", "1.5.0-rc.1",
                            "3000000.0.0", "0.0.0",     "1.9.9"};
  std::vector<TargetingTreeSpec> trees;
  for (int i = 0; i < 225; ++i) {  // outside the index: 5 trees per pair
    TargetingTreeSpec tree;
    tree.path = "t";
    TargetingGroupSpec& group = tree.groups.emplace_back();
    group.path = "t.g";
    group.targetings.push_back(T("n", "GREATER_THAN_OR_EQUALS", N(i % 3)));
    group.targetings.push_back(T("v", ops[i % 5], S(operands[(i / 5) % 9])));
    if (i % 7 == 0) {
      group.targetings.push_back(T("v", ops[(i + 1) % 5], S(operands[i % 9])));
    }
    trees.push_back(std::move(tree));
  }
  auto set = CompiledTargetingSet::Create(trees);
  ASSERT_TRUE(set.ok()) << set.status();
  const char* versions[] = {
      "1.5.0", "1.5.0-rc.1", "1.5.0-rc.2",  "2.0.0+x", "1.10.0",
      "1.9.9", "v2.3.1",     "0.0.0",       "2.3.1-a", "5000000.1.2",
      "1.2",   "",           "3000000.0.0", "1.0.0-0"};
  TargetingScratch scratch;
  std::vector<uint32_t> every(trees.size());
  for (uint32_t t = 0; t < every.size(); ++t) every[t] = t;
  int held = 0, compared = 0;
  for (int v = 0; v < 600; ++v) {
    Attributes a;
    const int kind = pick(6);  // a version mostly, a number, or missing
    if (kind < 4) a.Set("v", versions[pick(14)]);
    if (kind == 4) a.Set("v", 2.0);
    a.Set("n", static_cast<double>(pick(4)));
    (*set)->Bind("visitor", a, &scratch);
    std::vector<uint32_t> want;
    for (uint32_t t = 0; t < trees.size(); ++t) {
      bool all = true;
      for (const TargetingExplanation& e : (*set)->Explain(t, "visitor", a)) {
        all = all && e.matched;
      }
      if (all) want.push_back(t);
      ASSERT_EQ((*set)->Matches(t, &scratch), all)
          << "tree " << t << " visitor " << v;
      held += all;
      ++compared;
    }
    const CompiledTargetingSet::Matching m =
        (*set)->MatchingOf(every.data(), every.size(), &scratch);
    ASSERT_EQ(std::vector<uint32_t>(m.positions, m.positions + m.count), want)
        << "visitor " << v;
  }
  EXPECT_GT(held, compared / 8);
  EXPECT_LT(held, compared - compared / 8);
}

// Bind marks each candidate tree once, whatever its EQUALS lists: an
// operand listed twice files the tree once, and a tree is filed under one
// predicate however many indexable ones it has.
TEST(CompiledTargetingSet, BindMarksEachCandidateOnce) {
  std::vector<TargetingTreeSpec> trees;
  for (int i = 0; i < 12; ++i) {
    trees.push_back(
        Tree({T("plan", "EQUALS", L({S("pro"), S("free"), S("pro")})),
              T("country", "EQUALS", L({S("FR"), S("FR"), S("DE")})),
              T("age", "GREATER_THAN_OR_EQUALS", N(i))}));
  }
  auto set = CompiledTargetingSet::Create(trees);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_TRUE((*set)->IsIndexed(0));
  TargetingScratch scratch;
  Attributes a;
  a.Set("plan", "pro");
  a.Set("country", "FR");
  a.Set("age", 5.0);
  (*set)->Bind("visitor", a, &scratch);
  const CompiledTargetingSet::Candidates c = (*set)->CandidatesOf(scratch);
  std::vector<uint32_t> marked(c.marked, c.marked + c.num_marked);
  std::sort(marked.begin(), marked.end());
  std::vector<uint32_t> every(trees.size());
  for (uint32_t t = 0; t < every.size(); ++t) every[t] = t;
  EXPECT_EQ(marked, every);
  const CompiledTargetingSet::Matching m =
      (*set)->MatchingOf(c.marked, c.num_marked, &scratch);
  EXPECT_EQ(m.count, 6u);  // age 5 holds for thresholds 0 to 5
  EXPECT_EQ((*set)->MatchingOfMarked(&scratch).count, 6u);
  // A list that another set prepared answers nothing here.
  auto other = CompiledTargetingSet::Create(trees);
  ASSERT_TRUE(other.ok());
  const uint32_t zero = 0;
  const CompiledTargetingSet::TreeList foreign =
      (*other)->PrepareList(&zero, 1);
  EXPECT_EQ((*set)->MatchingOfList(foreign, &scratch).count, 0u);
}

TEST(CompiledTargetingSet, CheapPredicatesRunFirstInAnAndGroup) {
  // The regex would be evaluated if it came first; EQUALS fails before it.
  auto set = testing::MustCreate({Tree({
      T("ua", "MATCHES_REGEX", S("x")),
      T("country", "EQUALS", S("FR")),
  })});
  ASSERT_NE(set, nullptr);
  TargetingScratch scratch;
  Attributes a;
  a.Set("ua", "x");
  a.Set("country", "DE");
  set->Bind("v", a, &scratch);
  EXPECT_FALSE(set->Matches(0, &scratch));
  EXPECT_EQ(ScratchAccess::Stats(scratch).regex_matches, 0u);
}

#if ALLOT_COUNT_ALLOCATIONS
TEST(AllocationCounter, CountsOnlyInsideTheWindow) {
  testing::AllocationWindow window;
  auto* p = new std::string(100, 'x');
  EXPECT_GE(window.Stop(), 1);
  delete p;
  auto* q = new std::string(100, 'y');  // after the window: not counted
  EXPECT_GE(window.Stop(), 1);
  delete q;
}

TEST(CompiledTargetingSet, BindAndMatchesAllocateNothingAfterWarmUp) {
  auto set = testing::MustCreate(SampleTrees());
  ASSERT_NE(set, nullptr);
  const std::vector<Attributes> visitors = SampleVisitors(64);
  TargetingScratch scratch;
  const std::vector<bool> warm = EvaluateAll(*set, visitors, &scratch);
  std::vector<bool> again;
  again.reserve(warm.size());
  testing::AllocationWindow window;
  for (size_t v = 0; v < visitors.size(); ++v) {
    set->Bind(v % 2 ? "v1-odd" : "v2-even", visitors[v], &scratch);
    for (size_t t = 0; t < set->size(); ++t) {
      again.push_back(set->Matches(t, &scratch));
    }
  }
  EXPECT_EQ(window.Stop(), 0);
  EXPECT_EQ(again, warm);
}
#endif  // ALLOT_COUNT_ALLOCATIONS

TEST(CompiledTargetingSet, ScratchMovesBetweenSets) {
  auto a = testing::MustCreate({Tree({T("x", "EQUALS", N(1))})});
  auto b = testing::MustCreate(
      {Tree({T("y", "MATCHES_REGEX", S("^a")), T("x", "EQUALS", N(2))})});
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  Attributes attrs;
  attrs.Set("x", 2);
  attrs.Set("y", "abc");
  TargetingScratch scratch;
  for (int round = 0; round < 3; ++round) {
    a->Bind("v", attrs, &scratch);
    EXPECT_FALSE(a->Matches(0, &scratch));
    b->Bind("v", attrs, &scratch);
    EXPECT_TRUE(b->Matches(0, &scratch));
  }
  TargetingScratch moved = std::move(scratch);
  b->Bind("v", attrs, &moved);
  EXPECT_TRUE(b->Matches(0, &moved));
  b->Bind("v", attrs, &scratch);  // a moved-from scratch is usable again
  EXPECT_TRUE(b->Matches(0, &scratch));
}

TEST(CompiledTargetingSet, ThreadsWithOwnScratchesAgreeWithOneThread) {
  auto set = testing::MustCreate(SampleTrees());
  ASSERT_NE(set, nullptr);
  const std::vector<Attributes> visitors = SampleVisitors(2000);
  TargetingScratch single;
  const std::vector<bool> expected = EvaluateAll(*set, visitors, &single);
  std::vector<bool> results[2];
  std::thread threads[2];
  for (int i = 0; i < 2; ++i) {
    threads[i] = std::thread([&, i] {
      TargetingScratch scratch;
      for (int rep = 0; rep < 3; ++rep) {
        results[i] = EvaluateAll(*set, visitors, &scratch);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(results[0], expected);
  EXPECT_EQ(results[1], expected);
  size_t hits = 0;
  for (bool b : expected) hits += b;
  EXPECT_GT(hits, 0u);
  EXPECT_LT(hits, expected.size());
}

TEST(CompiledTargetingSet, ExplainListsEveryTargetingWithItsOutcome) {
  TargetingTreeSpec tree =
      Tree({T("country", "EQUALS", S("FR")), T("age", "GREATER_THAN", N(18))});
  TargetingGroupSpec& g = tree.groups.emplace_back();
  g.path = tree.path + ".targeting_groups[1]";
  TargetingSpec t = T("ua", "MATCHES_REGEX", L({S("a\"b"), S("c")}));
  t.path = g.path + ".targetings[0]";
  g.targetings.push_back(t);
  auto set = testing::MustCreate({tree});
  ASSERT_NE(set, nullptr);
  Attributes a;
  a.Set("country", "FR");
  a.Set("ua", "xcx");
  const std::vector<TargetingExplanation> e = set->Explain(0, "v", a);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].group, 0u);
  EXPECT_EQ(e[0].path, tree.groups[0].targetings[0].path);
  EXPECT_EQ(e[0].key, "country");
  EXPECT_EQ(e[0].op, "EQUALS");
  EXPECT_EQ(e[0].expected, "\"FR\"");
  EXPECT_EQ(e[0].actual, "\"FR\"");
  EXPECT_TRUE(e[0].matched);
  EXPECT_EQ(e[1].expected, "18");
  EXPECT_EQ(e[1].actual, "missing");
  EXPECT_FALSE(e[1].matched);
  EXPECT_EQ(e[2].group, 1u);
  EXPECT_EQ(e[2].path, g.path + ".targetings[0]");
  EXPECT_EQ(e[2].expected, "[\"a\\\"b\",\"c\"]");
  EXPECT_TRUE(e[2].matched);
}

TEST(Attributes, SetEraseClearAndFind) {
  Attributes a;
  a.Set("s", "x");
  a.Set("n", 3);
  a.Set("b", false);
  a.Set("s", "y");  // last value wins
  EXPECT_EQ(a.size(), 3u);
  AttributeValue v;
  ASSERT_TRUE(a.Find("s", &v));
  EXPECT_EQ(v.type, ValueType::kString);
  EXPECT_EQ(v.string, "y");
  ASSERT_TRUE(a.Find("n", &v));
  EXPECT_EQ(v.type, ValueType::kNumber);
  EXPECT_EQ(v.number, 3);
  ASSERT_TRUE(a.Find("b", &v));
  EXPECT_EQ(v.type, ValueType::kBool);
  a.Erase("n");
  EXPECT_FALSE(a.Find("n", &v));
  EXPECT_TRUE(a.Find("b", &v));
  EXPECT_EQ(a.size(), 2u);
  a.Clear();
  EXPECT_TRUE(a.empty());
  EXPECT_FALSE(a.Find("s", &v));
}

}  // namespace
}  // namespace allot
