#include "core/decision.h"

#include "core/compiled_config.h"

namespace allot {

std::string_view DecisionReasonName(DecisionReason reason) {
  switch (reason) {
    case DecisionReason::kAllocated:
      return "allocated";
    case DecisionReason::kPanic:
      return "panic";
    case DecisionReason::kCampaignInactive:
      return "campaign_inactive";
    case DecisionReason::kOutsideSchedule:
      return "outside_schedule";
    case DecisionReason::kOutsideBucketRange:
      return "outside_bucket_range";
    case DecisionReason::kSingleAssignment:
      return "single_assignment";
    case DecisionReason::kNotTargeted:
      return "not_targeted";
    case DecisionReason::kRolledBack:
      return "rolled_back";
    case DecisionReason::kNotInTraffic:
      return "not_in_traffic";
    case DecisionReason::kNotAllocated:
      return "not_allocated";
    case DecisionReason::kUnknownCampaign:
      return "unknown_campaign";
    case DecisionReason::kForced:
      return "forced";
    case DecisionReason::kSticky:
      return "sticky";
    case DecisionReason::kOutsideLayerRange:
      return "outside_layer_range";
    case DecisionReason::kHoldout:
      return "holdout";
    case DecisionReason::kPrerequisiteFailed:
      return "prerequisite_failed";
  }
  return "unknown";
}

void DecisionList::Rebind(const CompiledConfig* config, size_t n) {
  // Every entry is overwritten by the caller: resize only when the count
  // changes, so a steady stream of decisions never touches the allocator.
  if (items_.size() != n) {
    items_.resize(n);
    // A ranged campaign may be listed twice: once when its range holds the
    // visitor, once when it is decided.
    sparse_touched_.resize(2 * n);
  }
  sparse_clean_ = false;  // the entries are not another config's template
  // Copying the shared_ptr writes its refcount; do it only on a change of
  // config so that steady-state decisions touch no shared memory.
  if (config_.get() != config) {
    config_ = config->shared_from_this();
    spans_.assign(config->num_schedules(), TrafficSchedule::Span());
  }
}

std::string_view DecisionList::campaign_id(size_t i) const {
  const Decision& d = items_[i];
  return d.campaign < 0 ? std::string_view()
                        : std::string_view(config_->campaigns()[d.campaign].id);
}

std::string_view DecisionList::group_id(size_t i) const {
  const Decision& d = items_[i];
  return d.group < 0 ? std::string_view()
                     : std::string_view(config_->groups()[d.group].id);
}

std::string_view DecisionList::variation_id(size_t i) const {
  const Decision& d = items_[i];
  return d.variation < 0 ? std::string_view()
                         : std::string_view(config_->variations()[d.variation].id);
}

}  // namespace allot
