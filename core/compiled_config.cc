// The decision path (DESIGN §3). Everything here runs per visitor: no
// allocation after warm-up, no locks, no parsing, no time-zone work.
#include "core/compiled_config.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "allocation/internal/group_buckets.h"
#include "core/internal/id_index.h"
#include "core/internal/lifecycle.h"
#include "core/internal/runtime_state.h"
#include "core/internal/structure.h"
#include "targeting/internal/matches_inline.h"

namespace allot {
namespace {

// The instants whose TrafficSchedule::Instant is at least / below `ns`:
// Instant rounds down and saturates, so they are those from / before
// FromUnixNanos(ns), but for INT64_MIN, which every instant reaches.
absl::Time FromInstant(int64_t ns) {
  return ns == std::numeric_limits<int64_t>::min() ? absl::InfinitePast()
                                                   : absl::FromUnixNanos(ns);
}

// `runtime`, or null while it sets nothing (no campaign toggled off, no
// group rolled back): a decision then takes a bare config's paths and tests
// no run-time state per campaign.
const RuntimeState* InEffect(const RuntimeState* runtime) {
  return runtime != nullptr && runtime->any_set() ? runtime : nullptr;
}

absl::Status EmptyVisitorId() {
  return absl::InvalidArgumentError("visitor id must be a non-empty string");
}

}  // namespace

inline bool CompiledConfig::FitsRuntime(const RuntimeState* runtime) const {
  return runtime == nullptr || (runtime->num_campaigns() == campaigns_.size() &&
                                runtime->num_groups() == groups_.size());
}

absl::Status CompiledConfig::CheckRuntime(const RuntimeState* runtime) const {
  if (FitsRuntime(runtime)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "the run-time state is sized for another config (its campaign or group "
      "count differs)");
}

int32_t CompiledConfig::FindCampaign(std::string_view id) const {
  return id_index_->campaigns.Find(id, -1);
}

int32_t CompiledConfig::FindGroup(std::string_view id) const {
  return id_index_->groups.Find(id, -1);
}

namespace {

// -1 when the group's progressive rollout leaves the visitor out of its
// traffic, else 0. (A plain XXH3 group's rollout: PickInGroup, from its
// HotGroup.) `flagship_id`: as PickInGroup's.
[[gnu::always_inline]] inline int32_t OutOfTraffic(
    const CompiledConfig::Group& group, std::string_view visitor_id,
    int64_t now_ns, TrafficSchedule::Span* spans,
    const internal::MurmurSuffix* flagship_id) {
  int64_t share;
  if (spans != nullptr) {
    // Decisions come at nearby instants: the share found last time holds
    // until the next breakpoint.
    TrafficSchedule::Span& span = spans[group.schedule_slot];
    if (!span.Contains(now_ns)) span = group.schedule->SpanAt(now_ns);
    share = span.share_bp;
  } else {
    share = group.schedule->ShareAtInstant(now_ns);
  }
  // A rollout at 100 % lets everyone in without hashing.
  if (share >= 10000) return 0;
  const uint32_t bucket =
      flagship_id != nullptr
          ? group.bucketer.FlagshipTrafficBucket(*flagship_id)
          : group.bucketer.TrafficBucketInline(visitor_id);
  return -static_cast<int32_t>(static_cast<int64_t>(bucket) *
                                   group.bp_per_traffic_bucket >=
                               share);
}

// The variation of a group picked through its Group (HotGroup::Pick::
// kThroughGroup: Flagship's buckets or a split table on the heap): the
// rollout's traffic check (`*out` -1 when it leaves the visitor out, else
// unchanged), then the split. `flagship_id`: as PickInGroup's.
[[gnu::always_inline]] inline int PickThroughGroup(
    const CompiledConfig::Group& group, std::string_view visitor_id,
    int64_t now_ns, TrafficSchedule::Span* spans,
    const internal::MurmurSuffix* flagship_id, int32_t* out) {
  if (group.schedule) {
    *out = OutOfTraffic(group, visitor_id, now_ns, spans, flagship_id);
  }
  return group.split.Pick(flagship_id != nullptr
                              ? group.bucketer.FlagshipSplitBucket(*flagship_id)
                              : group.bucketer.SplitBucketInline(visitor_id));
}

// XXH3's split bucket; kShortId: of an id of 9 to 16 bytes.
template <bool kShortId>
[[gnu::always_inline]] inline uint32_t SplitBucketOf(std::string_view visitor_id,
                                                     uint64_t seed) {
  return kShortId ? internal::Xxh3BucketOf9To16(visitor_id, seed)
                  : internal::Xxh3Bucket(visitor_id, seed);
}

// Stores a decision field by field. Copied whole, the five fields of a
// decision made in registers were first packed into two words (shifts and
// ors on every campaign decided); stored one by one, they are not.
[[gnu::always_inline]] inline void Put(Decision* out, const Decision& d) {
  out->campaign = d.campaign;
  out->group = d.group;
  out->variation = d.variation;
  out->reason = d.reason;
  out->new_assignment = d.new_assignment;
}

}  // namespace

template <bool kLifecycle, CompiledConfig::WindowCheck kWindow>
[[gnu::always_inline]] inline Decision CompiledConfig::DecideCampaign(
    int32_t c, std::string_view visitor_id, TargetingScratch* scratch,
    absl::Time now, int64_t now_ns, const RuntimeState* runtime,
    TrafficSchedule::Span* spans, bool* ab_taken, Lifecycle* lc,
    bool outside_window, Structure* st) const {
  Decision d;
  d.campaign = c;
  const HotCampaign& hot = hot_[c];
  // Steps 1 to 7 and single assignment, unless none of them can apply (a
  // plain campaign: no check bit, runtime state or forcing; panic sets
  // kCheckNotPlain on every campaign).
  // (A visitor whose lifecycle inputs force nothing takes them as if it had
  // none: its records matter only at step 11.)
  const bool forced = kLifecycle && lc->forced;
  if (forced || hot.checks != 0 || runtime != nullptr) {
    if (!forced && kWindow != WindowCheck::kSearch && runtime == nullptr &&
        (hot.checks & ~(kCheckWindow | kCheckHoldout)) == 0 &&
        ((hot.checks & kCheckHoldout) == 0 || st->held_out == 0)) {
      // A live window, whose state the caller knows, and a holdout that
      // holds this visitor out of nothing: step 4 alone can stop here.
      if (kWindow == WindowCheck::kGiven && (hot.checks & kCheckWindow) &&
          outside_window) {
        d.reason = DecisionReason::kOutsideSchedule;
        return d;
      }
    } else {
      if (panic_) {
        d.reason = DecisionReason::kPanic;
        return d;
      }
      if (!hot.active || (runtime != nullptr && runtime->campaign_off(c))) {
        d.reason = DecisionReason::kCampaignInactive;
        return d;
      }
      if constexpr (kLifecycle) {
        // Step 3: forcing skips everything but the kill switches.
        if (const ForcedEntry* f = forced ? lc->ForcedFor(c) : nullptr) {
          d.group = f->group;
          if (runtime != nullptr && runtime->group_rolled_back(f->group)) {
            d.reason = DecisionReason::kRolledBack;
            d.variation = groups_[f->group].reference_variation;
            return d;
          }
          d.variation = f->variation;
          d.reason = DecisionReason::kForced;
          const StickyEntry* record = lc->RecordFor(f->group);
          d.new_assignment = record == nullptr ||
                             record->variation != f->variation ||
                             record->version != groups_[f->group].sticky_version;
          if (hot.is_ab) *ab_taken = true;
          return d;
        }
      }
      if (hot.checks != 0) {
        if (hot.checks & kCheckWindow) {
          bool outside = outside_window;
          if constexpr (kWindow == WindowCheck::kSearch) {
            const Campaign& campaign = campaigns_[c];
            // Recurring windows (DESIGN §14) lie inside [start, stop): a
            // campaign without them tests only its bounds.
            outside =
                now < campaign.start || now >= campaign.stop ||
                (!campaign.windows.empty() && !campaign.windows.Contains(now_ns));
          }
          if (outside) {
            d.reason = DecisionReason::kOutsideSchedule;
            return d;
          }
        }
        if (hot.checks & kCheckRanges) {
          // Step 5's bucket ranges, in integers (Campaign::bucket_ranges).
          if (!InBucketRanges(c, RangeBucketOf(c, visitor_id, st))) {
            d.reason = DecisionReason::kOutsideBucketRange;
            return d;
          }
        }
        if ((hot.checks & kCheckStructure) ||
            ((hot.checks & kCheckHoldout) && st->held_out != 0)) {
          // Steps 5 (layer), 6 (holdout) and 7 (prerequisites).
          const DecisionReason r = CheckStructure(c, visitor_id, st);
          if (r != DecisionReason::kAllocated) {
            d.reason = r;
            return d;
          }
        }
      }
      if (hot.is_ab && single_assignment_ && *ab_taken) {
        d.reason = DecisionReason::kSingleAssignment;
        return d;
      }
    }
  }
  const int32_t g = TargetedGroup(hot, scratch);
  if (g < 0) {
    d.reason = DecisionReason::kNotTargeted;
    return d;
  }
  d.group = g;
  if (RolledBack(g, runtime, &d)) return d;
  if constexpr (kLifecycle) {
    // Step 11: a record at the group's current version keeps its variation
    // whatever the traffic share and allocations say now.
    const StickyEntry* record = lc->RecordFor(g);
    if (record != nullptr && record->version == groups_[g].sticky_version) {
      d.variation = record->variation;
      d.reason = DecisionReason::kSticky;
      if (hot.is_ab) *ab_taken = true;
      return d;
    }
  }
  PickInGroup(g, visitor_id, now_ns, spans, &d);
  *ab_taken = *ab_taken | (hot.is_ab & d.new_assignment);
  return d;
}

[[gnu::always_inline]] inline int32_t CompiledConfig::TargetedGroup(
    const HotCampaign& hot, TargetingScratch* scratch) const {
  if (hot.one_group) {
    return hot.tree >= 0 && targeting_->MatchesInline(hot.tree, scratch)
               ? hot.first_group
               : -1;
  }
  const int32_t end = hot.first_group + hot.num_groups;
  for (int32_t g = hot.first_group; g < end; ++g) {
    const int32_t tree = hot_groups_[g].targeting;
    if (tree >= 0 && targeting_->MatchesBound(tree, scratch)) return g;
  }
  return -1;
}

template <bool kShortId>
[[gnu::always_inline]] inline void CompiledConfig::DecideInGroup(
    int32_t g, std::string_view visitor_id, int64_t now_ns,
    const RuntimeState* runtime, TrafficSchedule::Span* spans,
    Decision* d) const {
  d->group = g;
  if (RolledBack(g, runtime, d)) return;
  PickInGroup<kShortId>(g, visitor_id, now_ns, spans, d);
}

[[gnu::always_inline]] inline bool CompiledConfig::RolledBack(
    int32_t g, const RuntimeState* runtime, Decision* d) const {
  if (runtime == nullptr || !runtime->group_rolled_back(g)) return false;
  d->reason = DecisionReason::kRolledBack;
  d->variation = groups_[g].reference_variation;
  return true;
}

template <bool kShortId, bool kPlainOnly, bool kHotFlagship>
[[gnu::always_inline]] inline void CompiledConfig::PickInGroup(
    int32_t g, std::string_view visitor_id, int64_t now_ns,
    TrafficSchedule::Span* spans, Decision* d,
    const internal::MurmurSuffix* flagship_id) const {
  const HotGroup& hot_group = hot_groups_[g];
  // -1 when a rollout leaves the visitor out of its traffic, else 0.
  int32_t out = 0;
  int v;
  if (kPlainOnly || hot_group.pick == HotGroup::Pick::kPlain) {
    v = SplitTable::PickInline(
        hot_group.biased, hot_group.indices,
        SplitBucketOf<kShortId>(visitor_id, hot_group.xxh3_seed()));
  } else if (hot_group.pick == HotGroup::Pick::kRollout) {
    // OutOfTraffic's steps from the hot line: XXH3 buckets (a traffic
    // bucket is a basis point), the span kept in the list; the Group is
    // read only when the span ends or there is no list. (Written again
    // rather than shared with OutOfTraffic: the span lookup as one helper
    // for both cost W2 mid-ramp 95 instructions per visitor.)
    int64_t share;
    if (spans != nullptr) {
      TrafficSchedule::Span& span = spans[hot_group.schedule_slot];
      if (!span.Contains(now_ns)) [[unlikely]] {
        span = groups_[g].schedule->SpanAt(now_ns);
      }
      share = span.share_bp;
    } else {
      share = groups_[g].schedule->ShareAtInstant(now_ns);
    }
    // At 100 %, everyone is in without hashing.
    if (share < 10000) {
      out = -static_cast<int32_t>(
          SplitBucketOf<kShortId>(
              visitor_id, hot_group.xxh3_seed() ^ kTrafficSeedMask) >= share);
    }
    v = SplitTable::PickInline(
        hot_group.biased, hot_group.indices,
        SplitBucketOf<kShortId>(visitor_id, hot_group.xxh3_seed()));
  } else if (kHotFlagship && hot_group.pick == HotGroup::Pick::kFlagship) {
    // Flagship's split bucket from the hot line: the group id's hashed
    // prefix continued with the visitor id prepared once per visitor.
    // REQUIRES: flagship_id (DecideMatchedFlagship's loop).
    const uint32_t bucket =
        flagship_id->FinishAfter(hot_group.flagship_h1(),
                                 hot_group.flagship_tail(),
                                 hot_group.flagship_length) %
        100;
    v = SplitTable::PickInline(hot_group.biased, hot_group.indices, bucket);
  } else {
    v = PickThroughGroup(groups_[g], visitor_id, now_ns, spans, flagship_id,
                         &out);
  }
  // In traffic and allocated or not, without a branch: the buckets are
  // random, so a branch on them would mispredict on about one campaign in
  // five of W2 (20 % is not allocated there), and on more in mid-ramp. A
  // visitor out of traffic pays the split hash instead.
  // (Masks rather than conditionals, which GCC turns back into a branch.)
  static_assert(static_cast<int>(DecisionReason::kAllocated) == 0);
  const int32_t none = (v >> 31) | out;  // -1 when no variation, else 0
  d->variation = (hot_group.first_variation + v) | none;
  d->reason = static_cast<DecisionReason>(
      (static_cast<int32_t>(DecisionReason::kNotAllocated) & none & ~out) |
      (static_cast<int32_t>(DecisionReason::kNotInTraffic) & out));
  // A record naming this variation at this version would have made the
  // decision sticky above: an allocation is always new.
  d->new_assignment = static_cast<bool>(none + 1);
}

void CompiledConfig::DecideMatched(const int32_t* campaigns, size_t n,
                                   std::string_view visitor_id, int64_t now_ns,
                                   const RuntimeState* runtime,
                                   TrafficSchedule::Span* spans,
                                   Decision* items) const {
  // Into the template's entry of each: this campaign, not_targeted, no
  // variation.
  if (runtime == nullptr && all_picks_plain_ &&
      visitor_id.size() - 9 <= 16 - 9) {
    // Steps 10 (nothing rolled back) and 12 (plain picks) with nothing
    // else in the loop: its invariants stay in registers.
    for (size_t k = 0; k < n; ++k) {
      const int32_t c = campaigns[k];
      const int32_t g = hot_[c].first_group;
      items[c].group = g;
      PickInGroup<true, true>(g, visitor_id, now_ns, spans, &items[c]);
    }
    return;
  }
  // Steps 10 and 12 in full, the id's length tested once. (The two loops
  // below as one generic lambda instantiated twice cost W2 22 instructions
  // per visitor more, in the plain loop above: GCC allocated the whole
  // function's registers differently.)
  if (visitor_id.size() - 9 <= 16 - 9) {
    if (runtime == nullptr) {
      // Nothing rolled back: step 12 alone (rollouts, Flagship's picks).
      for (size_t k = 0; k < n; ++k) {
        const int32_t c = campaigns[k];
        const int32_t g = hot_[c].first_group;
        items[c].group = g;
        PickInGroup<true>(g, visitor_id, now_ns, spans, &items[c]);
      }
      return;
    }
    for (size_t k = 0; k < n; ++k) {
      const int32_t c = campaigns[k];
      DecideInGroup<true>(hot_[c].first_group, visitor_id, now_ns, runtime,
                          spans, &items[c]);
    }
    return;
  }
  for (size_t k = 0; k < n; ++k) {
    const int32_t c = campaigns[k];
    DecideInGroup(hot_[c].first_group, visitor_id, now_ns, runtime, spans,
                  &items[c]);
  }
}

[[gnu::always_inline]] inline void CompiledConfig::DecideMatchedAnyMode(
    const int32_t* campaigns, size_t n, std::string_view visitor_id,
    int64_t now_ns, const RuntimeState* runtime, TrafficSchedule::Span* spans,
    Decision* items) const {
  if (flagship_alignments_ != 0 && n >= 2 &&
      DecideMatchedFlagship(campaigns, n, visitor_id, now_ns, runtime, spans,
                            items)) {
    return;
  }
  DecideMatched(campaigns, n, visitor_id, now_ns, runtime, spans, items);
}

bool CompiledConfig::DecideMatchedFlagship(const int32_t* campaigns, size_t n,
                                           std::string_view visitor_id,
                                           int64_t now_ns,
                                           const RuntimeState* runtime,
                                           TrafficSchedule::Span* spans,
                                           Decision* items) const {
  internal::MurmurSuffix flagship_id;
  if (!flagship_id.Prepare(visitor_id, flagship_alignments_)) return false;
  for (size_t k = 0; k < n; ++k) {
    const int32_t c = campaigns[k];
    const int32_t g = hot_[c].first_group;
    items[c].group = g;
    if (!RolledBack(g, runtime, &items[c])) {
      PickInGroup<false, false, true>(g, visitor_id, now_ns, spans, &items[c],
                                      &flagship_id);
    }
  }
  return true;
}

const Decision* CompiledConfig::RefreshTemplate(absl::Time now,
                                                DecisionList* out) const {
  out->window_template_.assign(sparse_template_.begin(),
                               sparse_template_.end());
  // Each campaign's state (DecideCampaign's step 4) holds over a span around
  // `now`; the template holds over their intersection.
  const int64_t now_ns = TrafficSchedule::Instant(now);
  absl::Time from = absl::InfinitePast();
  absl::Time until = absl::InfiniteFuture();
  for (const int32_t c : windowed_) {
    const Campaign& campaign = campaigns_[c];
    bool live = false;
    absl::Time low = absl::InfinitePast();
    absl::Time high = absl::InfiniteFuture();
    if (now < campaign.start) {
      high = campaign.start;
    } else if (now >= campaign.stop) {
      low = campaign.stop;
    } else {
      live = true;
      low = campaign.start;
      high = campaign.stop;
      const RecurringWindows& windows = campaign.windows;
      if (!windows.empty()) {
        // Contains(now_ns), keeping the window or the gap it falls in.
        const size_t next = windows.NextAfter(now_ns);
        live = next > 0 && now_ns < windows.end_ns(next - 1);
        if (live) {
          low = std::max(low, FromInstant(windows.start_ns(next - 1)));
          high = std::min(high, FromInstant(windows.end_ns(next - 1)));
        } else {
          if (next > 0) {
            low = std::max(low, FromInstant(windows.end_ns(next - 1)));
          }
          if (next < windows.size()) {
            high = std::min(high, FromInstant(windows.start_ns(next)));
          }
        }
      }
    }
    if (!live) {
      out->window_template_[c].reason = DecisionReason::kOutsideSchedule;
    }
    from = std::max(from, low);
    until = std::min(until, high);
  }
  out->window_serial_ = serial_;
  out->window_from_ = from;
  out->window_until_ = until;
  // The first whole second at or after `from`, the last one before `until`.
  const int64_t from_s = FloorSeconds(from);
  out->window_from_s_ = from_s == std::numeric_limits<int64_t>::max() ||
                                from == absl::FromUnixSeconds(from_s)
                            ? from_s
                            : from_s + 1;
  out->window_until_s_ = FloorSeconds(until);
  return out->window_template_.data();
}

template <bool kPlainOnly>
[[gnu::always_inline]] inline void CompiledConfig::DecidePlainly(
    const VisitorContext& visitor, int64_t now_ns, TrafficSchedule::Span* spans,
    Decision* items, size_t n) const {
  const std::string_view id = visitor.id_.view();
  for (size_t c = 0; c < n; ++c) {
    Decision d;
    d.campaign = static_cast<int32_t>(c);
    const int32_t g = TargetedGroup(hot_[c], &visitor.scratch_);
    if (g < 0) {
      d.reason = DecisionReason::kNotTargeted;
    } else {
      d.group = g;
      PickInGroup<false, kPlainOnly>(g, id, now_ns, spans, &d);
    }
    Put(&items[c], d);
  }
}

template <bool kInputs>
[[gnu::always_inline]] inline absl::Status CompiledConfig::DecideAllImpl(
    const VisitorContext& visitor, absl::Time now, DecisionList* out,
    const RuntimeState* runtime) const {
  if (visitor.id_.empty()) return EmptyVisitorId();
  if (!FitsRuntime(runtime)) return CheckRuntime(runtime);
  runtime = InEffect(runtime);
  // (hot_ has one 16-byte entry per campaign: its size is a shift, where
  // campaigns_'s takes a multiply.)
  const size_t n = hot_.size();
  out->Reset(this, n);
  if constexpr (kInputs) {
    targeting_->BindInline(visitor.id_.view(), visitor.attributes_,
                           &visitor.scratch_);
  }
  Decision* items = out->items_.data();
  // A config of plain campaigns (plain_dense_) and a visitor without
  // lifecycle inputs: DecideCampaign's steps 10 and 12 after targeting,
  // with none of its tests of what cannot apply. Plain picks (W1) first,
  // with one flag to test.
  if (kInputs && plain_dense_picks_ && runtime == nullptr &&
      visitor.assignments().count_ == 0) {
    out->sparse_clean_ = false;
    DecidePlainly<true>(visitor, 0, nullptr, items, n);
    return absl::OkStatus();
  }
  if (kInputs && plain_dense_ && runtime == nullptr &&
      visitor.assignments().count_ == 0) {
    // Rollouts or Flagship's buckets.
    out->sparse_clean_ = false;
    DecidePlainly<false>(visitor,
                         num_schedules_ > 0 ? TrafficSchedule::Instant(now) : 0,
                         out->spans_.data(), items, n);
    return absl::OkStatus();
  }
  bool ab_taken = false;
  TrafficSchedule::Span* spans = out->spans_.data();
  // Layers and prerequisites (DESIGN §15): the campaigns that have them are
  // never fast, so each loop below decides them in file order, after every
  // campaign they depend on. Holdouts: see held_out.
  // A visitor held out by a holdout decides every campaign in order (the
  // templates say not_targeted where a covered campaign says holdout).
  Structure structure{Structure::Unset()};
  Structure* st = nullptr;
  bool held_out = false;
  if (has_structure_) {
    BindStructure(visitor.id_.view(), items, &structure);
    st = &structure;
    held_out = structure.held_out != 0;
  }
  // Each path below that writes every entry clears the list's sparse mark
  // (the sparse path relies on it to rewrite only what it changed).
  // A visitor with lifecycle inputs (or whom a forced list may name): in a
  // config with a sparse path, out of line (DecideAllWithInputs keeps that
  // path for sticky records, with the bind above: the test sits after the
  // bind because before it GCC allocated this function's registers worse,
  // 5 to 23 instructions on the plain paths; bench/README.md "Since
  // dd026bc"); otherwise every campaign in order here.
  if (kInputs && MayNeedLifecycle(visitor) && HasInputsOrMayBeListed(visitor)) {
    if (!sparse_template_.empty()) {
      return DecideAllWithInputs(visitor, now, out, runtime);
    }
    if (Lifecycle lc; BindLifecycle(visitor, &lc)) {
      out->sparse_clean_ = false;
      const int64_t now_ns = needs_now_ns_ ? TrafficSchedule::Instant(now) : 0;
      for (size_t c = 0; c < n; ++c) {
        Put(&items[c], DecideCampaign<true>(
            static_cast<int32_t>(c), visitor.id_.view(), &visitor.scratch_, now,
            now_ns, runtime, spans, &ab_taken, &lc, false, st));
      }
      return absl::OkStatus();
    }
  }
  // Below, every live window is read from the template at `now`: only the
  // rollouts need `now` in nanoseconds.
  const int64_t now_ns = num_schedules_ > 0 ? TrafficSchedule::Instant(now) : 0;
  if (sparse_template_.empty()) {
    // No fast campaign and no live window.
    out->sparse_clean_ = false;
    for (size_t c = 0; c < n; ++c) {
      Put(&items[c], DecideCampaign<false>(static_cast<int32_t>(c), visitor.id_.view(),
                                       &visitor.scratch_, now, now_ns, runtime,
                                       spans, &ab_taken, nullptr, false, st));
    }
    return absl::OkStatus();
  }
  bool refreshed = false;
  const Decision* tmpl = TemplateAt(now, out, &refreshed);
  if (sparse_ready_ && !held_out &&
      (runtime == nullptr || !runtime->any_campaign_off())) {
    // Sparse: every fast and batched campaign starts as its not-targeted
    // decision, and only the dense campaigns and those whose targeting
    // holds are decided. Without single assignment no decision depends on
    // another, so in any order.
    const CompiledTargetingSet::Marked candidates =
        targeting_->MarkedOf(visitor.scratch_);
    // A list that a sparse decision against this config left behind (Reset
    // cleared the mark if it was bound to another) differs from the
    // template only where it decided.
    const bool sparse_clean = out->sparse_clean_;
    // touched: sized for every campaign, its first num_touched entries live
    // (indexed stores rather than push_back: nothing to grow or inline).
    int32_t* touched = out->sparse_touched_.data();
    // (Counted in a local, stored once at the end: a counter in the list
    // would be loaded and stored again around every decision's stores.)
    uint32_t num_touched = out->sparse_num_touched_;
    // Restoring an entry by index costs about what copying eight entries
    // whole does (W2: ~19 of 50 touched, so the whole copy; W3: ~9 of
    // 1,000, so the entries).
    if (sparse_clean && !refreshed && size_t{num_touched} * 8 < n) {
      for (uint32_t k = 0; k < num_touched; ++k) {
        items[touched[k]] = tmpl[touched[k]];
      }
    } else {
      std::memcpy(items, tmpl, n * sizeof(Decision));
    }
    num_touched = 0;
    if (!ranged_offsets_.empty()) {
      // Step 5 of the ranged campaigns (Flagship bucket ranges): the
      // template stops each live one at outside_bucket_range; those whose
      // ranges hold the visitor's bucket go on to their targeting.
      const uint32_t z = RangeBucketOf(ranged_inside_[0], visitor.id_.view(), st);
      const int32_t* const inside = ranged_inside_.data();
      for (uint32_t k = ranged_offsets_[z]; k < ranged_offsets_[z + 1]; ++k) {
        const int32_t c = inside[k];
        if (items[c].reason != DecisionReason::kOutsideBucketRange) continue;
        items[c].reason = DecisionReason::kNotTargeted;
        touched[num_touched++] = c;
      }
    }
    // Per layer, the one gated campaign whose range holds the visitor (if
    // the template does not stop it first), before the dense campaigns that
    // may name it as a prerequisite. Its steps before targeting are the
    // template's (inactive, outside its window) and the gate's (its layer
    // range; no holdout holds this visitor out, and a gated campaign has no
    // prerequisites): from targeting on.
    for (const GatedLayer& layer : gated_layers_) {
      const int32_t c = GatedCampaignOf(layer, visitor.id_.view(), st);
      if (c < 0 || items[c].reason != DecisionReason::kOutsideLayerRange) {
        continue;
      }
      touched[num_touched++] = c;
      const int32_t g = TargetedGroup(hot_[c], &visitor.scratch_);
      if (g < 0) {
        items[c].reason = DecisionReason::kNotTargeted;
        continue;
      }
      DecideInGroup(g, visitor.id_.view(), now_ns, runtime, spans, &items[c]);
    }
    for (const int32_t c : dense_) {
      Put(&items[c], DecideCampaign<false, WindowCheck::kGiven>(
          c, visitor.id_.view(), &visitor.scratch_, now, now_ns, runtime,
          spans, &ab_taken, nullptr, OutsideWindow(tmpl[c]), st));
    }
    // The batched campaigns' trees together, without a branch per tree on
    // their eager part (W2: the campaigns without the index's EQUALS); they
    // are outside the index, and the marked trees below passed it. The
    // template's entry is final unless not_targeted: a campaign outside its
    // live window or (Flagship) its bucket ranges; any other is inside.
    CompiledTargetingSet::Matching held;
    if (sparse_matches_final_) {
      // What both passes find matched, written as campaigns straight into
      // touched (no positions to translate in loops of their own), then
      // decided together.
      const uint32_t first = num_touched;
      if (!batch_trees_.tests.empty()) {
        num_touched += targeting_->MatchingValuesOfList(
            batch_trees_, fast_campaign_of_tree_.data(), touched + num_touched,
            &visitor.scratch_);
      }
      if (candidates.num_marked != 0 && !fast_tree_.empty()) {
        num_touched += targeting_->MatchingValuesOfMarked(
            fast_campaign_of_tree_.data(), touched + num_touched,
            &visitor.scratch_);
      }
      DecideMatchedAnyMode(touched + first, num_touched - first,
                           visitor.id_.view(), now_ns, runtime, spans, items);
      out->sparse_num_touched_ = num_touched;
      out->sparse_clean_ = true;
      return absl::OkStatus();
    }
    if (!batch_trees_.tests.empty()) {
      held = targeting_->MatchingOfList(batch_trees_, &visitor.scratch_);
    }
    const uint32_t first_matched = num_touched;
    for (size_t j = 0; j < held.count; ++j) {
      const int32_t c = batch_campaigns_[held.positions[j]];
      if (items[c].reason != DecisionReason::kNotTargeted) continue;
      touched[num_touched++] = c;
    }
    // The marked trees likewise (the template also decides an inactive
    // campaign).
    held = CompiledTargetingSet::Matching();
    // (The index may mark the trees of campaigns that are not fast, say
    // layered ones: with no fast campaign, none of its marks matters.)
    if (candidates.num_marked != 0 && !fast_tree_.empty()) {
      held = targeting_->MatchingOfMarked(&visitor.scratch_);
    }
    for (size_t j = 0; j < held.count; ++j) {
      const int32_t c =
          fast_campaign_of_tree_[candidates.marked[held.positions[j]]];
      if (c < 0) continue;
      if (items[c].reason != DecisionReason::kNotTargeted) continue;
      touched[num_touched++] = c;
    }
    // Every campaign matched above, in one loop that does only what is left
    // of its decision (W2: 317 -> 291 ns, ~100 -> ~70 instructions per
    // campaign matched; bench/README.md "Since 6861b4f").
    DecideMatchedAnyMode(touched + first_matched, num_touched - first_matched,
                         visitor.id_.view(), now_ns, runtime, spans, items);
    out->sparse_num_touched_ = num_touched;
    out->sparse_clean_ = true;
    return absl::OkStatus();
  }
  out->sparse_clean_ = false;
  if (!fast_tree_.empty() && !panic_ && !held_out) {
    const CompiledTargetingSet::Candidates candidates =
        targeting_->CandidatesOf(visitor.scratch_);
    for (size_t c = 0; c < n; ++c) {
      const int32_t tree = fast_tree_[c];
      if (tree >= 0 && !candidates.MayMatch(tree)) {
        // DecideCampaign's steps for such a campaign, up to targeting.
        Decision& d = items[c];
        d = tmpl[c];
        if (d.reason == DecisionReason::kCampaignInactive) continue;
        if (runtime != nullptr && runtime->campaign_off(c)) {
          d.reason = DecisionReason::kCampaignInactive;
          continue;
        }
        if (d.reason == DecisionReason::kOutsideBucketRange &&
            InBucketRanges(static_cast<int32_t>(c),
                           RangeBucketOf(static_cast<int32_t>(c),
                                         visitor.id_.view(), st))) {
          d.reason = DecisionReason::kNotTargeted;
        }
        if (d.reason == DecisionReason::kNotTargeted && hot_[c].is_ab &&
            single_assignment_ && ab_taken) {
          d.reason = DecisionReason::kSingleAssignment;
        }
        continue;
      }
      Put(&items[c], DecideCampaign<false, WindowCheck::kGiven>(
          static_cast<int32_t>(c), visitor.id_.view(), &visitor.scratch_, now,
          now_ns, runtime, spans, &ab_taken, nullptr, OutsideWindow(tmpl[c]),
          st));
    }
    return absl::OkStatus();
  }
  for (size_t c = 0; c < n; ++c) {
    Put(&items[c], DecideCampaign<false, WindowCheck::kGiven>(
        static_cast<int32_t>(c), visitor.id_.view(), &visitor.scratch_, now,
        now_ns, runtime, spans, &ab_taken, nullptr, OutsideWindow(tmpl[c]), st));
  }
  return absl::OkStatus();
}

absl::Status CompiledConfig::DecideAll(const VisitorContext& visitor,
                                       absl::Time now, DecisionList* out,
                                       const RuntimeState* runtime) const {
  return DecideAllImpl<true>(visitor, now, out, runtime);
}

absl::Status CompiledConfig::DecideAll(const VisitorContext& visitor,
                                       absl::Time now,
                                       DecisionList* out) const {
  return DecideAllImpl<true>(visitor, now, out, nullptr);
}

absl::Status CompiledConfig::DecideAllIgnoringInputs(
    const VisitorContext& visitor, absl::Time now, DecisionList* out,
    const RuntimeState* runtime) const {
  return DecideAllImpl<false>(visitor, now, out, runtime);
}

absl::Status CompiledConfig::DecideAllWithInputs(
    const VisitorContext& visitor, absl::Time now, DecisionList* out,
    const RuntimeState* runtime) const {
  Lifecycle lc;
  if (!BindLifecycle(visitor, &lc)) {
    // No inputs of its own, and no forced list names it (the lists' filter
    // let it through).
    return DecideAllIgnoringInputs(visitor, now, out, runtime);
  }
  if (lc.forced || !StickyAfterPlain(lc)) {
    return DecideAllInOrder(visitor, now, out, runtime, &lc);
  }
  const absl::Status status =
      DecideAllIgnoringInputs(visitor, now, out, runtime);
  if (status.ok()) ApplyStickyRecords(lc, out->items_.data());
  return status;
}

absl::Status CompiledConfig::DecideAllInOrder(const VisitorContext& visitor,
                                              absl::Time now, DecisionList* out,
                                              const RuntimeState* runtime,
                                              Lifecycle* lc) const {
  runtime = InEffect(runtime);
  const size_t n = hot_.size();
  out->Reset(this, n);
  Decision* items = out->items_.data();
  Structure structure{Structure::Unset()};
  Structure* st = nullptr;
  if (has_structure_) {
    BindStructure(visitor.id_.view(), items, &structure);
    st = &structure;
  }
  // Every entry is written: the sparse path's mark is cleared.
  out->sparse_clean_ = false;
  const int64_t now_ns = needs_now_ns_ ? TrafficSchedule::Instant(now) : 0;
  TrafficSchedule::Span* spans = out->spans_.data();
  bool ab_taken = false;
  for (size_t c = 0; c < n; ++c) {
    Put(&items[c],
        DecideCampaign<true>(static_cast<int32_t>(c), visitor.id_.view(),
                             &visitor.scratch_, now, now_ns, runtime, spans,
                             &ab_taken, lc, false, st));
  }
  return absl::OkStatus();
}

template <bool kLifecycle>
void CompiledConfig::DecidePrefix(int32_t target, const VisitorContext& visitor,
                                  absl::Time now, int64_t now_ns,
                                  const RuntimeState* runtime, Lifecycle* lc,
                                  Decision* out) const {
  // The earlier decisions a prerequisite reads: per thread, grown once.
  thread_local std::vector<Decision> earlier;
  if (earlier.size() < static_cast<size_t>(target) + 1) {
    earlier.resize(static_cast<size_t>(target) + 1);
  }
  Structure st;
  BindStructure(visitor.id_.view(), earlier.data(), &st);
  bool ab_taken = false;
  for (int32_t c = 0; c <= target; ++c) {
    earlier[c] = DecideCampaign<kLifecycle>(
        c, visitor.id_.view(), &visitor.scratch_, now, now_ns, runtime,
        /*spans=*/nullptr, &ab_taken, lc, false, &st);
  }
  *out = earlier[target];
}

template <bool kLifecycle>
void CompiledConfig::DecideOne(int32_t target, const VisitorContext& visitor,
                               absl::Time now, int64_t now_ns,
                               const RuntimeState* runtime, bool* ab_taken,
                               Lifecycle* lc, Decision* out) const {
  const bool sa_depends = single_assignment_ && campaigns_[target].is_ab;
  if (has_prerequisites_ &&
      (sa_depends || !campaigns_[target].prerequisites.empty())) {
    // The decision reads earlier campaigns' (their prerequisites, their
    // single assignment): decide them all, in order, as DecideAll does.
    DecidePrefix<kLifecycle>(target, visitor, now, now_ns, runtime, lc, out);
    return;
  }
  // No campaign decided below has prerequisites: their layers and holdouts
  // need only the visitor's buckets.
  Structure structure;
  Structure* st = nullptr;
  if (has_structure_) {
    BindStructure(visitor.id_.view(), nullptr, &structure);
    st = &structure;
  }
  // Single assignment makes an `ab` campaign depend on the earlier ones.
  if (sa_depends) {
    for (int32_t c = 0; c < target && !*ab_taken; ++c) {
      if (!campaigns_[c].is_ab) continue;
      DecideCampaign<kLifecycle>(c, visitor.id_.view(), &visitor.scratch_, now, now_ns,
                                 runtime, /*spans=*/nullptr, ab_taken, lc,
                                 false, st);
    }
  }
  *out = DecideCampaign<kLifecycle>(target, visitor.id_.view(), &visitor.scratch_, now,
                                    now_ns, runtime, /*spans=*/nullptr,
                                    ab_taken, lc, false, st);
}

absl::Status CompiledConfig::Decide(std::string_view campaign_id,
                                    const VisitorContext& visitor,
                                    absl::Time now, Decision* out,
                                    const RuntimeState* runtime) const {
  if (visitor.id_.empty()) return EmptyVisitorId();
  if (!FitsRuntime(runtime)) return CheckRuntime(runtime);
  runtime = InEffect(runtime);
  const int32_t target = FindCampaign(campaign_id);
  if (target < 0) {
    *out = Decision();
    return absl::OkStatus();
  }
  targeting_->Bind(visitor.id_.view(), visitor.attributes_, &visitor.scratch_);
  const int64_t now_ns = needs_now_ns_ ? TrafficSchedule::Instant(now) : 0;
  bool ab_taken = false;
  if (MayNeedLifecycle(visitor) && HasInputsOrMayBeListed(visitor)) {
    if (Lifecycle lc; BindLifecycle(visitor, &lc)) {
      DecideOne<true>(target, visitor, now, now_ns, runtime, &ab_taken, &lc,
                      out);
      return absl::OkStatus();
    }
  }
  DecideOne<false>(target, visitor, now, now_ns, runtime, &ab_taken, nullptr,
                   out);
  return absl::OkStatus();
}

void CompiledConfig::ResolveFlags(const DecisionList& decisions,
                                  std::vector<ResolvedFlag>* out) const {
  out->clear();
  // Decisions index into the config that made them: another config's would
  // read out of bounds.
  if (decisions.config() != this) return;
  for (const Decision& d : decisions) {
    if (d.variation < 0) continue;
    const Variation& v = variations_[d.variation];
    for (const FlagSpec& flag : v.flags) {
      ResolvedFlag resolved{flag.key, flag.json_value, d.campaign, d.group,
                            d.variation, v.reference};
      auto it = std::find_if(out->begin(), out->end(),
                             [&](const ResolvedFlag& f) {
                               return f.key == resolved.key;
                             });
      if (it == out->end()) {
        out->push_back(resolved);
      } else {
        *it = resolved;
      }
    }
  }
}

}  // namespace allot
