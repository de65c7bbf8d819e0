// File: core/decision.h
//
// The outcome of deciding one campaign for one visitor, and the caller-owned
// list a DecideAll call fills.
//
//   DecisionList list;                       // reuse it across calls
//   config->DecideAll(ctx, absl::Now(), &list);
//   for (size_t i = 0; i < list.size(); ++i)
//     if (list[i].reason == DecisionReason::kAllocated)
//       Use(list.campaign_id(i), list.variation_id(i));
//
// A Decision holds indices into its config; the DecisionList keeps that
// config alive, so the ids it returns stay valid until its next refill.
// Not thread-safe: one DecisionList per thread.
#ifndef ALLOT_CORE_DECISION_H_
#define ALLOT_CORE_DECISION_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "allocation/traffic_schedule.h"
#include "targeting/bytes.h"

namespace allot {

class CompiledConfig;

// Why a campaign gave the visitor what it gave (DESIGN §3).
enum class DecisionReason : uint8_t {
  kAllocated,
  kPanic,
  kCampaignInactive,
  kOutsideSchedule,
  kOutsideBucketRange,
  kSingleAssignment,
  kNotTargeted,
  kRolledBack,
  kNotInTraffic,
  kNotAllocated,
  kUnknownCampaign,
  kForced,  // a per-call override or a forced_assignments entry (§12)
  kSticky,  // the visitor's assignment record for the group (§12)
  // DESIGN §15: the visitor's layer bucket is outside the campaign's range;
  // a holdout that covers the campaign holds the visitor out (no variation,
  // but an exposure); a prerequisite campaign did not give the visitor a
  // (listed) variation.
  kOutsideLayerRange,
  kHoldout,
  kPrerequisiteFailed,
};
inline constexpr int kNumDecisionReasons = 16;

// "allocated", "not_targeted", ... as the CLI and Python print them.
std::string_view DecisionReasonName(DecisionReason reason);

struct Decision {
  int32_t campaign = -1;   // index in the config, -1 for unknown_campaign
  int32_t group = -1;      // index of the variation group, or -1
  int32_t variation = -1;  // index of the variation, or -1
  DecisionReason reason = DecisionReason::kUnknownCampaign;
  // Allocated or forced, and the visitor's assignment record (if any) does
  // not already name this variation at the group's current sticky_version:
  // what a host persists to keep the visitor sticky (DESIGN §12).
  bool new_assignment = false;
  // Makes the struct 16 bytes without padding, so that a Decision is copied
  // as two whole words: with 14 bytes of members, the copy of a returned
  // Decision into a list was an overlapping 8-byte load from the two stores
  // that spilled it, which stalled store forwarding on every campaign.
  uint8_t reserved_[2] = {};

  // Whether the visitor sees a variation (allocated, forced, sticky, or
  // rolled back to the group's reference variation).
  bool has_variation() const { return variation >= 0; }
};

static_assert(sizeof(Decision) == 16, "a Decision is two words");

class DecisionList {
 public:
  DecisionList() = default;

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const Decision& operator[](size_t i) const { return items_[i]; }
  const Decision* begin() const { return items_.data(); }
  const Decision* end() const { return items_.data() + items_.size(); }

  // The config the decisions index into (null before the first call).
  const CompiledConfig* config() const { return config_.get(); }

  // Ids of decision i; empty when the decision has none.
  std::string_view campaign_id(size_t i) const;
  std::string_view group_id(size_t i) const;
  std::string_view variation_id(size_t i) const;

 private:
  friend class CompiledConfig;
  // Sizes the list for `n` decisions (contents unspecified until written)
  // and binds it to `config`, clearing sparse_clean_ when it was bound to
  // another; otherwise the caller says what its writes leave (DecideAll).
  // Inline: a list reused for the same config, every decision but the
  // first, only compares.
  void Reset(const CompiledConfig* config, size_t n) {
    if (items_.size() != n || config_.get() != config) Rebind(config, n);
  }
  void Rebind(const CompiledConfig* config, size_t n);

  // The arrays written on every decision are in blocks of whole cache lines
  // (internal::LineVector): lists used by different threads never share a
  // line.
  internal::LineVector<Decision> items_;
  std::shared_ptr<const CompiledConfig> config_;
  // Per progressive rollout of config_, the share span found by the last
  // decision (see TrafficSchedule::Span): a list reused by one thread skips
  // the breakpoint search while the share stays the same.
  internal::LineVector<TrafficSchedule::Span> spans_;
  // Set by a sparse DecideAll (see CompiledConfig::sparse_template_): every
  // entry but those in sparse_touched_ equals the template of config_, so
  // the next sparse decision against config_ restores only those.
  bool sparse_clean_ = false;
  internal::LineVector<int32_t>
      sparse_touched_;  // sized 2n; [0, sparse_num_touched_)
  uint32_t sparse_num_touched_ = 0;
  // For a config with live windows (see CompiledConfig::windowed_): its
  // sparse template with the window states of its campaigns at every
  // instant of [window_from_, window_until_), for the config of serial
  // window_serial_ (0: none). Decisions come at nearby instants: the states
  // found last time hold until a window opens or closes, and the list skips
  // every window search until then.
  internal::LineVector<Decision> window_template_;
  uint64_t window_serial_ = 0;
  absl::Time window_from_ = absl::InfiniteFuture();
  absl::Time window_until_ = absl::InfinitePast();
  // The whole Unix seconds inside [window_from_, window_until_): an instant
  // whose second is in [window_from_s_, window_until_s_) is inside, tested
  // with two integer compares (the exact test only in an edge second).
  int64_t window_from_s_ = std::numeric_limits<int64_t>::max();
  int64_t window_until_s_ = std::numeric_limits<int64_t>::min();
};

}  // namespace allot

#endif  // ALLOT_CORE_DECISION_H_
