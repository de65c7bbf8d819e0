// The slow path: re-runs a decision step by step and records why.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "core/internal/runtime_state.h"

namespace allot {
namespace {

absl::string_view Sv(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

void AppendNote(std::string* detail, std::string_view note) {
  if (!detail->empty()) detail->append("; ");
  detail->append(note.data(), note.size());
}

}  // namespace

// What the visitor's forced and sticky inputs did for campaign `c`.
void CompiledConfig::ExplainLifecycle(const VisitorContext& visitor,
                                      const Decision& d,
                                      std::string* detail) const {
  const Campaign& campaign = campaigns_[d.campaign];
  const AssignmentInputs& in = visitor.assignments();
  bool by_override = false;
  for (size_t i = 0; i < in.num_overrides(); ++i) {
    const AssignmentInputs::Override o = in.override_at(i);
    if (o.campaign_id != campaign.id) continue;
    int32_t g;
    if (FindVariation(campaign.first_group, campaign.num_groups, o.variation_id,
                      &g) < 0) {
      AppendNote(detail, absl::StrCat("override to \"", Sv(o.variation_id),
                                      "\" ignored: campaign \"", campaign.id,
                                      "\" has no such variation"));
    } else {
      by_override = true;
    }
  }
  if (d.reason == DecisionReason::kForced) {
    AppendNote(detail,
               by_override
                   ? absl::StrCat("forced to \"", variations_[d.variation].id,
                                  "\" by a per-call override")
                   : absl::StrCat("forced to \"", variations_[d.variation].id,
                                  "\" by the forced_assignments of group \"",
                                  groups_[d.group].id, "\""));
  }
  for (size_t i = 0; i < in.num_records(); ++i) {
    const AssignmentInputs::Record r = in.record_at(i);
    const int32_t g = FindGroup(r.group_id);
    if (g < campaign.first_group || g >= campaign.first_group + campaign.num_groups) {
      continue;
    }
    const Group& group = groups_[g];
    int32_t unused;
    std::string note = absl::StrCat("record for group \"", group.id, "\" ");
    if (FindVariation(g, 1, r.variation_id, &unused) < 0) {
      absl::StrAppend(&note, "ignored: the group has no variation \"",
                      Sv(r.variation_id), "\" (any more)");
    } else if (r.version != group.sticky_version) {
      absl::StrAppend(&note, "ignored: its version ", r.version,
                      " is not the group's sticky_version ",
                      group.sticky_version);
    } else if (d.reason == DecisionReason::kSticky && d.group == g) {
      absl::StrAppend(&note, "kept the visitor in \"", Sv(r.variation_id), "\"");
    } else {
      absl::StrAppend(&note, "not used: the decision stopped before step 11 (",
                      Sv(DecisionReasonName(d.reason)), ")");
    }
    AppendNote(detail, note);
  }
}

// Why steps 5-7 (DESIGN §15) stopped the campaign of `d`.
void CompiledConfig::ExplainStructure(const VisitorContext& visitor,
                                      const DecisionList& decisions,
                                      const Decision& d,
                                      std::string* detail) const {
  const Campaign& campaign = campaigns_[d.campaign];
  const std::string_view id = visitor.visitor_id();
  if (d.reason == DecisionReason::kOutsideLayerRange) {
    AppendNote(detail,
               absl::StrCat("layer bucket ", LayerBucket(campaign.layer, id),
                            " of 10000 in layer \"", layers_[campaign.layer].id,
                            "\" is outside the campaign's range [",
                            campaign.layer_low_bp / 100.0, ", ",
                            campaign.layer_high_bp / 100.0, ") %"));
    return;
  }
  if (d.reason == DecisionReason::kHoldout) {
    for (size_t h = 0; h < holdouts_.size(); ++h) {
      if ((campaign.holdouts >> h & 1) == 0) continue;
      const uint32_t bucket = HoldoutBucket(static_cast<int32_t>(h), id);
      if (bucket >= static_cast<uint32_t>(holdouts_[h].basis_points)) continue;
      AppendNote(detail,
                 absl::StrCat("held out by holdout \"", holdouts_[h].id,
                              "\": bucket ", bucket, " of 10000 is below its ",
                              holdouts_[h].basis_points / 100.0, " %"));
      return;
    }
    return;
  }
  for (const Campaign::Prerequisite& p : campaign.prerequisites) {
    const Decision& dep = decisions[p.campaign];
    const std::string& dep_id = campaigns_[p.campaign].id;
    if (!dep.has_variation()) {
      AppendNote(detail, absl::StrCat("prerequisite campaign \"", dep_id,
                                      "\" gave no variation (",
                                      Sv(DecisionReasonName(dep.reason)), ")"));
      return;
    }
    if (!p.variations.empty() &&
        std::find(p.variations.begin(), p.variations.end(), dep.variation) ==
            p.variations.end()) {
      std::string listed;
      for (const int32_t v : p.variations) {
        absl::StrAppend(&listed, listed.empty() ? "" : ", ", "\"",
                        variations_[v].id, "\"");
      }
      AppendNote(detail, absl::StrCat("prerequisite campaign \"", dep_id,
                                      "\" gave \"",
                                      variations_[dep.variation].id,
                                      "\", not one of ", listed));
      return;
    }
  }
}

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
    if (!visitor.assignments().empty() || d.reason == DecisionReason::kForced) {
      ExplainLifecycle(visitor, d, &e.detail);
    }
    switch (d.reason) {
      case DecisionReason::kPanic:
        AppendNote(&e.detail, "panic mode is on: no campaign applies");
        continue;
      case DecisionReason::kCampaignInactive:
        AppendNote(&e.detail, absl::StrCat("campaign is not active (status \"",
                                           campaign.status,
                                           "\", or toggled off)"));
        continue;
      case DecisionReason::kForced:
        continue;
      case DecisionReason::kOutsideSchedule:
        // The window is the scheduler's narrowed by the period: name the
        // period when it is what left `now` out, since the scheduler's dates
        // alone would not explain it.
        if (now < campaign.period_begin || now >= campaign.period_stop) {
          AppendNote(
              &e.detail,
              absl::StrCat(
                  "now (", absl::FormatTime(now),
                  ") is outside the campaign's period (period_start ",
                  campaign.period_start.empty() ? "open"
                                                : campaign.period_start,
                  ", period_end ",
                  campaign.period_end.empty() ? "open" : campaign.period_end,
                  ", whole days): [", absl::FormatTime(campaign.period_begin),
                  ", ", absl::FormatTime(campaign.period_stop), ")"));
          continue;
        }
        if (!campaign.windows.empty() && now >= campaign.start &&
            now < campaign.stop) {
          // Inside the scheduler window, between two recurring windows.
          const size_t next =
              campaign.windows.NextAfter(TrafficSchedule::Instant(now));
          AppendNote(
              &e.detail,
              absl::StrCat(
                  "now (", absl::FormatTime(now),
                  ") is between occurrences of the recurrence \"",
                  campaign.recurrence, "\" (each live for ",
                  campaign.duration, "); ",
                  next < campaign.windows.size()
                      ? absl::StrCat("the next window starts at ",
                                     absl::FormatTime(
                                         campaign.windows.start(next)))
                      : std::string("no window follows (the rule has ended, "
                                    "or its 5-year horizon has passed)")));
          continue;
        }
        AppendNote(&e.detail,
                   absl::StrCat("now (", absl::FormatTime(now), ") is outside [",
                                absl::FormatTime(campaign.start), ", ",
                                absl::FormatTime(campaign.stop), ")"));
        continue;
      case DecisionReason::kOutsideBucketRange:
        AppendNote(&e.detail,
                   absl::StrCat("range bucket ",
                                campaign.bucketer.RangeBucket(visitor.visitor_id()),
                                " of ", campaign.bucketer.scale(),
                                " is outside every bucket range"));
        continue;
      case DecisionReason::kOutsideLayerRange:
      case DecisionReason::kHoldout:
      case DecisionReason::kPrerequisiteFailed:
        ExplainStructure(visitor, decisions, d, &e.detail);
        continue;
      case DecisionReason::kSingleAssignment:
        AppendNote(&e.detail,
                   "an earlier ab campaign already allocated this visitor");
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
    AppendNote(&e.detail, absl::StrCat("split bucket ",
                                       group.bucketer.SplitBucket(id), " of ",
                                       group.bucketer.scale()));
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
