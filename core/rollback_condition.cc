#include "core/rollback_condition.h"

namespace allot {

bool IsRollbackOperator(std::string_view op) {
  return op == "LOWER_THAN" || op == "LOWER_THAN_OR_EQUALS" ||
         op == "GREATER_THAN" || op == "GREATER_THAN_OR_EQUALS" ||
         op == "EQUALS" || op == "NOT_EQUALS";
}

std::string_view RollbackGoalKey(const RollbackConditionSpec& condition) {
  if (!condition.goal_id.empty()) return condition.goal_id;
  if (!condition.goal_label.empty()) return condition.goal_label;
  return condition.goal_kpi;
}

double RollbackKpi(int64_t visitors, int64_t conversions) {
  if (visitors <= 0) return 0;
  return 100.0 * static_cast<double>(conversions) /
         static_cast<double>(visitors);
}

double RollbackMean(int64_t visitors, double sum) {
  if (visitors <= 0) return 0;
  return sum / static_cast<double>(visitors);
}

bool RollbackConditionHolds(const RollbackConditionSpec& condition,
                            int64_t visitors, int64_t conversions) {
  return RollbackValueHolds(condition, visitors,
                            RollbackKpi(visitors, conversions));
}

bool RollbackValueHolds(const RollbackConditionSpec& condition,
                        int64_t visitors, double kpi) {
  if (visitors <= 0 || visitors < condition.min_visitors) return false;
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
