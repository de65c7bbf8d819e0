// The forced and sticky inputs of one decision call, bound to a config's
// indices, walked in campaign order by DecideCampaign<true>.
#ifndef ALLOT_CORE_INTERNAL_LIFECYCLE_H_
#define ALLOT_CORE_INTERNAL_LIFECYCLE_H_

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "allocation/internal/xxh3.h"
#include "core/assignment_inputs.h"
#include "core/compiled_config.h"
#include "core/visitor_context.h"
#include "targeting/bytes.h"

namespace allot {

// A fresh CompiledConfig::serial().
uint64_t NextConfigSerial();

// Decisions visit campaigns (and so groups) in increasing index order, even
// Decide with single assignment, so each input is a sorted run read through
// a cursor that only moves forward: no search per campaign.
struct CompiledConfig::Lifecycle {
  const ForcedEntry* overrides = nullptr;  // per-call, by campaign
  const ForcedEntry* overrides_end = nullptr;
  const ForcedEntry* listed = nullptr;  // forced_assignments, by campaign
  const ForcedEntry* listed_end = nullptr;
  const StickyEntry* sticky = nullptr;  // records, by group
  const StickyEntry* sticky_end = nullptr;
  // Whether any campaign may be forced (an override or a listing): without,
  // a campaign takes steps 1 to 7 as it would without lifecycle inputs.
  bool forced = false;

