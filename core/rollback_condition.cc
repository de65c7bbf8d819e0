#include "core/rollback_condition.h"

namespace allot {

bool IsRollbackOperator(std::string_view op) {
  return op == "LOWER_THAN" || op == "LOWER_THAN_OR_EQUALS" ||
         op == "GREATER_THAN" || op == "GREATER_THAN_OR_EQUALS" ||
         op == "EQUALS" || op == "NOT_EQUALS";
}

std::string_view RollbackGoalKey(const RollbackConditionSpec& condition) {
  return condition.goal_id.empty() ? std::string_view(condition.goal_label)
                                   : std::string_view(condition.goal_id);
}

double RollbackKpi(int64_t visitors, int64_t conversions) {
  if (visitors <= 0) return 0;
  return 100.0 * static_cast<double>(conversions) /
         static_cast<double>(visitors);
}

bool RollbackConditionHolds(const RollbackConditionSpec& condition,
                            int64_t visitors, int64_t conversions) {
  if (visitors <= 0 || visitors < condition.min_visitors) return false;
  const double kpi = RollbackKpi(visitors, conversions);
  const double v = condition.value;
  const std::string_view op = condition.op;
  if (op == "LOWER_THAN") return kpi < v;
  if (op == "LOWER_THAN_OR_EQUALS") return kpi <= v;
  if (op == "GREATER_THAN") return kpi > v;
  if (op == "GREATER_THAN_OR_EQUALS") return kpi >= v;
  if (op == "EQUALS") return kpi == v;
  if (op == "NOT_EQUALS") return kpi != v;
  return false;
}

}  // namespace allot
