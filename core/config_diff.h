// File: core/config_diff.h
//
// The blast radius of a config change before it ships (DESIGN §13): for a
// population of visitors, how many would change variation in each campaign
// that a new config changes, old variation -> new variation.
//
//   ConfigDiff diff(old_config, new_config);
//   for (each visitor) diff.Add(ctx, at);          // decides both configs
//   for (const CampaignDiff& c : diff.Campaigns()) ...
//
// Not thread-safe: give each thread its own ConfigDiff over the same two
// configs and Merge them. Adding a visitor allocates nothing once the
// transitions it meets have been seen.
#ifndef ALLOT_CORE_CONFIG_DIFF_H_
#define ALLOT_CORE_CONFIG_DIFF_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/compiled_config.h"
#include "core/fingerprint.h"

namespace allot {

struct VariationTransition {
  // Variation ids; empty with `from_none` / `to_none` when the visitor had
  // no variation (not targeted, paused, outside the traffic, ...).
  std::string from;
  std::string to;
  bool from_none = false;
  bool to_none = false;
  int64_t visitors = 0;
};

struct CampaignDiff {
  std::string campaign_id;
  int64_t visitors = 0;  // visitors decided
  int64_t moved = 0;     // visitors whose variation id differs
  // Every (old, new) pair met, staying ones included, by visitors
  // (most first), then by ids.
  std::vector<VariationTransition> transitions;
};

class ConfigDiff {
 public:
  ConfigDiff(std::shared_ptr<const CompiledConfig> from,
             std::shared_ptr<const CompiledConfig> to);

  const ReloadReport& report() const { return report_; }

  // Decides `visitor` at `at` against both configs and counts its
  // transitions in every changed campaign. InvalidArgument for an empty
  // visitor id (nothing is counted).
  [[nodiscard]] absl::Status Add(const VisitorContext& visitor, absl::Time at);

  // Adds the counts of `other`, a diff of the same two configs.
  void Merge(const ConfigDiff& other);

  // The campaigns of report().changed, in the new config's order.
  std::vector<CampaignDiff> Campaigns() const;

 private:
  struct Changed {
    int32_t from = -1;  // campaign index in each config
    int32_t to = -1;
    int64_t visitors = 0;
    int64_t moved = 0;
    // (old variation + 1) << 32 | (new variation + 1) -> visitors.
    absl::flat_hash_map<uint64_t, int64_t> counts;
  };

  std::shared_ptr<const CompiledConfig> from_;
  std::shared_ptr<const CompiledConfig> to_;
  ReloadReport report_;
  std::vector<Changed> changed_;
  DecisionList from_list_;
  DecisionList to_list_;
};

// The report, then with `campaigns`, per changed campaign its visitors,
// moved and transitions ("none" for no variation), as text for a terminal.
std::string ConfigDiffText(const ReloadReport& report,
                           const std::vector<CampaignDiff>* campaigns);

// One JSON object: ReloadReportJson's members, then with `campaigns`
// "campaigns": [{"campaign_id", "visitors", "moved", "transitions":
// [{"from": id | null, "to": id | null, "visitors": n}]}].
std::string ConfigDiffJson(const ReloadReport& report,
                           const std::vector<CampaignDiff>* campaigns);

}  // namespace allot

#endif  // ALLOT_CORE_CONFIG_DIFF_H_
