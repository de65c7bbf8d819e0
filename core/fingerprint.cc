// Fingerprints, reload reports and locked campaigns (DESIGN §13).
//
// The canonical form. Each fingerprint hashes a byte string built field by
// field in a fixed order from the parsed model (so JSON key order and
// whitespace never reach it) and from what compilation resolved (instants
// rather than the dates as written, rollout breakpoints rather than steps,
// allocations in basis points), so that equivalent spellings hash alike.
// Integers are 8 bytes little-endian, strings their length then their bytes,
// doubles their IEEE-754 bits (-0 as 0), instants a tag then Unix
// nanoseconds, lists their length then their items. Each form starts with
// its own domain string ("allot/assignment/1", ...), and the version in it
// is frozen: a new field goes at the end of the form under a new version
// only if it cannot be absent, since old fingerprints must stay valid.
#include "core/fingerprint.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "allocation/hash.h"
#include "core/json_text.h"

namespace allot {
namespace {

class Canon {
 public:
  explicit Canon(std::string_view domain) { Str(domain); }

  void Byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void Bool(bool b) { Byte(b ? 1 : 0); }
  // Little-endian, in one append: eight push_backs, each with its own
  // capacity check and terminator, were a tenth of a load's instructions.
  void U64(uint64_t v) {
    char bytes[8];
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(bytes, &v, sizeof bytes);  // GCC kept the loop below
    } else {
      for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (8 * i));
    }
    out_.append(bytes, sizeof bytes);
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Size(size_t n) { U64(n); }
  void Str(std::string_view s) {
    Size(s.size());
    out_.append(s.data(), s.size());
  }
  void Double(double d) { U64(std::bit_cast<uint64_t>(d == 0 ? 0.0 : d)); }
  void Time(absl::Time t) {
    if (t == absl::InfinitePast()) {
      Byte(0);
    } else if (t == absl::InfiniteFuture()) {
      Byte(2);
    } else {
      Byte(1);
      I64(absl::ToUnixNanos(t));
    }
  }

  void Value(const TargetingValueSpec& v) {
    Byte(static_cast<uint8_t>(v.kind));
    switch (v.kind) {
      case TargetingValueSpec::Kind::kNull:
        break;
      case TargetingValueSpec::Kind::kString:
        Str(v.string);
        break;
      case TargetingValueSpec::Kind::kNumber:
        Double(v.number);
        break;
      case TargetingValueSpec::Kind::kBool:
        Bool(v.boolean);
        break;
      case TargetingValueSpec::Kind::kList:
        Size(v.list.size());
        for (const TargetingValueSpec& item : v.list) Value(item);
        break;
    }
  }

  void Targeting(const std::optional<TargetingTreeSpec>& tree) {
    Bool(tree.has_value());
    if (!tree) return;
    Size(tree->groups.size());
    for (const TargetingGroupSpec& g : tree->groups) {
      Size(g.targetings.size());
      for (const TargetingSpec& t : g.targetings) {
        Str(t.key);
        Str(t.op);
        Bool(t.ignore_case);
        Bool(t.value.has_value());
        if (t.value) Value(*t.value);
      }
    }
  }

  uint64_t Hash() const { return Xxh3Hash(out_); }

 private:
  std::string out_;
};

void AppendIds(std::string* out, std::string_view name,
               const std::vector<std::string>& ids) {
  absl::StrAppend(out, absl::string_view(name.data(), name.size()), " (",
                  ids.size(), "):");
  for (const std::string& id : ids) absl::StrAppend(out, " ", id);
  out->push_back('\n');
}

void AppendJsonIds(std::string* out, std::string_view name,
                   const std::vector<std::string>& ids) {
  if (out->back() != '{') out->push_back(',');
  out->push_back('"');
  out->append(name.data(), name.size());
  out->append("\":[");
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, ids[i]);
  }
  out->push_back(']');
}

}  // namespace

