// The id-keyed run-time state of an Engine (DESIGN §6) and its JSON form.
//
//   {"allot_state": 1,
//    "campaigns": [{"id": "c1", "active": false}],
//    "groups": [{"id": "g1",
//                "metrics": {"goal": "checkout", "visitors": 1200,
//                            "conversions": 18,
//                            "updated_at": "2026-05-04T10:00:00Z"},
//                "rollback": {"at": "2026-05-04T10:00:00Z",
//                             "goal": "checkout", "visitors": 1200,
//                             "conversions": 18}},
//               {"id": "g2",
//                "metrics": {"goal": "aov", "kpi": "aov", "kind": "mean",
//                            "unit": "EUR", "visitors": 500,
//                            "sum": 21034.5,
//                            "updated_at": "2026-05-04T10:00:00Z"},
//                "rollback": null}]}
//
// Totals fed for a goal naming a KPI (DESIGN §14) carry "kpi", "kind" and
// "unit"; a mean KPI's carry "sum" where the others carry "conversions".
// Documents written before KPIs existed (no "kind") read as plain goals.
//
// Entries are written sorted by id, times as RFC 3339 in UTC with full
// precision, so exporting what was imported gives the same text.
#ifndef ALLOT_CORE_INTERNAL_ENGINE_STATE_H_
#define ALLOT_CORE_INTERNAL_ENGINE_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/goal_metrics.h"

namespace allot::internal {

// The public types of fed totals (core/goal_metrics.h), under the names
// this module has always used.
using ::allot::GoalTotals;
using ::allot::GroupRuntime;
using ::allot::TotalsKind;
using ::allot::TotalsValue;

struct EngineState {
  absl::flat_hash_map<std::string, bool> campaign_active;  // run-time toggles
  absl::flat_hash_map<std::string, GroupRuntime> groups;
};

std::string EngineStateToJson(const EngineState& state);

// InvalidArgument naming the JSON path at fault for a bad document.
absl::StatusOr<EngineState> EngineStateFromJson(std::string_view json);

// Checks totals: non-negative, conversions <= visitors.
absl::Status CheckGoalTotals(int64_t visitors, int64_t conversions);
// Checks a mean KPI's totals: visitors in [0, 2^53], a finite sum.
absl::Status CheckMeanTotals(int64_t visitors, double sum);

}  // namespace allot::internal

#endif  // ALLOT_CORE_INTERNAL_ENGINE_STATE_H_
