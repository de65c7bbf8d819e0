// File: core/rollback_condition.h
//
// Evaluation of a variation group's rollback_condition (DESIGN §6): the goal
// key that metrics are fed under, and whether given totals trip the
// condition.
//
//   if (RollbackConditionHolds(condition, /*visitors=*/1200,
//                              /*conversions=*/18)) { ... latch ... }
//
// Pure functions; thread-safe.
#ifndef ALLOT_CORE_ROLLBACK_CONDITION_H_
#define ALLOT_CORE_ROLLBACK_CONDITION_H_

#include <cstdint>
#include <string_view>

#include "core/config_spec.h"

namespace allot {

// True for the comparison operators a rollback condition may use:
// LOWER_THAN, LOWER_THAN_OR_EQUALS, GREATER_THAN, GREATER_THAN_OR_EQUALS,
// EQUALS, NOT_EQUALS.
bool IsRollbackOperator(std::string_view op);

// The key metrics are fed under: the goal id, or its label when it has no
// id, or the KPI as written (`goal.kpi`) when it has neither.
std::string_view RollbackGoalKey(const RollbackConditionSpec& condition);

// The KPI, 100 * conversions / visitors (0 when there are no visitors).
double RollbackKpi(int64_t visitors, int64_t conversions);

// The KPI of a `number` or `integer` KPI definition (DESIGN §14): the mean
// per visitor, sum / visitors (0 when there are no visitors).
double RollbackMean(int64_t visitors, double sum);

// Whether totals trip the condition: at least one visitor, visitors >=
// min_visitors, and KPI <operator> value.
bool RollbackConditionHolds(const RollbackConditionSpec& condition,
                            int64_t visitors, int64_t conversions);

// The same for an already computed KPI value (RollbackKpi or RollbackMean).
bool RollbackValueHolds(const RollbackConditionSpec& condition,
                        int64_t visitors, double kpi);

}  // namespace allot

#endif  // ALLOT_CORE_ROLLBACK_CONDITION_H_
