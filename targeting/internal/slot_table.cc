#include "targeting/internal/slot_table.h"

#include <cstring>
#include <utility>

#include "targeting/bytes.h"

namespace allot::internal {
namespace {

// 64x64 -> 128-bit multiply, folded: one strong mixing step (as in wyhash).
inline uint64_t Mum(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

constexpr uint64_t kP0 = 0xa0761d6478bd642full;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;

}  // namespace

// Attribute names are short: up to 16 bytes are read as two overlapping
// words, longer ones in 16-byte steps, then one multiply mixes everything.
uint64_t SlotTable::Hash(std::string_view s, uint64_t seed) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t a, b;
  if (n > 16) {
    size_t i = 0;
    for (; n - i > 16; i += 16) {
      seed = Mum(Load64(p + i) ^ kP0, Load64(p + i + 8) ^ seed);
    }
    a = Load64(p + n - 16);
    b = Load64(p + n - 8);
  } else if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
        static_cast<unsigned char>(p[n - 1]);
    b = 0;
  } else {
    a = b = 0;
  }
  return Mum(a ^ kP0 ^ n, Mum(b ^ kP1, seed ^ kP0) ^ kP1);
}

SlotTable::SlotTable(std::vector<std::string> names)
    : names_(std::move(names)) {
  if (names_.empty()) return;
  for (const std::string& name : names_) {
    offsets_.push_back(static_cast<uint32_t>(chars_.size()));
    chars_.append(name);
  }
  size_t capacity = 4;
  while (capacity < 2 * names_.size()) capacity *= 2;
  mask_ = capacity - 1;
  // A few seeds usually give a collision-free placement for the tens of
  // names a config reads; keep the best one otherwise.
  uint64_t best_seed = 0;
  uint32_t best = UINT32_MAX;
  for (uint64_t k = 1; k <= 32 && best > 0; ++k) {
    const uint64_t seed = k * 0x9e3779b97f4a7c15ull;
    const uint32_t probe = Fill(seed);
    if (probe < best) {
      best = probe;
      best_seed = seed;
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
    cells_[i] = Cell{h, offsets_[slot],
                     static_cast<uint32_t>(names_[slot].size()), slot};
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
    if (c.hash == h && c.size == name.size() &&
        EqualBytes(chars_.data() + c.offset, name.data(), c.size)) {
      return c.slot;
    }
    i = (i + 1) & mask_;
  }
  return kNotFound;
}

}  // namespace allot::internal
