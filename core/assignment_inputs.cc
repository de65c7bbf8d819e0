#include "core/assignment_inputs.h"

namespace allot {

AssignmentInputs::Span AssignmentInputs::Store(std::string_view s) {
  Span span{static_cast<uint32_t>(chars_.size()),
            static_cast<uint32_t>(s.size())};
  chars_.append(s.data(), s.size());
  return span;
}

void AssignmentInputs::Force(std::string_view campaign_id,
                             std::string_view variation_id) {
  // Duplicates are resolved when binding (the last one wins), so that
  // setting stays O(1) however many overrides a visitor carries.
  bound_serial_ = 0;
  overrides_.push_back(RawOverride{Store(campaign_id), Store(variation_id)});
}

void AssignmentInputs::SetSticky(std::string_view group_id,
                                 std::string_view variation_id,
                                 int64_t version) {
  bound_serial_ = 0;
  records_.push_back(RawRecord{Store(group_id), Store(variation_id), version});
}

AssignmentInputs::Override AssignmentInputs::override_at(size_t i) const {
  return Override{View(overrides_[i].campaign), View(overrides_[i].variation)};
}

AssignmentInputs::Record AssignmentInputs::record_at(size_t i) const {
  return Record{View(records_[i].group), View(records_[i].variation),
                records_[i].version};
}

}  // namespace allot
