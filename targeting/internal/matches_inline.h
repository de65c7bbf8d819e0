// File: targeting/internal/matches_inline.h
//
// What a caller deciding many campaigns (CompiledConfig) inlines of a
// targeting set: Bind, with its cold starts out of line (Prepare, Plan),
// and the part of a tree's test that needs no call: the index check and a
// tree of one predicate in compact form (W1's shape, and every
// single-condition campaign); every other tree goes on out of line
// (MatchesPastForm), without testing either again.
// Also the compact forms' test, FormResult, which Matches inlines as well.
#ifndef ALLOT_TARGETING_INTERNAL_MATCHES_INLINE_H_
#define ALLOT_TARGETING_INTERNAL_MATCHES_INLINE_H_

#include <cstdint>
#include <vector>

#include "targeting/attribute_value.h"
#include "targeting/bytes.h"
#include "targeting/compiled_targeting_set.h"
#include "targeting/internal/predicate.h"
#include "targeting/internal/scratch_state.h"
#include "targeting/internal/set_impl.h"

namespace allot {
namespace internal {

// Relational operator `op` (GREATER_THAN ... LOWER_THAN_OR_EQUALS) between
// two numbers; NaN compares false.
inline bool Relational(Op op, double x, double y) {
  return op == Op::kGreaterThan           ? x > y
         : op == Op::kGreaterThanOrEquals ? x >= y
         : op == Op::kLowerThan           ? x < y
                                          : x <= y;
}

// Whether the interned value `id` is in the bitset starting at word `first`.
inline bool InBitset(const std::vector<uint64_t>& bits, uint32_t first,
                     uint32_t id) {
  return id != kNotInterned && ((bits[first + id / 64] >> (id % 64)) & 1) != 0;
}

}  // namespace internal

template <typename FastTest>
[[gnu::always_inline]] inline int CompiledTargetingSet::FormResult(
    const Impl& impl, const FastTest& f, TargetingScratch::State* s) {
  using Kind = Impl::FastKind;
  // The bound attributes' entries are read in place (no copy of the value:
  // W1's one test per visitor), through the plan's entry of the slot.
  // A string EQUALS first: the most common form, tested before the switch.
  if (f.kind == Kind::kShortString) {
    const int32_t entry = s->slot_entry[f.slot];
    if (entry < 0) return -1;
    const bool equal = s->attributes->ShortStringEquals(
        static_cast<size_t>(entry), f.word, f.aux, f.shift);
    return equal != (f.op == internal::Op::kNotEquals);
  }
  if (f.kind == Kind::kString) {
    const int32_t entry = s->slot_entry[f.slot];
    if (entry < 0) return -1;
    const bool equal =
        s->attributes->StringEquals(static_cast<size_t>(entry), f.data, f.aux);
    return equal != (f.op == internal::Op::kNotEquals);
  }
  if (f.kind == Kind::kGeneric) return -1;
  const int32_t planned = s->slot_entry[f.slot];
  if (planned < 0) return -1;
  const size_t entry = static_cast<size_t>(planned);
  const Attributes& attributes = *s->attributes;
  const ValueType type = attributes.type(entry);
  switch (f.kind) {
    case Kind::kNumber: {
      if (f.op == internal::Op::kEquals || f.op == internal::Op::kNotEquals) {
        const bool equal =
            type == ValueType::kNumber && attributes.number(entry) == f.number;
        return f.op == internal::Op::kEquals ? equal : !equal;
      }
      if (type == ValueType::kNumber) {
        return internal::Relational(f.op, attributes.number(entry), f.number);
      }
      break;
    }
    case Kind::kInterned:
      // (Interned ids come from BindDerived, which a set with interned
      // values runs on every Bind.)
      if (type == ValueType::kString) {
        const bool in =
            internal::InBitset(impl.bits, f.aux, s->interned[f.slot]);
        return f.op == internal::Op::kIn ? in : !in;
      }
      break;
    case Kind::kSemVer:  // through Test, which parses once per visitor
    case Kind::kString:
    case Kind::kShortString:
    case Kind::kGeneric:
      break;
  }
  return -1;
}

[[gnu::always_inline]] inline bool CompiledTargetingSet::MatchesInline(
    size_t tree, TargetingScratch* scratch) const {
  const Impl& impl = *impl_;
  TargetingScratch::State* s = scratch->state_.get();
  const Impl::TreeHead& head = impl.heads[tree];
  if (head.indexed != 0 && !s->TreeMarked(tree)) return false;
  // (Only a tree of one predicate has a compact form in its head.)
  const int result = FormResult(impl, head.form, s);
  if (result >= 0) return result != 0;
  return MatchesPastForm(tree, scratch);
}

[[gnu::always_inline]] inline void CompiledTargetingSet::BindInline(
    std::string_view visitor_id, const Attributes& attributes,
    TargetingScratch* scratch) const {
  const Impl& impl = *impl_;
  TargetingScratch::State* state = scratch->state_.get();
  // A new scratch, another set, or the epoch's wrap: out of line.
  if (state == nullptr || state->set_id != impl.id ||
      state->epoch >= TargetingScratch::State::kMaxEpoch) {
    Prepare(impl, scratch);
    state = scratch->state_.get();
  }
  TargetingScratch::State& s = *state;
  const uint32_t epoch = ++s.epoch;
  s.visitor.string = visitor_id;  // a string since Attach
  // The entries to bind: planned again only when the attributes' names
  // moved (a context refilled in the same order keeps its plan), so names
  // no targeting reads cost nothing here.
  if (attributes.layout() != s.plan_layout ||
      attributes.size() != s.plan_size) {
    Plan(impl, attributes, &s);
  }
  s.attributes = &attributes;
  // A set with nothing to derive from the values (W1's: no interned value,
  // eager predicate or index) copies none of them here (its compact forms
  // read them in place, Test copies one on first read) and skips the call;
  // it marks no tree either (its marks stay as Prepare left them: none).
  if (impl.derives) {
    const TargetingScratch::State::PlanStep* plan = s.plan.data();
    AttributeValue* values = s.values.data();
    uint32_t* bound_epoch = s.bound_epoch.data();
    for (size_t k = 0, n = s.plan_count; k < n; ++k) {
      const uint32_t slot = plan[k].slot;
      values[slot] = attributes.value(plan[k].entry);
      bound_epoch[slot] = epoch;
    }
    BindDerived(impl, &s);
  }
}

}  // namespace allot

#endif  // ALLOT_TARGETING_INTERNAL_MATCHES_INLINE_H_
