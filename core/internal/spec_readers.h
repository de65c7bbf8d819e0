// Readers from simdjson DOM objects to the spec structs, shared by both
// config formats; `FormatKeys` names the fields that differ between them.
#ifndef ALLOT_CORE_INTERNAL_SPEC_READERS_H_
#define ALLOT_CORE_INTERNAL_SPEC_READERS_H_

#include "absl/status/status.h"
#include "core/config_spec.h"
#include "core/internal/json_reader.h"

namespace allot::internal {

struct FormatKeys {
  const char* variation_groups;
  const char* targeting_groups;
  const char* forced_assignments;
  const char* variation_id;
  const char* visitor_ids;
  const char* sticky_version;
  const char* locked_at;  // nullptr: not read in this format
  // DESIGN §13 periods; nullptr: not read in this format.
  const char* period_start;
  const char* period_end;
  const char* deadline;
  // DESIGN §15: the campaign's "layer" (nullptr: not read in this format)
  // and the fields of a prerequisite.
  const char* layer;
  const char* prerequisite_campaign_id;
  const char* prerequisite_variation_ids;
};

inline constexpr FormatKeys kDocumentKeys = {
    "variation_groups", "targeting_groups", "forced_assignments",
    "variation_id",     "visitor_ids",      "sticky_version",
    "locked_at",        "period_start",     "period_end",
    "deadline",         "layer",            "campaign_id",
    "variation_ids"};
inline constexpr FormatKeys kBucketingKeys = {
    "variationGroups", "targetingGroups", "forcedAssignments",
    "variationId",     "visitorIds",      "stickyVersion",
    nullptr,           nullptr,           nullptr,
    nullptr,           nullptr,           "campaignId",
    "variationIds"};

absl::Status ReadCampaign(const ObjectReader& in, const FormatKeys& keys,
                          CampaignSpec* out);

// DESIGN §15: `settings.layers` and `settings.holdouts` of a campaigns
// file, into `out`.
absl::Status ReadStructureSettings(const ObjectReader& settings,
                                   SettingsSpec* out);

absl::Status ReadTargetingTree(const ObjectReader& in, const FormatKeys& keys,
                               TargetingTreeSpec* out);

absl::Status ReadTargetingValue(const element& e, const std::string& path,
                                TargetingValueSpec* out);

}  // namespace allot::internal

#endif  // ALLOT_CORE_INTERNAL_SPEC_READERS_H_