  // The forced variation of campaign `c`: a per-call override, else a
  // forced_assignments entry; null when neither.
  const ForcedEntry* ForcedFor(int32_t c) {
    while (overrides != overrides_end && overrides->campaign < c) ++overrides;
    while (listed != listed_end && listed->campaign < c) ++listed;
    if (overrides != overrides_end && overrides->campaign == c) return overrides;
    if (listed != listed_end && listed->campaign == c) return listed;
    return nullptr;
  }
  // The visitor's record for group `g`, or null.
  const StickyEntry* RecordFor(int32_t g) {
    while (sticky != sticky_end && sticky->group < g) ++sticky;
    return sticky != sticky_end && sticky->group == g ? sticky : nullptr;
  }
};

namespace internal {

// 1,024 masks of four distinct bits each, a fixed pseudo-random choice
// (SplitMix64 from a constant): a probe takes its four bits by one indexed
// load, where four variable shifts and their ors took about 20
// instructions on the path of every visitor of a config with forced lists.
inline constexpr std::array<uint64_t, 1024> kBloomMasks = [] {
  std::array<uint64_t, 1024> masks{};
  uint64_t state = 0;
  for (uint64_t& m : masks) {
    while (std::popcount(m) < 4) {
      state += 0x9e3779b97f4a7c15ULL;
      uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      m |= uint64_t{1} << ((z ^ (z >> 31)) & 63);
    }
  }
  return masks;
}();

// The Bloom filter's hash of a visitor id. It only spreads ids over the
// filter (it is never stored, and a collision costs one probe of the lists'
// map, never a wrong decision), so ids of 4 to 16 bytes, nearly all, take
// one 128-bit multiply of their two (overlapping) words, keyed by the
// length, folded to 64 bits: about 8 instructions where XXH3 took 23 on
// every visitor of a config with forced lists. The fold keeps both halves:
// a product's low bits depend only on its factors' low bits (an id's
// first and last bytes), its high half on all of them. Other lengths go
// through XXH3. (The false-positive rates measured with XXH3 hold with
// this one: 0.50 to 0.52 % at 100,000 listed ids, 0.77 to 0.81 % at 1,000,
// for ids "qa-<n>", "visitor-<n>" and digits, a million probes each.)
[[gnu::always_inline]] inline uint64_t BloomHash(std::string_view id) {
  const char* const p = id.data();
  const size_t n = id.size();
  uint64_t lo;
  uint64_t hi;
  if (n - 8 <= 16 - 8) {
    std::memcpy(&lo, p, 8);
    std::memcpy(&hi, p + n - 8, 8);
  } else if (n - 4 <= 7 - 4) {
    uint32_t a;
    uint32_t b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    lo = a;
    hi = b;
  } else {
    return InlineXxh3(id);
  }
  const unsigned __int128 m =
      static_cast<unsigned __int128>(lo ^ 0x9e3779b97f4a7c15ULL) *
      (hi ^ (0xd6e8feb86659fd93ULL + n));
  return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
}

// A blocked Bloom filter: a visitor id sets four bits of one 64-bit word,
// so a probe reads one word (one cache line) however many bits it tests.
// `word_mask` is the number of words - 1 (a power of two); the word comes
// from the hash's high half, the four bits from its low 10 bits.
struct BloomProbe {
  uint64_t word;
  uint64_t bits;
};
[[gnu::always_inline]] inline BloomProbe BloomOf(std::string_view visitor_id,
                                                 uint64_t word_mask) {
  const uint64_t h = BloomHash(visitor_id);
  return BloomProbe{(h >> 32) & word_mask, kBloomMasks[h & 1023]};
}

// The filter's words for `num_ids` ids: at least 16 bits per id, a power of
// two of at least 16 words. Its word mask is the count - 1.
inline size_t BloomWordsFor(size_t num_ids) {
  uint64_t bits = 1024;
  while (bits < 16 * num_ids) bits *= 2;
  return bits / 64;
}
inline void BloomAdd(uint64_t* words, uint64_t word_mask, std::string_view id) {
  const BloomProbe probe = BloomOf(id, word_mask);
  words[probe.word] |= probe.bits;
}
// False only when `id` was never added.
[[gnu::always_inline]] inline bool BloomMayContain(const uint64_t* words,
                                                   uint64_t word_mask,
                                                   std::string_view id) {
  const BloomProbe probe = BloomOf(id, word_mask);
  return (words[probe.word] & probe.bits) == probe.bits;
}

}  // namespace internal

[[gnu::always_inline]] inline bool CompiledConfig::MayBeListed(
    std::string_view visitor_id) const {
  return internal::BloomMayContain(forced_bloom_.data(), forced_bloom_mask_,
                                   visitor_id);
}

[[gnu::always_inline]] inline int32_t CompiledConfig::FindVariationOfGroup(
    int32_t g, std::string_view id) const {
  const Group& group = groups_[g];
  const IdRef* ids = variation_ids_.data() + group.first_variation;
  for (int32_t v = 0; v < group.num_variations; ++v) {
    if (internal::EqualBytes(ids[v].id, id)) return group.first_variation + v;
  }
  return -1;
}

[[gnu::always_inline]] inline int32_t CompiledConfig::GroupOfRecord(
    const AssignmentInputs& in, size_t i) const {
  // A context refilled for the next visitor usually names the same groups
  // at the same positions: the group found there last time against this
  // config is checked first.
  if (i < in.group_memo_.size()) {
    const AssignmentInputs::GroupMemo& m = in.group_memo_[i];
    if (m.serial == serial_ &&
        internal::EqualBytes(m.id.view(), in.record_at(i).group_id)) {
      return m.group;
    }
  }
  return GroupOfRecordSlow(in, i);
}

// The usual inputs of a visitor, one record and no override: bound in place,
// with nothing to sort or deduplicate.
[[gnu::always_inline]] inline void CompiledConfig::BindSingleRecord(
    const AssignmentInputs& in, Lifecycle* lc) const {
  if (in.bound_serial_ != serial_) {
    const int32_t g = GroupOfRecord(in, 0);
    if (g >= 0) {
      const AssignmentInputs::Record r = in.record_at(0);
      in.single_ =
          StickyEntry{g, FindVariationOfGroup(g, r.variation_id), r.version};
    } else {
      in.single_ = StickyEntry{};
    }
    in.bound_serial_ = serial_;
  }
  lc->sticky = &in.single_;
  lc->sticky_end = lc->sticky + (in.single_.variation >= 0 ? 1 : 0);
}

// REQUIRES: MayNeedLifecycle(visitor), so that a visitor without inputs
// comes from a config with forced lists.
[[gnu::always_inline]] inline bool CompiledConfig::HasInputsOrMayBeListed(
    const VisitorContext& visitor) const {
  return visitor.assignments().count_ != 0 || MayBeListed(visitor.visitor_id());
}

// Inline for the common case, one sticky record and no forced list; the
// rest out of line.
[[gnu::always_inline]] inline bool CompiledConfig::BindLifecycle(
    const VisitorContext& visitor, Lifecycle* lc) const {
  const AssignmentInputs& in = visitor.assignments();
  if (in.overrides_.empty() && !has_forced_lists() && in.records_.size() == 1) {
    BindSingleRecord(in, lc);
    return true;
  }
  const bool bound = BindLifecycleGeneral(visitor, lc);
  lc->forced = lc->overrides != lc->overrides_end || lc->listed != lc->listed_end;
  return bound;
}

[[gnu::always_inline]] inline bool CompiledConfig::StickyAfterPlain(
    const Lifecycle& lc) const {
  // A prerequisite may read the variation a record gives; under single
  // assignment, a sticky `ab` campaign counts as taken where its plain
  // decision may not have.
  if (has_prerequisites_) return false;
  if (!single_assignment_) return true;
  for (const StickyEntry* r = lc.sticky; r != lc.sticky_end; ++r) {
    if (hot_[groups_[r->group].campaign].is_ab) return false;
  }
  return true;
}

[[gnu::always_inline]] inline void CompiledConfig::ApplyStickyRecords(
    const Lifecycle& lc, Decision* items) const {
  for (const StickyEntry* r = lc.sticky; r != lc.sticky_end; ++r) {
    const Group& group = groups_[r->group];
    if (r->version != group.sticky_version) continue;
    Decision& d = items[group.campaign];
    // Step 11 follows step 12's inputs only: the group targeted the visitor
    // and nothing stopped the decision before the pick (a rollback, a kill
    // switch, a window, a layer or holdout), which leaves one of these
    // reasons. The campaign's other groups are not this record's.
    if (d.group != r->group) continue;
    if (d.reason != DecisionReason::kAllocated &&
        d.reason != DecisionReason::kNotAllocated &&
        d.reason != DecisionReason::kNotInTraffic) {
      continue;
    }
    d.variation = r->variation;
    d.reason = DecisionReason::kSticky;
    d.new_assignment = false;
  }
}

}  // namespace allot

#endif  // ALLOT_CORE_INTERNAL_LIFECYCLE_H_