void CompiledConfig::ComputeFingerprints(const ConfigSpec& spec) {
  Canon content("allot/content/1");
  content.Byte(static_cast<uint8_t>(format_));
  content.Byte(static_cast<uint8_t>(mode_));
  content.Str(spec.settings.bucketing);
  content.Bool(panic_);
  content.Bool(single_assignment_);
  content.Size(campaigns_.size());

  uint64_t previous_ab = 0;  // the last ab campaign's, for single assignment
  for (size_t i = 0; i < campaigns_.size(); ++i) {
    const CampaignSpec& cs = spec.campaigns[i];
    Campaign& c = campaigns_[i];

    Canon assignment("allot/assignment/1");
    assignment.Byte(static_cast<uint8_t>(mode_));
    assignment.Str(c.id);
    assignment.Str(c.type);
    assignment.Time(c.start);
    assignment.Time(c.stop);
    if (!c.windows.empty()) {
      // Recurring windows (DESIGN §14) decide who gets what when; appended
      // only when present, so campaigns without them keep their frozen
      // fingerprints.
      assignment.Str("recurrence");
      assignment.Size(c.windows.size());
      for (size_t w = 0; w < c.windows.size(); ++w) {
        assignment.I64(c.windows.start_ns(w));
        assignment.I64(c.windows.end_ns(w));
      }
    }
    assignment.Size(c.ranges.size());
    for (const auto& [low, high] : c.ranges) {
      assignment.Double(low);
      assignment.Double(high);
    }
    Canon payload("allot/payload/1");
    payload.Size(cs.variation_groups.size());
    assignment.Size(cs.variation_groups.size());
    for (size_t k = 0; k < cs.variation_groups.size(); ++k) {
      const VariationGroupSpec& gs = cs.variation_groups[k];
      const Group& g = groups_[c.first_group + k];
      assignment.Str(g.id);
      assignment.I64(g.sticky_version);
      assignment.Targeting(gs.targeting);
      assignment.Size(g.num_variations);
      payload.Str(g.id);
      payload.Size(g.num_variations);
      for (int32_t v = 0; v < g.num_variations; ++v) {
        const Variation& var = variations_[g.first_variation + v];
        assignment.Str(var.id);
        assignment.I64(var.basis_points);
        assignment.Bool(var.reference);
        payload.Str(var.id);
        payload.Str(var.modifications_type);
        payload.Size(var.flags.size());
        for (const FlagSpec& f : var.flags) {
          payload.Str(f.key);
          payload.Str(f.json_value);
        }
      }
      assignment.Bool(g.schedule.has_value());
      if (g.schedule) {
        const auto& points = g.schedule->breakpoints();
        assignment.Size(points.size());
        for (const TrafficBreakpoint& p : points) {
          assignment.Time(p.at);
          assignment.I64(p.share_bp);
        }
      }
      assignment.Bool(g.rollback.has_value());
      if (g.rollback) {
        assignment.Str(g.rollback->goal_type);
        assignment.Str(g.rollback->goal_id);
        assignment.Str(g.rollback->goal_label);
        assignment.Str(g.rollback->op);
        assignment.Double(g.rollback->value);
        assignment.I64(g.rollback->min_visitors);
        if (g.rollback_kpi >= 0) {
          // DESIGN §14: a KPI goal; appended only when present, so plain
          // goals keep their frozen fingerprints.
          const KpiDefinition& k = kpis_[g.rollback_kpi];
          assignment.Str("kpi");
          assignment.Str(k.id);
          assignment.Byte(static_cast<uint8_t>(k.value_type));
        }
      }
      assignment.Size(gs.forced_assignments.size());
      for (const ForcedAssignmentSpec& f : gs.forced_assignments) {
        assignment.Str(f.variation_id);
        assignment.Size(f.visitor_ids.size());
        for (const std::string& id : f.visitor_ids) assignment.Str(id);
      }
    }
    // DESIGN §15: each appended only when present, so campaigns without a
    // layer, a holdout or prerequisites keep their frozen fingerprints.
    if (c.layer >= 0) {
      assignment.Str("layer");
      assignment.Str(layers_[c.layer].id);
      assignment.I64(c.layer_low_bp);
      assignment.I64(c.layer_high_bp);
    }
    if (c.holdouts != 0) {
      assignment.Str("holdouts");
      for (size_t h = 0; h < holdouts_.size(); ++h) {
        if ((c.holdouts >> h & 1) == 0) continue;
        assignment.Str(holdouts_[h].id);
        assignment.I64(holdouts_[h].basis_points);
      }
    }
    if (!c.prerequisites.empty()) {
      // Who passes depends on who the earlier campaign gave what.
      assignment.Str("prerequisites");
      assignment.Size(c.prerequisites.size());
      for (const Campaign::Prerequisite& p : c.prerequisites) {
        assignment.U64(campaigns_[p.campaign].assignment_fingerprint);
        assignment.Size(p.variations.size());
        for (const int32_t v : p.variations) assignment.Str(variations_[v].id);
      }
    }
    // Under single assignment an ab campaign gets only the visitors the ab
    // campaigns before it left: their assignment is part of its own.
    const bool chained = single_assignment_ && c.is_ab;
    assignment.Bool(chained);
    if (chained) assignment.U64(previous_ab);
    c.assignment_fingerprint = assignment.Hash();
    c.payload_fingerprint = payload.Hash();
    if (chained) previous_ab = c.assignment_fingerprint;

    content.U64(c.assignment_fingerprint);
    content.U64(c.payload_fingerprint);
    content.Str(c.name);
    content.Str(c.slug);
    content.Str(c.status);
    content.Bool(cs.locked_present);
    content.Bool(cs.locked);
    content.Str(cs.locked_at);
    content.Str(c.period_start);  // the window is in the assignment form;
    content.Str(c.period_end);    // these are what Explain shows
    content.Str(c.deadline);
    content.Time(c.goals_close);
    if (!c.recurrence.empty()) {  // the windows are in the assignment form
      content.Str("recurrence");
      content.Str(c.recurrence);
      content.Str(c.duration);
    }
    content.Str(cs.primary_goal_json);
    content.Size(cs.secondary_goals_json.size());
    for (const std::string& goal : cs.secondary_goals_json) content.Str(goal);
    for (int32_t k = 0; k < c.num_groups; ++k) {
      const Group& g = groups_[c.first_group + k];
      content.Str(g.name);
      content.Str(g.schedule_timezone);
      for (int32_t v = 0; v < g.num_variations; ++v) {
        content.Str(variations_[g.first_variation + v].name);
      }
    }
  }
  if (!layers_.empty() || !holdouts_.empty()) {  // DESIGN §15, when present
    content.Str("structure");
    content.Size(layers_.size());
    for (const Layer& l : layers_) {
      content.Str(l.id);
      content.Str(l.name);
    }
    content.Size(holdouts_.size());
    for (const Holdout& h : holdouts_) {
      content.Str(h.id);
      content.I64(h.basis_points);
      content.Bool(h.all);
      content.Size(h.campaigns.size());
      for (const int32_t c : h.campaigns) content.Str(campaigns_[c].id);
    }
  }
  if (!kpis_.empty()) {  // DESIGN §14; absent from configs without KPIs
    content.Str("kpis");
    content.Size(kpis_.size());
    for (const KpiDefinition& k : kpis_) {
      content.Str(k.id);
      content.Str(k.name);
      content.Str(k.description);
      content.Str(k.unit);
      content.Byte(static_cast<uint8_t>(k.value_type));
      content.Bool(k.required);
      content.I64(k.sort_order);
    }
  }
  content_fingerprint_ = content.Hash();
}

