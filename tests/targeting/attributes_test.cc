// The reusable attribute bag: last value wins, refills keep their buffers,
// and setting n names costs O(n) however large n grows.
#include "targeting/attributes.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

std::string StringOf(const Attributes& a, std::string_view name) {
  AttributeValue v;
  if (!a.Find(name, &v)) return "<missing>";
  if (v.type == ValueType::kString) return std::string(v.string);
  if (v.type == ValueType::kNumber) return absl::StrCat(v.number);
  return v.boolean ? "true" : "false";
}

TEST(Attributes, SettingANameAgainKeepsTheLastValue) {
  Attributes a;
  a.Set("country", "FR");
  a.Set("age", 31);
  a.Set("country", "DE");
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(StringOf(a, "country"), "DE");
  EXPECT_EQ(StringOf(a, "age"), "31");
}

TEST(Attributes, RefillInTheSameOrderAndInAnotherOrder) {
  Attributes a;
  for (int round = 0; round < 3; ++round) {
    a.Clear();
    a.Set("country", "FR");
    a.Set("plan", "pro");
    a.Set("age", round);
    EXPECT_EQ(a.size(), 3u);
    EXPECT_EQ(StringOf(a, "age"), absl::StrCat(round));
  }
  // Same names, other order, and a repeat of a name set earlier in the fill.
  a.Clear();
  a.Set("plan", "free");
  a.Set("country", "US");
  a.Set("plan", "enterprise");
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(StringOf(a, "plan"), "enterprise");
  EXPECT_EQ(StringOf(a, "country"), "US");
  EXPECT_EQ(StringOf(a, "age"), "<missing>");
  // The same order as before, then a name of that fill set twice.
  a.Clear();
  a.Set("plan", "pro");
  a.Set("country", "FR");
  a.Set("plan", "free");
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(StringOf(a, "plan"), "free");
}

// A string value is held in its entry up to 16 bytes and in the bag's
// buffer beyond: every length reads back whole, a value may change between
// the two from one Set or refill to the next, and a copy or an Erase keeps
// each value with its name.
TEST(Attributes, ShortAndLongStringValuesReadBackWhole) {
  const std::vector<std::string> values = {
      "",
      "F",
      "FR",
      "1.2.3",
      "exactly 16 bytes",
      "seventeen bytes!!",
      "visitor-123456@example.org",
      std::string(300, 'x') + "end",
  };
  Attributes a;
  for (size_t round = 0; round < 3 * values.size(); ++round) {
    a.Clear();
    const std::string& first = values[round % values.size()];
    const std::string& second = values[(round * 5 + 3) % values.size()];
    a.Set("first", first);
    a.Set("second", second);
    a.Set("first", second);  // replaced within the fill
    a.Set("third", first);
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(StringOf(a, "first"), second) << round;
    EXPECT_EQ(StringOf(a, "second"), second) << round;
    EXPECT_EQ(StringOf(a, "third"), first) << round;
    const Attributes copy = a;
    a.Set("third", "changed after the copy");
    EXPECT_EQ(StringOf(copy, "third"), first) << round;
    a.Erase("first");
    EXPECT_EQ(StringOf(a, "first"), "<missing>");
    EXPECT_EQ(StringOf(a, "second"), second) << round;
    EXPECT_EQ(StringOf(a, "third"), "changed after the copy") << round;
  }
  // value(i) gives the same bytes as Find.
  a.Clear();
  a.Set("long", values.back());
  a.Set("short", "FR");
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(std::string(a.value(i).string), StringOf(a, a.name(i)));
  }
}

