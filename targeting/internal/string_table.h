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
// Open addressing with linear probing, at most half full.
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
    slots_.assign(size, Slot());
    long_keys_.assign(size, nullptr);
    mask_ = size - 1;
    shift_ = 64 - std::countr_zero(size);
    for (const auto& [key, value] : entries) {
      const Words w = WordsOf(key);
      size_t i = IndexOf(w, key.size());
      while (slots_[i].size != kEmpty) i = (i + 1) & mask_;
      slots_[i] = Slot{w.a, w.b, static_cast<uint32_t>(key.size()), value};
      long_keys_[i] = key.data();
    }
  }

  // The value of `key`, or `missing`.
  [[gnu::always_inline]] Value Find(std::string_view key,
                                    Value missing) const {
    if (key.size() >= kEmpty) return missing;
    const Words w = WordsOf(key);
    const uint32_t size = static_cast<uint32_t>(key.size());
    const Slot* const slots = slots_.data();
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
  [[gnu::always_inline]] size_t IndexOf(const Words& w, size_t n) const {
    const uint64_t h =
        (w.a ^ (w.b * 0x9e3779b97f4a7c15ULL) ^ n) * 0xbf58476d1ce4e5b9ULL;
    return static_cast<size_t>(h >> shift_);
  }

  std::vector<Slot> slots_;
  std::vector<const char*> long_keys_;  // by slot: the key's bytes
  size_t mask_ = 0;
  int shift_ = 62;
};

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_STRING_TABLE_H_
