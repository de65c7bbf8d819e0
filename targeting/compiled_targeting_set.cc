#include "targeting/compiled_targeting_set.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "targeting/internal/json_render.h"
#include "targeting/internal/predicate_compiler.h"
#include "targeting/internal/scratch_state.h"
#include "targeting/internal/set_impl.h"

namespace allot {
namespace {

using internal::Op;
using internal::Predicate;

uint64_t NextSetId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

// Points `s` at `impl`, sizing its arrays; allocates only when they grow.
void CompiledTargetingSet::Attach(const Impl& impl,
                                  TargetingScratch::State* s) {
  const size_t slots = impl.attribute_names.size();
  s->set_id = impl.id;
  s->epoch = 0;
  s->values.resize(slots);
  s->bound_epoch.assign(slots, 0);
  s->memo.assign(impl.tables.memo_cells, 0);
  // The copies stay in the cache; only the pointers of the old set go.
  if (s->regex_cache.size() > TargetingScratch::State::kMaxCachedRegexes) {
    s->regex_cache.clear();
  }
  s->regexes.assign(impl.tables.regexes.size(), nullptr);
}

bool CompiledTargetingSet::Test(const Impl& impl, uint32_t index,
                                TargetingScratch::State* s) {
  const Predicate& p = impl.tables.predicates[index];
  if (p.memo != internal::kNoMemo) {
    const uint32_t cell = s->memo[p.memo];
    if ((cell >> 1) == s->epoch) {
      ++s->stats.memo_hits;
      return (cell & 1) != 0;
    }
  }
  const AttributeValue* a = nullptr;
  if (p.slot == internal::kVisitorIdSlot) {
    a = &s->visitor;
  } else if (p.slot < s->values.size() && s->bound_epoch[p.slot] == s->epoch) {
    a = &s->values[p.slot];
  }
  const RE2* regex = nullptr;
  if (p.op == Op::kMatchesRegex || p.op == Op::kNotMatchesRegex) {
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
    ++s->stats.regex_matches;
  }
  ++s->stats.evaluations;
  const bool result = internal::EvaluatePredicate(p, a, impl.tables, regex);
  if (p.memo != internal::kNoMemo) {
    s->memo[p.memo] = (s->epoch << 1) | (result ? 1u : 0u);
  }
  return result;
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
  if (scratch->state_ == nullptr) {
    scratch->state_ = std::make_unique<TargetingScratch::State>();
  }
  TargetingScratch::State& s = *scratch->state_;
  if (s.set_id != impl_->id) Attach(*impl_, &s);
  if (++s.epoch > TargetingScratch::State::kMaxEpoch) {
    // Once every 2^31 visitors: forget every stale epoch.
    std::fill(s.bound_epoch.begin(), s.bound_epoch.end(), 0);
    std::fill(s.memo.begin(), s.memo.end(), 0);
    s.epoch = 1;
  }
  s.visitor = AttributeValue::String(visitor_id);
  const size_t n = attributes.size();
  for (size_t i = 0; i < n; ++i) {
    uint32_t slot;
    if (!attributes.CachedSlot(i, impl_->id, &slot)) {
      slot = impl_->slots.Find(attributes.name(i));
      attributes.CacheSlot(i, impl_->id, slot);
    }
    if (slot == internal::SlotTable::kNotFound) continue;
    s.values[slot] = attributes.value(i);
    s.bound_epoch[slot] = s.epoch;
  }
}

bool CompiledTargetingSet::Matches(size_t tree,
                                   TargetingScratch* scratch) const {
  const Impl& impl = *impl_;
  TargetingScratch::State* s = scratch->state_.get();
  // A scratch bound to another set (or to none) would index out of bounds.
  if (s == nullptr || s->set_id != impl.id || tree >= size()) return false;
  for (uint32_t g = impl.tree_groups[tree]; g < impl.tree_groups[tree + 1];
       ++g) {
    const Impl::Group& group = impl.groups[g];
    if (group.count == 0) continue;  // an empty group is false
    bool all = true;
    for (uint32_t k = 0; k < group.count && all; ++k) {
      all = Test(impl, impl.order[group.begin + k], s);
    }
    if (all) return true;
  }
  return false;
}

}  // namespace allot
