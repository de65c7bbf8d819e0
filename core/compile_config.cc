// CompiledConfig::Create: validation of the model and compilation into the
// flat arrays that decisions walk.
#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "allocation/date_time.h"
#include "allocation/hash.h"
#include "core/compiled_config.h"
#include "core/config_parser.h"
#include "core/internal/exposure_key.h"
#include "core/internal/id_index.h"
#include "core/internal/lifecycle.h"
#include "core/internal/path_error.h"
#include "core/recurrence_rule.h"
#include "core/recurring_windows.h"
#include "core/rollback_condition.h"

namespace allot {
namespace {

using internal::Field;
using internal::PathError;

// Schedule breakpoints of one config in all (DESIGN §17).
constexpr size_t kMaxBreakpointsPerConfig = 1000000;

absl::StatusOr<BucketingMode> ResolveMode(const ConfigSpec& spec,
                                          const LoadOptions& options) {
  BucketingChoice choice = options.bucketing;
  if (choice == BucketingChoice::kAuto && !spec.settings.bucketing.empty()) {
    absl::StatusOr<BucketingChoice> parsed =
        ParseBucketingChoice(spec.settings.bucketing);
    if (!parsed.ok()) {
      return PathError(spec.settings.bucketing_path, parsed.status().message());
    }
    choice = *parsed;
  }
  switch (choice) {
    case BucketingChoice::kXxh3:
      return BucketingMode::kXxh3;
    case BucketingChoice::kFlagship:
      return BucketingMode::kFlagship;
    case BucketingChoice::kAuto:
      break;
  }
  return spec.format == ConfigFormat::kBucketingFile ? BucketingMode::kFlagship
                                                     : BucketingMode::kXxh3;
}

// Sets `*zone` to the scheduler's time zone, which periods are read in too.
absl::Status CompileScheduler(const SchedulerSpec& spec,
                              CompiledConfig::Campaign* out,
                              absl::TimeZone* zone) {
  absl::StatusOr<absl::TimeZone> tz = LoadTimeZoneOrError(spec.timezone);
  if (!tz.ok()) return PathError(Field(spec.path, "timezone"), tz.status().message());
  *zone = *tz;
  if (!spec.start_date.empty()) {
    absl::StatusOr<absl::Time> t = ParseDateTime(spec.start_date, *tz);
    if (!t.ok()) {
      return PathError(Field(spec.path, "start_date"), t.status().message());
    }
    out->start = *t;
  }
  if (!spec.stop_date.empty()) {
    absl::StatusOr<absl::Time> t = ParseDateTime(spec.stop_date, *tz);
    if (!t.ok()) {
      return PathError(Field(spec.path, "stop_date"), t.status().message());
    }
    out->stop = *t;
  }
  out->has_window = out->start != absl::InfinitePast() ||
                     out->stop != absl::InfiniteFuture();
  if (out->stop <= out->start) {
    return PathError(Field(spec.path, "stop_date"),
                     "must be later than start_date");
  }
  return absl::OkStatus();
}

// DESIGN §13: narrows the campaign's window (the scheduler's, already in
// `out`) to the period and sets when its goal metrics close. Dates are days
// of `tz`, whole and inclusive: a day runs from its first instant to the
// next day's, so a 23- or 25-hour DST day is still one day.
absl::Status CompilePeriod(const CampaignSpec& spec, const absl::TimeZone& tz,
                           CompiledConfig::Campaign* out) {
  if (spec.period_start.empty() && spec.period_end.empty() &&
      spec.deadline.empty()) {
    return absl::OkStatus();
  }
  std::optional<absl::CivilDay> start, end, deadline;
  for (auto [key, text, day] :
       {std::tuple("period_start", &spec.period_start, &start),
        std::tuple("period_end", &spec.period_end, &end),
        std::tuple("deadline", &spec.deadline, &deadline)}) {
    if (text->empty()) continue;
    absl::StatusOr<absl::CivilDay> parsed = ParseCivilDate(*text);
    if (!parsed.ok()) {
      return PathError(Field(spec.path, key), parsed.status().message());
    }
    *day = *parsed;
  }
  if (start && end && *end < *start) {
    return PathError(
        Field(spec.path, "period_end"),
        absl::StrCat(spec.period_end, " is before period_start ",
                     spec.period_start, "; expected a date on or after it"));
  }
  if (start && deadline && *deadline < *start) {
    return PathError(
        Field(spec.path, "deadline"),
        absl::StrCat(spec.deadline, " is before period_start ",
                     spec.period_start, "; expected a date on or after it"));
  }
  const auto format = [&tz](absl::Time t) {
    return absl::FormatTime(absl::RFC3339_sec, t, tz);
  };
  if (start) out->period_begin = StartOfDay(*start, tz);
  if (end) out->period_stop = StartOfDay(*end + 1, tz);
  if (out->period_begin >= out->stop) {
    return PathError(
        Field(spec.path, "period_start"),
        absl::StrCat("the period starts at ", format(out->period_begin),
                     ", not before the scheduler's stop_date (",
                     format(out->stop),
                     "): the campaign would never be live; expected a period "
                     "that meets the scheduler window"));
  }
  if (out->period_stop <= out->start) {
    return PathError(
        Field(spec.path, "period_end"),
        absl::StrCat("the period ends at ", format(out->period_stop),
                     ", not after the scheduler's start_date (",
                     format(out->start),
                     "): the campaign would never be live; expected a period "
                     "that meets the scheduler window"));
  }
  out->start = std::max(out->start, out->period_begin);
  out->stop = std::min(out->stop, out->period_stop);
  out->has_window =
      out->start != absl::InfinitePast() || out->stop != absl::InfiniteFuture();
  if (deadline) out->goals_close = StartOfDay(*deadline + 1, tz);
  out->period_start = spec.period_start;
  out->period_end = spec.period_end;
  out->deadline = spec.deadline;
  return absl::OkStatus();
}

// DESIGN §14: the scheduler's recurring windows, inside the campaign's
// window (the scheduler's narrowed by the period, already in `out`).
absl::Status CompileRecurrence(const SchedulerSpec& spec,
                               const absl::TimeZone& tz,
                               CompiledConfig::Campaign* out) {
  if (spec.recurrence.empty() && spec.duration.empty()) {
    return absl::OkStatus();
  }
  const std::string path = Field(spec.path, "recurrence");
  const std::string duration_path = Field(spec.path, "duration");
  if (spec.recurrence.empty()) {
    return PathError(duration_path,
                     "is set without a recurrence; expected both a "
                     "\"recurrence\" rule and a \"duration\", or neither");
  }
  if (spec.duration.empty()) {
    return PathError(path,
                     "has no duration; expected a \"duration\" per "
                     "occurrence beside it, such as \"168h\" or \"P7D\"");
  }
  if (spec.start_date.empty()) {
    return PathError(path,
                     "needs a start_date: the first occurrence (DTSTART) and "
                     "where the rule's periods count from");
  }
  absl::StatusOr<RecurrenceRule> rule = ParseRecurrenceRule(spec.recurrence);
  if (!rule.ok()) return PathError(path, rule.status().message());
  absl::StatusOr<absl::Duration> duration =
      ParseRecurrenceDuration(spec.duration);
  if (!duration.ok()) {
    return PathError(duration_path, duration.status().message());
  }
  // DTSTART is start_date's wall-clock time in the zone: as written when it
  // has no offset (so that a time in a DST gap keeps its reading), else the
  // instant's local time.
  const std::string_view text = spec.start_date;
  const bool has_offset = HasUtcOffset(text);
  absl::StatusOr<absl::Time> t =
      ParseDateTime(text, has_offset ? tz : absl::UTCTimeZone());
  if (!t.ok()) {
    return PathError(Field(spec.path, "start_date"), t.status().message());
  }
  const absl::CivilSecond dtstart =
      has_offset ? tz.At(*t).cs : absl::ToCivilSecond(*t, absl::UTCTimeZone());
  absl::StatusOr<RecurringWindows> windows = RecurringWindows::Create(
      *rule, *duration, dtstart, tz, out->start, out->stop);
  if (!windows.ok()) return PathError(path, windows.status().message());
  out->windows = *std::move(windows);
  out->recurrence = spec.recurrence;
  out->duration = spec.duration;
  return absl::OkStatus();
}

}  // namespace

bool IsActiveStatus(std::string_view status) {
  std::string s = absl::AsciiStrToLower(absl::string_view(status.data(), status.size()));
  return s.empty() || s == "active" || s == "running" || s == "live" ||
         s == "in_progress";
}

absl::StatusOr<BucketingChoice> ParseBucketingChoice(std::string_view text) {
  if (text == "auto") return BucketingChoice::kAuto;
  if (text == "xxh3") return BucketingChoice::kXxh3;
  if (text == "flagship") return BucketingChoice::kFlagship;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown bucketing mode \"", absl::string_view(text.data(), text.size()),
      "\"; expected auto, xxh3 or flagship"));
}

