// The slow path: re-runs a decision step by step and records why.
#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"

namespace allot {

std::vector<CampaignExplanation> CompiledConfig::Explain(
    const VisitorContext& visitor, absl::Time now,
    const RuntimeState* runtime) const {
  std::vector<CampaignExplanation> out;
  DecisionList decisions;
  if (!DecideAll(visitor, now, &decisions, runtime).ok()) return out;
  for (const Decision& d : decisions) {
    const Campaign& campaign = campaigns_[d.campaign];
    CampaignExplanation& e = out.emplace_back();
    e.campaign_id = campaign.id;
    e.reason = d.reason;
    switch (d.reason) {
      case DecisionReason::kPanic:
        e.detail = "panic mode is on: no campaign applies";
        continue;
      case DecisionReason::kCampaignInactive:
        e.detail = absl::StrCat("campaign is not active (status \"",
                                campaign.status, "\", or toggled off)");
        continue;
      case DecisionReason::kOutsideSchedule:
        e.detail = absl::StrCat("now (", absl::FormatTime(now),
                                ") is outside [", absl::FormatTime(campaign.start),
                                ", ", absl::FormatTime(campaign.stop), ")");
        continue;
      case DecisionReason::kOutsideBucketRange:
        e.detail = absl::StrCat("range bucket ",
                                campaign.bucketer.RangeBucket(visitor.visitor_id()),
                                " of ", campaign.bucketer.scale(),
                                " is outside every bucket range");
        continue;
      case DecisionReason::kSingleAssignment:
        e.detail = "an earlier ab campaign already allocated this visitor";
        continue;
      default:
        break;
    }
    const int32_t end = campaign.first_group + campaign.num_groups;
    for (int32_t g = campaign.first_group; g < end; ++g) {
      const Group& group = groups_[g];
      CampaignExplanation::Group& ge = e.groups.emplace_back();
      ge.group_id = group.id;
      ge.has_targeting = group.targeting >= 0;
      if (ge.has_targeting) {
        ge.targetings = targeting_->Explain(group.targeting, visitor.visitor_id(),
                                            visitor.attributes());
      }
      ge.matched = g == d.group;
      if (ge.matched) break;
    }
    if (d.group < 0) continue;
    const Group& group = groups_[d.group];
    const std::string_view id = visitor.visitor_id();
    absl::StrAppend(&e.detail, "split bucket ", group.bucketer.SplitBucket(id),
                    " of ", group.bucketer.scale());
    if (group.schedule) {
      absl::StrAppend(&e.detail, "; traffic bucket ",
                      group.bucketer.TrafficBucket(id), " of ",
                      group.bucketer.scale(), " against a share of ",
                      group.schedule->ShareAt(now) / 100.0, " %");
    }
    if (d.reason == DecisionReason::kRolledBack) {
      absl::StrAppend(&e.detail, "; group rolled back");
    }
  }
  return out;
}

}  // namespace allot
