// File: targeting/attribute_value.h
//
// A visitor attribute value: a string, a number (double) or a bool, as a
// non-owning view. Attributes (attributes.h) owns the storage.
//
//   AttributeValue v = AttributeValue::Number(42);
//
// Trivially copyable.
#ifndef ALLOT_TARGETING_ATTRIBUTE_VALUE_H_
#define ALLOT_TARGETING_ATTRIBUTE_VALUE_H_

#include <string_view>

namespace allot {

enum class ValueType : unsigned char { kString, kNumber, kBool };

struct AttributeValue {
  ValueType type = ValueType::kBool;
  bool boolean = false;
  double number = 0;
  std::string_view string;

  static AttributeValue String(std::string_view s) {
    AttributeValue v;
    v.type = ValueType::kString;
    v.string = s;
    return v;
  }
  static AttributeValue Number(double d) {
    AttributeValue v;
    v.type = ValueType::kNumber;
    v.number = d;
    return v;
  }
  static AttributeValue Bool(bool b) {
    AttributeValue v;
    v.type = ValueType::kBool;
    v.boolean = b;
    return v;
  }
};

}  // namespace allot

#endif  // ALLOT_TARGETING_ATTRIBUTE_VALUE_H_