absl::StatusOr<std::shared_ptr<const CompiledConfig>> CompiledConfig::Create(
    const ConfigSpec& spec, const LoadOptions& options) {
  std::shared_ptr<CompiledConfig> cfg(new CompiledConfig());
  absl::StatusOr<BucketingMode> mode = ResolveMode(spec, options);
  if (!mode.ok()) return mode.status();
  cfg->mode_ = *mode;
  cfg->format_ = spec.format;
  cfg->panic_ = spec.settings.panic;
  cfg->single_assignment_ = spec.settings.single_assignment;
  cfg->serial_ = NextConfigSerial();

  absl::flat_hash_map<std::string, std::string> campaign_seen, group_seen;
  std::vector<TargetingTreeSpec> trees;
  size_t breakpoints = 0;
  cfg->campaigns_.reserve(spec.campaigns.size());
  for (const CampaignSpec& cs : spec.campaigns) {
    const std::string id_path = Field(cs.path, "id");
    if (cs.id.empty()) return PathError(id_path, "must be a non-empty string");
    auto [it, inserted] = campaign_seen.emplace(cs.id, cs.path);
    if (!inserted) {
      return PathError(
          id_path,
          absl::StrCat("duplicate campaign id \"", cs.id, "\" (also at ",
                       it->second.empty() ? "(document)" : it->second,
                       "); campaign ids must be unique (Flagship's SDK would "
                       "evaluate both entries, allot refuses the file)"));
    }
    Campaign& c = cfg->campaigns_.emplace_back();
    c.id = cs.id;
    c.name = cs.name;
    c.slug = cs.slug;
    c.type = cs.type;
    c.status = cs.status;
    c.is_ab = cs.type == "ab";
    c.active = IsActiveStatus(cs.status);
    c.path = cs.path;
    if (!cs.locked_at.empty()) {
      if (absl::StatusOr<absl::Time> t = ParseInstant(cs.locked_at); !t.ok()) {
        return PathError(Field(cs.path, "locked_at"), t.status().message());
      }
      if (cs.locked_present && !cs.locked) {
        return PathError(Field(cs.path, "locked"),
                         "is false but locked_at is set; remove locked_at "
                         "(or set locked to true)");
      }
    }
    c.locked = cs.locked || !cs.locked_at.empty();
    c.bucketer = CampaignBucketer::Create(cfg->mode_, cs.id);
    absl::TimeZone tz = absl::UTCTimeZone();
    if (cs.scheduler) {
      if (absl::Status s = CompileScheduler(*cs.scheduler, &c, &tz); !s.ok()) {
        return s;
      }
    }
    if (absl::Status s = CompilePeriod(cs, tz, &c); !s.ok()) return s;
    if (cs.scheduler) {
      c.time_zone = cs.scheduler->timezone;
      if (absl::Status s = CompileRecurrence(*cs.scheduler, tz, &c); !s.ok()) {
        return s;
      }
      cfg->needs_now_ns_ |= !c.windows.empty();
    }
    for (const BucketRangeSpec& r : cs.bucket_ranges) {
      if (!(r.low >= 0 && r.low < r.high && r.high <= 100)) {
        return PathError(r.path, absl::StrCat("bad range [", r.low, ", ", r.high,
                                              "]; expected 0 <= low < high <= 100"));
      }
      c.ranges.emplace_back(r.low, r.high);
      const BucketInterval buckets =
          BucketsInPercentRange(r.low, r.high, c.bucketer.scale());
      if (buckets.first < buckets.end) {
        c.bucket_ranges.emplace_back(buckets.first, buckets.end);
      }
    }
    c.first_group = static_cast<int32_t>(cfg->groups_.size());
    for (const VariationGroupSpec& gs : cs.variation_groups) {
      const std::string gid_path = Field(gs.path, "id");
      if (gs.id.empty()) return PathError(gid_path, "must be a non-empty string");
      auto [git, ginserted] = group_seen.emplace(gs.id, gs.path);
      if (!ginserted) {
        return PathError(gid_path,
                         absl::StrCat("duplicate variation group id \"", gs.id,
                                      "\" (also at ", git->second,
                                      "); group ids must be unique in a config"));
      }
      Group& g = cfg->groups_.emplace_back();
      g.id = gs.id;
      g.campaign = static_cast<int32_t>(cfg->campaigns_.size()) - 1;
      g.name = gs.name;
      // sticky_version N > 0 re-seeds the group ("<id>@v<N>"), so that a
      // bump re-randomizes it; version 0 keeps the frozen formula.
      g.bucketer = GroupBucketer::Create(
          cfg->mode_, gs.sticky_version == 0
                          ? gs.id
                          : absl::StrCat(gs.id, "@v", gs.sticky_version));
      g.id_hash = Xxh3Hash(gs.id);
      g.sticky_version = gs.sticky_version;
      g.first_variation = static_cast<int32_t>(cfg->variations_.size());
      g.num_variations = static_cast<int32_t>(gs.variations.size());
      std::vector<double> percents;
      int64_t sum_bp = 0;
      absl::flat_hash_map<std::string, size_t> variation_seen;
      for (const VariationSpec& vs : gs.variations) {
        const std::string vid_path = Field(vs.path, "id");
        if (vs.id.empty()) return PathError(vid_path, "must be a non-empty string");
        if (!variation_seen.emplace(vs.id, 0).second) {
          return PathError(vid_path, absl::StrCat("duplicate variation id \"",
                                                  vs.id, "\" in this group"));
        }
        absl::StatusOr<int32_t> bp = PercentToBasisPoints(vs.allocation);
        if (!bp.ok()) {
          return PathError(Field(vs.path, "allocation"), bp.status().message());
        }
        sum_bp += *bp;
        percents.push_back(vs.allocation);
        if (vs.reference && g.reference_variation < 0) {
          g.reference_variation = static_cast<int32_t>(cfg->variations_.size());
        }
        Variation& v = cfg->variations_.emplace_back();
        v.id = vs.id;
        v.name = vs.name;
        v.reference = vs.reference;
        v.basis_points = *bp;
        v.modifications_type = vs.modifications_type;
        v.flags = vs.flags;
        v.id_hash = Xxh3Hash(vs.id);
      }
      if (sum_bp > 10000) {
        return PathError(Field(gs.path, "variations"),
                         absl::StrCat("allocations sum to ", sum_bp / 100.0,
                                      " %; the sum must be at most 100"));
      }
      absl::StatusOr<SplitTable> split = SplitTable::Create(cfg->mode_, percents);
      if (!split.ok()) {
        return PathError(Field(gs.path, "variations"), split.status().message());
      }
      g.split = *std::move(split);
      if (gs.targeting) {
        g.targeting = static_cast<int32_t>(trees.size());
        trees.push_back(*gs.targeting);
        // A layer lets only its range of visitors reach the campaign.
        if (cs.layer.has_value()) {
          trees.back().evaluated_share = (cs.layer->high - cs.layer->low) / 100;
        }
      }
      if (gs.allocation_config) {
        absl::StatusOr<TrafficSchedule> schedule =
            TrafficSchedule::Create(*gs.allocation_config);
        if (!schedule.ok()) return schedule.status();
        breakpoints += schedule->breakpoints().size();
        if (breakpoints > kMaxBreakpointsPerConfig) {
          return PathError(
              gs.allocation_config->path,
              absl::StrCat("this schedule takes the config past ",
                           kMaxBreakpointsPerConfig,
                           " schedule breakpoints in all; split the config"));
        }
        g.schedule = *std::move(schedule);
        g.schedule_timezone = gs.allocation_config->timezone;
        g.bp_per_traffic_bucket =
            static_cast<int32_t>(10000 / g.bucketer.scale());
        g.schedule_slot = cfg->num_schedules_++;
        cfg->needs_now_ns_ = true;
      }
      if (gs.rollback_condition) {
        const RollbackConditionSpec& rb = *gs.rollback_condition;
        if (!IsRollbackOperator(rb.op)) {
          return PathError(
              Field(rb.path, "operator"),
              absl::StrCat("unknown rollback operator \"", rb.op,
                           "\"; expected LOWER_THAN, LOWER_THAN_OR_EQUALS, "
                           "GREATER_THAN, GREATER_THAN_OR_EQUALS, EQUALS or "
                           "NOT_EQUALS"));
        }
        if (rb.min_visitors < 0) {
          return PathError(Field(rb.path, "min_visitors"), "must be >= 0");
        }
        g.rollback = rb;
      }
    }
    c.num_groups = static_cast<int32_t>(cfg->groups_.size()) - c.first_group;
  }

  // The structs are complete: the packed views of their ids.
  cfg->campaign_ids_.reserve(cfg->campaigns_.size());
  for (const Campaign& c : cfg->campaigns_) {
    const uint64_t h = Xxh3Hash(c.id);
    cfg->campaign_ids_.push_back({c.id, h, internal::CampaignKeyPart(h)});
  }
  cfg->group_ids_.reserve(cfg->groups_.size());
  for (const Group& g : cfg->groups_) {
    cfg->group_ids_.push_back(
        {g.id, g.id_hash, internal::GroupKeyPart(g.id_hash)});
  }
  cfg->variation_ids_.reserve(cfg->variations_.size());
  for (const Variation& v : cfg->variations_) {
    cfg->variation_ids_.push_back({v.id, v.id_hash, v.id_hash});
  }
  if (absl::Status s = cfg->CompileStructure(spec); !s.ok()) return s;
  // A campaign that is another's prerequisite is decided in file order
  // before it, so it is never fast (fast campaigns are decided last).
  std::vector<bool> is_prerequisite(cfg->campaigns_.size(), false);
  for (const Campaign& c : cfg->campaigns_) {
    for (const Campaign::Prerequisite& p : c.prerequisites) {
      is_prerequisite[p.campaign] = true;
    }
  }

  absl::StatusOr<std::shared_ptr<const CompiledTargetingSet>> targeting =
      CompiledTargetingSet::Create(trees, options.targeting);
  if (!targeting.ok()) return targeting.status();
  cfg->targeting_ = *std::move(targeting);
  const size_t n = cfg->campaigns_.size();
  cfg->hot_groups_.reserve(cfg->groups_.size());
  for (const Group& g : cfg->groups_) {
    HotGroup& h = cfg->hot_groups_.emplace_back();
    if (g.split.is_inline()) {
      std::copy_n(g.split.inline_biased(), SplitTable::kInline, h.biased);
      std::copy_n(g.split.inline_indices(), SplitTable::kInline + 1,
                  h.indices);
    }
    h.first_variation = g.first_variation;
    h.targeting = g.targeting;
    h.pick = HotGroup::Pick::kThroughGroup;
    if (g.bucketer.mode() == BucketingMode::kXxh3) {
      h.set_xxh3_seed(g.bucketer.split_seed());
      if (g.split.is_inline()) {
        h.pick = g.schedule ? HotGroup::Pick::kRollout : HotGroup::Pick::kPlain;
      }
    } else if (uint32_t h1, tail, length;
               g.split.is_inline() && !g.schedule &&
               g.bucketer.flagship_split_prefix().ContinueFrom(&h1, &tail,
                                                               &length)) {
      h.set_flagship_prefix(h1, tail, length);
      h.pick = HotGroup::Pick::kFlagship;
    }
    h.schedule_slot = g.schedule_slot;
  }
  cfg->hot_.reserve(n);
  std::vector<int32_t> fast_tree(n, -1);
  bool any_fast = false;
  // In Flagship mode the range bucket is the visitor's alone: campaigns with
  // bucket ranges may stay on the sparse path (see ranged_offsets_).
  const bool sparse_ranges = cfg->mode_ == BucketingMode::kFlagship;
  const uint8_t sparse_checks =
      kCheckWindow | kCheckHoldout | (sparse_ranges ? kCheckRanges : 0);
  for (size_t i = 0; i < n; ++i) {
    const Campaign& c = cfg->campaigns_[i];
    HotCampaign& h = cfg->hot_.emplace_back();
    h.first_group = c.first_group;
    h.num_groups = c.num_groups;
    h.one_group = c.num_groups == 1;
    h.tree = h.one_group ? cfg->groups_[c.first_group].targeting : -1;
    h.active = c.active;
    const bool structured = c.layer >= 0 || !c.prerequisites.empty();
    h.checks = static_cast<uint8_t>(
        (c.has_window ? kCheckWindow : 0) |
        (c.ranges.empty() ? 0 : kCheckRanges) |
        (structured ? kCheckStructure : 0) |
        (c.holdouts != 0 ? kCheckHoldout : 0) |
        (!c.active || (c.is_ab && cfg->single_assignment_) || cfg->panic_
             ? kCheckNotPlain
             : 0));
    h.is_ab = c.is_ab;
    // A live window keeps a campaign fast: whether `now` is inside it is the
    // same for every visitor, and the template at `now` says it.
    if ((c.ranges.empty() || sparse_ranges) && !structured &&
        !is_prerequisite[i] && h.tree >= 0 &&
        cfg->targeting_->IsIndexed(h.tree)) {
      fast_tree[i] = h.tree;
      any_fast = true;
    }
    if (c.active && c.has_window) {
      cfg->windowed_.push_back(static_cast<int32_t>(i));
    }
  }
  // The campaigns decided by their targeting alone up to the split on the
  // sparse path: active, one group with a tree, no check but a live window
  // (the template says whether `now` is inside), a holdout (the path
  // serves only visitors no holdout holds out) or Flagship bucket ranges
  // (DecideAll corrects the template), and no other campaign's
  // prerequisite (those are decided before their dependents, in the dense
  // loop). See CompiledConfig::batch_campaigns_.
  auto batched = [&](size_t i) {
    const HotCampaign& h = cfg->hot_[i];
    // (Outside the index: MatchingOfList skips the index test.)
    return fast_tree[i] < 0 &&
           (h.checks & ~sparse_checks) == 0 && h.one_group &&
           h.tree >= 0 && !cfg->targeting_->IsIndexed(h.tree) &&
           !is_prerequisite[i];
  };
  // Layer-gated campaigns (see CompiledConfig::LayerGate): single
  // assignment makes a decision depend on the earlier ones, so it keeps
  // every campaign in the ordered loop.
  auto gated = [&](size_t i) {
    const Campaign& c = cfg->campaigns_[i];
    return c.layer >= 0 && c.prerequisites.empty() && c.ranges.empty() &&
           !cfg->single_assignment_;
  };
  size_t num_batched = 0;
  size_t num_gated = 0;
  for (size_t i = 0; i < n; ++i) {
    num_batched += batched(i);
    num_gated += gated(i);
  }
  // A few campaigns cost less decided one by one in the plain loop than
  // through the template and MatchingOf (W1, one campaign: 574 against 780
  // instructions per decision); likewise a few gated ones, unless the
  // template is there anyway.
  constexpr size_t kMinBatched = 4;
  const bool any_batched = num_batched >= kMinBatched;
  const bool any_gated =
      num_gated >= kMinBatched ||
      (num_gated > 0 && (any_fast || any_batched || !cfg->windowed_.empty()));
  std::vector<uint32_t> batch_trees;
  // The sparse campaigns with bucket ranges, in order.
  std::vector<int32_t> ranged;
  if (any_fast || any_batched || any_gated || !cfg->windowed_.empty()) {
    cfg->sparse_template_.resize(n);
    cfg->fast_campaign_of_tree_.assign(trees.size(), -1);
    for (size_t i = 0; i < n; ++i) {
      Decision& d = cfg->sparse_template_[i];
      d.campaign = static_cast<int32_t>(i);
      // Step 5 stops a live ranged campaign unless DecideAll finds the
      // visitor inside its ranges.
      const bool ranges = !cfg->campaigns_[i].ranges.empty();
      if (any_batched && batched(i)) {
        d.reason = ranges ? DecisionReason::kOutsideBucketRange
                          : DecisionReason::kNotTargeted;
        if (ranges) ranged.push_back(static_cast<int32_t>(i));
        cfg->batch_campaigns_.push_back(static_cast<int32_t>(i));
        batch_trees.push_back(static_cast<uint32_t>(cfg->hot_[i].tree));
        // (A batched tree is outside the index: never marked.)
        cfg->fast_campaign_of_tree_[cfg->hot_[i].tree] = static_cast<int32_t>(i);
        continue;
      }
      if (any_gated && gated(i)) {
        // Steps 1 to 5 (no panic, forcing or run-time state on the sparse
        // path): inactive, else outside its layer's range unless DecideAll
        // finds the visitor inside it (a live window is the template's).
        d.reason = cfg->hot_[i].active ? DecisionReason::kOutsideLayerRange
                                       : DecisionReason::kCampaignInactive;
        const Campaign& c = cfg->campaigns_[i];
        cfg->layer_gates_.push_back(
            {c.layer_low_bp, c.layer_high_bp, static_cast<int32_t>(i)});
        continue;
      }
      if (fast_tree[i] < 0) {
        cfg->dense_.push_back(static_cast<int32_t>(i));
        continue;
      }
      if (!cfg->hot_[i].active) {
        d.reason = DecisionReason::kCampaignInactive;
      } else if (ranges) {
        d.reason = DecisionReason::kOutsideBucketRange;
        ranged.push_back(static_cast<int32_t>(i));
      } else {
        d.reason = DecisionReason::kNotTargeted;
      }
      cfg->fast_campaign_of_tree_[fast_tree[i]] = static_cast<int32_t>(i);
    }
    if (!ranged.empty()) {
      // Per range bucket z, the ranged campaigns whose ranges hold it, in
      // order (a campaign once, whatever its ranges' overlaps).
      const uint32_t scale = BucketScale(BucketingMode::kFlagship);
      std::vector<std::vector<int32_t>> inside(scale);
      for (const int32_t c : ranged) {
        for (uint32_t z = 0; z < scale; ++z) {
          if (cfg->InBucketRanges(c, z)) inside[z].push_back(c);
        }
      }
      cfg->ranged_offsets_.push_back(0);
      for (const std::vector<int32_t>& campaigns : inside) {
        cfg->ranged_inside_.insert(cfg->ranged_inside_.end(),
                                   campaigns.begin(), campaigns.end());
        cfg->ranged_offsets_.push_back(
            static_cast<uint32_t>(cfg->ranged_inside_.size()));
      }
      if (cfg->ranged_inside_.empty()) {
        // No bucket is inside any range (ranges like [30, 30.5) between
        // two buckets): the template says it all.
        cfg->ranged_offsets_.clear();
      }
    }
    // By layer, then range (ranges of one layer do not overlap).
    std::sort(cfg->layer_gates_.begin(), cfg->layer_gates_.end(),
              [&](const LayerGate& a, const LayerGate& b) {
                const int32_t la = cfg->campaigns_[a.campaign].layer;
                const int32_t lb = cfg->campaigns_[b.campaign].layer;
                return la != lb ? la < lb : a.low_bp < b.low_bp;
              });
    for (uint32_t k = 0; k < cfg->layer_gates_.size(); ++k) {
      const int32_t layer =
          cfg->campaigns_[cfg->layer_gates_[k].campaign].layer;
      if (cfg->gated_layers_.empty() ||
          cfg->gated_layers_.back().layer != layer) {
        cfg->gated_layers_.push_back({layer, k, k, 0});
      }
      cfg->gated_layers_.back().end = k + 1;
    }
    for (GatedLayer& layer : cfg->gated_layers_) {
      layer.cells = static_cast<uint32_t>(cfg->gate_cells_.size());
      uint32_t k = layer.begin;
      for (int32_t cell = 0; cell < 100; ++cell) {
        while (k + 1 < layer.end &&
               cfg->layer_gates_[k + 1].low_bp <= 100 * cell) {
          ++k;
        }
        cfg->gate_cells_.push_back(k);
      }
    }
    cfg->all_picks_plain_ = std::all_of(
        cfg->hot_groups_.begin(), cfg->hot_groups_.end(),
        [](const HotGroup& h) { return h.pick == HotGroup::Pick::kPlain; });
    if (cfg->mode_ == BucketingMode::kFlagship) {
      for (const Group& g : cfg->groups_) {
        const int a = g.bucketer.FlagshipAlignment();
        if (a < 0) {
          // A group id ending inside a UTF-8 sequence: every id is hashed
          // from its bytes.
          cfg->flagship_alignments_ = 0;
          break;
        }
        cfg->flagship_alignments_ |= 1u << a;
      }
    }
    cfg->sparse_matches_final_ = true;
    auto not_targeted_always = [&](int32_t c) {
      return cfg->sparse_template_[c].reason == DecisionReason::kNotTargeted &&
             !std::binary_search(cfg->windowed_.begin(), cfg->windowed_.end(),
                                 c);
    };
    for (const int32_t c : cfg->batch_campaigns_) {
      if (!not_targeted_always(c)) cfg->sparse_matches_final_ = false;
    }
    for (size_t i = 0; i < n; ++i) {
      if (fast_tree[i] >= 0 && !not_targeted_always(static_cast<int32_t>(i))) {
        cfg->sparse_matches_final_ = false;
      }
    }
    for (size_t t = 0; t < trees.size(); ++t) {
      if (cfg->targeting_->IsIndexed(t) && cfg->fast_campaign_of_tree_[t] < 0) {
        cfg->sparse_matches_final_ = false;
      }
    }
    if (any_fast) cfg->fast_tree_ = std::move(fast_tree);
    if (!batch_trees.empty()) {
      cfg->batch_trees_ =
          cfg->targeting_->PrepareList(batch_trees.data(), batch_trees.size());
    }
  }

  if (absl::Status s = cfg->CompileForced(spec); !s.ok()) return s;
  cfg->plain_dense_ =
      !cfg->has_structure_ && cfg->forced_bloom_mask_ == 0 &&
      cfg->sparse_template_.empty() &&
      std::all_of(cfg->hot_.begin(), cfg->hot_.end(),
                  [](const HotCampaign& h) { return h.checks == 0; });
  cfg->plain_dense_picks_ =
      cfg->plain_dense_ && cfg->num_schedules_ == 0 &&
      std::all_of(
          cfg->hot_groups_.begin(), cfg->hot_groups_.end(),
          [](const HotGroup& h) { return h.pick == HotGroup::Pick::kPlain; });
  if (absl::Status s = cfg->CompileKpis(spec, options); !s.ok()) return s;

  {
    // (Ids are distinct: a repeated one is a load error above.)
    auto index = std::make_shared<internal::IdIndex>();
    std::vector<std::pair<std::string_view, int32_t>> ids;
    const auto build = [&ids](const auto& items,
                              internal::StringTable<int32_t>* table) {
      ids.clear();
      for (size_t i = 0; i < items.size(); ++i) {
        ids.emplace_back(items[i].id, static_cast<int32_t>(i));
      }
      table->Build(ids);
    };
    build(cfg->campaigns_, &index->campaigns);
    build(cfg->groups_, &index->groups);
    cfg->id_index_ = std::move(index);
  }
  cfg->sparse_ready_ =
      (!cfg->fast_tree_.empty() || !cfg->batch_campaigns_.empty() ||
       !cfg->gated_layers_.empty()) &&
      !cfg->panic_ && !cfg->single_assignment_;
  cfg->ComputeFingerprints(spec);
  return std::shared_ptr<const CompiledConfig>(std::move(cfg));
}

absl::StatusOr<std::shared_ptr<const CompiledConfig>> LoadConfig(
    std::string_view json, const LoadOptions& options) {
  ParseOptions parse;
  parse.format = options.format;
  absl::StatusOr<ConfigSpec> spec = ParseConfigJson(json, parse);
  if (!spec.ok()) return spec.status();
  return CompiledConfig::Create(*spec, options);
}

}  // namespace allot
