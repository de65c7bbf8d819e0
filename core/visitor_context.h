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

  // Starts a new visitor: sets the id and removes every attribute.
  void Reset(std::string_view visitor_id) {
    id_.assign(visitor_id.data(), visitor_id.size());
    attributes_.Clear();
  }
  void set_visitor_id(std::string_view visitor_id) {
    id_.assign(visitor_id.data(), visitor_id.size());
  }
  std::string_view visitor_id() const { return id_; }

  template <typename T>
  void Set(std::string_view name, const T& value) {
    attributes_.Set(name, value);
  }
  Attributes& attributes() { return attributes_; }
  const Attributes& attributes() const { return attributes_; }

 private:
  friend class CompiledConfig;
  friend class Engine;

  std::string id_;
  Attributes attributes_;
  mutable TargetingScratch scratch_;
  // Engine snapshot cache: lets Engine decisions skip shared refcounts.
  mutable const Engine* engine_ = nullptr;
  mutable uint64_t engine_version_ = 0;
  mutable std::shared_ptr<const EngineSnapshot> snapshot_;
};

}  // namespace allot

#endif  // ALLOT_CORE_VISITOR_CONTEXT_H_
