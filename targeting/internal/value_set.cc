#include "targeting/internal/value_set.h"

#include <cmath>
#include <cstring>

namespace allot::internal {

bool EqualsFoldedSlow(std::string_view a, std::string_view b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

ValueSet::ValueSet(bool ignore_case)
    : strings_(0, Hash{ignore_case}, Eq{ignore_case}) {}

size_t ValueSet::Hash::operator()(std::string_view s) const {
  // FNV-1a over the (folded) bytes, then a 64-bit finaliser so that the
  // table's high and low bits are both well mixed.
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(fold ? AsciiLower(c) : c);
    h *= 0x100000001b3ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return static_cast<size_t>(h);
}

uint64_t ValueSet::NumberKey(double d) {
  if (d == 0) d = 0;  // -0 and +0 are one key
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof(bits));
  return bits;
}

void ValueSet::AddString(std::string_view s) { strings_.emplace(s); }

void ValueSet::AddNumber(double d) {
  if (!std::isnan(d)) numbers_.insert(NumberKey(d));
}

void ValueSet::AddBool(bool b) { (b ? has_true_ : has_false_) = true; }

bool ValueSet::Contains(const AttributeValue& v) const {
  switch (v.type) {
    case ValueType::kString:
      return strings_.find(v.string) != strings_.end();
    case ValueType::kNumber:
      return !std::isnan(v.number) && numbers_.contains(NumberKey(v.number));
    case ValueType::kBool:
      return v.boolean ? has_true_ : has_false_;
  }
  return false;
}

size_t ValueSet::size() const {
  return strings_.size() + numbers_.size() + has_true_ + has_false_;
}

}  // namespace allot::internal
