// Helpers shared by the targeting tests.
#ifndef ALLOT_TESTS_TARGETING_TARGETING_TEST_UTIL_H_
#define ALLOT_TESTS_TARGETING_TARGETING_TEST_UTIL_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "targeting/compiled_targeting_set.h"

namespace allot::testing {

inline TargetingValueSpec S(std::string s) {
  return TargetingValueSpec::String(std::move(s));
}
inline TargetingValueSpec N(double d) { return TargetingValueSpec::Number(d); }
inline TargetingValueSpec B(bool b) { return TargetingValueSpec::Bool(b); }
inline TargetingValueSpec L(std::vector<TargetingValueSpec> items) {
  return TargetingValueSpec::List(std::move(items));
}

inline constexpr char kPath[] =
    "campaigns[0].variation_groups[0].targeting.targeting_groups[0]."
    "targetings[0]";

inline TargetingSpec T(std::string key, std::string op,
                       std::optional<TargetingValueSpec> value,
                       bool ignore_case = false) {
  TargetingSpec t;
  t.key = std::move(key);
  t.op = std::move(op);
  t.value = std::move(value);
  t.ignore_case = ignore_case;
  t.path = kPath;
  return t;
}

// A tree of one group holding `targetings` (AND).
inline TargetingTreeSpec Tree(std::vector<TargetingSpec> targetings) {
  TargetingTreeSpec tree;
  tree.path = "campaigns[0].variation_groups[0].targeting";
  TargetingGroupSpec& g = tree.groups.emplace_back();
  g.path = tree.path + ".targeting_groups[0]";
  for (size_t i = 0; i < targetings.size(); ++i) {
    if (targetings[i].path == kPath) {
      targetings[i].path = g.path + ".targetings[" + std::to_string(i) + "]";
    }
    g.targetings.push_back(std::move(targetings[i]));
  }
  return tree;
}

inline std::shared_ptr<const CompiledTargetingSet> MustCreate(
    const std::vector<TargetingTreeSpec>& trees) {
  auto set = CompiledTargetingSet::Create(trees);
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : nullptr;
}

// Compiles `t` alone and evaluates it for one visitor.
inline bool Eval(const TargetingSpec& t, const Attributes& attributes,
                 std::string_view visitor_id = "visitor-1") {
  auto set = MustCreate({Tree({t})});
  if (set == nullptr) return false;
  TargetingScratch scratch;
  set->Bind(visitor_id, attributes, &scratch);
  return set->Matches(0, &scratch);
}

inline absl::Status CreateError(const TargetingSpec& t) {
  return CompiledTargetingSet::Create({Tree({t})}).status();
}

}  // namespace allot::testing

#endif  // ALLOT_TESTS_TARGETING_TARGETING_TEST_UTIL_H_
