// File: targeting/internal/scratch_state.h
//
// What a TargetingScratch holds: the visitor bound by the last Bind (its
// attributes, the entry of each slot's name, and a copy of each value read
// so far, with the epoch at which it was copied, so that rebinding never
// clears the array), the per-visitor memo of expensive predicates (same
// epoch trick), and this thread's own copies of RE2 objects, made on first
// use and kept by pattern, so that a context moving between configs (or to
// a reloaded config with the same regexes) compiles nothing again. Epochs
// make Bind O(attributes) at most, not O(slots + predicates).
#ifndef ALLOT_TARGETING_INTERNAL_SCRATCH_STATE_H_
#define ALLOT_TARGETING_INTERNAL_SCRATCH_STATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "re2/re2.h"
#include "targeting/attribute_value.h"
#include "targeting/attributes.h"
#include "targeting/bytes.h"
#include "targeting/compiled_targeting_set.h"
#include "targeting/internal/semver.h"
#include "targeting/internal/stats.h"

namespace allot {

// Aligned, and its per-decision arrays in blocks of whole cache lines: a
// thread writes them on every decision (see internal::LineAllocator).
struct alignas(internal::kCacheLine) TargetingScratch::State {
  // Memo cells hold (epoch << 1) | result, so epochs stay below 2^31.
  static constexpr uint32_t kMaxEpoch = (1u << 31) - 1;

  uint64_t set_id = 0;  // CompiledTargetingSet bound to; 0 = none
  uint32_t epoch = 0;
  AttributeValue visitor;                     // fs_users
  // The attributes of the bound visitor, read in place by the compact forms
  // (FormResult) through slot_entry, and copied to `values` when something
  // else reads them: by Bind for a set that derives values from them (see
  // Impl::derives), else on first read (BoundValue).
  const Attributes* attributes = nullptr;
  internal::LineVector<AttributeValue> values;  // by slot
  internal::LineVector<uint32_t> bound_epoch;   // by slot; == epoch when copied
  internal::LineVector<uint32_t> memo;         // by memo cell
  // Bind's plan for attributes of layout plan_layout with plan_size
  // entries (Attributes::layout): the entries whose names the set reads,
  // with their slots, plan[0, plan_count). Names are distinct, so there are
  // at most as many as slots.
  struct PlanStep {
    uint32_t entry = 0;
    uint32_t slot = 0;
  };
  internal::LineVector<PlanStep> plan;  // sized by slot
  // By slot: the entry of the planned layout with the slot's name, or -1
  // (the plan's steps the other way round).
  internal::LineVector<int32_t> slot_entry;
  uint64_t plan_layout = 0;
  size_t plan_size = ~size_t{0};  // none yet
  size_t plan_count = 0;
  // By slot, for the interned slots bound to a string this epoch: the id of
  // the visitor's value, or kNotInterned (see Impl::interned).
  internal::LineVector<uint32_t> interned;
  // Derived values, computed at most once per slot and visitor: a version
  // parsed for SEMVER_* (valid while epoch == the scratch's; the
  // prerelease views the bound value).
  struct ParsedVersion {
    uint32_t epoch = 0;
    bool ok = false;
    internal::SemVer version;
  };
  internal::LineVector<ParsedVersion> versions;  // by slot
  // By tree: == epoch when Bind found the tree a candidate (see
  // Impl::indexes); only indexed trees are read, and only after
  // MarkTreeEpochs: Bind lists the candidates (marked_trees_at) and their
  // epochs are written when something first asks about one tree (the
  // sparse path reads the list alone: W2 marks ~25 trees per visitor, W3
  // ~40).
  internal::LineVector<uint32_t> tree_epoch;
  uint32_t tree_epoch_marked = 0;  // the epoch tree_epoch was brought to
  // Brings tree_epoch to this epoch (out of line: the loop stays off the
  // inline paths that ask about a tree).
  void MarkTreeEpochs() {
    if (tree_epoch_marked != epoch) MarkTreeEpochsNow();
  }
  [[gnu::noinline]] void MarkTreeEpochsNow();
  // Whether Bind found indexed tree `tree` a candidate this epoch.
  [[gnu::always_inline]] bool TreeMarked(size_t tree) {
    MarkTreeEpochs();
    return tree_epoch[tree] == epoch;
  }
  // The eager predicates' results for the bound visitor, 64 per word (see
  // Impl::eager); rewritten whole by every Bind.
  internal::LineVector<uint64_t> eager;
  // The trees Bind marked this epoch, in the order it marked them, and
  // their tests beside them (MatchingOfMarked): [0, num_marked) of
  // marked_trees_at and marked_tests_at. Those point into the set's index
  // when the visitor's values name one entry of it (nothing to copy), and
  // at the two buffers below when they name several (copied one after the
  // other).
  const uint32_t* marked_trees_at = nullptr;
  const CompiledTargetingSet::TreeList::Test* marked_tests_at = nullptr;
  internal::LineVector<uint32_t> marked_trees;  // sized for every tree
  internal::LineVector<CompiledTargetingSet::TreeList::Test> marked_tests;
  size_t num_marked = 0;                        // its live entries
  bool marked_complete = true;                  // every marked test is complete
  // The entry's list when the trees are one entry's (its sieve then tests
  // them; MatchingOfMarked), else null. Written by BindDerived; Attach
  // clears it (a set that derives nothing never sets it).
  const CompiledTargetingSet::TreeList* marked_list = nullptr;
  // MatchingOf's result (positions into its input), sized by tree.
  internal::LineVector<uint32_t> matching;
  // MatchingOfList's and MatchingOfMarked's trees awaiting a second look.
  internal::LineVector<uint32_t> pending;
  // Copies kept at most; past this, the cache is emptied at the next
  // Attach (a context that met more distinct regexes than this across
  // reloads).
  static constexpr size_t kMaxCachedRegexes = 256;

  std::vector<RE2*> regexes;  // by regex index of the bound set, lazily set
  // This thread's copies, by RegexEntry::cache_key (options and pattern).
  absl::flat_hash_map<std::string, std::unique_ptr<RE2>> regex_cache;
  internal::TargetingStats stats;
};

}  // namespace allot

#endif  // ALLOT_TARGETING_INTERNAL_SCRATCH_STATE_H_
