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

uint32_t ScratchAccess::Epoch(const TargetingScratch& scratch) {
  return scratch.state_ ? scratch.state_->epoch : 0;
}

void ScratchAccess::SetEpoch(TargetingScratch* scratch, uint32_t epoch) {
  scratch->state_->epoch = epoch;
}

uint32_t ScratchAccess::MaxEpoch() {
  return TargetingScratch::State::kMaxEpoch;
}

}  // namespace internal
}  // namespace allot
