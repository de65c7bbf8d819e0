#include "targeting/internal/operators.h"

#include <array>
#include <utility>

namespace allot::internal {
namespace {

constexpr std::array<std::pair<std::string_view, Op>, 24> kOperators = {{
    {"EQUALS", Op::kEquals},
    {"NOT_EQUALS", Op::kNotEquals},
    {"CONTAINS", Op::kContains},
    {"NOT_CONTAINS", Op::kNotContains},
    {"STARTS_WITH", Op::kStartsWith},
    {"ENDS_WITH", Op::kEndsWith},
    {"GREATER_THAN", Op::kGreaterThan},
    {"GREATER_THAN_OR_EQUALS", Op::kGreaterThanOrEquals},
    {"LOWER_THAN", Op::kLowerThan},
    {"LOWER_THAN_OR_EQUALS", Op::kLowerThanOrEquals},
    {"EXISTS", Op::kExists},
    {"NOT_EXISTS", Op::kNotExists},
    {"MATCHES_REGEX", Op::kMatchesRegex},
    {"NOT_MATCHES_REGEX", Op::kNotMatchesRegex},
    {"SEMVER_EQUALS", Op::kSemverEquals},
    {"SEMVER_NOT_EQUALS", Op::kSemverNotEquals},
    {"SEMVER_GREATER_THAN", Op::kSemverGreaterThan},
    {"SEMVER_GREATER_THAN_OR_EQUALS", Op::kSemverGreaterThanOrEquals},
    {"SEMVER_LOWER_THAN", Op::kSemverLowerThan},
    {"SEMVER_LOWER_THAN_OR_EQUALS", Op::kSemverLowerThanOrEquals},
    {"IN", Op::kIn},
    {"NOT_IN", Op::kNotIn},
    {"BEFORE", Op::kBefore},
    {"AFTER", Op::kAfter},
}};

}  // namespace

std::optional<Op> ParseOperator(std::string_view name) {
  for (const auto& [n, op] : kOperators) {
    if (n == name) return op;
  }
  return std::nullopt;
}

std::string_view OperatorName(Op op) {
  for (const auto& [n, o] : kOperators) {
    if (o == op) return n;
  }
  return "ALWAYS_TRUE";
}

bool IsFlagshipOperator(Op op) { return op <= Op::kNotExists; }

bool IsStringOperator(Op op) {
  switch (op) {
    case Op::kEquals:
    case Op::kNotEquals:
    case Op::kContains:
    case Op::kNotContains:
    case Op::kStartsWith:
    case Op::kEndsWith:
    case Op::kIn:
    case Op::kNotIn:
    case Op::kMatchesRegex:
    case Op::kNotMatchesRegex:
      return true;
    default:
      return false;
  }
}

int OperatorCost(Op op) {
  switch (op) {
    case Op::kAlwaysTrue:
    case Op::kExists:
    case Op::kNotExists:
      return 0;
    case Op::kEquals:
    case Op::kNotEquals:
    case Op::kGreaterThan:
    case Op::kGreaterThanOrEquals:
    case Op::kLowerThan:
    case Op::kLowerThanOrEquals:
      return 1;
    case Op::kContains:
    case Op::kNotContains:
    case Op::kStartsWith:
    case Op::kEndsWith:
    case Op::kIn:
    case Op::kNotIn:
    case Op::kBefore:
    case Op::kAfter:
      return 2;
    case Op::kSemverEquals:
    case Op::kSemverNotEquals:
    case Op::kSemverGreaterThan:
    case Op::kSemverGreaterThanOrEquals:
    case Op::kSemverLowerThan:
    case Op::kSemverLowerThanOrEquals:
      return 3;
    case Op::kMatchesRegex:
    case Op::kNotMatchesRegex:
      return 4;
  }
  return 4;
}

}  // namespace allot::internal
