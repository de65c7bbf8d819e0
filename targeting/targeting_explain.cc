// CompiledTargetingSet::Explain: the slow, allocating path that says why.
#include "targeting/internal/json_render.h"
#include "targeting/internal/set_impl.h"

namespace allot {

std::vector<TargetingExplanation> CompiledTargetingSet::Explain(
    size_t tree, std::string_view visitor_id,
    const Attributes& attributes) const {
  const Impl& impl = *impl_;
  std::vector<TargetingExplanation> out;
  const uint32_t first = impl.tree_groups[tree];
  for (uint32_t g = first; g < impl.tree_groups[tree + 1]; ++g) {
    for (const Impl::ExplainTargeting& t : impl.explain[g]) {
      const internal::Predicate& p = impl.tables.predicates[t.predicate];
      AttributeValue value;
      const AttributeValue* a = nullptr;
      if (p.slot == internal::kVisitorIdSlot) {
        value = AttributeValue::String(visitor_id);
        a = &value;
      } else if (p.slot != internal::kNoSlot &&
                 attributes.Find(t.key, &value)) {
        a = &value;
      }
      const RE2* regex = nullptr;
      if (p.op == internal::Op::kMatchesRegex ||
          p.op == internal::Op::kNotMatchesRegex) {
        regex = impl.tables.regexes[p.aux].shared.get();
      }
      TargetingExplanation& e = out.emplace_back();
      e.group = g - first;
      e.path = t.path;
      e.key = t.key;
      e.op = t.op;
      e.expected = t.expected;
      e.actual = a != nullptr ? internal::RenderJson(*a) : "missing";
      e.matched = internal::EvaluatePredicate(p, a, impl.tables, regex);
    }
  }
  return out;
}

}  // namespace allot
