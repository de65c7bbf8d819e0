// File: targeting/attributes.h
//
// The attributes of one visitor, keyed by name: an owning, reusable bag.
// Clear() keeps every buffer's capacity, so refilling it for the next visitor
// allocates nothing once it has seen a visitor as large.
//
//   Attributes a;
//   a.Set("country", "FR");
//   a.Set("age", 31.0);
//   a.Set("beta", true);
//
// Setting a name twice keeps the last value. Not thread-safe: one per thread.
#ifndef ALLOT_TARGETING_ATTRIBUTES_H_
#define ALLOT_TARGETING_ATTRIBUTES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "targeting/attribute_value.h"
#include "targeting/bytes.h"

namespace allot {

class Attributes {
 public:
  Attributes() = default;

  // Removes every attribute; keeps capacity.
  void Clear() {
    refill_limit_ = size_;
    size_ = 0;
    chars_.clear();
    index_live_ = false;
  }

  // Always inline (whatever the caller's translation unit weighs): a
  // visitor's context is built from a few of these per decision.
  [[gnu::always_inline]] void SetString(std::string_view name, std::string_view value) {
    Entry& e = Slot(name);
    e.type = ValueType::kString;
    e.str_size = value.size();
    if (value.size() <= kInline) {
      internal::CopyBytes(e.str, value.data(), value.size());
    } else {
      const size_t at = chars_.Append(value);
      std::memcpy(e.str, &at, sizeof at);
    }
  }
  [[gnu::always_inline]] void SetNumber(std::string_view name, double value) {
    Entry& e = Slot(name);
    e.type = ValueType::kNumber;
    e.number = value;
  }
  [[gnu::always_inline]] void SetBool(std::string_view name, bool value) {
    Entry& e = Slot(name);
    e.type = ValueType::kBool;
    e.boolean = value;
  }

  // Convenience overloads; `bool` stays a bool and integers become numbers.
  [[gnu::always_inline]] void Set(std::string_view name,
                                  std::string_view value) {
    SetString(name, value);
  }
  // Inline, so that the length of a literal is known without strlen.
  [[gnu::always_inline]] void Set(std::string_view name, const char* value) {
    SetString(name, value);
  }
  [[gnu::always_inline]] void Set(std::string_view name,
                                  const std::string& value) {
    SetString(name, value);
  }
  template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
  [[gnu::always_inline]] void Set(std::string_view name, T value) {
    if constexpr (std::is_same_v<T, bool>) {
      SetBool(name, value);
    } else {
      SetNumber(name, static_cast<double>(value));
    }
  }

  // Removes `name` if present.
  void Erase(std::string_view name);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view name(size_t i) const { return entries_[i].name; }
  // A string value's view is valid until the next Set, Erase or Clear.
  AttributeValue value(size_t i) const;
  // Parts of value(i) read in place, for a compiled targeting test of one
  // entry that needs no view of it (CompiledTargetingSet::FormResult).
  ValueType type(size_t i) const { return entries_[i].type; }
  double number(size_t i) const { return entries_[i].number; }
  // Whether entry i holds the string of the n bytes at `data`.
  [[gnu::always_inline]] bool StringEquals(size_t i, const char* data,
                                           size_t n) const {
    const Entry& e = entries_[i];
    if (e.type != ValueType::kString || e.str_size != n) return false;
    return internal::EqualBytes(StringData(e), data, n);
  }

  // Whether entry i holds the string of n bytes (1 to 8) whose bytes are
  // those of `word` (little-endian, zeros past them), `shift` being
  // 64 - 8n: the entry's inline bytes are read as one word (its bytes past
  // the value, left from an earlier one, shifted out).
  // REQUIRES: a little-endian target.
  [[gnu::always_inline]] bool ShortStringEquals(size_t i, uint64_t word,
                                                size_t n,
                                                unsigned shift) const {
    const Entry& e = entries_[i];
    if (e.type != ValueType::kString || e.str_size != n) return false;
    uint64_t bytes;
    std::memcpy(&bytes, e.str, sizeof bytes);
    return ((bytes ^ word) << shift) == 0;
  }

