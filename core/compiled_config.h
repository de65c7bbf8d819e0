// File: core/compiled_config.h
//
// A validated, compiled configuration: the immutable snapshot every decision
// runs against (DESIGN §3, §8).
//
//   LoadOptions options;
//   absl::StatusOr<std::shared_ptr<const CompiledConfig>> config =
//       LoadConfig(json_text, options);
//   if (!config.ok()) return config.status();   // "campaigns[2].id: ..."
//   VisitorContext ctx("visitor-42");
//   ctx.Set("country", "FR");
//   DecisionList decisions;
//   (*config)->DecideAll(ctx, absl::Now(), &decisions);
//
// CompiledConfig is immutable and thread-safe: share one across threads, each
// with its own VisitorContext and DecisionList. Deciding allocates nothing
// after warm-up, takes no lock and writes no shared memory.
#ifndef ALLOT_CORE_COMPILED_CONFIG_H_
#define ALLOT_CORE_COMPILED_CONFIG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "allocation/bucketing.h"
#include "allocation/split.h"
#include "allocation/traffic_schedule.h"
#include "core/config_spec.h"
#include "core/decision.h"
#include "core/kpi_definitions.h"
#include "core/recurring_windows.h"
#include "core/visitor_context.h"
#include "targeting/compiled_targeting_set.h"

namespace allot {

// An Engine's run-time toggles and rollback latches, sized for one config
// (core/internal/runtime_state.h); decisions take it by pointer.
class RuntimeState;
namespace internal {
struct IdIndex;
}  // namespace internal

enum class BucketingChoice : unsigned char {
  kAuto,      // settings.bucketing, else flagship for bucketing files, else xxh3
  kXxh3,
  kFlagship,  // re-randomizes nobody coming from Flagship
};

// Whether a campaign `status` keeps it live (DESIGN §3 step 2): absent,
// "active", "running", "live" or "in_progress", in any case; anything else
// pauses it.
bool IsActiveStatus(std::string_view status);

// Parses "auto", "xxh3" or "flagship".
[[nodiscard]] absl::StatusOr<BucketingChoice> ParseBucketingChoice(
    std::string_view text);

struct LoadOptions {
  // Hashing mode. An explicit choice overrides the file's settings.
  // Default: kAuto.
  BucketingChoice bucketing = BucketingChoice::kAuto;
  // Force the input format instead of detecting it.
  // Default: detect.
  std::optional<ConfigFormat> format;
  // Default: see TargetingOptions.
  TargetingOptions targeting;
  // KPI definitions kept apart from the config (DESIGN §14), in any shape
  // ParseKpiDefinitions reads, merged after the config's own `kpis`; an id
  // declared in both is an error. Errors in it name its JSON paths and end
  // with "(in the separate KPI definitions)".
  // Default: "" (none).
  std::string kpis_json;
};

// One flag of a visitor after merging campaigns (later campaigns win).
struct ResolvedFlag {
  std::string_view key;
  std::string_view json_value;  // minified JSON
  int32_t campaign = -1;
  int32_t group = -1;
  int32_t variation = -1;
  bool reference = false;  // the variation is its group's reference
};

// Slow-path account of one campaign's decision.
struct CampaignExplanation {
  std::string campaign_id;
  DecisionReason reason = DecisionReason::kUnknownCampaign;
  struct Group {
    std::string group_id;
    bool matched = false;
    bool has_targeting = false;
    std::vector<TargetingExplanation> targetings;
  };
  std::vector<Group> groups;  // the groups tried, in order
  std::string detail;         // buckets and thresholds, human-readable
};

class CompiledConfig : public std::enable_shared_from_this<CompiledConfig> {
 public:
  struct Variation {
    std::string id;
    std::string name;
    bool reference = false;
    int32_t basis_points = 0;
    std::string modifications_type;
    std::vector<FlagSpec> flags;
    uint64_t id_hash = 0;  // Xxh3Hash(id)
  };
  struct Group {
    std::string id;
    std::string name;
    int32_t targeting = -1;  // tree index in targeting(), -1: never matches
    int32_t first_variation = 0;
    int32_t num_variations = 0;
    int32_t reference_variation = -1;  // absolute index, or -1
    GroupBucketer bucketer;
    SplitTable split;
    std::optional<TrafficSchedule> schedule;
    std::string schedule_timezone;  // allocation_config.timezone ("" = UTC)
    int32_t bp_per_traffic_bucket = 1;  // 10000 / bucketer.scale()
    int32_t schedule_slot = -1;  // index among the groups with a schedule
    std::optional<RollbackConditionSpec> rollback;
    // The KPI its rollback goal names (DESIGN §14): an index in kpis(), or
    // -1 for a plain goal (or no rollback).
    int32_t rollback_kpi = -1;
    int64_t sticky_version = 0;
    uint64_t id_hash = 0;  // Xxh3Hash(id)
    int32_t campaign = -1;  // index of the campaign it belongs to
  };
  struct Campaign {
    std::string id;
    std::string name;
    std::string slug;
    std::string type;
    std::string status;
    bool is_ab = false;
    bool active = true;
    // The live window [start, stop): the scheduler's, narrowed by the
    // period (DESIGN §13). has_window: either bounds it on some side.
    bool has_window = false;
    absl::Time start = absl::InfinitePast();
    absl::Time stop = absl::InfiniteFuture();
    // The period alone, [period_begin, period_stop) (infinite ends when
    // open), and its dates as written ("" when absent), for Explain.
    absl::Time period_begin = absl::InfinitePast();
    absl::Time period_stop = absl::InfiniteFuture();
    std::string period_start;
    std::string period_end;
    std::string deadline;  // as written
    // The end of the deadline day: from then on the goal metrics of the
    // campaign's groups are closed and their rollback latches frozen.
    absl::Time goals_close = absl::InfiniteFuture();
    // DESIGN §14: with a scheduler recurrence, the windows inside [start,
    // stop) where the campaign is live (empty without one), and the rule
    // and duration as written.
    RecurringWindows windows;
    std::string recurrence;
    std::string duration;
    // The scheduler's time zone as written ("" = UTC): where its dates,
    // the period and the recurrence are read.
    std::string time_zone;
    std::vector<std::pair<double, double>> ranges;  // percent [low, high)
    // The same ranges as range buckets [first, end) of bucketer.scale()
    // (BucketsInPercentRange: a bucket is inside exactly when its percent
    // is), for the decision path's integer test; empty ones left out.
    std::vector<std::pair<uint32_t, uint32_t>> bucket_ranges;
    CampaignBucketer bucketer;
    int32_t first_group = 0;
    int32_t num_groups = 0;
    // DESIGN §13 (core/fingerprint.h): a reload may not change the
    // assignment fingerprint of a locked campaign, nor remove it.
    bool locked = false;
    // DESIGN §15 (core/structure.cc): the layer (index in layers(), -1:
    // none) and the range [layer_low_bp, layer_high_bp) of its bucket; the
    // holdouts that cover the campaign (bit h: holdouts()[h]); the
    // prerequisites, each an earlier campaign and, when listed, the
    // variations (absolute indices) it must have given.
    int32_t layer = -1;
    int32_t layer_low_bp = 0;
    int32_t layer_high_bp = 0;
    uint64_t holdouts = 0;
    struct Prerequisite {
      int32_t campaign = -1;
      std::vector<int32_t> variations;  // empty: any variation
    };
    std::vector<Prerequisite> prerequisites;
    std::string path;  // JSON path of the campaign in its file
    uint64_t assignment_fingerprint = 0;  // who gets what
    uint64_t payload_fingerprint = 0;     // the variations' modifications
  };

