// File: core/goal_metrics.h
//
// The goal and KPI totals a host feeds an Engine for a variation group's
// rollback condition (DESIGN §6, §14), as Engine::GroupMetrics returns them.
#ifndef ALLOT_CORE_GOAL_METRICS_H_
#define ALLOT_CORE_GOAL_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace allot {

// How fed totals make a KPI value.
enum class TotalsKind : unsigned char {
  kConversion,  // 100 * conversions / visitors
  kMean,        // sum / visitors
};

// Goal totals as fed to UpdateGoalMetrics (or UpdateKpiMetrics).
struct GoalTotals {
  std::string goal;
  std::string kpi;  // the KPI's id, "" for a goal without one
  TotalsKind kind = TotalsKind::kConversion;
  std::string unit;  // the KPI's unit; only with a KPI
  int64_t visitors = 0;
  int64_t conversions = 0;  // kConversion
  double sum = 0;           // kMean
  absl::Time at;  // when fed, or when the latch tripped
};

// The KPI value of fed totals: the mean per visitor or the conversion rate
// in percent (0 without visitors).
double TotalsValue(const GoalTotals& totals);

// A group's run-time metrics.
struct GroupRuntime {
  std::optional<GoalTotals> metrics;   // the last totals fed
  std::optional<GoalTotals> rollback;  // set while latched
};

}  // namespace allot

#endif  // ALLOT_CORE_GOAL_METRICS_H_