  // Names compared while searching for an already set name since
  // construction (a measure of Set's work: O(1) per Set on average).
  uint64_t search_steps() const { return search_steps_; }

  // Linear lookup; nullptr-like result via `found` (a string's view as
  // value() says). Slow path only.
  bool Find(std::string_view name, AttributeValue* out) const;

  // Which names the live entries have, as a stamp: two fills with the same
  // layout() and size() have the same name at each position (a copy keeps
  // the stamp; a new name at a position, or an Erase, takes a new one, never
  // used before in this process). CompiledTargetingSet::Bind keeps its plan
  // while both stay.
  uint64_t layout() const { return layout_; }

 private:
  static constexpr size_t kInline = 16;
  struct Entry {
    std::string name;
    ValueType type = ValueType::kBool;
    bool boolean = false;
    double number = 0;
    size_t str_size = 0;
    // A string value of up to kInline bytes is held here (most are: a
    // country, a plan, a version), with no buffer to grow; a longer one is
    // chars_[offset, offset + str_size), its offset in the first 8 bytes.
    alignas(8) char str[kInline] = {};
  };

  // Where a string entry's bytes are.
  [[gnu::always_inline]] const char* StringData(const Entry& e) const {
    if (e.str_size <= kInline) return e.str;
    size_t at;
    std::memcpy(&at, e.str, sizeof at);
    return chars_.data() + at;
  }

  // The entry for `name`: inline for a refill in the previous fill's order
  // (see refill_limit_), out of line otherwise.
  [[gnu::always_inline]] Entry& Slot(std::string_view name) {
    if (size_ < refill_limit_) {
      Entry& e = entries_[size_];
      if (internal::EqualBytes(e.name, name)) {
        ++size_;
        return e;
      }
    }
    return SlotSlow(name);
  }
  Entry& SlotSlow(std::string_view name);
  // The live entry named `name`, or null. Linear while there are few
  // entries, through index_ beyond kIndexFrom, so that setting n names
  // costs O(n) however large n grows.
  Entry* FindEntry(std::string_view name);
  void IndexEntry(size_t i);
  void RebuildIndex();

  static constexpr size_t kIndexFrom = 16;

  // A stamp for layout(): a process-wide counter's next value.
  static uint64_t NewLayout();

  internal::LineVector<Entry> entries_;  // entries_[0, size_) are live
  size_t size_ = 0;
  uint64_t layout_ = 0;  // 0 until a name is set (see layout())
  // A refill that sets the names of the previous fill in the same order
  // finds each at entries_[size_]: entries_[0, refill_limit_) were distinct
  // then, so the name cannot be one already set now. refill_limit_ drops to
  // 0 once the order differs.
  size_t refill_limit_ = 0;
  // Open-addressing index of the live entries once there are more than
  // kIndexFrom: cells hold (epoch, entry index); cells of an older epoch
  // are empty, so Clear() is O(1).
  struct IndexCell {
    uint32_t epoch = 0;
    uint32_t entry = 0;
  };
  internal::LineVector<IndexCell> index_;
  uint32_t index_epoch_ = 1;
  bool index_live_ = false;  // index_ holds entries_[0, size_) this epoch
  uint64_t search_steps_ = 0;
  // The string values longer than kInline of the live entries, back to
  // back (a value set twice leaves its old bytes behind until Clear).
  internal::ByteBuffer chars_;
};

// Inline: CompiledTargetingSet::Bind calls it once per attribute.
inline AttributeValue Attributes::value(size_t i) const {
  const Entry& e = entries_[i];
  AttributeValue v;
  v.type = e.type;
  v.boolean = e.boolean;
  v.number = e.number;
  if (e.type == ValueType::kString) {
    v.string = std::string_view(StringData(e), e.str_size);
  }
  return v;
}

}  // namespace allot

#endif  // ALLOT_TARGETING_ATTRIBUTES_H_
