// File: targeting/internal/scratch_state.h
//
// What a TargetingScratch holds: the visitor bound by the last Bind (one
// value per attribute slot, with the epoch at which it was set, so that
// rebinding never clears the array), the per-visitor memo of expensive
// predicates (same epoch trick), and this thread's own copies of the set's
// RE2 objects, made on first use. Epochs make Bind O(attributes), not
// O(slots + predicates).
#ifndef ALLOT_TARGETING_INTERNAL_SCRATCH_STATE_H_
#define ALLOT_TARGETING_INTERNAL_SCRATCH_STATE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "re2/re2.h"
#include "targeting/attribute_value.h"
#include "targeting/compiled_targeting_set.h"
#include "targeting/internal/stats.h"

namespace allot {

struct TargetingScratch::State {
  // Memo cells hold (epoch << 1) | result, so epochs stay below 2^31.
  static constexpr uint32_t kMaxEpoch = (1u << 31) - 1;

  uint64_t set_id = 0;  // CompiledTargetingSet bound to; 0 = none
  uint32_t epoch = 0;
  AttributeValue visitor;                     // fs_users
  std::vector<AttributeValue> values;         // by slot
  std::vector<uint32_t> bound_epoch;          // by slot; == epoch when present
  std::vector<uint32_t> memo;                 // by memo cell
  std::vector<std::unique_ptr<RE2>> regexes;  // by regex index, lazily made
  internal::TargetingStats stats;
};

}  // namespace allot

#endif  // ALLOT_TARGETING_INTERNAL_SCRATCH_STATE_H_
