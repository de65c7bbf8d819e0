// File: core/assignment_inputs.h
//
// What a host tells a decision about a visitor's assignments besides the
// attributes (DESIGN §12): per-call forced variations (QA overrides) and the
// visitor's sticky assignment records. A VisitorContext owns one; hosts use
// it through VisitorContext::Force / SetSticky.
//
//   ctx.Reset("visitor-7");
//   ctx.Force("checkout-test", "variant-b");          // QA override
//   ctx.SetSticky("checkout-group", "control", 2);    // persisted record
//
// Ids are kept as given; a decision binds them to the indices of its config
// once (per config and per refill), so nothing is looked up by string per
// campaign. Ids the config does not have are left out, not errors: configs
// change between the moment a record was written and the moment it is read.
//
// Not thread-safe: one per VisitorContext, one context per thread. Clear()
// keeps every buffer, so refilling it allocates nothing once warmed up.
#ifndef ALLOT_CORE_ASSIGNMENT_INPUTS_H_
#define ALLOT_CORE_ASSIGNMENT_INPUTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "targeting/bytes.h"

namespace allot {

class CompiledConfig;

// A forced variation bound to a config: campaign, group and variation
// indices.
struct ForcedEntry {
  int32_t campaign = -1;
  int32_t group = -1;
  int32_t variation = -1;
};

// A sticky record bound to a config.
struct StickyEntry {
  int32_t group = -1;
  int32_t variation = -1;
  int64_t version = 0;
};

class AssignmentInputs {
 public:
  struct Override {
    std::string_view campaign_id;
    std::string_view variation_id;
  };
  struct Record {
    std::string_view group_id;
    std::string_view variation_id;
    int64_t version = 0;
  };

  // Removes every override and record; keeps capacity.
  void Clear() {
    if (count_ == 0) return;  // nothing set since the last Clear
    count_ = 0;
    chars_.clear();
    overrides_.clear();
    records_.clear();
    bound_serial_ = 0;
  }
  bool empty() const { return count_ == 0; }

  // Later calls for the same campaign (group) replace earlier ones
  // (resolved when binding, the last one winning, so that setting stays
  // O(1) however many a visitor carries). Inline: a host sets these per
  // request, on the decision path.
  void Force(std::string_view campaign_id, std::string_view variation_id) {
    bound_serial_ = 0;
    ++count_;
    overrides_.push_back(RawOverride{Store(campaign_id), Store(variation_id)});
  }
  [[gnu::always_inline]] void SetSticky(std::string_view group_id,
                                        std::string_view variation_id,
                                        int64_t version) {
    bound_serial_ = 0;
    ++count_;
    records_.push_back(
        RawRecord{Store(group_id), Store(variation_id), version});
  }

  size_t num_overrides() const { return overrides_.size(); }
  Override override_at(size_t i) const {
    return Override{View(overrides_[i].campaign), View(overrides_[i].variation)};
  }
  size_t num_records() const { return records_.size(); }
  [[gnu::always_inline]] Record record_at(size_t i) const {
    return Record{View(records_[i].group), View(records_[i].variation),
                  records_[i].version};
  }

 private:
  friend class CompiledConfig;

  struct Span {
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  struct RawOverride {
    Span campaign, variation;
  };
  struct RawRecord {
    Span group, variation;
    int64_t version = 0;
  };
  [[gnu::always_inline]] Span Store(std::string_view s) {
    return Span{static_cast<uint32_t>(chars_.Append(s)),
                static_cast<uint32_t>(s.size())};
  }
  std::string_view View(Span s) const {
    return std::string_view(chars_.data() + s.offset, s.size);
  }

  // Overrides and records set since Clear: one load tells a visitor
  // without any (empty(), Clear()).
  uint32_t count_ = 0;
  internal::ByteBuffer chars_;  // every id, back to back (inline copies)
  internal::LineVector<RawOverride> overrides_;
  internal::LineVector<RawRecord> records_;

  // The binding to the config with serial bound_serial_ (0: none), sorted
  // by campaign (forced) and group (sticky), one entry per index.
  mutable uint64_t bound_serial_ = 0;
  // The binding of a single record and no override, the usual inputs
  // (variation -1: left out).
  mutable StickyEntry single_;
  mutable internal::LineVector<ForcedEntry> bound_forced_;
  mutable internal::LineVector<StickyEntry> bound_sticky_;
  mutable uint32_t num_bound_forced_ = 0;  // their sizes, set with them
  mutable uint32_t num_bound_sticky_ = 0;
  mutable internal::LineVector<uint64_t> bind_keys_;  // scratch of the binding
  // By record position: the group index its id had in the config with
  // `serial`, kept across Clear() (see CompiledConfig::BindLifecycle).
  struct GroupMemo {
    uint64_t serial = 0;
    internal::ByteBuffer id;
    int32_t group = -1;
  };
  mutable internal::LineVector<GroupMemo> group_memo_;
};

}  // namespace allot

#endif  // ALLOT_CORE_ASSIGNMENT_INPUTS_H_
