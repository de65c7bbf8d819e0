// File: targeting/internal/compile_error.h
//
// Shared helpers for the InvalidArgument messages of targeting validation:
// "<spec path><suffix>: <what is wrong and what was expected>".
#ifndef ALLOT_TARGETING_INTERNAL_COMPILE_ERROR_H_
#define ALLOT_TARGETING_INTERNAL_COMPILE_ERROR_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "targeting/targeting_spec.h"

namespace allot::internal {

inline absl::Status InvalidAt(const std::string& path, std::string_view what) {
  std::string message = path;
  message.append(": ");
  message.append(what);
  return absl::InvalidArgumentError(message);
}

inline std::string_view KindName(const TargetingValueSpec& v) {
  switch (v.kind) {
    case TargetingValueSpec::Kind::kNull:
      return "null";
    case TargetingValueSpec::Kind::kString:
      return "a string";
    case TargetingValueSpec::Kind::kNumber:
      return "a number";
    case TargetingValueSpec::Kind::kBool:
      return "a bool";
    case TargetingValueSpec::Kind::kList:
      return "a list";
  }
  return "?";
}

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_COMPILE_ERROR_H_
