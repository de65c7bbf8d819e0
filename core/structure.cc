// DESIGN §15: layers (mutual exclusion), holdouts and prerequisite
// campaigns; their validation at compile time and decision steps 5-7.
#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "allocation/hash.h"
#include "allocation/internal/xxh3.h"
#include "allocation/split.h"
#include "core/compiled_config.h"
#include "core/internal/path_error.h"
#include "core/internal/structure.h"

namespace allot {
namespace {

using internal::Field;
using internal::PathError;
using internal::Quoted;

// A percent of two decimals in [0, 100] as basis points, or the error at
// `path`.
absl::Status BasisPoints(double percent, std::string_view path, int32_t* out) {
  absl::StatusOr<int32_t> bp = PercentToBasisPoints(percent);
  if (!bp.ok()) return PathError(path, bp.status().message());
  *out = *bp;
  return absl::OkStatus();
}

// Indexes the ids of `specs` (settings.layers or settings.holdouts, each a
// `what`): at most `max` of them, each non-empty and unique.
template <typename Spec>
absl::Status IndexIds(const std::vector<Spec>& specs, const char* what,
                      int max,
                      absl::flat_hash_map<std::string_view, int32_t>* index_of) {
  if (specs.size() > static_cast<size_t>(max)) {
    return PathError(specs[max].path, absl::StrCat("a config has at most ", max,
                                                   " ", what, "s"));
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    const Spec& spec = specs[i];
    if (spec.id.empty()) {
      return PathError(Field(spec.path, "id"), "must be a non-empty string");
    }
    if (auto [it, inserted] =
            index_of->emplace(spec.id, static_cast<int32_t>(i));
        !inserted) {
      return PathError(Field(spec.path, "id"),
                       absl::StrCat("duplicate ", what, " id ", Quoted(spec.id),
                                    " (also at ", specs[it->second].path, ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

// (XXH3 inline, as the split's: a layered config hashes the visitor once
// per layer and holdout on every decision.)
uint32_t CompiledConfig::LayerBucket(int32_t layer,
                                     std::string_view visitor_id) const {
  return internal::Xxh3Bucket(visitor_id, layers_[layer].seed);
}

uint32_t CompiledConfig::HoldoutBucket(int32_t holdout,
                                       std::string_view visitor_id) const {
  return internal::Xxh3Bucket(visitor_id, holdouts_[holdout].seed);
}

absl::Status CompiledConfig::CompileStructure(const ConfigSpec& spec) {
  const SettingsSpec& settings = spec.settings;
  absl::flat_hash_map<std::string_view, int32_t> campaign_of;
  for (size_t i = 0; i < campaigns_.size(); ++i) {
    campaign_of.emplace(campaigns_[i].id, static_cast<int32_t>(i));
  }

  // Layers.
  absl::flat_hash_map<std::string_view, int32_t> layer_of;
  if (absl::Status st = IndexIds(settings.layers, "layer", kMaxLayers, &layer_of);
      !st.ok()) {
    return st;
  }
  for (const LayerSpec& ls : settings.layers) {
    layers_.push_back(Layer{ls.id, ls.name, Xxh3Hash("layer:" + ls.id)});
  }
  // Per layer, its campaigns' ranges, to find overlaps.
  struct Placed {
    int32_t low, high, campaign;
  };
  std::vector<std::vector<Placed>> placed(layers_.size());
  for (size_t i = 0; i < spec.campaigns.size(); ++i) {
    const CampaignSpec& cs = spec.campaigns[i];
    if (!cs.layer) continue;
    const CampaignLayerSpec& ls = *cs.layer;
    auto it = layer_of.find(ls.id);
    if (it == layer_of.end()) {
      std::vector<std::string> known;
      for (const Layer& l : layers_) known.push_back(Quoted(l.id));
      return PathError(
          Field(ls.path, "id"),
          absl::StrCat("unknown layer ", Quoted(ls.id), "; ",
                       known.empty()
                           ? std::string("settings.layers declares none")
                           : absl::StrCat("settings.layers declares ",
                                          absl::StrJoin(known, ", "))));
    }
    Campaign& c = campaigns_[i];
    const std::string range_path = Field(ls.path, "range");
    if (absl::Status s = BasisPoints(ls.low, range_path, &c.layer_low_bp);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = BasisPoints(ls.high, range_path, &c.layer_high_bp);
        !s.ok()) {
      return s;
    }
    if (c.layer_low_bp >= c.layer_high_bp) {
      return PathError(range_path,
                       absl::StrCat("bad range [", ls.low, ", ", ls.high,
                                    "]; expected 0 <= low < high <= 100"));
    }
    c.layer = it->second;
    placed[it->second].push_back(
        {c.layer_low_bp, c.layer_high_bp, static_cast<int32_t>(i)});
  }
  for (std::vector<Placed>& ranges : placed) {
    std::sort(ranges.begin(), ranges.end(), [](const Placed& a, const Placed& b) {
      return a.low < b.low || (a.low == b.low && a.campaign < b.campaign);
    });
    for (size_t k = 1; k < ranges.size(); ++k) {
      if (ranges[k].low >= ranges[k - 1].high) continue;
      // Name the later campaign of the file, beside the one it overlaps.
      const Placed& a = ranges[k - 1].campaign < ranges[k].campaign
                            ? ranges[k - 1]
                            : ranges[k];
      const Placed& b = &a == &ranges[k] ? ranges[k - 1] : ranges[k];
      const CampaignSpec& later = spec.campaigns[b.campaign];
      return PathError(
          Field(later.layer->path, "range"),
          absl::StrCat("campaign ", Quoted(later.id), " [", b.low / 100.0,
                       ", ", b.high / 100.0, ") overlaps campaign ",
                       Quoted(campaigns_[a.campaign].id), " [", a.low / 100.0,
                       ", ", a.high / 100.0, ") in layer ",
                       Quoted(later.layer->id),
                       "; the campaigns of a layer must not overlap"));
    }
  }

  // Holdouts.
  absl::flat_hash_map<std::string_view, int32_t> holdout_of;
  if (absl::Status st =
          IndexIds(settings.holdouts, "holdout", kMaxHoldouts, &holdout_of);
      !st.ok()) {
    return st;
  }
  for (const HoldoutSpec& hs : settings.holdouts) {
    const int32_t index = static_cast<int32_t>(holdouts_.size());
    Holdout h;
    h.id = hs.id;
    h.all = hs.all;
    h.seed = Xxh3Hash("holdout:" + hs.id);
    if (absl::Status s =
            BasisPoints(hs.percent, Field(hs.path, "percent"), &h.basis_points);
        !s.ok()) {
      return s;
    }
    const std::string list_path = Field(hs.path, "campaigns");
    if (!hs.all && hs.campaigns.empty()) {
      return PathError(list_path,
                       "lists no campaign; expected campaign ids or \"all\"");
    }
    for (size_t j = 0; j < hs.campaigns.size(); ++j) {
      const std::string item_path = absl::StrCat(list_path, "[", j, "]");
      auto it = campaign_of.find(hs.campaigns[j]);
      if (it == campaign_of.end()) {
        return PathError(item_path, absl::StrCat("unknown campaign ",
                                                 Quoted(hs.campaigns[j])));
      }
      if (std::find(h.campaigns.begin(), h.campaigns.end(), it->second) !=
          h.campaigns.end()) {
        return PathError(item_path, absl::StrCat("campaign ",
                                                 Quoted(hs.campaigns[j]),
                                                 " is listed twice"));
      }
      h.campaigns.push_back(it->second);
    }
    if (h.all) {
      for (size_t c = 0; c < campaigns_.size(); ++c) {
        h.campaigns.push_back(static_cast<int32_t>(c));
      }
    }
    std::sort(h.campaigns.begin(), h.campaigns.end());
    // A holdout of 0 % holds nobody out: it costs its campaigns nothing.
    if (h.basis_points > 0) {
      for (const int32_t c : h.campaigns) {
        campaigns_[c].holdouts |= uint64_t{1} << index;
      }
    }
    holdouts_.push_back(std::move(h));
  }

  // Prerequisites.
  for (size_t i = 0; i < spec.campaigns.size(); ++i) {
    const CampaignSpec& cs = spec.campaigns[i];
    for (const PrerequisiteSpec& ps : cs.prerequisites) {
      const std::string id_path = Field(
          ps.path, format_ == ConfigFormat::kBucketingFile ? "campaignId"
                                                           : "campaign_id");
      const std::string ids_path =
          Field(ps.path, format_ == ConfigFormat::kBucketingFile
                             ? "variationIds"
                             : "variation_ids");
      if (ps.campaign_id.empty()) {
        return PathError(id_path, "must be a non-empty string");
      }
      auto it = campaign_of.find(ps.campaign_id);
      if (it == campaign_of.end()) {
        return PathError(id_path, absl::StrCat("unknown campaign ",
                                               Quoted(ps.campaign_id)));
      }
      if (it->second >= static_cast<int32_t>(i)) {
        return PathError(
            id_path,
            absl::StrCat(
                "campaign ", Quoted(ps.campaign_id),
                it->second == static_cast<int32_t>(i)
                    ? std::string(" is this campaign")
                    : absl::StrCat(" comes later in the file (at ",
                                   campaigns_[it->second].path, ")"),
                "; a prerequisite must be a campaign earlier in the file"));
      }
      Campaign::Prerequisite p;
      p.campaign = it->second;
      if (ps.variation_ids_present && ps.variation_ids.empty()) {
        return PathError(ids_path,
                         "lists no variation; list at least one, or leave "
                         "it out for any variation");
      }
      const Campaign& dep = campaigns_[p.campaign];
      for (size_t j = 0; j < ps.variation_ids.size(); ++j) {
        int32_t unused;
        const int32_t v = FindVariation(dep.first_group, dep.num_groups,
                                        ps.variation_ids[j], &unused);
        if (v < 0) {
          return PathError(absl::StrCat(ids_path, "[", j, "]"),
                           absl::StrCat("campaign ", Quoted(dep.id),
                                        " has no variation ",
                                        Quoted(ps.variation_ids[j])));
        }
        p.variations.push_back(v);
      }
      campaigns_[i].prerequisites.push_back(std::move(p));
      has_prerequisites_ = true;
    }
  }
  for (const Campaign& c : campaigns_) {
    has_structure_ |= c.layer >= 0 || c.holdouts != 0 || !c.prerequisites.empty();
    // Flagship's range bucket hashes the visitor id alone: once per call,
    // kept in the Structure (see DecideCampaign).
    has_structure_ |= mode_ == BucketingMode::kFlagship && !c.ranges.empty();
    active_holdouts_ |= c.holdouts;
  }
  return absl::OkStatus();
}

void CompiledConfig::BindStructure(std::string_view visitor_id,
                                   const Decision* earlier,
                                   Structure* st) const {
  st->earlier = earlier;
  st->layers_known = 0;
  st->range_bucket = -1;
  uint64_t held = 0;
  for (uint64_t left = active_holdouts_; left != 0; left &= left - 1) {
    const int h = __builtin_ctzll(left);
    if (HoldoutBucket(h, visitor_id) <
        static_cast<uint32_t>(holdouts_[h].basis_points)) {
      held |= uint64_t{1} << h;
    }
  }
  st->held_out = held;
}

uint32_t CompiledConfig::KnownLayerBucket(int32_t layer,
                                          std::string_view visitor_id,
                                          Structure* st) const {
  const uint64_t bit = uint64_t{1} << layer;
  if ((st->layers_known & bit) == 0) {
    st->layer_bucket[layer] =
        static_cast<uint16_t>(LayerBucket(layer, visitor_id));
    st->layers_known |= bit;
  }
  return st->layer_bucket[layer];
}

int32_t CompiledConfig::GatedCampaignOf(const GatedLayer& layer,
                                        std::string_view visitor_id,
                                        Structure* st) const {
  const uint32_t bucket = KnownLayerBucket(layer.layer, visitor_id, st);
  // The last range starting at or below the bucket (or the first range):
  // from the one its percent cell names, past those starting inside the
  // cell (see gate_cells_).
  const LayerGate* gate =
      layer_gates_.data() + gate_cells_[layer.cells + bucket / 100];
  const LayerGate* const last = layer_gates_.data() + (layer.end - 1);
  const auto b = static_cast<int32_t>(bucket);
  while (gate < last && gate[1].low_bp <= b) ++gate;
  return gate->low_bp <= b && b < gate->high_bp ? gate->campaign : -1;
}

DecisionReason CompiledConfig::CheckStructure(int32_t c,
                                              std::string_view visitor_id,
                                              Structure* st) const {
  const Campaign& campaign = campaigns_[c];
  if (campaign.layer >= 0) {
    const auto bucket =
        static_cast<int32_t>(KnownLayerBucket(campaign.layer, visitor_id, st));
    if (bucket < campaign.layer_low_bp || bucket >= campaign.layer_high_bp) {
      return DecisionReason::kOutsideLayerRange;
    }
  }
  if ((st->held_out & campaign.holdouts) != 0) return DecisionReason::kHoldout;
  for (const Campaign::Prerequisite& p : campaign.prerequisites) {
    const Decision& d = st->earlier[p.campaign];
    if (!d.has_variation() ||
        (!p.variations.empty() &&
         std::find(p.variations.begin(), p.variations.end(), d.variation) ==
             p.variations.end())) {
      return DecisionReason::kPrerequisiteFailed;
    }
  }
  return DecisionReason::kAllocated;
}

}  // namespace allot