  // DESIGN §15: `settings.layers` and `settings.holdouts`.
  struct Layer {
    std::string id;
    std::string name;
    uint64_t seed = 0;  // Xxh3Hash("layer:" + id)
  };
  struct Holdout {
    std::string id;
    int32_t basis_points = 0;  // percent × 100
    uint64_t seed = 0;         // Xxh3Hash("holdout:" + id)
    bool all = false;          // "campaigns": "all"
    std::vector<int32_t> campaigns;  // the campaigns it covers, in order
  };
  // At most this many layers and holdouts per config: a decision keeps the
  // visitor's bucket of each in a fixed array (no allocation).
  static constexpr int kMaxLayers = 64;
  static constexpr int kMaxHoldouts = 64;

  // Validates and compiles `spec`. Every failure is an InvalidArgument whose
  // message starts with the JSON path at fault.
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<const CompiledConfig>>
  Create(const ConfigSpec& spec, const LoadOptions& options = LoadOptions());

  CompiledConfig(const CompiledConfig&) = delete;
  CompiledConfig& operator=(const CompiledConfig&) = delete;

  // Decides every campaign, in config order, into `out` (cleared first).
  // InvalidArgument only for an empty visitor id, or a `runtime` (toggles
  // and rollbacks of an Engine) sized for another config.
  [[nodiscard]] absl::Status DecideAll(const VisitorContext& visitor,
                                       absl::Time now, DecisionList* out,
                                       const RuntimeState* runtime) const;
  // The same without run-time state (a bare config's decisions): its own
  // body, with every test of the state taken out.
  [[nodiscard]] absl::Status DecideAll(const VisitorContext& visitor,
                                       absl::Time now, DecisionList* out) const;

  // Decides one campaign (evaluating earlier `ab` campaigns too when single
  // assignment is on). An unknown id gives reason kUnknownCampaign.
  [[nodiscard]] absl::Status Decide(std::string_view campaign_id,
                      const VisitorContext& visitor, absl::Time now,
                      Decision* out,
                      const RuntimeState* runtime = nullptr) const;

  // The merged flags of decisions made against this config: allocated and
  // rolled-back-with-reference campaigns in order, later ones overwriting
  // earlier keys; first-seen key order. `out` is cleared first, and stays
  // empty for decisions made against another config.
  void ResolveFlags(const DecisionList& decisions,
                    std::vector<ResolvedFlag>* out) const;

  // Slow path: why each campaign decided as it did.
  std::vector<CampaignExplanation> Explain(
      const VisitorContext& visitor, absl::Time now,
      const RuntimeState* runtime = nullptr) const;

