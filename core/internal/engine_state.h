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
//                             "conversions": 18}}]}
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

namespace allot::internal {

// Goal totals as fed to UpdateGoalMetrics.
struct GoalTotals {
  std::string goal;
  int64_t visitors = 0;
  int64_t conversions = 0;
  absl::Time at;  // when fed, or when the latch tripped
};

struct GroupRuntime {
  std::optional<GoalTotals> metrics;   // the last totals fed
  std::optional<GoalTotals> rollback;  // set while latched
};

struct EngineState {
  absl::flat_hash_map<std::string, bool> campaign_active;  // run-time toggles
  absl::flat_hash_map<std::string, GroupRuntime> groups;
};

std::string EngineStateToJson(const EngineState& state);

// InvalidArgument naming the JSON path at fault for a bad document.
absl::StatusOr<EngineState> EngineStateFromJson(std::string_view json);

// Checks totals: non-negative, conversions <= visitors.
absl::Status CheckGoalTotals(int64_t visitors, int64_t conversions);

}  // namespace allot::internal

#endif  // ALLOT_CORE_INTERNAL_ENGINE_STATE_H_
