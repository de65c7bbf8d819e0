// File: targeting/internal/operators.h
//
// The targeting operators: Flagship's twelve and allot's extensions, their
// names and the properties the compiler needs.
#ifndef ALLOT_TARGETING_INTERNAL_OPERATORS_H_
#define ALLOT_TARGETING_INTERNAL_OPERATORS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace allot::internal {

enum class Op : uint8_t {
  // Flagship's operators.
  kEquals,
  kNotEquals,
  kContains,
  kNotContains,
  kStartsWith,
  kEndsWith,
  kGreaterThan,
  kGreaterThanOrEquals,
  kLowerThan,
  kLowerThanOrEquals,
  kExists,
  kNotExists,
  // allot's extensions.
  kMatchesRegex,
  kNotMatchesRegex,
  kSemverEquals,
  kSemverNotEquals,
  kSemverGreaterThan,
  kSemverGreaterThanOrEquals,
  kSemverLowerThan,
  kSemverLowerThanOrEquals,
  kIn,
  kNotIn,
  kBefore,
  kAfter,
  // Internal: key fs_all_users, whatever the operator.
  kAlwaysTrue,
};

std::optional<Op> ParseOperator(std::string_view name);
std::string_view OperatorName(Op op);

// One of Flagship's twelve operators.
bool IsFlagshipOperator(Op op);

// Whether `ignore_case` is allowed.
bool IsStringOperator(Op op);

// Whether a list value means "holds for every element" (else "for any").
inline bool IsAllOfOperator(Op op) {
  return op == Op::kNotEquals || op == Op::kNotContains ||
         op == Op::kSemverNotEquals;
}

// Relative evaluation cost, used to put cheap predicates first in an AND
// group and to decide which predicates are worth memoising.
int OperatorCost(Op op);
inline constexpr int kMemoisedCost = 1;  // cost at or above which to memoise

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_OPERATORS_H_
