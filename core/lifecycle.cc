// Forced and sticky assignments (DESIGN §12): compiling the forced lists of
// a config, and binding a visitor's per-call inputs to a config's indices.
#include <algorithm>
#include <atomic>

#include "absl/strings/str_cat.h"
#include "allocation/hash.h"
#include "core/compiled_config.h"
#include "core/internal/path_error.h"
#include "core/internal/lifecycle.h"
#include "targeting/bytes.h"

namespace allot {
namespace {

using internal::Field;

// Keeps, per index, the input given last, in increasing index order.
// `index_of(i)` is the index of input i (-1: unknown, dropped) and
// `emit(i, index)` appends input i to the output. `keys` is reusable scratch; no
// allocation once it has held as many inputs.
template <typename IndexOf, typename Emit>
void LastPerIndex(size_t n, internal::LineVector<uint64_t>* keys,
                  IndexOf index_of, Emit emit) {
  keys->clear();
  for (size_t i = 0; i < n; ++i) {
    const int32_t index = index_of(i);
    if (index < 0) continue;
    keys->push_back(uint64_t(uint32_t(index)) << 32 | uint32_t(i));
  }
  // std::sort (unlike stable_sort) allocates nothing; the input position in
  // the low bits makes the order total, so the last of a run is the latest.
  if (keys->size() > 1) std::sort(keys->begin(), keys->end());
  for (size_t k = 0; k < keys->size(); ++k) {
    const uint64_t key = (*keys)[k];
    const bool last_of_run =
        k + 1 == keys->size() || ((*keys)[k + 1] >> 32) != (key >> 32);
    if (last_of_run) {
      emit(static_cast<size_t>(key & 0xffffffffu),
           static_cast<int32_t>(key >> 32));
    }
  }
}

}  // namespace

uint64_t NextConfigSerial() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

absl::Status CompiledConfig::CompileForced(const ConfigSpec& spec) {
  // visitor id -> entries, filled campaign by campaign (so already sorted).
  absl::flat_hash_map<std::string, std::vector<ForcedEntry>> by_visitor;
  int32_t g = 0;
  for (size_t c = 0; c < spec.campaigns.size(); ++c) {
    // visitor id -> path of the entry that listed it in this campaign
    absl::flat_hash_map<std::string_view, std::string> listed;
    for (const VariationGroupSpec& gs : spec.campaigns[c].variation_groups) {
      const Group& group = groups_[g];
      for (const ForcedAssignmentSpec& fa : gs.forced_assignments) {
        const int32_t v = FindVariationOfGroup(g, fa.variation_id);
        if (v < 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              Field(fa.path, "variation_id"), ": unknown variation \"",
              fa.variation_id, "\"; expected the id of a variation of group \"",
              group.id, "\""));
        }
        for (size_t i = 0; i < fa.visitor_ids.size(); ++i) {
          const std::string& id = fa.visitor_ids[i];
          const std::string path =
              absl::StrCat(Field(fa.path, "visitor_ids"), "[", i, "]");
          auto [it, inserted] = listed.emplace(id, path);
          if (!inserted) {
            return absl::InvalidArgumentError(absl::StrCat(
                path, ": visitor \"", id,
                "\" is already forced in this campaign (at ", it->second,
                "); a visitor may be forced once per campaign"));
          }
          by_visitor[id].push_back(
              ForcedEntry{static_cast<int32_t>(c), g, v});
        }
      }
      ++g;
    }
  }
  if (by_visitor.empty()) return absl::OkStatus();
  forced_bloom_.assign(internal::BloomWordsFor(by_visitor.size()), 0);
  forced_bloom_mask_ = forced_bloom_.size() - 1;
  forced_index_.reserve(by_visitor.size());
  for (auto& [id, entries] : by_visitor) {
    const uint32_t begin = static_cast<uint32_t>(forced_entries_.size());
    forced_entries_.insert(forced_entries_.end(), entries.begin(),
                           entries.end());
    forced_index_.emplace(
        id, std::make_pair(begin, static_cast<uint32_t>(forced_entries_.size())));
    internal::BloomAdd(forced_bloom_.data(), forced_bloom_mask_, id);
  }
  return absl::OkStatus();
}

