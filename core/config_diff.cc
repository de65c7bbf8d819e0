#include "core/config_diff.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/json_text.h"

namespace allot {
namespace {

constexpr uint64_t Key(int32_t from, int32_t to) {
  return static_cast<uint64_t>(static_cast<uint32_t>(from + 1)) << 32 |
         static_cast<uint32_t>(to + 1);
}

}  // namespace

ConfigDiff::ConfigDiff(std::shared_ptr<const CompiledConfig> from,
                       std::shared_ptr<const CompiledConfig> to)
    : from_(std::move(from)),
      to_(std::move(to)),
      report_(CompareConfigs(*from_, *to_)) {
  for (const std::string& id : report_.changed) {
    Changed& c = changed_.emplace_back();
    c.from = from_->FindCampaign(id);
    c.to = to_->FindCampaign(id);
  }
}

absl::Status ConfigDiff::Add(const VisitorContext& visitor, absl::Time at) {
  if (changed_.empty()) {
    // Nothing can move; still refuse what DecideAll refuses.
    if (visitor.visitor_id().empty()) {
      return absl::InvalidArgumentError("the visitor id is empty");
    }
    return absl::OkStatus();
  }
  if (absl::Status s = from_->DecideAll(visitor, at, &from_list_); !s.ok()) {
    return s;
  }
  if (absl::Status s = to_->DecideAll(visitor, at, &to_list_); !s.ok()) {
    return s;
  }
  for (Changed& c : changed_) {
    const int32_t old_v = from_list_[c.from].variation;
    const int32_t new_v = to_list_[c.to].variation;
    ++c.visitors;
    ++c.counts[Key(old_v, new_v)];
    // Moved: the variation id differs (indices differ between configs).
    const bool same =
        (old_v < 0 && new_v < 0) ||
        (old_v >= 0 && new_v >= 0 &&
         from_->variations()[old_v].id == to_->variations()[new_v].id);
    c.moved += !same;
  }
  return absl::OkStatus();
}

void ConfigDiff::Merge(const ConfigDiff& other) {
  for (size_t i = 0; i < changed_.size() && i < other.changed_.size(); ++i) {
    Changed& c = changed_[i];
    const Changed& o = other.changed_[i];
    c.visitors += o.visitors;
    c.moved += o.moved;
    for (const auto& [key, n] : o.counts) c.counts[key] += n;
  }
}

std::vector<CampaignDiff> ConfigDiff::Campaigns() const {
  std::vector<CampaignDiff> out;
  out.reserve(changed_.size());
  for (const Changed& c : changed_) {
    CampaignDiff& d = out.emplace_back();
    d.campaign_id = to_->campaigns()[c.to].id;
    d.visitors = c.visitors;
    d.moved = c.moved;
    for (const auto& [key, n] : c.counts) {
      const int32_t old_v = static_cast<int32_t>(key >> 32) - 1;
      const int32_t new_v = static_cast<int32_t>(key & 0xffffffffu) - 1;
      VariationTransition& t = d.transitions.emplace_back();
      t.from_none = old_v < 0;
      t.to_none = new_v < 0;
      if (!t.from_none) t.from = from_->variations()[old_v].id;
      if (!t.to_none) t.to = to_->variations()[new_v].id;
      t.visitors = n;
    }
    std::sort(d.transitions.begin(), d.transitions.end(),
              [](const VariationTransition& a, const VariationTransition& b) {
                if (a.visitors != b.visitors) return a.visitors > b.visitors;
                return std::tie(a.from_none, a.from, a.to_none, a.to) <
                       std::tie(b.from_none, b.from, b.to_none, b.to);
              });
  }
  return out;
}

std::string ConfigDiffText(const ReloadReport& report,
                           const std::vector<CampaignDiff>* campaigns) {
  std::string out = ReloadReportText(report);
  if (campaigns == nullptr) return out;
  for (const CampaignDiff& c : *campaigns) {
    const double pct = c.visitors > 0 ? 100.0 * c.moved / c.visitors : 0.0;
    absl::StrAppend(&out, "\ncampaign ", c.campaign_id, ": ", c.moved, " of ",
                    c.visitors, " visitors move (",
                    absl::StrFormat("%.2f", pct), " %)\n");
    for (const VariationTransition& t : c.transitions) {
      absl::StrAppend(&out, "  ", t.from_none ? "none" : t.from, " -> ",
                      t.to_none ? "none" : t.to, ": ", t.visitors, "\n");
    }
  }
  return out;
}

std::string ConfigDiffJson(const ReloadReport& report,
                           const std::vector<CampaignDiff>* campaigns) {
  std::string out = ReloadReportJson(report);
  if (campaigns == nullptr) return out;
  out.pop_back();  // the closing brace
  out.append(",\"campaigns\":[");
  for (size_t i = 0; i < campaigns->size(); ++i) {
    const CampaignDiff& c = (*campaigns)[i];
    if (i > 0) out.push_back(',');
    out.append("{\"campaign_id\":");
    AppendJsonString(&out, c.campaign_id);
    absl::StrAppend(&out, ",\"visitors\":", c.visitors, ",\"moved\":", c.moved,
                    ",\"transitions\":[");
    for (size_t k = 0; k < c.transitions.size(); ++k) {
      const VariationTransition& t = c.transitions[k];
      if (k > 0) out.push_back(',');
      out.append("{\"from\":");
      AppendJsonIdOrNull(&out, t.from);  // empty: no variation
      out.append(",\"to\":");
      AppendJsonIdOrNull(&out, t.to);
      absl::StrAppend(&out, ",\"visitors\":", t.visitors, "}");
    }
    out.append("]}");
  }
  out.append("]}");
  return out;
}

}  // namespace allot
