// Reads KPI definitions (DESIGN §14) from a simdjson DOM value into
// KpiSpecs, for the config parser and the separate KPI documents of
// LoadOptions::kpis_json.
#ifndef ALLOT_CORE_INTERNAL_KPI_READER_H_
#define ALLOT_CORE_INTERNAL_KPI_READER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/config_spec.h"
#include "core/internal/json_reader.h"

namespace allot::internal {

// Appends the KPIs of `value`, found at `path`: an array of KPI objects, or
// an object whose `kpis` member is one (dcycle's dataset shape, `{"name",
// "description", "kpis": [...]}`), nested at most twice so that a config's
// `"kpis": {"name", "kpis": [...]}` reads too. Structural errors only
// (wrong JSON types, a missing id or value_type); CompiledConfig::Create
// checks the rest.
absl::Status ReadKpiList(const element& value, const std::string& path,
                         std::vector<KpiSpec>* out);

}  // namespace allot::internal

#endif  // ALLOT_CORE_INTERNAL_KPI_READER_H_
