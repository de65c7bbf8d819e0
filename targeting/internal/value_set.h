// File: targeting/internal/value_set.h
//
// The compiled value of IN / NOT_IN: a hash set of strings (optionally
// ASCII-case-insensitive), numbers and booleans. Membership is strict, like
// EQUALS: a string attribute is looked up among the strings only, a number
// among the numbers (numerically: -0 == 0, NaN matches nothing), a bool
// among the bools. Lookups do not allocate. Immutable after building, so
// safe to share between threads.
#ifndef ALLOT_TARGETING_INTERNAL_VALUE_SET_H_
#define ALLOT_TARGETING_INTERNAL_VALUE_SET_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "targeting/attribute_value.h"

namespace allot::internal {

// ASCII case folding; bytes >= 0x80 are left alone.
inline char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Equality of two equally long byte ranges without a call to memcmp: names
// and values compared on the hot path are short.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  const auto load8 = [](const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  };
  const auto load4 = [](const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  };
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (load8(a + i) != load8(b + i)) return false;
    }
    return load8(a + n - 8) == load8(b + n - 8);
  }
  if (n >= 4) {
    return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

bool EqualsFoldedSlow(std::string_view a, std::string_view b);

inline bool EqualsFolded(std::string_view a, std::string_view b, bool fold) {
  if (a.size() != b.size()) return false;
  return fold ? EqualsFoldedSlow(a, b)
              : SameBytes(a.data(), b.data(), a.size());
}

class ValueSet {
 public:
  explicit ValueSet(bool ignore_case);

  void AddString(std::string_view s);
  void AddNumber(double d);
  void AddBool(bool b);

  bool Contains(const AttributeValue& v) const;
  size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    bool fold = false;
    size_t operator()(std::string_view s) const;
  };
  struct Eq {
    using is_transparent = void;
    bool fold = false;
    bool operator()(std::string_view a, std::string_view b) const {
      return EqualsFolded(a, b, fold);
    }
  };
  static uint64_t NumberKey(double d);

  absl::flat_hash_set<std::string, Hash, Eq> strings_;
  absl::flat_hash_set<uint64_t> numbers_;
  bool has_true_ = false;
  bool has_false_ = false;
};

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_VALUE_SET_H_
