// File: targeting/internal/string_table.h
//
// A frozen map from strings to small values for the lookups Bind makes per
// visitor (an interned value's id, an index entry): the keys are the
// config's own strings, known when the set is compiled, and the strings
// looked up are a visitor's values, mostly a few bytes ("FR", "pro").
// Abseil's map hashed such a string and probed for it in ~110 instructions
// (W2: two lookups per visitor); this table reads the string in at most two
// loads, keyed with its length, and compares one slot's two words: ~20.
//
// A string of up to 16 bytes is its length and two words that hold all of
// its bytes (overlapping reads, as XXH3 reads short inputs): equal keys
// are equal strings. A longer one is compared byte by byte after its words.
//
// Slots are indexed by multiply-shift hashing. Build looks for a multiplier
// that gives every key a slot of its own (a table of 2 to 8 slots per key,
// up to kMaxPerfect keys): then Find reads one slot and selects its value
// without a branch on the key, where a probe sequence's length depends on
// the key and its end is a mispredicted branch (W2: a country looked up per
// visitor, 25 keys; about one misprediction per lookup in simulation).
// Otherwise open addressing with linear probing, at most half full.
#ifndef ALLOT_TARGETING_INTERNAL_STRING_TABLE_H_
#define ALLOT_TARGETING_INTERNAL_STRING_TABLE_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "targeting/bytes.h"

namespace allot::internal {

// Value: trivially copyable, small (an id, a pointer).
template <typename Value>
class StringTable {
 public:
  StringTable() { Build({}); }

  // Maps each of `entries`' strings (distinct; their bytes must outlive the
  // table) to its value.
  void Build(const std::vector<std::pair<std::string_view, Value>>& entries) {
    size_t size = 4;
    while (size < 2 * entries.size()) size *= 2;
    if (entries.size() <= kMaxPerfect && BuildPerfect(entries, size)) return;
    Reset(size, kProbeMultiplier);
    perfect_ = false;
    for (const auto& [key, value] : entries) {
      const Words w = WordsOf(key);
      size_t i = IndexOf(w, key.size());
      while (slots_[i].size != kEmpty) i = (i + 1) & mask_;
      Put(i, key, w, value);
    }
  }

  // Whether every key has a slot of its own (Find reads one slot).
  bool perfect() const { return perfect_; }

  // The value of `key`, or `missing`.
  [[gnu::always_inline]] Value Find(std::string_view key,
                                    Value missing) const {
    if (key.size() >= kEmpty) return missing;
    const Words w = WordsOf(key);
    const uint32_t size = static_cast<uint32_t>(key.size());
    const Slot* const slots = slots_.data();
    if (perfect_) {
      const size_t i = IndexOf(w, key.size());
      const Slot& s = slots[i];
      // `&`, not `&&`: one select on the whole comparison.
      bool equal = (s.a == w.a) & (s.b == w.b) & (s.size == size);
      if (size > 16) {
        equal = equal && EqualBytes(long_keys_[i], key.data(), size);
      }
      return equal ? s.value : missing;
    }
    for (size_t i = IndexOf(w, key.size());; i = (i + 1) & mask_) {
      const Slot& s = slots[i];
      if (s.a == w.a && s.b == w.b && s.size == size &&
          (size <= 16 || EqualBytes(long_keys_[i], key.data(), size))) {
        return s.value;
      }
      if (s.size == kEmpty) return missing;
    }
  }

  size_t size() const { return slots_.size(); }

 private:
  static constexpr uint32_t kEmpty = ~uint32_t{0};
  // Keys up to which Build looks for a perfect multiplier, and the tries
  // per table size: n keys in m slots have no collision for a fraction of
  // about exp(-n^2 / 2m) of the multipliers. 25 keys: 1 in 110 for 64
  // slots, 1 in 10 for 128; 60 keys: 1 in 1,000 for 128, 1 in 32 for 512.
  // Beyond a few hundred keys, a table that small is out of reach.
  static constexpr size_t kMaxPerfect = 256;
  static constexpr int kTries = 256;
  // The multiplier of a probing table (any odd constant with mixed bits).
  static constexpr uint64_t kProbeMultiplier = 0xbf58476d1ce4e5b9ULL;
  struct Words {
    uint64_t a;
    uint64_t b;
  };
  struct Slot {
    uint64_t a = 0;
    uint64_t b = 0;
    uint32_t size = kEmpty;
    Value value{};
  };

