// File: core/config_parser.h
//
// Parses config JSON into the model of config_spec.h, detecting its format
// (DESIGN §2): campaign documents (a single campaign, an `items` page, or
// `{"campaigns": [...], "settings": {...}}`) or a Flagship bucketing file.
//
//   absl::StatusOr<ConfigSpec> spec = ParseConfigJson(text, {});
//
// Structural errors (malformed JSON with its byte offset, wrong field types,
// missing required fields) are InvalidArgument starting with the JSON path.
// Semantic validation (unique ids, allocations, operators, dates, ...) is done
// by CompiledConfig::Create. Thread-safe (no shared state).
#ifndef ALLOT_CORE_CONFIG_PARSER_H_
#define ALLOT_CORE_CONFIG_PARSER_H_

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/config_spec.h"

namespace allot {

struct ParseOptions {
  // Force a format instead of detecting it.
  // Default: detect.
  std::optional<ConfigFormat> format;
};

[[nodiscard]] absl::StatusOr<ConfigSpec> ParseConfigJson(
    std::string_view json, const ParseOptions& options = ParseOptions());

}  // namespace allot

#endif  // ALLOT_CORE_CONFIG_PARSER_H_
