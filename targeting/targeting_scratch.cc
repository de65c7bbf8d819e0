#include "targeting/internal/scratch_state.h"

namespace allot {

TargetingScratch::TargetingScratch() : state_(std::make_unique<State>()) {}
TargetingScratch::~TargetingScratch() = default;
TargetingScratch::TargetingScratch(TargetingScratch&&) noexcept = default;
TargetingScratch& TargetingScratch::operator=(TargetingScratch&&) noexcept =
    default;

namespace internal {

TargetingStats ScratchAccess::Stats(const TargetingScratch& scratch) {
  return scratch.state_ ? scratch.state_->stats : TargetingStats();
}

}  // namespace internal
}  // namespace allot
