#include "targeting/attributes.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/hash/hash.h"

namespace allot {

namespace {

uint64_t NameHash(std::string_view name) {
  return absl::Hash<absl::string_view>{}(
      absl::string_view(name.data(), name.size()));
}

}  // namespace

uint64_t Attributes::NewLayout() {
  // Taken only when names move (a fill in another order, or a new context's
  // first fill), never per Set of a refill in the same order. Each thread
  // takes its stamps from a block of its own, so that threads building a
  // fresh context per request do not share one counter's cache line.
  constexpr uint64_t kBlock = uint64_t{1} << 16;
  static std::atomic<uint64_t> next_block{1};  // 0 is never a stamp
  thread_local uint64_t next = 0;
  thread_local uint64_t end = 0;
  if (next == end) {
    next = next_block.fetch_add(kBlock, std::memory_order_relaxed);
    end = next + kBlock;
  }
  return next++;
}

void Attributes::RebuildIndex() {
  size_t cells = 64;
  while (cells < 2 * (size_ + 1)) cells *= 2;
  if (index_.size() < cells) {
    index_.assign(cells, IndexCell());
    index_epoch_ = 1;
  } else if (++index_epoch_ == 0) {  // wrapped: forget every old cell
    std::fill(index_.begin(), index_.end(), IndexCell());
    index_epoch_ = 1;
  }
  index_live_ = true;
  for (size_t i = 0; i < size_; ++i) IndexEntry(i);
}

void Attributes::IndexEntry(size_t i) {
  const size_t mask = index_.size() - 1;
  for (size_t c = NameHash(entries_[i].name) & mask;; c = (c + 1) & mask) {
    ++search_steps_;
    if (index_[c].epoch != index_epoch_) {
      index_[c] = IndexCell{index_epoch_, static_cast<uint32_t>(i)};
      return;
    }
  }
}

Attributes::Entry* Attributes::FindEntry(std::string_view name) {
  if (size_ <= kIndexFrom) {
    search_steps_ += size_;
    for (size_t i = 0; i < size_; ++i) {
      if (internal::EqualBytes(entries_[i].name, name)) return &entries_[i];
    }
    return nullptr;
  }
  // Built on first need in each fill (a new epoch empties it in O(1)), then
  // kept up to date by Slot, and rebuilt when it would be half full.
  if (!index_live_ || 2 * (size_ + 1) > index_.size()) {
    RebuildIndex();
  }
  const size_t mask = index_.size() - 1;
  for (size_t c = NameHash(name) & mask;; c = (c + 1) & mask) {
    const IndexCell& cell = index_[c];
    ++search_steps_;
    if (cell.epoch != index_epoch_) return nullptr;
    if (internal::EqualBytes(entries_[cell.entry].name, name)) {
      return &entries_[cell.entry];
    }
  }
}

Attributes::Entry& Attributes::SlotSlow(std::string_view name) {
  // Slot found the name of the previous fill's next entry different: the
  // order changed, and any entry may already hold `name`.
  refill_limit_ = 0;
  if (Entry* e = FindEntry(name)) return *e;
  // Reuse a dead entry so its buffers' capacity is kept.
  if (size_ == entries_.size()) entries_.emplace_back();
  Entry& e = entries_[size_++];
  if (!internal::EqualBytes(e.name, name)) {
    e.name.assign(name.data(), name.size());
    layout_ = NewLayout();
  }
  if (index_live_ && size_ > kIndexFrom + 1) IndexEntry(size_ - 1);
  return e;
}

void Attributes::Erase(std::string_view name) {
  Entry* e = FindEntry(name);
  if (e == nullptr) return;
  // Swap rather than move so both entries keep their buffers.
  std::swap(*e, entries_[size_ - 1]);
  --size_;
  refill_limit_ = 0;
  index_live_ = false;  // entry indices moved
  layout_ = NewLayout();
}

bool Attributes::Find(std::string_view name, AttributeValue* out) const {
  for (size_t i = 0; i < size_; ++i) {
    if (entries_[i].name == name) {
      *out = value(i);
      return true;
    }
  }
  return false;
}

}  // namespace allot