  static uint64_t Load64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static uint32_t Load32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  // Every byte of a string of up to 16 bytes, given its length; the first
  // and last eight of a longer one.
  [[gnu::always_inline]] static Words WordsOf(std::string_view s) {
    const char* p = s.data();
    const size_t n = s.size();
    if (n >= 8) return Words{Load64(p), Load64(p + n - 8)};
    if (n >= 4) {
      return Words{uint64_t{Load32(p)} | uint64_t{Load32(p + n - 4)} << 32, 0};
    }
    if (n == 0) return Words{0, 0};
    const auto byte = [p](size_t i) {
      return uint64_t{static_cast<unsigned char>(p[i])};
    };
    return Words{byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16, 0};
  }
  [[gnu::always_inline]] static uint64_t Mixed(const Words& w, size_t n) {
    return w.a ^ (w.b * 0x9e3779b97f4a7c15ULL) ^ n;
  }
  [[gnu::always_inline]] size_t IndexOf(const Words& w, size_t n) const {
    return static_cast<size_t>((Mixed(w, n) * multiplier_) >> shift_);
  }

  void Reset(size_t size, uint64_t multiplier) {
    slots_.assign(size, Slot());
    long_keys_.assign(size, nullptr);
    mask_ = size - 1;
    shift_ = 64 - std::countr_zero(size);
    multiplier_ = multiplier;
  }

  void Put(size_t i, std::string_view key, const Words& w, Value value) {
    slots_[i] = Slot{w.a, w.b, static_cast<uint32_t>(key.size()), value};
    long_keys_[i] = key.data();
  }

  // Tries tables of `size` to 4 x `size` slots, kTries odd multipliers each
  // (from a fixed sequence: the same keys always give the same table).
  bool BuildPerfect(
      const std::vector<std::pair<std::string_view, Value>>& entries,
      size_t size) {
    std::vector<uint64_t> mixed;
    mixed.reserve(entries.size());
    for (const auto& entry : entries) {
      mixed.push_back(Mixed(WordsOf(entry.first), entry.first.size()));
    }
    std::vector<uint8_t> taken;
    uint64_t sequence = 0x243f6a8885a308d3ULL;
    for (size_t slots = size; slots <= 4 * size; slots *= 2) {
      const int shift = 64 - std::countr_zero(slots);
      for (int t = 0; t < kTries; ++t) {
        // splitmix64's step: a fresh, well-mixed odd multiplier.
        sequence += 0x9e3779b97f4a7c15ULL;
        uint64_t m = sequence;
        m = (m ^ (m >> 30)) * 0xbf58476d1ce4e5b9ULL;
        m = (m ^ (m >> 27)) * 0x94d049bb133111ebULL;
        m = (m ^ (m >> 31)) | 1;
        taken.assign(slots, 0);
        bool distinct = true;
        for (const uint64_t x : mixed) {
          uint8_t& t_slot = taken[(x * m) >> shift];
          if (t_slot != 0) {
            distinct = false;
            break;
          }
          t_slot = 1;
        }
        if (!distinct) continue;
        Reset(slots, m);
        perfect_ = true;
        for (const auto& [key, value] : entries) {
          const Words w = WordsOf(key);
          Put(IndexOf(w, key.size()), key, w, value);
        }
        return true;
      }
    }
    return false;
  }

  std::vector<Slot> slots_;
  std::vector<const char*> long_keys_;  // by slot: the key's bytes
  size_t mask_ = 0;
  int shift_ = 62;
  uint64_t multiplier_ = kProbeMultiplier;
  bool perfect_ = false;
};

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_STRING_TABLE_H_
