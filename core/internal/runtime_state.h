// File: core/internal/runtime_state.h
//
// Run-time switches that a decision reads alongside an immutable config: a
// campaign toggled off, a variation group rolled back. One RuntimeState is
// sized for one CompiledConfig (indexed by campaign and group index); the
// Engine keeps the id-keyed truth and rebuilds a RuntimeState per snapshot.
//
// Thread-safe: every field is an atomic byte. Decisions read them with one
// relaxed load each; writers are rare (toggles, rollbacks).
#ifndef ALLOT_CORE_INTERNAL_RUNTIME_STATE_H_
#define ALLOT_CORE_INTERNAL_RUNTIME_STATE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace allot {

class RuntimeState {
 public:
  RuntimeState(size_t num_campaigns, size_t num_groups)
      : campaign_off_(new std::atomic<uint8_t>[num_campaigns]()),
        group_rolled_back_(new std::atomic<uint8_t>[num_groups]()),
        num_campaigns_(num_campaigns),
        num_groups_(num_groups) {}

  size_t num_campaigns() const { return num_campaigns_; }
  size_t num_groups() const { return num_groups_; }

  bool campaign_off(size_t i) const {
    return campaign_off_[i].load(std::memory_order_relaxed) != 0;
  }
  void set_campaign_off(size_t i, bool off) {
    const uint8_t was =
        campaign_off_[i].exchange(off ? 1 : 0, std::memory_order_relaxed);
    if (was != (off ? 1 : 0)) {
      campaigns_off_.fetch_add(off ? 1 : -1, std::memory_order_relaxed);
      switches_set_.fetch_add(off ? 1 : -1, std::memory_order_relaxed);
    }
  }
  // Whether any campaign is toggled off (a decision may then skip looking
  // at campaigns one by one).
  bool any_campaign_off() const {
    return campaigns_off_.load(std::memory_order_relaxed) != 0;
  }
  bool group_rolled_back(size_t i) const {
    return group_rolled_back_[i].load(std::memory_order_relaxed) != 0;
  }
  void set_group_rolled_back(size_t i, bool rolled_back) {
    const uint8_t was = group_rolled_back_[i].exchange(
        rolled_back ? 1 : 0, std::memory_order_relaxed);
    if (was != (rolled_back ? 1 : 0)) {
      switches_set_.fetch_add(rolled_back ? 1 : -1, std::memory_order_relaxed);
    }
  }
  // Whether any campaign is toggled off or any group rolled back. When
  // none is, the state changes no decision, and a decision may go without
  // it (the paths of a bare config: no check of it per campaign). One
  // relaxed load: a switch set while a decision runs may or may not be seen
  // by it, as with the per-entry loads.
  bool any_set() const {
    return switches_set_.load(std::memory_order_relaxed) != 0;
  }

 private:
  std::unique_ptr<std::atomic<uint8_t>[]> campaign_off_;
  std::unique_ptr<std::atomic<uint8_t>[]> group_rolled_back_;
  std::atomic<int64_t> campaigns_off_{0};  // campaign_off_ entries set
  // campaign_off_ and group_rolled_back_ entries set.
  std::atomic<int64_t> switches_set_{0};
  size_t num_campaigns_;
  size_t num_groups_;
};

}  // namespace allot

#endif  // ALLOT_CORE_INTERNAL_RUNTIME_STATE_H_
