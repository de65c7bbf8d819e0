#include "targeting/compiled_targeting_set.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <tuple>
#include <utility>

#include "targeting/bytes.h"
#include "targeting/internal/json_render.h"
#include "targeting/internal/matches_inline.h"
#include "targeting/internal/predicate_compiler.h"
#include "targeting/internal/scratch_state.h"
#include "targeting/internal/set_impl.h"

namespace allot {
namespace {

using internal::Op;
using internal::Predicate;

// Distinct strings of a slot's IN lists above which they are not interned
// (a bitset per predicate of up to 64 words).
constexpr size_t kMaxInternedValues = 4096;
// Trees a slot must file for its index to be built (see BuildIndex).
constexpr size_t kMinTreesPerIndex = 4;

uint64_t NextSetId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

// Whether predicate `p` is true exactly when the attribute is a string equal
// to one of its operands: a case-sensitive EQUALS on an attribute slot with
// string operands only.
bool IsIndexableEquals(const Predicate& p, const internal::PredicateTables& t) {
  if (p.op != Op::kEquals || p.ignore_case || p.empty_list || p.count == 0 ||
      p.slot == internal::kVisitorIdSlot || p.slot == internal::kNoSlot) {
    return false;
  }
  for (uint32_t i = 0; i < p.count; ++i) {
    if (t.operands[p.begin + i].type != ValueType::kString) return false;
  }
  return true;
}

using internal::InBitset;
using internal::Relational;

// The most common predicates, evaluated here rather than through
// EvaluatePredicate's dispatch: EQUALS / NOT_EQUALS of one operand without
// ignore_case (StrictEquals), and a relational operator of one operand on a
// number (JavaScript compares numbers as numbers, the operand's ToNumber
// precomputed). Whether it answered; the answer in *result.
[[gnu::always_inline]] inline bool InlineEvaluate(const Predicate& p, const AttributeValue* a,
                           const internal::PredicateTables& t, bool* result) {
  if (a == nullptr || p.empty_list || p.count != 1) return false;
  // Only the operators below range over operands (others over semvers or
  // instants): the operand is read once the operator is known.
  auto operand = [&]() -> const internal::Operand& {
    return t.operands[p.begin];
  };
  switch (p.op) {
    case Op::kEquals:
    case Op::kNotEquals: {
      if (p.ignore_case) return false;
      const internal::Operand& b = operand();
      bool equal = a->type == b.type;
      if (equal) {
        switch (a->type) {
          case ValueType::kString:
            equal = internal::EqualBytes(a->string, b.string);
            break;
          case ValueType::kNumber:
            equal = a->number == b.number;
            break;
          case ValueType::kBool:
            equal = a->boolean == b.boolean;
            break;
        }
      }
      *result = p.op == Op::kEquals ? equal : !equal;
      return true;
    }
    case Op::kGreaterThan:
    case Op::kGreaterThanOrEquals:
    case Op::kLowerThan:
    case Op::kLowerThanOrEquals: {
      if (a->type != ValueType::kNumber) return false;
      *result = Relational(p.op, a->number, operand().number);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

void CompiledTargetingSet::BuildIndex(Impl* impl) {
  const size_t trees = impl->tree_groups.size() - 1;
  const internal::PredicateTables& t = impl->tables;
  // Distinct values per slot, over every indexable predicate.
  absl::flat_hash_map<uint32_t, absl::flat_hash_map<std::string_view, bool>>
      values_of_slot;
  auto indexable = [&](size_t tree, auto&& each) {
    if (impl->tree_groups[tree + 1] - impl->tree_groups[tree] != 1) return;
    const Impl::Group& g = impl->groups[impl->tree_groups[tree]];
    for (uint32_t k = 0; k < g.count; ++k) {
      const Predicate& p = t.predicates[impl->order[g.begin + k]];
      if (IsIndexableEquals(p, t)) each(p);
    }
  };
  for (size_t tree = 0; tree < trees; ++tree) {
    indexable(tree, [&](const Predicate& p) {
      for (uint32_t i = 0; i < p.count; ++i) {
        values_of_slot[p.slot][t.operands[p.begin + i].string] = true;
      }
    });
  }
  if (values_of_slot.empty()) return;
  // Each tree's best predicate, then the slots that file enough trees: a
  // lookup costs about what evaluating one EQUALS does, so an index of a
  // tree or two would slow down the configs it cannot help (W1).
  std::vector<const Predicate*> best(trees, nullptr);
  absl::flat_hash_map<uint32_t, size_t> trees_of_slot;
  for (size_t tree = 0; tree < trees; ++tree) {
    indexable(tree, [&](const Predicate& p) {
      if (best[tree] == nullptr || values_of_slot[p.slot].size() >
                                       values_of_slot[best[tree]->slot].size()) {
        best[tree] = &p;
      }
    });
    if (best[tree] != nullptr) ++trees_of_slot[best[tree]->slot];
  }
  absl::flat_hash_map<uint32_t, size_t> index_of_slot;
  for (size_t tree = 0; tree < trees; ++tree) {
    const Predicate* p = best[tree];
    if (p == nullptr || trees_of_slot[p->slot] < kMinTreesPerIndex) continue;
    auto [it, added] = index_of_slot.try_emplace(p->slot, impl->indexes.size());
    if (added) impl->indexes.push_back(Impl::SlotIndex{p->slot, {}});
    Impl::SlotIndex& index = impl->indexes[it->second];
    for (uint32_t i = 0; i < p->count; ++i) {
      std::vector<uint32_t>& list =
          index.trees[t.operands[p->begin + i].string].trees;
      // An operand listed twice files the tree once.
      if (list.empty() || list.back() != tree) list.push_back(static_cast<uint32_t>(tree));
    }
    impl->tree_indexed[tree] = 1;
    impl->index_predicate[tree] =
        static_cast<uint32_t>(p - t.predicates.data());
  }
}

bool CompiledTargetingSet::IsIndexed(size_t tree) const {
  return tree < impl_->tree_indexed.size() && impl_->tree_indexed[tree] != 0;
}

CompiledTargetingSet::Candidates CompiledTargetingSet::CandidatesOf(
    const TargetingScratch& scratch) const {
  // (The scratch's state is the per-visitor cache: marking its epochs
  // changes no answer.)
  TargetingScratch::State* s = scratch.state_.get();
  if (s == nullptr || s->set_id != impl_->id || impl_->indexes.empty()) {
    return Candidates();
  }
  s->MarkTreeEpochs();  // for MayMatch
  return Candidates{impl_->tree_indexed.data(), s->tree_epoch.data(), s->epoch,
                    s->marked_trees_at, s->num_marked};
}

void TargetingScratch::State::MarkTreeEpochsNow() {
  for (size_t k = 0; k < num_marked; ++k) tree_epoch[marked_trees_at[k]] = epoch;
  tree_epoch_marked = epoch;
}

CompiledTargetingSet::Marked CompiledTargetingSet::MarkedOf(
    const TargetingScratch& scratch) const {
  const TargetingScratch::State* s = scratch.state_.get();
  if (s == nullptr || s->set_id != impl_->id || impl_->indexes.empty()) {
    return Marked();
  }
  return Marked{s->marked_trees_at, s->num_marked};
}

void CompiledTargetingSet::BuildInterned(Impl* impl) {
  internal::PredicateTables& t = impl->tables;
  auto interned = [](const Predicate& p, const internal::PredicateTables& t) {
    return (p.op == Op::kIn || p.op == Op::kNotIn) && !p.empty_list &&
           p.slot != internal::kVisitorIdSlot && p.slot != internal::kNoSlot &&
           !t.sets[p.aux].ignore_case();
  };
  absl::flat_hash_map<uint32_t, size_t> of_slot;  // slot -> in impl->interned
  for (const Predicate& p : t.predicates) {
    if (!interned(p, t)) continue;
    auto [it, added] = of_slot.try_emplace(p.slot, impl->interned.size());
    if (added) impl->interned.push_back({.slot = p.slot, .ids = {}});
    auto& ids = impl->interned[it->second].ids;
    t.sets[p.aux].ForEachString([&](std::string_view v) {
      ids.try_emplace(v, static_cast<uint32_t>(ids.size()));
    });
  }
  // A slot with very many distinct values would give every one of its
  // predicates a long bitset: those keep their hash sets.
  std::erase_if(impl->interned, [](const Impl::InternedSlot& slot) {
    return slot.ids.size() > kMaxInternedValues;
  });
  of_slot.clear();
  for (size_t i = 0; i < impl->interned.size(); ++i) {
    of_slot[impl->interned[i].slot] = i;
  }
  for (Predicate& p : t.predicates) {
    if (!interned(p, t)) continue;
    const auto slot = of_slot.find(p.slot);
    if (slot == of_slot.end()) continue;  // over kMaxInternedValues
    const auto& ids = impl->interned[slot->second].ids;
    p.bits = static_cast<uint32_t>(impl->bits.size());
    impl->bits.resize(impl->bits.size() + (ids.size() + 63) / 64, 0);
    t.sets[p.aux].ForEachString([&](std::string_view v) {
      const uint32_t id = ids.at(v);
      impl->bits[p.bits + id / 64] |= uint64_t{1} << (id % 64);
    });
  }
}

// Points `s` at `impl`, sizing its arrays; allocates only when they grow.
void CompiledTargetingSet::Attach(const Impl& impl,
                                  TargetingScratch::State* s) {
  const size_t slots = impl.attribute_names.size();
  s->set_id = impl.id;
  s->epoch = 0;
  s->visitor = AttributeValue::String({});  // Bind sets the string
  s->values.resize(slots);
  s->bound_epoch.assign(slots, 0);
  s->plan.assign(slots, TargetingScratch::State::PlanStep());
  s->slot_entry.assign(slots, -1);
  s->plan_size = ~size_t{0};  // planned for another set's slots
  s->plan_count = 0;
  s->attributes = nullptr;
  s->memo.assign(impl.tables.memo_cells, 0);
  s->interned.assign(slots, internal::kNotInterned);
  s->versions.assign(slots, TargetingScratch::State::ParsedVersion());
  // One more than the trees: MatchingOf reads the entry of its sentinel
  // test, which stays 0 (no epoch is 0).
  s->tree_epoch.assign(impl.tree_indexed.size() + 1, 0);
  s->tree_epoch_marked = 0;
  s->matching.resize(impl.tree_indexed.size());
  s->pending.resize(impl.tree_indexed.size());
  // At least one word: a head's empty single mask reads word 0.
  s->eager.assign(std::max<size_t>(1, (impl.eager.size() + 63) / 64), 0);
  // Bind stores into it by index: each tree is marked at most once.
  s->marked_trees.assign(impl.tree_indexed.size(), 0);
  s->marked_tests.assign(impl.tree_indexed.size(), TreeList::Test());
  s->marked_trees_at = s->marked_trees.data();
  s->marked_tests_at = s->marked_tests.data();
  s->num_marked = 0;
  s->marked_list = nullptr;
  s->marked_complete = true;
  // The copies stay in the cache; only the pointers of the old set go.
  if (s->regex_cache.size() > TargetingScratch::State::kMaxCachedRegexes) {
    s->regex_cache.clear();
  }
  s->regexes.assign(impl.tables.regexes.size(), nullptr);
}

[[gnu::always_inline]] inline const internal::SemVer*
CompiledTargetingSet::VersionOf(TargetingScratch::State* s, uint32_t slot,
                                const AttributeValue& a) {
  TargetingScratch::State::ParsedVersion& v = s->versions[slot];
  if (v.epoch != s->epoch) {
    v.epoch = s->epoch;
    v.ok = a.type == ValueType::kString &&
           internal::ParseSemVerInline(a.string, &v.version);
  }
  return v.ok ? &v.version : nullptr;
}

// The evaluations that need more than a few instructions: a version parsed
// once per visitor, a regex through this thread's copy, everything else
// through EvaluatePredicate. Out of line, so that Test stays small enough to
// inline into Matches.
bool CompiledTargetingSet::Evaluate(const Impl& impl, const Predicate& p,
                                    const AttributeValue* a,
                                    TargetingScratch::State* s) {
  if (a != nullptr && p.slot < s->versions.size() &&
      internal::IsSemverOp(p.op) && !p.empty_list) {
    ++s->stats.version_comparisons;
    const internal::SemVer* v = VersionOf(s, p.slot, *a);
    return v != nullptr && internal::EvaluateParsedSemver(p, *v, impl.tables);
  }
  const RE2* regex = nullptr;
  if (p.op == Op::kMatchesRegex || p.op == Op::kNotMatchesRegex) {
    ++s->stats.regex_matches;
    // A pattern of the simple shape on ASCII text: no RE2 call (~60 ns of
    // set-up and DFA-cache locking for an e-mail address).
    const std::optional<internal::SimpleRegex>& simple =
        impl.tables.regexes[p.aux].simple;
    if (simple.has_value() && a != nullptr && a->type == ValueType::kString) {
      const internal::SimpleRegex::Result r = simple->Search(a->string);
      if (r != internal::SimpleRegex::Result::kNotAscii) {
        const bool match = r == internal::SimpleRegex::Result::kMatch;
        return p.op == Op::kMatchesRegex ? match : !match;
      }
    }
    RE2*& own = s->regexes[p.aux];
    if (own == nullptr) {
      // This thread's own copy (matching a shared RE2 takes a lock), kept
      // across configs that share the pattern.
      const internal::RegexEntry& e = impl.tables.regexes[p.aux];
      auto it = s->regex_cache.find(e.cache_key);
      if (it == s->regex_cache.end()) {
        it = s->regex_cache
                 .emplace(e.cache_key, std::make_unique<RE2>(e.pattern, e.options))
                 .first;
      }
      own = it->second.get();
    }
    regex = own;
  }
  return internal::EvaluatePredicate(p, a, impl.tables, regex);
}

[[gnu::always_inline]] inline const AttributeValue*
CompiledTargetingSet::BoundValue(TargetingScratch::State* s, uint32_t slot) {
  if (s->bound_epoch[slot] == s->epoch) return &s->values[slot];
  const int32_t entry = s->slot_entry[slot];
  if (entry < 0) return nullptr;
  s->values[slot] = s->attributes->value(static_cast<size_t>(entry));
  s->bound_epoch[slot] = s->epoch;
  return &s->values[slot];
}

[[gnu::always_inline]] inline bool CompiledTargetingSet::Test(
    const Impl& impl, const Predicate& p, TargetingScratch::State* s) {
  if (p.memo != internal::kNoMemo) {
    const uint32_t cell = s->memo[p.memo];
    if ((cell >> 1) == s->epoch) return (cell & 1) != 0;
  }
  const AttributeValue* a = nullptr;
  if (p.slot == internal::kVisitorIdSlot) {
    a = &s->visitor;
  } else if (p.slot < s->values.size()) {
    a = BoundValue(s, p.slot);
  }
  bool result;
  if (p.bits != internal::kNoBits && a != nullptr &&
      a->type == ValueType::kString) {
    // Interned IN / NOT_IN: Bind found the value's id once for every list.
    const bool in = InBitset(impl.bits, p.bits, s->interned[p.slot]);
    result = p.op == Op::kIn ? in : !in;
  } else if (!InlineEvaluate(p, a, impl.tables, &result)) {
    result = Evaluate(impl, p, a, s);
  }
  if (p.memo != internal::kNoMemo) {
    s->memo[p.memo] = (s->epoch << 1) | (result ? 1u : 0u);
  }
  return result;
}

template <typename FastTest>
void CompiledTargetingSet::FormOf(const internal::PredicateTables& t,
                                  const Predicate& p, FastTest* out) {
  using Kind = Impl::FastKind;
  FastTest& f = *out;
  f = FastTest();
  if (p.empty_list || p.slot == internal::kVisitorIdSlot ||
      p.slot == internal::kNoSlot) {
    return;
  }
  f.slot = p.slot;
  f.op = p.op;
  if (p.op == Op::kIn || p.op == Op::kNotIn) {
    if (p.bits == internal::kNoBits) return;
    f.kind = Kind::kInterned;
    f.aux = p.bits;
    return;
  }
  if (p.count != 1) return;
  // Only the operators below range over operands (SEMVER_* range over
  // semvers, BEFORE / AFTER over instants): the operand is read once the
  // operator is known.
  switch (p.op) {
    case Op::kEquals:
    case Op::kNotEquals: {
      if (p.ignore_case) break;
      const internal::Operand& operand = t.operands[p.begin];
      if (operand.type == ValueType::kString) {
        f.kind = Kind::kString;
        f.aux = static_cast<uint32_t>(operand.string.size());
        f.data = operand.string.data();
      } else if (operand.type == ValueType::kNumber) {
        f.kind = Kind::kNumber;
        f.number = operand.number;
      }
      break;
    }
    case Op::kGreaterThan:
    case Op::kGreaterThanOrEquals:
    case Op::kLowerThan:
    case Op::kLowerThanOrEquals:
      f.kind = Kind::kNumber;
      f.number = t.operands[p.begin].number;
      break;
    case Op::kSemverGreaterThan:
    case Op::kSemverGreaterThanOrEquals:
    case Op::kSemverLowerThan:
    case Op::kSemverLowerThanOrEquals: {
      // A release operand: a visitor's version, prerelease or not, then
      // compares to it as their keys do.
      const internal::SemVer& operand = t.semvers[p.begin];
      uint64_t key = 0;
      if (operand.prerelease.empty() && internal::PackSemVer(operand, &key)) {
        f.kind = Kind::kSemVer;
        f.version = key;
      }
      break;
    }
    default:
      break;
  }
}

void CompiledTargetingSet::BuildEager(Impl* impl) {
  const internal::PredicateTables& t = impl->tables;
  const size_t trees = impl->tree_groups.size() - 1;
  // Whether predicate i is cheap enough to evaluate for every visitor.
  auto cheap = [&](uint32_t i) {
    const Predicate& p = t.predicates[i];
    return internal::OperatorCost(p.op) <= 1 || p.bits != internal::kNoBits;
  };
  // The eager bit of each predicate, kNoPredicate when lazy.
  std::vector<uint32_t> bit_of(t.predicates.size(), Impl::kNoPredicate);
  auto add = [&](uint32_t i) {
    if (bit_of[i] != Impl::kNoPredicate) return;
    bit_of[i] = static_cast<uint32_t>(impl->eager.size());
    Impl::EagerTest& e = impl->eager.emplace_back();
    e.predicate = t.predicates[i];
    // Evaluated once per visitor into its bit, which every tree that reads
    // the predicate then tests (a tree of that one predicate too).
    e.predicate.memo = internal::kNoMemo;
    FormOf(t, e.predicate, &e.fast);
  };
  // Every tree outside the index is evaluated for every visitor: its cheap
  // predicates always pay for themselves. Then the indexed trees', while
  // the set stays small.
  // A tree of one predicate gains nothing: its test through the compact
  // form costs what setting and testing a bit does (W1's shape), so it
  // makes no predicate eager.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t tree = 0; tree < trees; ++tree) {
      if ((impl->tree_indexed[tree] != 0) != (pass == 1) ||
          impl->OnePredicate(tree))
        continue;
      for (uint32_t g = impl->tree_groups[tree];
           g < impl->tree_groups[tree + 1]; ++g) {
        const Impl::Group& group = impl->groups[g];
        for (uint32_t k = group.begin; k < group.begin + group.count; ++k) {
          const uint32_t i = impl->order[k];
          if (i == impl->index_predicate[tree] || !cheap(i)) continue;
          if (pass == 1 && bit_of[i] == Impl::kNoPredicate &&
              impl->eager.size() >= Impl::kMaxEager) {
            continue;
          }
          add(i);
        }
      }
    }
  }
  // Then the costly predicates (regex, semver, ...) that at least
  // kSharedEager trees outside the index share, provided those trees are
  // evaluated about once per visitor or more in all, by the shares their
  // specs give (W2's regex and versions; W2 in five layers of 10 % ranges:
  // 30 trees of share 0.1 read the regex, three evaluations per visitor):
  // nearly every visitor needs them, so Bind evaluates each once into a bit
  // as well, and the trees that read them are decided by their masks alone,
  // without a memo read per tree and predicate, nor the lazy walk of a
  // tree whose predicates are not all eager. Only while the eager bits
  // fit one word, so that a group's bits stay in one word (one mask). The
  // price: a visitor whom none of those trees needed still pays one
  // evaluation of each, what the memo would otherwise have spared.
  // A slot's version comparisons count together (one parse of the
  // visitor's version serves them all; see below).
  // Each predicate's form made once (the rules below ask several times).
  std::vector<uint8_t> version_form(t.predicates.size());
  for (uint32_t i = 0; i < t.predicates.size(); ++i) {
    Impl::FastTest form;
    FormOf(t, t.predicates[i], &form);
    version_form[i] = form.kind == Impl::FastKind::kSemVer;
  }
  std::vector<uint32_t> sharing(t.predicates.size(), 0);
  std::vector<double> evaluations(t.predicates.size(), 0);
  std::vector<size_t> counted_in(t.predicates.size(), trees);
  for (size_t tree = 0; tree < trees; ++tree) {
    if (impl->tree_indexed[tree] != 0 || impl->OnePredicate(tree)) continue;
    for (uint32_t g = impl->tree_groups[tree]; g < impl->tree_groups[tree + 1];
         ++g) {
      const Impl::Group& group = impl->groups[g];
      for (uint32_t k = group.begin; k < group.begin + group.count; ++k) {
        const uint32_t i = impl->order[k];
        if (counted_in[i] == tree) continue;  // once per tree
        counted_in[i] = tree;
        ++sharing[i];
        evaluations[i] += impl->evaluated_share[tree];
      }
    }
  }
  absl::flat_hash_map<uint32_t, std::pair<uint32_t, double>> version_slots;
  for (uint32_t i = 0; i < t.predicates.size(); ++i) {
    if (sharing[i] != 0 && version_form[i]) {
      auto& [count, sum] = version_slots[t.predicates[i].slot];
      count += sharing[i];
      sum += evaluations[i];
    }
  }
  for (uint32_t i = 0; i < t.predicates.size(); ++i) {
    if (impl->eager.size() >= 64) break;
    if (bit_of[i] != Impl::kNoPredicate || cheap(i) ||
        t.predicates[i].memo == internal::kNoMemo) {
      continue;
    }
    uint32_t count = sharing[i];
    double sum = evaluations[i];
    if (const auto it = version_slots.find(t.predicates[i].slot);
        it != version_slots.end() && version_form[i]) {
      count = it->second.first;
      sum = it->second.second;
    }
    if (count >= Impl::kSharedEager && sum >= 1.0) add(i);
  }
  // A slot's version comparisons: once one of them is eager, Bind parses
  // the visitor's version anyway, and each other comparison of the slot
  // costs one more operand of the same run's search. So every comparison
  // of that slot that several trees read goes eager too (W2's five
  // thresholds, each shared by fewer trees than kSharedEager), rather than
  // a memo read and a call per tree that reads it.
  // (An eager predicate's form was made when it was added.)
  std::vector<uint32_t> parsed_slots;
  for (uint32_t i = 0; i < t.predicates.size(); ++i) {
    if (bit_of[i] != Impl::kNoPredicate &&
        impl->eager[bit_of[i]].fast.kind == Impl::FastKind::kSemVer) {
      parsed_slots.push_back(t.predicates[i].slot);
    }
  }
  for (uint32_t i = 0; i < t.predicates.size() && !parsed_slots.empty(); ++i) {
    if (impl->eager.size() >= 64) break;
    if (bit_of[i] == Impl::kNoPredicate &&
        t.predicates[i].memo != internal::kNoMemo && version_form[i] &&
        std::find(parsed_slots.begin(), parsed_slots.end(),
                  t.predicates[i].slot) != parsed_slots.end()) {
      add(i);
    }
  }
  // Runs: sort by slot, form and operator, then renumber the bits.
  std::vector<uint32_t> by(impl->eager.size());
  for (uint32_t b = 0; b < by.size(); ++b) by[b] = b;
  // An operand that is NaN (the number of a string operand such as "abc")
  // is satisfied by no value: last in its run, after every number (and
  // out of the comparison, which NaN would make no strict order).
  auto key = [&](uint32_t b) {
    const Impl::EagerTest& e = impl->eager[b];
    double order = 0;
    const bool nan =
        e.fast.kind == Impl::FastKind::kNumber && std::isnan(e.fast.number);
    if (e.fast.kind == Impl::FastKind::kNumber && !nan) {
      switch (e.fast.op) {
        case Op::kGreaterThan:
        case Op::kGreaterThanOrEquals:
          order = e.fast.number;
          break;
        case Op::kLowerThan:
        case Op::kLowerThanOrEquals:
          order = -e.fast.number;
          break;
        default:
          break;
      }
    }
    // Versions likewise, by key (ascending for > and >=, descending for <
    // and <=).
    uint64_t rank = 0;
    if (e.fast.kind == Impl::FastKind::kSemVer) {
      rank = e.fast.op == Op::kSemverGreaterThan ||
                     e.fast.op == Op::kSemverGreaterThanOrEquals
                 ? e.fast.version
                 : ~e.fast.version;
    }
    return std::make_tuple(e.fast.kind == Impl::FastKind::kGeneric, e.fast.slot,
                           e.fast.kind, e.fast.op, nan, order, rank);
  };
  std::stable_sort(by.begin(), by.end(),
                   [&](uint32_t x, uint32_t y) { return key(x) < key(y); });
  std::vector<uint32_t> renumber(by.size());
  std::vector<Impl::EagerTest> sorted;
  sorted.reserve(by.size());
  for (uint32_t b = 0; b < by.size(); ++b) {
    renumber[by[b]] = b;
    sorted.push_back(impl->eager[by[b]]);
  }
  impl->eager = std::move(sorted);
  for (uint32_t& bit : bit_of) {
    if (bit != Impl::kNoPredicate) bit = renumber[bit];
  }
  for (uint32_t b = 0; b < impl->eager.size(); ++b) {
    const Impl::FastTest& f = impl->eager[b].fast;
    if (!impl->runs.empty()) {
      Impl::EagerRun& last = impl->runs.back();
      if (last.kind == f.kind && last.slot == f.slot && last.op == f.op &&
          last.count < 64) {
        ++last.count;
        continue;
      }
    }
    impl->runs.push_back(Impl::EagerRun{f.kind, f.op, f.slot, b, 1, 0});
  }
  // The interned runs' tables.
  impl->interned_rows.assign(impl->attribute_names.size(), 0);
  for (const Impl::InternedSlot& slot : impl->interned) {
    impl->interned_rows[slot.slot] = static_cast<uint32_t>(slot.ids.size());
  }
  for (Impl::EagerRun& run : impl->runs) {
    if (run.kind != Impl::FastKind::kInterned) continue;
    const size_t values = impl->interned_rows[run.slot];
    run.table = static_cast<uint32_t>(impl->run_tables.size());
    const bool negate = run.op != Op::kIn;
    for (size_t id = 0; id <= values; ++id) {
      const uint32_t value =
          id == values ? internal::kNotInterned : static_cast<uint32_t>(id);
      uint64_t word = 0;
      for (uint32_t i = 0; i < run.count; ++i) {
        const bool in =
            InBitset(impl->bits, impl->eager[run.begin + i].fast.aux, value);
        word |= uint64_t{in != negate} << i;
      }
      impl->run_tables.push_back(word);
    }
  }
  for (size_t tree = 0; tree < trees; ++tree) {
    for (uint32_t g = impl->tree_groups[tree]; g < impl->tree_groups[tree + 1];
         ++g) {
      Impl::Group& group = impl->groups[g];
      group.mask_begin = static_cast<uint32_t>(impl->masks.size());
      group.lazy_begin = static_cast<uint32_t>(impl->lazy.size());
      for (uint32_t k = group.begin; k < group.begin + group.count; ++k) {
        const uint32_t i = impl->order[k];
        if (i == impl->index_predicate[tree]) continue;  // true when marked
        const uint32_t bit = bit_of[i];
        if (bit == Impl::kNoPredicate) {
          impl->lazy.push_back(impl->ordered[k]);  // memo and bitset set
          continue;
        }
        const uint32_t word = bit / 64;
        auto first = impl->masks.begin() + group.mask_begin;
        auto it = std::find_if(
            first, impl->masks.end(),
            [&](const Impl::WordMask& m) { return m.word == word; });
        if (it == impl->masks.end()) {
          impl->masks.push_back(Impl::WordMask{word, 0});
          it = impl->masks.end() - 1;
        }
        it->mask |= uint64_t{1} << (bit % 64);
      }
      group.mask_count =
          static_cast<uint32_t>(impl->masks.size()) - group.mask_begin;
      group.lazy_count =
          static_cast<uint32_t>(impl->lazy.size()) - group.lazy_begin;
    }
  }
}

namespace {

// The results of a relational run (numbers or versions) for the visitor's
// `x`: the run is sorted so that the satisfied operands come first, so
// their number is where it stops being satisfied, found by halving without
// a branch on x (log2 of the run's operands read, not all of them). One
// search per operator: no dispatch inside. (`e`: the run's Impl::EagerTest
// entries.)
template <typename EagerTest, typename T, typename OperandOf>
[[gnu::always_inline]] inline uint64_t RelationalRunBits(Op op,
                                                         const EagerTest* e,
                                                         uint32_t n, T x,
                                                         OperandOf operand_of) {
  uint32_t k = 0;
  auto count = [&](auto satisfied) {
    const EagerTest* base = e;
    for (uint32_t len = n; len > 1;) {
      const uint32_t half = len / 2;
      base = satisfied(x, operand_of(base[half])) ? base + half : base;
      len -= half;
    }
    k = static_cast<uint32_t>(base - e) + satisfied(x, operand_of(*base));
  };
  switch (op) {
    case Op::kGreaterThan:
    case Op::kSemverGreaterThan:
      count([](T a, T b) { return a > b; });
      break;
    case Op::kGreaterThanOrEquals:
    case Op::kSemverGreaterThanOrEquals:
      count([](T a, T b) { return a >= b; });
      break;
    case Op::kLowerThan:
    case Op::kSemverLowerThan:
      count([](T a, T b) { return a < b; });
      break;
    default:
      count([](T a, T b) { return a <= b; });
      break;
  }
  return k == 64 ? ~uint64_t{0} : (uint64_t{1} << k) - 1;
}

}  // namespace

void CompiledTargetingSet::BindEager(const Impl& impl,
                                     TargetingScratch::State* s) {
  using Kind = Impl::FastKind;
  // Bits come in order, each once: gathered in `word` and stored whole
  // (no zeroing pass, which the compiler makes a call to memset).
  uint64_t* words = s->eager.data();
  uint64_t word = 0;
  auto set = [words, &word](uint32_t b, bool value) {
    word |= uint64_t{value} << (b % 64);
    if (b % 64 == 63) {
      words[b / 64] = word;
      word = 0;
    }
  };
  // The results of a whole run at once (its `count` low bits).
  auto deposit = [words, &word](uint32_t begin, uint32_t count, uint64_t bits) {
    const uint32_t offset = begin % 64;
    word |= bits << offset;
    if (offset + count >= 64) {
      words[begin / 64] = word;
      word = offset == 0 ? 0 : bits >> (64 - offset);
    }
  };
  const Impl::EagerTest* eager = impl.eager.data();
  for (const Impl::EagerRun& run : impl.runs) {
    const Impl::EagerTest* e = eager + run.begin;
    if (run.kind != Kind::kGeneric && s->bound_epoch[run.slot] == s->epoch) {
      const AttributeValue& a = s->values[run.slot];
      bool done = true;
      switch (run.kind) {
        case Kind::kString: {
          const bool negate = run.op != Op::kEquals;
          for (uint32_t i = 0; i < run.count; ++i) {
            const bool equal =
                a.type == ValueType::kString &&
                a.string.size() == e[i].fast.aux &&
                internal::EqualBytes(a.string.data(), e[i].fast.data,
                                     e[i].fast.aux);
            set(run.begin + i, equal != negate);
          }
          break;
        }
        case Kind::kNumber: {
          const double x = a.number;
          const bool number = a.type == ValueType::kNumber;
          switch (run.op) {
            case Op::kEquals:
            case Op::kNotEquals: {
              const bool negate = run.op != Op::kEquals;
              for (uint32_t i = 0; i < run.count; ++i) {
                set(run.begin + i, (number && x == e[i].fast.number) != negate);
              }
              break;
            }
            default: {
              if (!number) {
                done = false;
                break;
              }
              deposit(run.begin, run.count,
                      RelationalRunBits(run.op, e, run.count, x,
                                        [](const Impl::EagerTest& t) {
                                          return t.fast.number;
                                        }));
              break;
            }
          }
          break;
        }
        case Kind::kInterned: {
          if (a.type != ValueType::kString) {
            done = false;
            break;
          }
          // One word of the run's table: the row of the value's id, the
          // last row for a value not interned.
          const uint32_t id = s->interned[run.slot];
          const uint32_t rows = impl.interned_rows[run.slot];
          deposit(run.begin, run.count,
                  impl.run_tables[run.table + (id < rows ? id : rows)]);
          break;
        }
        case Kind::kSemVer: {
          // No version makes every operator false.
          const internal::SemVer* v = VersionOf(s, run.slot, a);
          uint64_t key = 0;
          if (v == nullptr) {
            deposit(run.begin, run.count, 0);
          } else if (!internal::PackSemVer(*v, &key)) {
            done = false;
          } else {
            deposit(run.begin, run.count,
                    RelationalRunBits(run.op, e, run.count, key,
                                      [](const Impl::EagerTest& t) {
                                        return t.fast.version;
                                      }));
          }
          break;
        }
        case Kind::kGeneric:
        case Kind::kShortString:  // (a tree's head only, never eager)
          done = false;
          break;
      }
      if (done) continue;
    }
    // Missing, another type, or no compact form.
    for (uint32_t i = 0; i < run.count; ++i) {
      set(run.begin + i, Test(impl, e[i].predicate, s));
    }
  }
  if (impl.eager.size() % 64 != 0) words[impl.eager.size() / 64] = word;
}

absl::StatusOr<std::shared_ptr<const CompiledTargetingSet>>
CompiledTargetingSet::Create(const std::vector<TargetingTreeSpec>& trees,
                             const TargetingOptions& options) {
  auto impl = std::make_unique<Impl>();
  internal::PredicateCompiler compiler(options, &impl->tables);
  impl->tree_groups.push_back(0);
  for (const TargetingTreeSpec& tree : trees) {
    for (const TargetingGroupSpec& group : tree.groups) {
      Impl::Group g;
      g.begin = static_cast<uint32_t>(impl->order.size());
      std::vector<Impl::ExplainTargeting>& explain =
          impl->explain.emplace_back();
      for (const TargetingSpec& t : group.targetings) {
        absl::StatusOr<uint32_t> index = compiler.Compile(t);
        if (!index.ok()) return index.status();
        impl->order.push_back(*index);
        explain.push_back(Impl::ExplainTargeting{
            t.path, t.key, t.op,
            t.value ? internal::RenderJson(*t.value) : "missing", *index});
      }
      g.count = static_cast<uint32_t>(impl->order.size()) - g.begin;
      // Cheap predicates first; predicates are pure, so the AND's result
      // cannot change.
      const auto& preds = impl->tables.predicates;
      std::stable_sort(impl->order.begin() + g.begin, impl->order.end(),
                       [&](uint32_t a, uint32_t b) {
                         return internal::OperatorCost(preds[a].op) <
                                internal::OperatorCost(preds[b].op);
                       });
      impl->groups.push_back(g);
    }
    impl->tree_groups.push_back(static_cast<uint32_t>(impl->groups.size()));
    impl->evaluated_share.push_back(
        static_cast<float>(std::clamp(tree.evaluated_share, 0.0, 1.0)));
  }
  // Memoise the expensive predicates that more than one targeting shares:
  // they are then evaluated at most once per visitor.
  const std::vector<uint32_t>& uses = compiler.use_counts();
  for (size_t i = 0; i < impl->tables.predicates.size(); ++i) {
    Predicate& p = impl->tables.predicates[i];
    if (uses[i] > 1 &&
        internal::OperatorCost(p.op) >= internal::kMemoisedCost) {
      p.memo = impl->tables.memo_cells++;
    }
  }
  impl->attribute_names = compiler.attribute_names();
  impl->slots = internal::SlotTable(impl->attribute_names);
  impl->tree_indexed.assign(impl->tree_groups.size() - 1, 0);
  impl->index_predicate.assign(impl->tree_groups.size() - 1,
                               Impl::kNoPredicate);
  if (options.candidate_index) BuildIndex(impl.get());
  BuildInterned(impl.get());
  impl->ordered.reserve(impl->order.size());
  for (const uint32_t index : impl->order) {
    impl->ordered.push_back(impl->tables.predicates[index]);
  }
  BuildEager(impl.get());
  impl->heads.resize(impl->tree_indexed.size());
  for (size_t t = 0; t < impl->heads.size(); ++t) {
    Impl::TreeHead& head = impl->heads[t];
    head.first_group = impl->tree_groups[t];
    head.end_group = impl->tree_groups[t + 1];
    head.indexed = impl->tree_indexed[t];
    if (impl->OnePredicate(t)) {
      head.single = impl->groups[head.first_group].begin;
      // A memoised predicate (shared by several trees) keeps its memo,
      // which costs about what a compact form does and spares the later
      // trees the evaluation.
      const Predicate& p = impl->ordered[head.single];
      if (p.memo == internal::kNoMemo) FormOf(impl->tables, p, &head.form);
      Impl::FastTest& f = head.form;
      if (std::endian::native == std::endian::little &&
          f.kind == Impl::FastKind::kString && f.aux >= 1 && f.aux <= 8) {
        uint64_t word = 0;
        std::memcpy(&word, f.data, f.aux);
        f.kind = Impl::FastKind::kShortString;
        f.shift = static_cast<uint8_t>(64 - 8 * f.aux);
        f.word = word;
      }
    }
    if (head.end_group - head.first_group == 1) {
      const Impl::Group& g = impl->groups[head.first_group];
      if (g.count != 0 && g.mask_count <= 1 &&
          (g.lazy_count == 0 || head.single == Impl::kNoSingle)) {
        // One mask test (an empty mask when the index predicate was the
        // only eager one), then the lazy predicates.
        head.single_mask_word =
            g.mask_count == 0 ? 0 : impl->masks[g.mask_begin].word;
        head.single_mask =
            g.mask_count == 0 ? 0 : impl->masks[g.mask_begin].mask;
        head.lazy_begin = g.lazy_begin;
        head.lazy_count = g.lazy_count;
        head.single = Impl::kNoSingle;  // the mask is tested instead
      }
    }
  }
  impl->num_trees = impl->heads.size();
  impl->batch.resize(impl->num_trees + 1);
  for (size_t t = 0; t < impl->num_trees; ++t) {
    const Impl::TreeHead& head = impl->heads[t];
    Impl::BatchTest& b = impl->batch[t];
    b.indexed = head.indexed;
    if (head.single_mask_word != Impl::kNoSingle) {
      b.word = head.single_mask_word;
      b.mask = head.single_mask;
      b.complete = head.single == Impl::kNoSingle && head.lazy_count == 0;
    }
  }
  // MatchingOf reads batch[num_trees] for a tree out of range: a test
  // that never holds (indexed, with an epoch no visitor has).
  impl->batch.back().indexed = 1;
  // The index's entries carry their trees' tests, which Bind copies.
  for (Impl::SlotIndex& index : impl->indexes) {
    for (auto& [value, entry] : index.trees) {
      entry.list.set_id = impl->id;
      for (const uint32_t tree : entry.trees) {
        entry.list.tests.push_back(impl->TestOf(tree));
        entry.list.complete =
            entry.list.complete && entry.list.tests.back().complete != 0;
      }
      FillSieve(&entry.list);
    }
  }
  // Bind's lookups, from the maps now final.
  for (Impl::SlotIndex& index : impl->indexes) {
    std::vector<std::pair<std::string_view, const Impl::SlotIndex::Entry*>>
        entries;
    for (const auto& [value, entry] : index.trees) {
      entries.emplace_back(value, &entry);
    }
    index.lookup.Build(entries);
  }
  for (Impl::InternedSlot& interned : impl->interned) {
    interned.lookup.Build({interned.ids.begin(), interned.ids.end()});
  }
  impl->derives =
      !impl->interned.empty() || !impl->eager.empty() || !impl->indexes.empty();
  impl->id = NextSetId();
  return std::shared_ptr<const CompiledTargetingSet>(
      new CompiledTargetingSet(std::move(impl)));
}

CompiledTargetingSet::CompiledTargetingSet(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
CompiledTargetingSet::~CompiledTargetingSet() = default;

size_t CompiledTargetingSet::size() const {
  return impl_->tree_groups.size() - 1;
}

const std::vector<std::string>& CompiledTargetingSet::attribute_names() const {
  return impl_->attribute_names;
}

void CompiledTargetingSet::Bind(std::string_view visitor_id,
                                const Attributes& attributes,
                                TargetingScratch* scratch) const {
  BindInline(visitor_id, attributes, scratch);
}

void CompiledTargetingSet::Prepare(const Impl& impl,
                                   TargetingScratch* scratch) {
  if (scratch->state_ == nullptr) {
    scratch->state_ = std::make_unique<TargetingScratch::State>();
  }
  TargetingScratch::State& s = *scratch->state_;
  if (s.set_id != impl.id) Attach(impl, &s);
  if (s.epoch >= TargetingScratch::State::kMaxEpoch) {
    // Once every 2^31 visitors: forget every stale epoch.
    std::fill(s.bound_epoch.begin(), s.bound_epoch.end(), 0);
    std::fill(s.memo.begin(), s.memo.end(), 0);
    std::fill(s.tree_epoch.begin(), s.tree_epoch.end(), 0);
    s.tree_epoch_marked = 0;
    for (auto& v : s.versions) v.epoch = 0;
    s.epoch = 0;
  }
}

void CompiledTargetingSet::Plan(const Impl& impl, const Attributes& attributes,
                                TargetingScratch::State* s) {
  // The previous plan's slots first (O(entries), not O(slots)).
  for (size_t k = 0; k < s->plan_count; ++k) {
    s->slot_entry[s->plan[k].slot] = -1;
  }
  size_t count = 0;
  const size_t n = attributes.size();
  for (size_t i = 0; i < n; ++i) {
    const uint32_t slot = impl.slots.Find(attributes.name(i));
    if (slot == internal::SlotTable::kNotFound) continue;
    s->plan[count++] = {static_cast<uint32_t>(i), slot};
    s->slot_entry[slot] = static_cast<int32_t>(i);
  }
  s->plan_count = count;
  s->plan_layout = attributes.layout();
  s->plan_size = n;
}

void CompiledTargetingSet::BindDerived(const Impl& impl,
                                       TargetingScratch::State* state) {
  TargetingScratch::State& s = *state;
  for (const Impl::InternedSlot& interned : impl.interned) {
    if (s.bound_epoch[interned.slot] != s.epoch) continue;
    const AttributeValue& v = s.values[interned.slot];
    if (v.type != ValueType::kString) continue;
    s.interned[interned.slot] =
        interned.lookup.Find(v.string, internal::kNotInterned);
  }
  if (!impl.eager.empty()) BindEager(impl, &s);
  // The trees the visitor's values name in the candidate index.
  // A tree is filed under one predicate, once per value (BuildIndex), and a
  // visitor has one value per attribute: each tree is marked at most once.
  // One entry is read where it is (W2 and W3: an EQUALS on one attribute
  // files every indexed tree); several are copied one after the other.
  size_t num_marked = 0;
  bool complete = true;
  size_t entries = 0;
  const Impl::SlotIndex::Entry* first = nullptr;  // not copied while alone
  auto append = [&s, &num_marked](const Impl::SlotIndex::Entry& entry) {
    std::memcpy(s.marked_trees.data() + num_marked, entry.trees.data(),
                entry.trees.size() * sizeof(uint32_t));
    std::memcpy(s.marked_tests.data() + num_marked, entry.list.tests.data(),
                entry.list.tests.size() * sizeof(TreeList::Test));
    num_marked += entry.trees.size();
  };
  for (const Impl::SlotIndex& index : impl.indexes) {
    if (s.bound_epoch[index.slot] != s.epoch) continue;
    const AttributeValue& v = s.values[index.slot];
    if (v.type != ValueType::kString) continue;
    const Impl::SlotIndex::Entry* const found =
        index.lookup.Find(v.string, nullptr);
    if (found == nullptr) continue;
    const Impl::SlotIndex::Entry& entry = *found;
    if (++entries == 1) {
      first = &entry;
    } else {
      if (entries == 2) append(*first);
      append(entry);
    }
    complete &= entry.list.complete;
  }
  if (entries == 1) {
    s.marked_trees_at = first->trees.data();
    s.marked_tests_at = first->list.tests.data();
    s.marked_list = &first->list;
    num_marked = first->trees.size();
  } else {
    s.marked_trees_at = s.marked_trees.data();
    s.marked_tests_at = s.marked_tests.data();
    s.marked_list = nullptr;
  }
  s.num_marked = num_marked;
  s.marked_complete = complete;
}

template <bool kMaskTested, typename TreeHead, bool kFormTried>
[[gnu::always_inline]] inline bool CompiledTargetingSet::HeadMatches(
    const Impl& impl, const TreeHead& head, TargetingScratch::State* s) {
  // The common shapes are decided here without a call, so that Matches
  // saves no registers on them; the rest go to out-of-line helpers (tail
  // calls from Matches).
  if (head.single != Impl::kNoSingle) {
    // The single predicate's compact form, for a bound value of its type;
    // anything else through the general test.
    if constexpr (!kFormTried) {
      const int result = FormResult(impl, head.form, s);
      if (result >= 0) return result != 0;
    }
    return RunSingle(impl, head.single, s);
  }
  if (head.single_mask_word != Impl::kNoSingle) {
    const uint64_t word = s->eager[head.single_mask_word];
    if (!kMaskTested && (word & head.single_mask) != head.single_mask) {
      return false;
    }
    // The lazy predicates: a memo already set this epoch inline (W2's
    // shared regex and versions), the first one without through Test.
    const internal::Predicate* lazy = impl.lazy.data() + head.lazy_begin;
    for (uint32_t k = 0; k < head.lazy_count; ++k) {
      const internal::Predicate& p = lazy[k];
      if (p.memo == internal::kNoMemo) {
        return LazyFrom(impl, lazy + k, head.lazy_count - k, s);
      }
      const uint32_t cell = s->memo[p.memo];
      if ((cell >> 1) != s->epoch) {
        return LazyFrom(impl, lazy + k, head.lazy_count - k, s);
      }
      if ((cell & 1) == 0) return false;
    }
    return true;
  }
  return MatchesGroups(impl, head.first_group, head.end_group, s);
}

bool CompiledTargetingSet::Matches(size_t tree,
                                   TargetingScratch* scratch) const {
  const Impl& impl = *impl_;
  TargetingScratch::State* s = scratch->state_.get();
  // A scratch bound to another set (or to none) would index out of bounds.
  if (s == nullptr || s->set_id != impl.id || tree >= impl.num_trees) {
    return false;
  }
  return MatchesBound(tree, scratch);
}

bool CompiledTargetingSet::MatchesBound(size_t tree,
                                        TargetingScratch* scratch) const {
  const Impl& impl = *impl_;
  TargetingScratch::State* s = scratch->state_.get();
  const Impl::TreeHead& head = impl.heads[tree];
  if (head.indexed != 0 && !s->TreeMarked(tree)) {
    return false;  // the index says no group can hold
  }
  return HeadMatches<false>(impl, head, s);
}

bool CompiledTargetingSet::MatchesPastForm(size_t tree,
                                           TargetingScratch* scratch) const {
  return HeadMatches<false, Impl::TreeHead, true>(*impl_, impl_->heads[tree],
                                                  scratch->state_.get());
}

CompiledTargetingSet::Matching CompiledTargetingSet::MatchingOf(
    const uint32_t* trees, size_t n, TargetingScratch* scratch) const {
  const Impl& impl = *impl_;
  TargetingScratch::State* s = scratch->state_.get();
  if (s == nullptr || s->set_id != impl.id) return Matching();
  uint32_t* out = s->matching.data();
  n = std::min(n, s->matching.size());
  const uint64_t* words = s->eager.data();
  const uint32_t epoch = s->epoch;
  s->MarkTreeEpochs();
  // First the index and the eager masks of every tree, without a branch
  // per tree (a tree without a mask head has an empty batch mask), ...
  size_t k = 0;
  uint32_t incomplete = 0;  // whether a tree standing needs a second look
  for (size_t i = 0; i < n; ++i) {
    const uint32_t tree = std::min<uint32_t>(trees[i], impl.num_trees);
    const Impl::BatchTest& b = impl.batch[tree];
    const bool hold = ((b.indexed == 0) | (s->tree_epoch[tree] == epoch)) &
                      ((words[b.word] & b.mask) == b.mask);
    out[k] = static_cast<uint32_t>(i);
    k += hold;
    incomplete |= hold & (b.complete ^ 1u);
  }
  if (incomplete == 0) return Matching{out, k};
  // ... then the rest of each tree still standing, in place (a standing
  // tree is one of the set's: the sentinel never holds).
  size_t m = 0;
  for (size_t j = 0; j < k; ++j) {
    const uint32_t i = out[j];
    const uint32_t tree = trees[i];
    // (The mask of a one-group head is tested.)
    const bool hold = impl.batch[tree].complete != 0 ||
                      HeadMatches<true>(impl, impl.heads[tree], s);
    out[m] = i;
    m += hold;
  }
  return Matching{out, m};
}

void CompiledTargetingSet::FillSieve(TreeList* list) {
  const size_t n = list->tests.size();
  if (n == 0 || n > 64) return;
  for (size_t i = 0; i < n; ++i) {
    const TreeList::Test& t = list->tests[i];
    const uint64_t bit = uint64_t{1} << i;
    list->all |= bit;
    if (t.complete != 0) list->complete_bits |= bit;
    if (t.mask == 0) continue;
    auto w = std::find_if(list->sieve.begin(), list->sieve.end(),
                          [&](const TreeList::SieveWord& sw) {
                            return sw.word == t.word;
                          });
    if (w == list->sieve.end()) {
      list->sieve.push_back(TreeList::SieveWord{
          0, t.word, static_cast<uint32_t>(list->needers.size())});
      list->needers.resize(list->needers.size() + 64);
      w = list->sieve.end() - 1;
    }
    w->needed |= t.mask;
    for (uint64_t m = t.mask; m != 0; m &= m - 1) {
      list->needers[w->first + std::countr_zero(m)] |= bit;
    }
  }
}

CompiledTargetingSet::TreeList CompiledTargetingSet::PrepareList(
    const uint32_t* trees, size_t n) const {
  const Impl& impl = *impl_;
  TreeList list;
  list.set_id = impl.id;
  list.tests.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    // A tree the set lacks: an incomplete test, which the second look
    // finds false.
    list.tests.push_back(trees[i] < impl.num_trees
                             ? impl.TestOf(trees[i])
                             : TreeList::Test{0, 0, 0, ~uint32_t{0}});
    list.complete = list.complete && list.tests.back().complete != 0;
  }
  FillSieve(&list);
  return list;
}

CompiledTargetingSet::Matching CompiledTargetingSet::MatchingOfList(
    const TreeList& list, TargetingScratch* scratch) const {
  TargetingScratch::State* s = scratch->state_.get();
  if (s == nullptr || s->set_id != impl_->id || list.set_id != impl_->id) {
    return Matching();
  }
  if (list.all != 0 && list.tests.size() <= s->matching.size()) {
    return MatchingOfSieve(list, s);
  }
  return list.complete
             ? MatchingOfTests<true>(list.tests.data(), list.tests.size(), s)
             : MatchingOfTests<false>(list.tests.data(), list.tests.size(), s);
}

CompiledTargetingSet::Matching CompiledTargetingSet::MatchingOfMarked(
    TargetingScratch* scratch) const {
  TargetingScratch::State* s = scratch->state_.get();
  if (s == nullptr || s->set_id != impl_->id) return Matching();
  if (s->marked_list != nullptr && s->marked_list->all != 0 &&
      s->num_marked <= s->matching.size()) {
    return MatchingOfSieve(*s->marked_list, s);
  }
  return s->marked_complete
             ? MatchingOfTests<true>(s->marked_tests_at, s->num_marked, s)
             : MatchingOfTests<false>(s->marked_tests_at, s->num_marked, s);
}

template <bool kComplete>
CompiledTargetingSet::Matching CompiledTargetingSet::MatchingOfTests(
    const TreeList::Test* tests, size_t n, TargetingScratch::State* s) const {
  const Impl& impl = *impl_;
  uint32_t* out = s->matching.data();
  n = std::min(n, s->matching.size());
  const uint64_t* words = s->eager.data();
  size_t k = 0;
  if constexpr (kComplete) {
    for (size_t i = 0; i < n; ++i) {
      const bool hold = (words[tests[i].word] & tests[i].mask) == tests[i].mask;
      out[k] = static_cast<uint32_t>(i);
      k += hold;
    }
    return Matching{out, k};
  }
  // A standing tree whose test is complete holds; the others wait for a
  // second look. Kept apart without a branch (which trees stand depends on
  // the visitor), so that the second look has no test to skip.
  uint32_t* pending = s->pending.data();
  size_t p = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool hold = (words[tests[i].word] & tests[i].mask) == tests[i].mask;
    const bool complete = tests[i].complete != 0;
    out[k] = static_cast<uint32_t>(i);
    k += hold & complete;
    pending[p] = static_cast<uint32_t>(i);
    p += hold & !complete;
  }
  for (size_t j = 0; j < p; ++j) {
    const uint32_t i = pending[j];
    const uint32_t tree = tests[i].tree;
    const bool hold =
        tree < impl.num_trees && HeadMatches<true>(impl, impl.heads[tree], s);
    out[k] = i;
    k += hold;
  }
  return Matching{out, k};
}

[[gnu::always_inline]] inline uint64_t CompiledTargetingSet::SieveHeld(
    const TreeList& list, const TargetingScratch::State* s) {
  const uint64_t* words = s->eager.data();
  const uint64_t* needers = list.needers.data();
  // Every test that needs a bit the visitor lacks fails (W2's batched
  // campaigns: about a dozen missing bits against twenty tests).
  uint64_t failed = 0;
  for (const TreeList::SieveWord& w : list.sieve) {
    const uint64_t* by_bit = needers + w.first;
    for (uint64_t missing = w.needed & ~words[w.word]; missing != 0;
         missing &= missing - 1) {
      failed |= by_bit[std::countr_zero(missing)];
    }
  }
  return list.all & ~failed;
}

template <typename T, typename Answer>
[[gnu::always_inline]] inline uint32_t CompiledTargetingSet::SieveAnswers(
    const TreeList& list, TargetingScratch::State* s, T* out,
    const Answer& answer) const {
  const Impl& impl = *impl_;
  const uint64_t held = SieveHeld(list, s);
  const TreeList::Test* const tests = list.tests.data();
  uint32_t k = 0;
  for (uint64_t h = held & list.complete_bits; h != 0; h &= h - 1) {
    const uint32_t i = static_cast<uint32_t>(std::countr_zero(h));
    out[k++] = answer(i, tests[i].tree);
  }
  for (uint64_t h = held & ~list.complete_bits; h != 0; h &= h - 1) {
    const uint32_t i = static_cast<uint32_t>(std::countr_zero(h));
    const uint32_t tree = tests[i].tree;
    if (tree < impl.num_trees && HeadMatches<true>(impl, impl.heads[tree], s)) {
      out[k++] = answer(i, tree);
    }
  }
  return k;
}

uint32_t CompiledTargetingSet::MatchingValuesOfList(
    const TreeList& list, const int32_t* value_of_tree, int32_t* out,
    TargetingScratch* scratch) const {
  TargetingScratch::State* s = scratch->state_.get();
  if (s != nullptr && s->set_id == impl_->id && list.set_id == impl_->id &&
      list.all != 0) {
    return SieveAnswers(list, s, out, [value_of_tree](uint32_t, uint32_t tree) {
      return value_of_tree[tree];
    });
  }
  const Matching m = MatchingOfList(list, scratch);
  for (size_t j = 0; j < m.count; ++j) {
    out[j] = value_of_tree[list.tests[m.positions[j]].tree];
  }
  return static_cast<uint32_t>(m.count);
}

uint32_t CompiledTargetingSet::MatchingValuesOfMarked(
    const int32_t* value_of_tree, int32_t* out,
    TargetingScratch* scratch) const {
  TargetingScratch::State* s = scratch->state_.get();
  if (s != nullptr && s->set_id == impl_->id && s->marked_list != nullptr &&
      s->marked_list->all != 0) {
    return SieveAnswers(*s->marked_list, s, out,
                        [value_of_tree](uint32_t, uint32_t tree) {
                          return value_of_tree[tree];
                        });
  }
  const Matching m = MatchingOfMarked(scratch);
  for (size_t j = 0; j < m.count; ++j) {
    out[j] = value_of_tree[s->marked_trees_at[m.positions[j]]];
  }
  return static_cast<uint32_t>(m.count);
}

CompiledTargetingSet::Matching CompiledTargetingSet::MatchingOfSieve(
    const TreeList& list, TargetingScratch::State* s) const {
  uint32_t* out = s->matching.data();
  return Matching{out, SieveAnswers(list, s, out, [](uint32_t i, uint32_t) {
                    return i;
                  })};
}

bool CompiledTargetingSet::RunSingle(const Impl& impl, uint32_t k,
                                     TargetingScratch::State* s) {
  return Test(impl, impl.ordered[k], s);
}

bool CompiledTargetingSet::LazyFrom(const Impl& impl,
                                    const internal::Predicate* lazy,
                                    uint32_t count,
                                    TargetingScratch::State* s) {
  for (uint32_t k = 0; k < count; ++k) {
    if (!Test(impl, lazy[k], s)) return false;
  }
  return true;
}

bool CompiledTargetingSet::MatchesGroups(const Impl& impl, uint32_t first,
                                         uint32_t end,
                                         TargetingScratch::State* s) {
  const uint64_t* words = s->eager.data();
  for (uint32_t g = first; g < end; ++g) {
    const Impl::Group& group = impl.groups[g];
    if (group.count == 0) continue;  // an empty group is false
    // The eager part without a branch per predicate, then the rest.
    bool all = true;
    const Impl::WordMask* masks = impl.masks.data() + group.mask_begin;
    for (uint32_t m = 0; m < group.mask_count; ++m) {
      all &= (words[masks[m].word] & masks[m].mask) == masks[m].mask;
    }
    const internal::Predicate* lazy = impl.lazy.data() + group.lazy_begin;
    for (uint32_t k = 0; k < group.lazy_count && all; ++k) {
      all = Test(impl, lazy[k], s);
    }
    if (all) return true;
  }
  return false;
}

}  // namespace allot