  BucketingMode bucketing() const { return mode_; }
  ConfigFormat format() const { return format_; }
  bool panic() const { return panic_; }
  bool single_assignment() const { return single_assignment_; }
  // How many groups have a progressive rollout (a schedule_slot).
  int32_t num_schedules() const { return num_schedules_; }
  // A hash of everything this config holds (core/fingerprint.h): equal for
  // two loads of the same content, whatever its key order and whitespace.
  uint64_t content_fingerprint() const { return content_fingerprint_; }
  // Unique per compiled config in this process (never reused, unlike an
  // address): keys the caches that contexts keep per config.
  uint64_t serial() const { return serial_; }
  // The forced_assignments entries that list `visitor_id`, by campaign
  // order (empty when none do).
  std::pair<const ForcedEntry*, const ForcedEntry*> ForcedFor(
      std::string_view visitor_id) const;
  // How many (visitor, campaign) pairs the forced_assignments lists hold.
  size_t num_forced() const { return forced_entries_.size(); }
  // Whether DecideAll decides this config by its plain loop (a visitor
  // without forced or sticky inputs, no run-time state in effect): every
  // campaign active and decided by targeting and its groups' picks alone
  // (splits and rollouts; no window, bucket ranges, layer, holdout,
  // prerequisite, forced list, single assignment or panic), and too few
  // campaigns for the sparse path. Introspection for tests and benchmarks.
  bool decides_plainly() const { return plain_dense_; }

  const std::vector<Campaign>& campaigns() const { return campaigns_; }
  const std::vector<Group>& groups() const { return groups_; }
  const std::vector<Variation>& variations() const { return variations_; }
  // The ids and their Xxh3Hash by index, packed (32 bytes each) for readers
  // of many decisions, such as the exposure logger: the structs above hold
  // names, payloads and schedules between one id and the next.
  struct IdRef {
    std::string_view id;
    uint64_t id_hash = 0;
    // The id's part of an exposure's de-duplication key
    // (core/internal/exposure_key.h): id_hash mixed by kind for campaigns
    // and groups, id_hash itself for variations.
    uint64_t key = 0;
  };
  const std::vector<IdRef>& campaign_ids() const { return campaign_ids_; }
  const std::vector<IdRef>& group_ids() const { return group_ids_; }
  const std::vector<IdRef>& variation_ids() const { return variation_ids_; }
  // The KPI definitions (DESIGN §14): the config's, then those of
  // LoadOptions::kpis_json, in declaration order.
  const std::vector<KpiDefinition>& kpis() const { return kpis_; }
  const std::vector<Layer>& layers() const { return layers_; }
  const std::vector<Holdout>& holdouts() const { return holdouts_; }
  // The visitor's bucket (0..9999) in layer `layer` / holdout `holdout`
  // (DESIGN §15; XXH3 in every bucketing mode).
  uint32_t LayerBucket(int32_t layer, std::string_view visitor_id) const;
  uint32_t HoldoutBucket(int32_t holdout, std::string_view visitor_id) const;
  // Index of a campaign / group by id, or -1.
  int32_t FindCampaign(std::string_view id) const;
  int32_t FindGroup(std::string_view id) const;

 private:
  CompiledConfig() = default;

  struct Lifecycle;  // a visitor's forced and sticky inputs, bound
  // One call's view of the experiment structure (DESIGN §15): the decisions
  // made so far (for prerequisites) and the visitor's layer and holdout
  // buckets, each hashed on first use (core/internal/structure.h).
  struct Structure;
  // Layer-gated campaigns (DESIGN §15): in a layer, without prerequisites,
  // bucket ranges or single assignment. A layer's ranges do not overlap, so
  // a visitor is in the range of at most one campaign per layer; on the
  // sparse path the template says outside_layer_range for the others (or
  // what stops them earlier: inactive, outside_schedule), and DecideAll
  // decides only that one, before the dense campaigns (which may name it as
  // a prerequisite). Per layer with any, in layer order: [begin, end) of
  // layer_gates_, sorted by range.
  struct LayerGate {
    int32_t low_bp;
    int32_t high_bp;
    int32_t campaign;
  };
  struct GatedLayer {
    int32_t layer;
    uint32_t begin;
    uint32_t end;
    uint32_t cells;  // the layer's 100 entries of gate_cells_ start here
  };
  // How DecideCampaign learns whether `now` is inside the campaign's live
  // window (step 4): by searching it, or from the caller (`outside_window`,
  // as a window template says).
  enum class WindowCheck : uint8_t { kSearch, kGiven };

  // InvalidArgument for a run-time state sized for another config.
  [[nodiscard]] absl::Status CheckRuntime(const RuntimeState* runtime) const;
  // CheckRuntime's test, inline on the decision path (the error stays out of
  // line): a null state fits any config.
  bool FitsRuntime(const RuntimeState* runtime) const;

