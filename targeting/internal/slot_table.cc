#include "targeting/internal/slot_table.h"

#include <cstring>
#include <utility>

namespace allot::internal {
namespace {

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ull;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ull;
  x ^= x >> 32;
  return x;
}

}  // namespace

uint64_t SlotTable::Hash(std::string_view s, uint64_t seed) {
  uint64_t h = seed ^ (s.size() * 0x9e3779b97f4a7c15ull);
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = Mix(h ^ v);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  return Mix(h ^ tail ^ (static_cast<uint64_t>(n) << 59));
}

SlotTable::SlotTable(std::vector<std::string> names)
    : names_(std::move(names)) {
  if (names_.empty()) return;
  size_t capacity = 4;
  while (capacity < 2 * names_.size()) capacity *= 2;
  mask_ = capacity - 1;
  // A few seeds usually give a collision-free placement for the tens of
  // names a config reads; keep the best one otherwise.
  uint64_t best_seed = 0;
  uint32_t best = UINT32_MAX;
  for (uint64_t seed = 1; seed <= 32 && best > 0; ++seed) {
    const uint32_t probe = Fill(seed * 0x9e3779b97f4a7c15ull);
    if (probe < best) {
      best = probe;
      best_seed = seed * 0x9e3779b97f4a7c15ull;
    }
  }
  Fill(best_seed);
}

uint32_t SlotTable::Fill(uint64_t seed) {
  seed_ = seed;
  cells_.assign(mask_ + 1, Cell());
  max_probe_ = 0;
  for (uint32_t slot = 0; slot < names_.size(); ++slot) {
    const uint64_t h = Hash(names_[slot], seed);
    uint32_t probe = 0;
    uint64_t i = h & mask_;
    while (cells_[i].slot != kNotFound) {
      i = (i + 1) & mask_;
      ++probe;
    }
    cells_[i] = Cell{h, slot};
    if (probe > max_probe_) max_probe_ = probe;
  }
  return max_probe_;
}

uint32_t SlotTable::Find(std::string_view name) const {
  if (cells_.empty()) return kNotFound;
  const uint64_t h = Hash(name, seed_);
  uint64_t i = h & mask_;
  for (uint32_t probe = 0; probe <= max_probe_; ++probe) {
    const Cell& c = cells_[i];
    if (c.slot == kNotFound) return kNotFound;
    if (c.hash == h && names_[c.slot] == name) return c.slot;
    i = (i + 1) & mask_;
  }
  return kNotFound;
}

}  // namespace allot::internal