// layout() names where the names are: kept by a refill in the same order
// (shorter or not) and by a copy, new when a name moves or goes.
TEST(Attributes, LayoutChangesOnlyWhenNamesMove) {
  Attributes a;
  a.Set("country", "FR");
  a.Set("plan", "pro");
  const uint64_t first = a.layout();
  EXPECT_NE(first, 0u);
  a.Clear();
  a.Set("country", "DE");
  a.Set("plan", "free");
  a.Set("country", "US");  // set twice: found, not added
  EXPECT_EQ(a.layout(), first);
  a.Clear();
  a.Set("country", "DE");  // a shorter refill
  EXPECT_EQ(a.layout(), first);
  Attributes b = a;
  EXPECT_EQ(b.layout(), first);
  b.Set("zone", "eu");  // a new name at a new position
  EXPECT_NE(b.layout(), first);
  EXPECT_EQ(a.layout(), first);
  a.Clear();
  a.Set("plan", "pro");  // another order
  a.Set("country", "FR");
  const uint64_t swapped = a.layout();
  EXPECT_NE(swapped, first);
  EXPECT_NE(swapped, b.layout());
  a.Erase("plan");
  EXPECT_NE(a.layout(), swapped);
}

// Stamps are unique across threads (each takes them from blocks of its own).
TEST(Attributes, LayoutsAreDistinctAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 70000;  // more than one block per thread
  std::vector<std::vector<uint64_t>> stamps(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&stamps, t] {
      Attributes a;
      for (int i = 0; i < kPerThread; ++i) {
        a.Clear();
        a.Set(i % 2 ? "odd" : "even", 1);  // another name: a new stamp
        stamps[t].push_back(a.layout());
      }
    });
  }
  for (std::thread& th : threads) th.join();
  std::vector<uint64_t> all;
  for (const auto& s : stamps) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_EQ(all.size(), size_t{kThreads} * kPerThread);
  EXPECT_NE(all.front(), 0u);
}

TEST(Attributes, ManyNamesStayDistinctAndFindable) {
  Attributes a;
  for (int round = 0; round < 2; ++round) {
    a.Clear();
    for (int i = 0; i < 5000; ++i) a.Set(absl::StrCat("k", i), i);
    for (int i = 0; i < 5000; i += 7) a.Set(absl::StrCat("k", i), -i);
    a.Erase("k1");
    a.Set("k2", "two");
    ASSERT_EQ(a.size(), 4999u);
    EXPECT_EQ(StringOf(a, "k0"), "0");
    EXPECT_EQ(StringOf(a, "k7"), "-7");
    EXPECT_EQ(StringOf(a, "k8"), "8");
    EXPECT_EQ(StringOf(a, "k1"), "<missing>");
    EXPECT_EQ(StringOf(a, "k2"), "two");
    EXPECT_EQ(StringOf(a, "k4999"), "4999");
  }
  // A small visitor after a large one.
  a.Clear();
  a.Set("k3", "x");
  a.Set("k3", "y");
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(StringOf(a, "k3"), "y");
}

// Setting n names must be linear. 200,000 names once took 45 s: each Set
// scanned every name already set (n^2 / 2 = 2e10 comparisons). The work is
// counted, not timed, so the bound holds on any machine: a few steps per
// name, whatever the order. The wall time is checked too, loosely.
TEST(Attributes, SettingIsLinearInTheNumberOfNames) {
  for (int n : {20000, 200000}) {
    SCOPED_TRACE(n);
    std::vector<std::string> names;
    names.reserve(n);
    for (int i = 0; i < n; ++i) names.push_back(absl::StrCat("attribute-", i));
    Attributes a;
    const auto start = std::chrono::steady_clock::now();
    for (int round = 0; round < 3; ++round) {
      const uint64_t before = a.search_steps();
      a.Clear();
      // Each round in another order than the last: no refill shortcut.
      for (int i = 0; i < n; ++i) {
        const int k = round == 1 ? n - 1 - i : int((int64_t(i) * 7919) % n);
        a.Set(names[k], i);
      }
      a.Set(names[0], "again");  // an existing name is found, not added
      EXPECT_EQ(a.size(), static_cast<size_t>(n));
      EXPECT_LT(a.search_steps() - before, 8u * n);
    }
    const std::chrono::duration<double> took =
        std::chrono::steady_clock::now() - start;
    EXPECT_LT(took.count(), 3.0) << "3 fills of " << n << " names";
  }
}

}  // namespace
}  // namespace allot