std::pair<const ForcedEntry*, const ForcedEntry*> CompiledConfig::ListedFor(
    std::string_view visitor_id) const {
  auto it = forced_index_.find(
      absl::string_view(visitor_id.data(), visitor_id.size()));
  if (it == forced_index_.end()) return {nullptr, nullptr};
  const ForcedEntry* base = forced_entries_.data();
  return {base + it->second.first, base + it->second.second};
}

std::pair<const ForcedEntry*, const ForcedEntry*> CompiledConfig::ForcedFor(
    std::string_view visitor_id) const {
  if (!has_forced_lists() || !MayBeListed(visitor_id))
    return {nullptr, nullptr};
  return ListedFor(visitor_id);
}

int32_t CompiledConfig::FindVariation(int32_t first_group, int32_t num_groups,
                                      std::string_view id,
                                      int32_t* group) const {
  for (int32_t g = first_group; g < first_group + num_groups; ++g) {
    if (const int32_t v = FindVariationOfGroup(g, id); v >= 0) {
      *group = g;
      return v;
    }
  }
  return -1;
}

void CompiledConfig::BindInputs(const AssignmentInputs& in) const {
  in.bound_forced_.clear();
  in.bound_sticky_.clear();
  // An override binds to the first group of its campaign that has a
  // variation of that id; one naming no variation of it is left out.
  LastPerIndex(
      in.num_overrides(), &in.bind_keys_,
      [&](size_t i) { return FindCampaign(in.override_at(i).campaign_id); },
      [&](size_t i, int32_t c) {
        const Campaign& campaign = campaigns_[c];
        ForcedEntry e{c, -1, -1};
        e.variation = FindVariation(campaign.first_group, campaign.num_groups,
                                    in.override_at(i).variation_id, &e.group);
        if (e.variation >= 0) in.bound_forced_.push_back(e);
      });
  // A record whose variation was deleted since it was written is left out:
  // the visitor falls back to the hash.
  LastPerIndex(
      in.num_records(), &in.bind_keys_,
      [&](size_t i) { return GroupOfRecord(in, i); },
      [&](size_t i, int32_t g) {
        const AssignmentInputs::Record r = in.record_at(i);
        const int32_t v = FindVariationOfGroup(g, r.variation_id);
        if (v >= 0) in.bound_sticky_.push_back(StickyEntry{g, v, r.version});
      });
  in.bound_serial_ = serial_;
  in.num_bound_forced_ = static_cast<uint32_t>(in.bound_forced_.size());
  in.num_bound_sticky_ = static_cast<uint32_t>(in.bound_sticky_.size());
}

bool CompiledConfig::BindLifecycleGeneral(const VisitorContext& visitor,
                                          Lifecycle* lc) const {
  if (has_forced_lists() && MayBeListed(visitor.visitor_id())) {
    std::tie(lc->listed, lc->listed_end) = ListedFor(visitor.visitor_id());
  }
  const AssignmentInputs& in = visitor.assignments();
  if (in.empty())
    return lc->listed != nullptr;
  if (in.overrides_.empty() && in.records_.size() == 1) {
    BindSingleRecord(in, lc);
    return true;
  }
  if (in.bound_serial_ != serial_) BindInputs(in);
  // The counts from their own fields, not the vectors' end pointers: a
  // 16-byte load of (begin, end) right after push_back stored `end` alone
  // stalled store forwarding on every refill.
  lc->overrides = in.bound_forced_.data();
  lc->overrides_end = lc->overrides + in.num_bound_forced_;
  lc->sticky = in.bound_sticky_.data();
  lc->sticky_end = lc->sticky + in.num_bound_sticky_;
  return true;
}

int32_t CompiledConfig::GroupOfRecordSlow(const AssignmentInputs& in,
                                          size_t i) const {
  const std::string_view id = in.record_at(i).group_id;
  if (i >= in.group_memo_.size()) in.group_memo_.resize(i + 1);
  AssignmentInputs::GroupMemo& m = in.group_memo_[i];
  m.serial = serial_;
  m.id.Assign(id);
  m.group = FindGroup(id);
  return m.group;
}

}  // namespace allot
