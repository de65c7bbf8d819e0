// File: core/kpi_definitions.h
//
// KPI definitions (DESIGN §14, dcycle's custom-KPI datasets): typed metrics
// that a rollback condition's goal may name (`"goal": {"kpi": "aov"}`). A
// `number` or `integer` KPI is a mean per visitor, fed as visitors and a sum
// (Engine::UpdateKpiMetrics); a `percentage` or `boolean` KPI keeps the
// conversion form of DESIGN §6, fed as visitors and conversions
// (Engine::UpdateGoalMetrics).
//
//   absl::StatusOr<std::vector<KpiDefinition>> kpis = ParseKpiDefinitions(
//       R"({"name": "Shop", "kpis": [{"id": "aov", "value_type":
//       "number"}]})");
//   LoadOptions options;
//   options.kpis_json = text;  // merged with the config's own "kpis"
//
// Pure functions and plain values; thread-safe.
#ifndef ALLOT_CORE_KPI_DEFINITIONS_H_
#define ALLOT_CORE_KPI_DEFINITIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace allot {

enum class KpiValueType : unsigned char {
  kNumber,      // any real; a rollback compares the mean per visitor
  kInteger,     // whole numbers; the fed sum must be integral
  kPercentage,  // a conversion rate, 100 * conversions / visitors
  kBoolean,     // converted or not: the same rate
};

// "number", "integer", "percentage" or "boolean".
std::string_view KpiValueTypeName(KpiValueType type);
// The inverse of KpiValueTypeName; nullopt for anything else.
std::optional<KpiValueType> ParseKpiValueType(std::string_view text);
// Whether a rollback on such a KPI compares a mean per visitor (number,
// integer) rather than a conversion rate (percentage, boolean).
inline bool IsMeanKpi(KpiValueType type) {
  return type == KpiValueType::kNumber || type == KpiValueType::kInteger;
}

// One validated KPI definition.
struct KpiDefinition {
  std::string id;    // non-empty, unique in a config
  std::string name;  // unique when not empty
  std::string description;
  std::string unit;  // "EUR", "items", "%", ... as written ("" when absent)
  KpiValueType value_type = KpiValueType::kNumber;
  bool required = false;
  int64_t sort_order = 0;
  std::string path;  // JSON path where it was declared
};

// Parses and validates a KPI document on its own: a dcycle dataset
// `{"name", "description", "kpis": [...]}`, a config-like `{"kpis": [...]}`
// or `{"kpis": {"name", "kpis": [...]}}`, or a bare array. InvalidArgument
// starting with the JSON path in that document for malformed JSON, wrong
// JSON types, a missing or empty id, a duplicate id or name, or a
// value_type that is not one of the four. In declaration order.
[[nodiscard]] absl::StatusOr<std::vector<KpiDefinition>> ParseKpiDefinitions(
    std::string_view json);

// The index in `kpis` of the KPI with id `key`, else of the one named `key`,
// else -1.
int32_t FindKpiByIdOrName(const std::vector<KpiDefinition>& kpis,
                          std::string_view key);

}  // namespace allot

#endif  // ALLOT_CORE_KPI_DEFINITIONS_H_
