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
#include "targeting/bytes.h"

namespace allot::internal {

// ASCII case folding; bytes >= 0x80 are left alone.
inline char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsFoldedSlow(std::string_view a, std::string_view b);

inline bool EqualsFolded(std::string_view a, std::string_view b, bool fold) {
  if (a.size() != b.size()) return false;
  return fold ? EqualsFoldedSlow(a, b)
              : EqualBytes(a.data(), b.data(), a.size());
}

class ValueSet {
 public:
  explicit ValueSet(bool ignore_case);

  void AddString(std::string_view s);
  void AddNumber(double d);
  void AddBool(bool b);

  bool Contains(const AttributeValue& v) const;
  size_t size() const;

  bool ignore_case() const { return strings_.hash_function().fold; }
  // Calls f(std::string_view) for each string of the set, in no order.
  template <typename F>
  void ForEachString(F&& f) const {
    for (const std::string& s : strings_) f(std::string_view(s));
  }

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
