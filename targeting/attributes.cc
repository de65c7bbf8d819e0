#include "targeting/attributes.h"

#include <utility>

namespace allot {

Attributes::Entry& Attributes::Slot(std::string_view name) {
  for (size_t i = 0; i < size_; ++i) {
    if (entries_[i].name == name) return entries_[i];
  }
  // Reuse a dead entry so its buffers' capacity is kept. A context refilled
  // for the next visitor usually sets the same names in the same order: the
  // entry then already has this name (and its slot memo stays valid).
  if (size_ == entries_.size()) entries_.emplace_back();
  Entry& e = entries_[size_++];
  if (e.name != name) {
    e.name.assign(name.data(), name.size());
    e.slot_set = 0;
  }
  return e;
}

void Attributes::SetString(std::string_view name, std::string_view value) {
  Entry& e = Slot(name);
  e.type = ValueType::kString;
  e.str_offset = chars_.size();
  e.str_size = value.size();
  chars_.append(value.data(), value.size());
}

void Attributes::SetNumber(std::string_view name, double value) {
  Entry& e = Slot(name);
  e.type = ValueType::kNumber;
  e.number = value;
}

void Attributes::SetBool(std::string_view name, bool value) {
  Entry& e = Slot(name);
  e.type = ValueType::kBool;
  e.boolean = value;
}

void Attributes::Erase(std::string_view name) {
  for (size_t i = 0; i < size_; ++i) {
    if (entries_[i].name == name) {
      // Swap rather than move so both entries keep their buffers.
      std::swap(entries_[i], entries_[size_ - 1]);
      --size_;
      return;
    }
  }
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
