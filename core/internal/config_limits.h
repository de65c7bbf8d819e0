// Hard limits of a config document (DESIGN §17), checked on the parsed DOM
// before anything is read from it, so that no later step meets an input it
// could spend unbounded time or stack on.
#ifndef ALLOT_CORE_INTERNAL_CONFIG_LIMITS_H_
#define ALLOT_CORE_INTERNAL_CONFIG_LIMITS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "simdjson.h"

namespace allot::internal {

// Bytes of one string: an id, a key or a string value.
inline constexpr size_t kMaxStringBytes = 64 * 1024;
// Arrays and objects nested inside one targeting "value".
inline constexpr int kMaxValueDepth = 32;
// Arrays and objects nested in the whole document: deeper than any config
// needs (about 12 levels down to a targeting value, plus its 32).
inline constexpr int kMaxDocumentDepth = 64;

// InvalidArgument naming the JSON path of the first string longer than
// kMaxStringBytes, targeting value nested deeper than kMaxValueDepth, or
// document nested deeper than kMaxDocumentDepth.
absl::Status CheckConfigLimits(const simdjson::dom::element& root);

}  // namespace allot::internal

#endif  // ALLOT_CORE_INTERNAL_CONFIG_LIMITS_H_
