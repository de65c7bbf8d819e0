// File: targeting/internal/predicate.h
//
// Compiled targetings. A Predicate is a flat, trivially-copyable record: an
// operator, the attribute slot it reads and indices into the side tables of
// PredicateTables (operands, semvers, instants, regexes, sets), evaluated by
// a switch in EvaluatePredicate. PredicateTables is immutable once compiled
// and shared by all threads; only the RE2 objects are copied per thread
// (see scratch_state.h), because matching a shared RE2 takes a lock.
#ifndef ALLOT_TARGETING_INTERNAL_PREDICATE_H_
#define ALLOT_TARGETING_INTERNAL_PREDICATE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/time/time.h"
#include "re2/re2.h"
#include "targeting/attribute_value.h"
#include "targeting/internal/operators.h"
#include "targeting/internal/semver.h"
#include "targeting/internal/simple_regex.h"
#include "targeting/internal/value_set.h"

namespace allot::internal {

inline constexpr uint32_t kVisitorIdSlot = UINT32_MAX;  // key fs_users
inline constexpr uint32_t kNoSlot = UINT32_MAX - 1;     // key fs_all_users
inline constexpr uint32_t kNoMemo = UINT32_MAX;
inline constexpr uint32_t kNoBits = UINT32_MAX;
// A visitor's string value that no interned list of its slot holds.
inline constexpr uint32_t kNotInterned = UINT32_MAX;

// One element of a (flattened) Flagship targeting value, with everything
// the operators need precomputed.
struct Operand {
  ValueType type = ValueType::kBool;
  bool boolean = false;
  double number = 0;        // JavaScript ToNumber of the value
  std::string_view string;  // the value, for kString
  std::string_view form;    // JavaScript string form of the value
};

struct Predicate {
  Op op = Op::kAlwaysTrue;
  bool ignore_case = false;
  // Flagship operators: the value is a list with no element once nested
  // lists are flattened. The "any of" operators (EXISTS and NOT_EXISTS
  // included) are then false and the "every of" ones (NOT_EQUALS,
  // NOT_CONTAINS) true, whatever the attribute, present or missing.
  bool empty_list = false;
  uint32_t slot = kNoSlot;
  // Range in operands (Flagship operators), semvers (SEMVER_*) or instants
  // (BEFORE / AFTER).
  uint32_t begin = 0;
  uint32_t count = 0;
  uint32_t aux = 0;         // regex index (MATCHES_*) or set index (IN)
  uint32_t memo = kNoMemo;  // memo cell in the scratch, if memoised
  // IN / NOT_IN with case-sensitive strings: the first word of its bitset
  // over the interned values of its slot (see CompiledTargetingSet::Impl).
  uint32_t bits = kNoBits;
};
static_assert(std::is_trivially_copyable_v<Predicate>);

struct RegexEntry {
  std::string pattern;  // the patterns of the targeting, alternated
  RE2::Options options;
  // The options that change the program, then the pattern: equal keys make
  // interchangeable RE2 objects (a context's copies are kept by key).
  std::string cache_key;
  std::unique_ptr<RE2> shared;  // for the slow path (Explain) only
  // The pattern as a SimpleRegex, when it has that shape: the decision path
  // asks it first and RE2 only for text outside ASCII.
  std::optional<SimpleRegex> simple;
};

struct PredicateTables {
  std::vector<Predicate> predicates;
  std::vector<Operand> operands;
  std::vector<SemVer> semvers;
  std::vector<absl::Time> instants;
  std::vector<RegexEntry> regexes;
  std::vector<ValueSet> sets;
  std::deque<std::string> strings;  // storage for the views above
  uint32_t memo_cells = 0;

  // Stores `s` and returns a view that stays valid for the tables' life.
  std::string_view Keep(std::string s) {
    return strings.emplace_back(std::move(s));
  }
};

// Evaluates `p` for attribute `a` (nullptr when the visitor lacks it).
// `regex` is the RE2 to use for MATCHES_* (the caller's own copy); unused
// otherwise. Pure: the same inputs always give the same answer. Never
// allocates.
bool EvaluatePredicate(const Predicate& p, const AttributeValue* a,
                       const PredicateTables& tables, const RE2* regex);

// Whether `p`, a SEMVER_* operator, holds for the visitor's version `v`
// (already parsed; EvaluatePredicate parses it itself).
bool EvaluateParsedSemver(const Predicate& p, const SemVer& v,
                          const PredicateTables& tables);

inline bool IsSemverOp(Op op) {
  return op == Op::kSemverEquals || op == Op::kSemverNotEquals ||
         op == Op::kSemverGreaterThan || op == Op::kSemverGreaterThanOrEquals ||
         op == Op::kSemverLowerThan || op == Op::kSemverLowerThanOrEquals;
}

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_PREDICATE_H_