ReloadReport CompareConfigs(const CompiledConfig& from,
                            const CompiledConfig& to) {
  ReloadReport report;
  report.identical = from.content_fingerprint() == to.content_fingerprint();
  for (const CompiledConfig::Campaign& c : to.campaigns()) {
    const int32_t old = from.FindCampaign(c.id);
    if (old < 0) {
      report.added.push_back(c.id);
      continue;
    }
    const CompiledConfig::Campaign& o = from.campaigns()[old];
    if (o.assignment_fingerprint != c.assignment_fingerprint ||
        o.active != c.active) {
      report.changed.push_back(c.id);
    } else if (o.payload_fingerprint != c.payload_fingerprint) {
      report.payload_only.push_back(c.id);
    } else {
      report.unchanged.push_back(c.id);
    }
  }
  for (const CompiledConfig::Campaign& o : from.campaigns()) {
    if (to.FindCampaign(o.id) < 0) report.removed.push_back(o.id);
  }
  return report;
}

absl::Status CheckLockedCampaigns(const CompiledConfig& from,
                                  const CompiledConfig& to) {
  std::string problems;
  auto add = [&](std::string_view path, std::string_view id,
                 std::string_view what) {
    absl::StrAppend(&problems, problems.empty() ? "" : "; ",
                    path.empty() ? "(document)" : absl::string_view(path.data(), path.size()),
                    ": locked campaign \"", absl::string_view(id.data(), id.size()),
                    "\" ", absl::string_view(what.data(), what.size()));
  };
  for (const CompiledConfig::Campaign& o : from.campaigns()) {
    if (!o.locked) continue;
    const int32_t now = to.FindCampaign(o.id);
    if (now < 0) {
      add(o.path, o.id, "would be removed");
    } else if (to.campaigns()[now].assignment_fingerprint !=
               o.assignment_fingerprint) {
      add(to.campaigns()[now].path, o.id, "would change who gets what");
    }
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      problems,
      " (a locked campaign may be paused, renamed or given new payloads; "
      "unlock it first, with otherwise identical content, to change more)"));
}

std::string ReloadReportText(const ReloadReport& report) {
  std::string out =
      report.identical ? "identical content: nothing changes\n" : "";
  AppendIds(&out, "added", report.added);
  AppendIds(&out, "removed", report.removed);
  AppendIds(&out, "changed", report.changed);
  AppendIds(&out, "payload only", report.payload_only);
  AppendIds(&out, "unchanged", report.unchanged);
  return out;
}

std::string ReloadReportJson(const ReloadReport& report) {
  std::string out = "{";
  AppendJsonIds(&out, "added", report.added);
  AppendJsonIds(&out, "removed", report.removed);
  AppendJsonIds(&out, "changed", report.changed);
  AppendJsonIds(&out, "payload_only", report.payload_only);
  AppendJsonIds(&out, "unchanged", report.unchanged);
  out.push_back('}');
  return out;
}

}  // namespace allot