  // Decides campaign `c`; `now_ns` is TrafficSchedule::Instant(now) when
  // needs_now_ns_ (else 0);
  // `spans`, when given, caches each schedule's share span (by
  // schedule_slot) across calls; `ab_taken` tracks single assignment.
  // kLifecycle: the visitor has forced or sticky inputs (`lc`); a config and
  // visitor without them run the plain instantiation and pay nothing.
  // kWindow: see WindowCheck; `outside_window` is read for kGiven only.
  template <bool kLifecycle, WindowCheck kWindow = WindowCheck::kSearch>
  Decision DecideCampaign(int32_t c, std::string_view visitor_id,
                          TargetingScratch* scratch, absl::Time now,
                          int64_t now_ns, const RuntimeState* runtime,
                          TrafficSchedule::Span* spans, bool* ab_taken,
                          Lifecycle* lc, bool outside_window = false,
                          Structure* st = nullptr) const;
  struct HotCampaign;
  // Step 9 for a campaign (`hot` = hot_[c]): the first of its groups whose
  // targeting holds for the visitor bound to `scratch` (no fall-through),
  // or -1.
  int32_t TargetedGroup(const HotCampaign& hot, TargetingScratch* scratch) const;
  // Steps 10 and 12 for group `g`, whose targeting held, into `*d` (its
  // group set): rolled back, else picked. For a campaign nothing else can
  // stop (no lifecycle inputs: step 11 is DecideCampaign's).
  // kShortId: the visitor id has 9 to 16 bytes (XXH3's usual case, its
  // length tested once per visitor rather than once per hash).
  template <bool kShortId = false>
  [[gnu::always_inline]] void DecideInGroup(int32_t g, std::string_view visitor_id, int64_t now_ns,
                     const RuntimeState* runtime, TrafficSchedule::Span* spans,
                     Decision* d) const;
  // Step 10 for group `g`, whose targeting held: whether the run-time state
  // rolled it back, and then `*d` says so.
  bool RolledBack(int32_t g, const RuntimeState* runtime, Decision* d) const;
  // Step 12 for group `g`, past steps 10 and 11: the rollout's traffic and
  // the split, into `*d` (allocated, not_in_traffic or not_allocated).
  // kPlainOnly: the group picks plainly (HotGroup::Pick::kPlain: no
  // rollout, XXH3 buckets), so the other ways are left out. `flagship_id`:
  // in Flagship mode, the visitor id prepared for flagship_alignments_, or
  // null to hash it from its bytes. kHotFlagship (REQUIRES flagship_id): a
  // Flagship group whose pick is HotGroup::Pick::kFlagship is decided from
  // its hot line (else through its Group, with the same result): only in
  // DecideMatchedFlagship, the loop of Flagship configs; in the loops XXH3
  // configs run it cost their registers (W2 mid-ramp +36 instructions), and
  // in DecideCampaign W1 in Flagship mode gained nothing in time for +15.
  template <bool kShortId = false, bool kPlainOnly = false,
            bool kHotFlagship = false>
  [[gnu::always_inline]] void PickInGroup(
      int32_t g, std::string_view visitor_id, int64_t now_ns,
      TrafficSchedule::Span* spans, Decision* d,
      const internal::MurmurSuffix* flagship_id = nullptr) const;
  // The campaigns matched on a sparse DecideAll, campaigns[0, n): steps 10
  // and 12 of each one's group (nothing before targeting stops them there:
  // the template decided those steps, and the sparse path serves no
  // lifecycle inputs or single assignment), into items.
  void DecideMatched(const int32_t* campaigns, size_t n,
                     std::string_view visitor_id, int64_t now_ns,
                     const RuntimeState* runtime, TrafficSchedule::Span* spans,
                     Decision* items) const;
  // DecideMatched in Flagship mode, for two campaigns or more: the id is
  // prepared once (internal::MurmurSuffix) for the murmur hash of every
  // group it is decided in. False, with nothing decided, when Prepare does
  // not take the id (the caller then hashes it group by group).
  bool DecideMatchedFlagship(const int32_t* campaigns, size_t n,
                             std::string_view visitor_id, int64_t now_ns,
                             const RuntimeState* runtime,
                             TrafficSchedule::Span* spans,
                             Decision* items) const;
  // DecideMatchedFlagship where it applies, else DecideMatched. (With the
  // Flagship loop in DecideMatched, or only a call to it there, GCC kept
  // the other loops' values in other registers: W2 mid-ramp +26 to +42
  // instructions per visitor; from here, +9.)
  void DecideMatchedAnyMode(const int32_t* campaigns, size_t n,
                            std::string_view visitor_id, int64_t now_ns,
                            const RuntimeState* runtime,
                            TrafficSchedule::Span* spans,
                            Decision* items) const;
  // Steps 5 (layer), 6 (holdout) and 7 (prerequisites) for campaign `c`,
  // which has some of them: kAllocated when they let it through, else the
  // reason that stops it. Out of line: configs without structure never
  // reach it.
  [[gnu::noinline]] DecisionReason CheckStructure(int32_t c,
                                                  std::string_view visitor_id,
                                                  Structure* st) const;
  // The visitor's bucket of layer `layer`, hashed on first use in `st`.
  uint32_t KnownLayerBucket(int32_t layer, std::string_view visitor_id,
                            Structure* st) const;
  // The visitor's range bucket for campaign `c`'s bucket ranges: in Flagship
  // mode the same for every campaign (the hash of the visitor id alone),
  // hashed on first use in `st` (CompileStructure makes a Flagship config
  // with ranges bind one); in XXH3 mode seeded by the campaign.
  uint32_t RangeBucketOf(int32_t c, std::string_view visitor_id,
                         Structure* st) const;
  // The layer-gated campaign (see gated_layers_) of `layer` whose range
  // holds the visitor's bucket of that layer, or -1.
  int32_t GatedCampaignOf(const GatedLayer& layer, std::string_view visitor_id,
                          Structure* st) const;
  // Starts `st` for a visitor: the decisions so far (`earlier`) and the
  // holdouts that hold the visitor out.
  void BindStructure(std::string_view visitor_id, const Decision* earlier,
                     Structure* st) const;
  // Decide with prerequisites: every campaign up to `target`, in order, as
  // DecideAll would, into `*out` for the last.
  template <bool kLifecycle>
  void DecidePrefix(int32_t target, const VisitorContext& visitor,
                    absl::Time now, int64_t now_ns, const RuntimeState* runtime,
                    Lifecycle* lc, Decision* out) const;
  // sparse_template_ at `now`: itself without windowed_ campaigns, else the
  // copy `out` keeps for the span of instants around `now` over which no
  // window opens or closes, recomputed (setting `*refreshed`) when `now`
  // leaves it or `out` was last used with another config. Its entry for
  // an active campaign with a live window is outside_schedule exactly when
  // `now` is outside that window.
  // REQUIRES: sparse_template_ not empty.
  const Decision* TemplateAt(absl::Time now, DecisionList* out,
                             bool* refreshed) const {
    if (windowed_.empty()) return sparse_template_.data();
    if (out->window_serial_ == serial_) {
      const int64_t second = FloorSeconds(now);
      if ((out->window_from_s_ <= second && second < out->window_until_s_) ||
          (out->window_from_ <= now && now < out->window_until_)) {
        return out->window_template_.data();
      }
    }
    *refreshed = true;
    return RefreshTemplate(now, out);
  }
  // The Unix second of `t`, rounded down (an infinite instant gives the
  // extreme of int64_t of its sign).
  static int64_t FloorSeconds(absl::Time t) {
    return absl::time_internal::GetRepHi(
        absl::time_internal::ToUnixDuration(t));
  }
  // TemplateAt's search: rebuilds `out`'s template and span at `now`.
  [[gnu::noinline]] const Decision* RefreshTemplate(absl::Time now,
                                                    DecisionList* out) const;
  // Whether an entry of TemplateAt's puts its campaign outside its window.
  static bool OutsideWindow(const Decision& entry) {
    return entry.reason == DecisionReason::kOutsideSchedule;
  }
  // Decide's body: campaign `target` after the earlier `ab` campaigns it
  // depends on under single assignment.
  template <bool kLifecycle>
  void DecideOne(int32_t target, const VisitorContext& visitor, absl::Time now,
                 int64_t now_ns, const RuntimeState* runtime, bool* ab_taken,
                 Lifecycle* lc, Decision* out) const;
  // Whether the visitor may need the lifecycle path: it carries forced or
  // sticky inputs, or the config has forced_assignments lists (its Bloom
  // filter's mask is nonzero). A config without them and a visitor without
  // inputs pay two loads and one test.
  bool MayNeedLifecycle(const VisitorContext& visitor) const {
    return (forced_bloom_mask_ | visitor.assignments().count_) != 0;
  }
  // Whether some forced_assignments list names a visitor.
  bool has_forced_lists() const { return forced_bloom_mask_ != 0; }
  // Once MayNeedLifecycle said yes: whether the visitor carries inputs, or
  // else the forced lists' Bloom filter lets it through (one probe for the
  // whole config; a visitor without inputs whom no list names goes on to
  // the plain path without binding anything). Inline in
  // core/internal/lifecycle.h.
  bool HasInputsOrMayBeListed(const VisitorContext& visitor) const;
  // DecideAll for a visitor that MayNeedLifecycle and HasInputsOrMayBeListed
  // in a config with a sparse path (sparse_template_ not empty; without
  // one, DecideAll takes every campaign in order anyway, inline). Without
  // forcing, and when no decision reads another's variation or allocation
  // (no prerequisites; single assignment with no record for an `ab`
  // campaign), step 11 changes only the decisions of the records' groups:
  // the plain path (sparse, through the candidate index) decides, then
  // ApplyStickyRecords. Otherwise DecideAllInOrder.
  [[gnu::noinline]] absl::Status DecideAllWithInputs(
      const VisitorContext& visitor, absl::Time now, DecisionList* out,
      const RuntimeState* runtime) const;
  // DecideAll's body; kInputs: whether to look at the visitor's lifecycle
  // inputs (DecideAll) or decide as if it had none (DecideAllWithInputs,
  // whose visitor DecideAll has bound: no second bind).
  template <bool kInputs>
  absl::Status DecideAllImpl(const VisitorContext& visitor, absl::Time now,
                             DecisionList* out,
                             const RuntimeState* runtime) const;
  // DecideAll's plain loop (plain_dense_): each of the n campaigns from
  // its targeting and its group's pick (kPlainOnly: every pick plain).
  // REQUIRES: the visitor bound, items the list's n entries.
  template <bool kPlainOnly>
  void DecidePlainly(const VisitorContext& visitor, int64_t now_ns,
                     TrafficSchedule::Span* spans, Decision* items,
                     size_t n) const;
  // DecideAllImpl<false> out of line, for DecideAllWithInputs.
  // REQUIRES: the visitor's targeting is bound to this config (DecideAll
  // bound it before it took DecideAllWithInputs).
  [[gnu::noinline]] absl::Status DecideAllIgnoringInputs(
      const VisitorContext& visitor, absl::Time now, DecisionList* out,
      const RuntimeState* runtime) const;
  // Every campaign in order through DecideCampaign<true>, with the inputs
  // bound in `lc`. REQUIRES: as DecideAllIgnoringInputs.
  [[gnu::noinline]] absl::Status DecideAllInOrder(const VisitorContext& visitor,
                                                  absl::Time now,
                                                  DecisionList* out,
                                                  const RuntimeState* runtime,
                                                  Lifecycle* lc) const;
  // Whether the records bound in `lc` can be applied after the plain path
  // (see DecideAllWithInputs), inline in core/internal/lifecycle.h as is
  // ApplyStickyRecords. REQUIRES: nothing forced.
  bool StickyAfterPlain(const Lifecycle& lc) const;
  // Step 11 over a list the plain path decided: a record at its group's
  // current version turns that group's allocation, non-allocation or
  // out-of-traffic decision into a sticky one.
  void ApplyStickyRecords(const Lifecycle& lc, Decision* items) const;
  // Whether DecideAll/Decide take the lifecycle path: the visitor carries
  // inputs, or a forced list names it. Binds them into `*lc` when so.
  // REQUIRES: HasInputsOrMayBeListed(visitor).
  // Inline (core/internal/lifecycle.h) for one sticky record and no forced
  // list; BindLifecycleGeneral out of line for the rest.
  bool BindLifecycle(const VisitorContext& visitor, Lifecycle* lc) const;
  bool BindLifecycleGeneral(const VisitorContext& visitor, Lifecycle* lc) const;
  // One record, no override: bound in place into the context.
  void BindSingleRecord(const AssignmentInputs& in, Lifecycle* lc) const;
  // Binds the context's inputs to this config's indices (cached in the
  // context until it is refilled or meets another config): the general
  // case, several records or overrides.
  void BindInputs(const AssignmentInputs& in) const;
  // The group named by record `i` of `in`, -1 when unknown.
  int32_t GroupOfRecord(const AssignmentInputs& in, size_t i) const;
  // Its lookup when the context's memo of position `i` does not hold.
  int32_t GroupOfRecordSlow(const AssignmentInputs& in, size_t i) const;
  // The variation of group `g` with `id`, or -1.
  int32_t FindVariationOfGroup(int32_t g, std::string_view id) const;
  // Whether the forced lists' Bloom filter lets `visitor_id` through.
  // REQUIRES: the config has forced lists.
  bool MayBeListed(std::string_view visitor_id) const;
  // The forced_index_ probe behind ForcedFor.
  std::pair<const ForcedEntry*, const ForcedEntry*> ListedFor(
      std::string_view visitor_id) const;
  // The first variation with `id` in groups [first_group, first_group +
  // num_groups), setting `*group`; -1 when none.
  int32_t FindVariation(int32_t first_group, int32_t num_groups,
                        std::string_view id, int32_t* group) const;
  // Explain's notes on the visitor's forced and sticky inputs for the
  // campaign of `d`, appended to `detail`.
  void ExplainLifecycle(const VisitorContext& visitor, const Decision& d,
                        std::string* detail) const;
  // Explain's note on why a layer, a holdout or a prerequisite stopped the
  // campaign of `d` (one of `decisions`), appended to `detail`.
  void ExplainStructure(const VisitorContext& visitor,
                        const DecisionList& decisions, const Decision& d,
                        std::string* detail) const;
  // Compiles the forced_assignments lists of `spec` (lifecycle.cc).
  [[nodiscard]] absl::Status CompileForced(const ConfigSpec& spec);
  // Validates the KPI definitions of `spec` and options.kpis_json into
  // kpis_ and resolves each rollback goal's KPI (kpi_definitions.cc).
  // REQUIRES: groups_ compiled.
  [[nodiscard]] absl::Status CompileKpis(const ConfigSpec& spec, const LoadOptions& options);
  // Validates and compiles the layers, holdouts and prerequisites of `spec`
  // (structure.cc). REQUIRES: campaigns_ and variations_ compiled, hot_
  // not yet.
  [[nodiscard]] absl::Status CompileStructure(const ConfigSpec& spec);
  // Sets each campaign's fingerprints and content_fingerprint_ from `spec`
  // and what was compiled of it (fingerprint.cc). Runs last.
  void ComputeFingerprints(const ConfigSpec& spec);

