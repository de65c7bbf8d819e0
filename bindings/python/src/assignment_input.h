// Reading the assignment inputs of DESIGN §12 out of Python: per-call forced
// variations (`force=`) and the visitor's sticky assignment records
// (`sticky=`), for one visitor (decide, flags) and for a batch (assign).
//
//   FillAssignments(force, sticky, &ctx);             // decide: two dicts
//
//   const ForcedList forced = ReadForced(force);      // assign, GIL held
//   const StickyTable table = ReadStickyTable(...);
//   ...release the GIL...
//   ctx.Reset(id);
//   forced.Apply(&ctx);
//   table.Apply(id, &ctx);
//
// The accepted shapes, with the error each wrong one raises (naming the key):
//   force:  {campaign_id: variation_id}
//   sticky: {group_id: variation_id | (variation_id, version)
//                    | {"variation_id": ..., "version": N}}   (version: 0)
// Ids must be non-empty str; a version an int (not a bool) that fits in 64
// bits. Ids the config lacks are not errors: the core ignores them, since
// configs change between the moment a record is written and read.
//
// REQUIRES: the GIL is held for every Read* and Fill* function. A
// ForcedList or StickyTable, once read, is immutable and may be used by any
// number of threads without the GIL; destroy it with the GIL held.
#ifndef ALLOT_BINDINGS_PYTHON_ASSIGNMENT_INPUT_H_
#define ALLOT_BINDINGS_PYTHON_ASSIGNMENT_INPUT_H_

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "batch_input.h"
#include "core/visitor_context.h"

namespace allot::python {

// Sets the overrides of `force` and the records of `sticky` (each a dict or
// None) on `ctx`, after its Reset. TypeError / ValueError naming the key.
void FillAssignments(const pybind11::handle& force,
                     const pybind11::handle& sticky, VisitorContext* ctx);

// The overrides of a `force=` dict, applied to every visitor of a batch.
class ForcedList {
 public:
  void Apply(VisitorContext* ctx) const {
    for (const auto& [campaign, variation] : overrides_) {
      ctx->Force(campaign, variation);
    }
  }

 private:
  friend ForcedList ReadForced(const pybind11::handle& force);
  std::vector<std::pair<std::string, std::string>> overrides_;
};

// Reads a `force=` dict (or None).
ForcedList ReadForced(const pybind11::handle& force);

// The sticky records of a batch, by visitor id: built once per call (one
// hash map), read by the worker threads. Ids are read in place from the
// Python str objects, which it pins.
class StickyTable {
 public:
  bool empty() const { return records_.empty(); }

  // Sets the records of `visitor_id` on `ctx` (in the order of the input
  // rows, so a later row for the same group wins). `*next_slot`, kept by
  // the caller across its rows (start at 0), is the visitor expected next:
  // a frame in the batch's visitor order (say, the new assignments of the
  // same batch) is read in order, without a hash lookup per row.
  void Apply(std::string_view visitor_id, VisitorContext* ctx,
             uint32_t* next_slot) const {
    if (records_.empty()) return;
    uint32_t slot = *next_slot;
    if (!IsSlotOf(slot, visitor_id)) {
      const auto it = index_.find(visitor_id);
      if (it == index_.end()) return;
      slot = it->second;
    }
    *next_slot = slot + 1;
    const auto [begin, end] = ranges_[slot];
    for (uint32_t i = begin; i < end; ++i) {
      const Record& r = records_[i];
      ctx->SetSticky(r.group, r.variation, r.version);
    }
  }

  // Starts fetching what Apply(visitor_id, ...) will read from the map,
  // unless `next_slot` (as Apply would see it) already names that visitor:
  // a shuffled frame's lookups are cache misses, a few rows ahead they
  // overlap.
  void Prefetch(std::string_view visitor_id, uint32_t next_slot) const {
    if (!records_.empty() && !IsSlotOf(next_slot, visitor_id)) {
      index_.prefetch(visitor_id);
    }
  }

 private:
  friend StickyTable ReadStickyTable(const pybind11::handle& visitor_ids,
                                     const pybind11::handle& group_ids,
                                     const pybind11::handle& variation_ids,
                                     const pybind11::handle& versions);
  // Whether `slot` is that of `visitor_id`.
  bool IsSlotOf(uint32_t slot, std::string_view visitor_id) const {
    return slot < visitor_of_slot_.size() &&
           visitor_of_slot_[slot] == visitor_id;
  }
  struct Record {
    std::string_view group;
    std::string_view variation;
    int64_t version = 0;
  };
  // Visitor id -> its slot; ranges_[slot] is [begin, end) of records_,
  // which are grouped by visitor.
  absl::flat_hash_map<std::string_view, uint32_t> index_;
  std::vector<std::pair<uint32_t, uint32_t>> ranges_;
  std::vector<std::string_view> visitor_of_slot_;  // by slot
  std::vector<Record> records_;
  PinnedObjects pinned_;
};

// Reads the columns of a sticky frame: three 1-D object arrays of str
// (visitor_id, variation_group_id, variation_id) and an int64 array
// (version), of equal length; or four Nones for no records. TypeError /
// ValueError naming the column and row.
StickyTable ReadStickyTable(const pybind11::handle& visitor_ids,
                            const pybind11::handle& group_ids,
                            const pybind11::handle& variation_ids,
                            const pybind11::handle& versions);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_ASSIGNMENT_INPUT_H_
