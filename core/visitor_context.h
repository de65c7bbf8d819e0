// File: core/visitor_context.h
//
// A visitor as a decision sees it: an id and attributes. Reusable: Clear()
// keeps every buffer, so rebuilding it per request allocates nothing once it
// has held a visitor as large.
//
//   VisitorContext ctx;
//   ctx.Reset("visitor-42");
//   ctx.Set("country", "FR");
//   ctx.Set("age", 31);
//   config->DecideAll(ctx, now, &decisions);
//
// Not thread-safe: give each thread its own context. A context also carries
// that thread's evaluation scratch (memoised predicates, its own compiled
// regex copies), which is why decisions take it by const reference yet may
// update its hidden caches.
#ifndef ALLOT_CORE_VISITOR_CONTEXT_H_
#define ALLOT_CORE_VISITOR_CONTEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/assignment_inputs.h"
#include "targeting/attributes.h"
#include "targeting/compiled_targeting_set.h"

namespace allot {

class Engine;
struct EngineSnapshot;

class VisitorContext {
 public:
  VisitorContext();
  explicit VisitorContext(std::string_view visitor_id);
  ~VisitorContext();
  VisitorContext(VisitorContext&&) noexcept;
  VisitorContext& operator=(VisitorContext&&) noexcept;

  // Starts a new visitor: sets the id and removes every attribute, forced
  // variation and sticky record.
  void Reset(std::string_view visitor_id) {
    id_.Assign(visitor_id);
    attributes_.Clear();
    assignments_.Clear();
  }
  void set_visitor_id(std::string_view visitor_id) { id_.Assign(visitor_id); }
  std::string_view visitor_id() const { return id_.view(); }

  // Always inline, whatever the caller's translation unit weighs: a context
  // is built from a few of these per decision, and a literal's length is
  // then known without strlen.
  template <typename T>
  [[gnu::always_inline]] void Set(std::string_view name, const T& value) {
    attributes_.Set(name, value);
  }
  Attributes& attributes() { return attributes_; }
  const Attributes& attributes() const { return attributes_; }

  // Forces campaign `campaign_id` to its variation `variation_id` for this
  // visitor (QA; DESIGN §3 step 3): kill switches still win, everything else
  // is skipped. An override naming a variation the campaign lacks is ignored
  // (Explain says so). Setting a campaign again replaces its override.
  void Force(std::string_view campaign_id, std::string_view variation_id) {
    assignments_.Force(campaign_id, variation_id);
  }
  // The visitor's assignment record for a variation group, as the host
  // persisted it from an earlier decision's new_assignment (DESIGN §12):
  // while the group's targeting matches, the variation still exists and
  // `version` equals the group's sticky_version, the visitor keeps it.
  [[gnu::always_inline]] void SetSticky(std::string_view group_id,
                                        std::string_view variation_id,
                                        int64_t version = 0) {
    assignments_.SetSticky(group_id, variation_id, version);
  }
  const AssignmentInputs& assignments() const { return assignments_; }

 private:
  friend class CompiledConfig;
  friend class Engine;

  internal::ByteBuffer id_;
  Attributes attributes_;
  AssignmentInputs assignments_;
  mutable TargetingScratch scratch_;
  // Engine snapshot cache: lets Engine decisions skip shared refcounts.
  mutable uint64_t engine_serial_ = 0;  // 0: no Engine
  mutable uint64_t engine_version_ = 0;
  mutable std::shared_ptr<const EngineSnapshot> snapshot_;
};

}  // namespace allot

#endif  // ALLOT_CORE_VISITOR_CONTEXT_H_