  BucketingMode mode_ = BucketingMode::kXxh3;
  ConfigFormat format_ = ConfigFormat::kCampaignDocuments;
  bool panic_ = false;
  bool single_assignment_ = false;
  int32_t num_schedules_ = 0;
  // Whether a decision needs `now` in Unix nanoseconds: some group has a
  // rollout or some campaign recurring windows (DecideAll outside the
  // lifecycle path reads windows from TemplateAt: rollouts alone need it).
  bool needs_now_ns_ = false;
  uint64_t serial_ = 0;
  uint64_t content_fingerprint_ = 0;
  std::vector<Campaign> campaigns_;
  std::vector<Group> groups_;
  std::vector<Variation> variations_;
  // campaign_ids() and the others: the structs' ids and hashes, packed
  // (binding a sticky record compares variation ids without touching the
  // larger Variation structs; the exposure logger reads ids and hashes).
  std::vector<IdRef> campaign_ids_;
  std::vector<IdRef> group_ids_;
  std::vector<IdRef> variation_ids_;
  std::vector<KpiDefinition> kpis_;
  std::vector<Layer> layers_;
  std::vector<Holdout> holdouts_;
  // Some campaign has a layer, a holdout or prerequisites: decisions carry
  // a Structure. has_prerequisites_: Decide may need earlier campaigns.
  // active_holdouts_: the holdouts above 0 %, whose buckets every decision
  // of a config with some hashes up front (BindStructure).
  bool has_structure_ = false;
  uint64_t active_holdouts_ = 0;
  bool has_prerequisites_ = false;
  std::shared_ptr<const CompiledTargetingSet> targeting_;
  // What a decision reads of every campaign before its targeting, 16 bytes
  // each and apart from the Campaign structs (ids, names and payloads):
  // deciding 50 campaigns then reads 800 bytes rather than 50 scattered
  // structs and the Group of each.
  struct HotCampaign {
    int32_t first_group = 0;
    int32_t num_groups = 0;
    int32_t tree = -1;  // targeting of the only group, -1 for none or many
    bool active = true;
    uint8_t checks = 0;  // kCheck* bits; 0: none
    bool is_ab = false;
    bool one_group = false;
  };
  static constexpr uint8_t kCheckWindow = 1;  // a live window (step 4)
  static constexpr uint8_t kCheckRanges = 2;  // bucket ranges (step 5)
  // A layer or prerequisites (steps 5, 7): CheckStructure, and never fast.
  static constexpr uint8_t kCheckStructure = 4;
  // Covered by a holdout (step 6): CheckStructure when the visitor is held
  // out by any holdout. Holdouts keep a campaign fast: a visitor held out
  // by none (most) decides as without them, one held out by some decides
  // every campaign in order.
  static constexpr uint8_t kCheckHoldout = 8;
  // Neither a check above nor a reason to stop before targeting: inactive,
  // an `ab` campaign under single assignment, or any campaign of a config
  // in panic. A campaign whose checks are 0 goes straight to targeting when
  // nothing else can stop it (no runtime state or lifecycle inputs).
  static constexpr uint8_t kCheckNotPlain = 16;
  static_assert(sizeof(HotCampaign) == 16);
  std::vector<HotCampaign> hot_;  // by campaign
  // What a decision reads of a group, one cache line each (W3 decides a few
  // of a thousand groups per visitor: a Group's fields were three or four
  // lines apart). A plain group (XXH3 buckets, its split inline, no
  // rollout) is decided from this line alone; the others read their Group.
  struct alignas(64) HotGroup {
    // SplitTable::inline_biased() and inline_indices(), when is_inline().
    int32_t biased[SplitTable::kInline] = {};
    int32_t indices[SplitTable::kInline + 1] = {};
    int32_t first_variation = 0;
    int32_t targeting = -1;  // Group::targeting
    // Group::schedule_slot: where a decision list keeps the rollout's span
    // (kRollout reads its Group only when the span ends).
    int32_t schedule_slot = -1;
    // The split hash's per-group part, read through the accessors below:
    // in XXH3 mode the split seed (the traffic seed is xxh3_seed() ^
    // kTrafficSeedMask); for Pick::kFlagship the state of MurmurHash3 after
    // the group id (FlagshipHasher::ContinueFrom), h1 in the low half and
    // the pending tail in the high half, its length in flagship_length. A
    // group is in one mode or the other, so one word holds either.
    uint64_t split_state = 0;
    uint64_t xxh3_seed() const { return split_state; }
    uint32_t flagship_h1() const { return static_cast<uint32_t>(split_state); }
    uint32_t flagship_tail() const {
      return static_cast<uint32_t>(split_state >> 32);
    }
    void set_xxh3_seed(uint64_t seed) { split_state = seed; }
    void set_flagship_prefix(uint32_t h1, uint32_t tail, uint32_t length) {
      split_state = uint64_t{h1} | uint64_t{tail} << 32;
      flagship_length = length;
    }
    // How the variation is picked: kPlain from these fields alone; kRollout
    // the same after the traffic check of the Group's progressive rollout
    // (XXH3 buckets, inline split); kFlagship from these fields too
    // (Flagship's split bucket, an inline split, no rollout); kThroughGroup
    // all from the Group (a Flagship rollout, a split table on the heap).
    enum class Pick : uint8_t { kPlain, kRollout, kThroughGroup, kFlagship };
    Pick pick = Pick::kThroughGroup;
    uint32_t flagship_length = 0;
  };
  static_assert(sizeof(HotGroup) == 64, "a hot group is one cache line");
  std::vector<HotGroup> hot_groups_;  // by group
  // Per campaign with one variation group whose targeting tree is in the
  // targeting's candidate index, and no bucket ranges unless in Flagship
  // mode (see ranged_offsets_): that tree, else
  // -1; empty when no campaign qualifies. When the index rules the tree out
  // for a visitor, the campaign's decision is sparse_template_'s (not
  // targeted, or inactive), made from hot_ alone (DESIGN §11: a decision
  // costs what the campaigns that can match cost), or for a campaign with
  // a live window outside_schedule while `now` is outside it.
  std::vector<int32_t> fast_tree_;
  // Sparse decisions (W3: many campaigns, each targeting a few visitors):
  // DecideAll copies sparse_template_ (see TemplateAt) and then decides only
  // the campaigns whose tree Bind marked and the dense_ ones (not fast). Not
  // used with single assignment or a campaign toggled off at run time (the
  // fast loop handles those, from the same template). Empty when no
  // campaign is fast and none has a live window.
  std::vector<Decision> sparse_template_;
  // The campaigns not fast that nothing but targeting can stop before the
  // split on the sparse path (active, one group with a tree, no check bit
  // but a window's or a holdout's, not a prerequisite), in order, and their
  // trees: a sparse DecideAll tests their trees together
  // (CompiledTargetingSet::MatchingOfList) and decides only those that hold;
  // the template says not_targeted for the others (or outside_schedule).
  // In Flagship mode they may have bucket ranges, as fast campaigns may.
  std::vector<int32_t> batch_campaigns_;
  CompiledTargetingSet::TreeList batch_trees_;  // their trees, prepared
  std::vector<int32_t> dense_;  // the other campaigns not fast, in order
  // By tree: the fast or batched campaign whose tree it is, or -1.
  std::vector<int32_t> fast_campaign_of_tree_;
  // Whether every batched and fast campaign is active, without a window or
  // bucket ranges (its template entry says not_targeted at any instant) and
  // every tree the index may mark is a fast campaign's: the sparse path
  // then appends what its passes find matched without testing either
  // (W2, W3; a config with windows, ranges or layers keeps the tests).
  bool sparse_matches_final_ = false;
  // Whether a DecideAll may take the sparse path, as far as the config
  // says: it has fast or batched campaigns or gated layers, and neither
  // panic nor single assignment (one flag to test, not five).
  bool sparse_ready_ = false;
  // Whether every group picks plainly (HotGroup::Pick::kPlain): the
  // matched campaigns' loop then has no rollout or Flagship way to keep
  // registers for.
  bool all_picks_plain_ = false;
  // Whether every campaign is decided from its targeting and its group's
  // pick alone: no campaign with a check bit (hot_.checks: inactive, a
  // window, ranges, structure, a holdout, single assignment, panic), no
  // forced list, no sparse path (W1's shape, also in mid-ramp or Flagship
  // mode). DecideAll then takes a loop of its own for a visitor without
  // lifecycle inputs and no run-time state in effect; plain_dense_picks_:
  // and every group's pick is plain (no rollout, XXH3 buckets), so that
  // loop has no other way to keep registers for.
  bool plain_dense_ = false;
  bool plain_dense_picks_ = false;
  // Flagship mode: bit a set when some group's id has a length % 4 of a
  // (GroupBucketer::FlagshipAlignment): the alignments a visitor id is
  // prepared for when several matched campaigns hash it (DecideMatched).
  // 0 in XXH3 mode.
  uint8_t flagship_alignments_ = 0;
  // The active campaigns with a live window (scheduler dates, a period or
  // recurring windows), in order: the entries of the template that depend
  // on `now` (see TemplateAt). Decisions other than the lifecycle path's
  // read their windows from there, and search no recurring windows.
  std::vector<int32_t> windowed_;
  // Fast and batched campaigns with bucket ranges (Flagship mode only:
  // their range bucket is the visitor's, the same for every campaign, so a
  // visitor costs what the campaigns whose ranges hold it cost, as a config
  // of many campaigns sharing visitors out by ranges needs). The template says
  // outside_bucket_range for the active ones (or outside_schedule); a
  // sparse DecideAll turns those whose ranges hold the visitor's bucket z
  // back to not_targeted: ranged_inside_[ranged_offsets_[z],
  // ranged_offsets_[z + 1]), in order. Both empty when no campaign is such.
  std::vector<uint32_t> ranged_offsets_;  // BucketScale(kFlagship) + 1
  std::vector<int32_t> ranged_inside_;
  // Whether `bucket` is inside one of campaign c's bucket ranges (step 5).
  bool InBucketRanges(int32_t c, uint32_t bucket) const {
    bool inside = false;
    for (const auto& [low, high] : campaigns_[c].bucket_ranges) {
      inside |= low <= bucket && bucket < high;
    }
    return inside;
  }
  // Layer-gated campaigns: see LayerGate.
  std::vector<LayerGate> layer_gates_;
  std::vector<GatedLayer> gated_layers_;
  // Per gated layer, one entry per percent of its buckets (cell k: buckets
  // [100 k, 100 k + 100)): the index in layer_gates_ of the layer's last
  // gate whose range starts at or below 100 k, or of its first gate.
  // GatedCampaignOf starts there and steps over the gates that start inside
  // the cell (none where every bound is a whole percent): two dependent
  // loads where a binary search over a layer's ten gates took four.
  std::vector<uint32_t> gate_cells_;
  // Campaign and group ids -> their indices (core/internal/id_index.h).
  std::shared_ptr<const internal::IdIndex> id_index_;
  // forced_assignments: visitor id -> [begin, end) of forced_entries_, whose
  // runs are sorted by campaign. One probe per visitor for the whole config.
  absl::flat_hash_map<std::string, std::pair<uint32_t, uint32_t>>
      forced_index_;
  std::vector<ForcedEntry> forced_entries_;
  // A blocked Bloom filter of the listed ids (16 bits per id, 4 of them
  // in one 64-bit word per id, taken from internal::kBloomMasks: about
  // 0.5 % false positives at 100,000 ids and 0.9 % at 1,000, where four
  // freely drawn bits gave 0.3 % and 0.5 %, by simulation; a false
  // positive costs one probe of forced_index_) in front of forced_index_:
  // a visitor who is not listed, nearly everyone, costs one hash and one
  // word read from a table small enough to stay in cache, not a probe of a
  // large hash map.
  std::vector<uint64_t> forced_bloom_;
  // words - 1 (at least 15), and 0 exactly when no list names anyone, i.e.
  // forced_entries_ is empty: has_forced_lists() tests this one word.
  uint64_t forced_bloom_mask_ = 0;
};

// Parses, validates and compiles config JSON (either format, DESIGN §2).
[[nodiscard]] absl::StatusOr<std::shared_ptr<const CompiledConfig>> LoadConfig(
    std::string_view json, const LoadOptions& options = LoadOptions());

}  // namespace allot

#endif  // ALLOT_CORE_COMPILED_CONFIG_H_
