// KPI definitions (DESIGN §14): validation, the merge with
// LoadOptions::kpis_json, and the resolution of rollback goals' KPIs.
#include "core/kpi_definitions.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "core/internal/json_reader.h"
#include "core/internal/kpi_reader.h"
#include "core/internal/path_error.h"
#include "simdjson.h"

namespace allot {
namespace {

constexpr char kSeparateSuffix[] = " (in the separate KPI definitions)";

absl::Status PathError(std::string_view path, std::string_view message,
                       std::string_view suffix) {
  return absl::InvalidArgumentError(
      absl::StrCat(absl::string_view(path.data(), path.size()), ": ",
                   absl::string_view(message.data(), message.size()),
                   absl::string_view(suffix.data(), suffix.size())));
}

using internal::Quoted;

absl::StatusOr<std::vector<KpiSpec>> ParseKpiSpecs(std::string_view json) {
  simdjson::padded_string text(json);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (simdjson::error_code e = parser.parse(text).get(doc)) {
    return internal::MalformedJsonError(text, e);
  }
  std::vector<KpiSpec> specs;
  if (absl::Status s = internal::ReadKpiList(doc, "", &specs); !s.ok()) {
    return s;
  }
  return specs;
}

// Validates `specs` and appends them to `out`; `ids` and `names` map what
// `out` already holds to where it was declared. `suffix` ends every message
// and `origin` names the document in those maps ("" for a lone document), so
// that an id declared in both a config and the separate definitions says
// which is which.
absl::Status AddKpis(const std::vector<KpiSpec>& specs, std::string_view suffix,
                     std::string_view origin,
                     absl::flat_hash_map<std::string, std::string>* ids,
                     absl::flat_hash_map<std::string, std::string>* names,
                     std::vector<KpiDefinition>* out) {
  for (const KpiSpec& k : specs) {
    const std::string where =
        origin.empty()
            ? k.path
            : absl::StrCat(k.path, " of ",
                           absl::string_view(origin.data(), origin.size()));
    const std::string id_path = internal::JoinPath(k.path, "id");
    if (k.id.empty()) return PathError(id_path, "must not be empty", suffix);
    std::optional<KpiValueType> type = ParseKpiValueType(k.value_type);
    if (!type) {
      return PathError(internal::JoinPath(k.path, "value_type"),
                       absl::StrCat("expected number, integer, percentage or "
                                    "boolean, got ",
                                    Quoted(k.value_type)),
                       suffix);
    }
    if (auto [it, added] = ids->emplace(k.id, where); !added) {
      return PathError(id_path,
                       absl::StrCat("duplicate KPI id ", Quoted(k.id),
                                    " (first declared at ", it->second, ")"),
                       suffix);
    }
    if (!k.name.empty()) {
      if (auto [it, added] = names->emplace(k.name, where); !added) {
        return PathError(internal::JoinPath(k.path, "name"),
                         absl::StrCat("duplicate KPI name ", Quoted(k.name),
                                      " (first declared at ", it->second, ")"),
                         suffix);
      }
    }
    KpiDefinition& d = out->emplace_back();
    d.id = k.id;
    d.name = k.name;
    d.description = k.description;
    d.unit = k.unit;
    d.value_type = *type;
    d.required = k.required;
    d.sort_order = k.sort_order;
    d.path = k.path;
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view KpiValueTypeName(KpiValueType type) {
  switch (type) {
    case KpiValueType::kNumber:
      return "number";
    case KpiValueType::kInteger:
      return "integer";
    case KpiValueType::kPercentage:
      return "percentage";
    case KpiValueType::kBoolean:
      return "boolean";
  }
  return "number";
}

std::optional<KpiValueType> ParseKpiValueType(std::string_view text) {
  if (text == "number") return KpiValueType::kNumber;
  if (text == "integer") return KpiValueType::kInteger;
  if (text == "percentage") return KpiValueType::kPercentage;
  if (text == "boolean") return KpiValueType::kBoolean;
  return std::nullopt;
}

absl::StatusOr<std::vector<KpiDefinition>> ParseKpiDefinitions(
    std::string_view json) {
  absl::StatusOr<std::vector<KpiSpec>> specs = ParseKpiSpecs(json);
  if (!specs.ok()) return specs.status();
  absl::flat_hash_map<std::string, std::string> ids, names;
  std::vector<KpiDefinition> out;
  if (absl::Status s = AddKpis(*specs, "", "", &ids, &names, &out); !s.ok()) {
    return s;
  }
  return out;
}

int32_t FindKpiByIdOrName(const std::vector<KpiDefinition>& kpis,
                          std::string_view key) {
  for (size_t i = 0; i < kpis.size(); ++i) {
    if (kpis[i].id == key) return static_cast<int32_t>(i);
  }
  for (size_t i = 0; i < kpis.size(); ++i) {
    if (!kpis[i].name.empty() && kpis[i].name == key) {
      return static_cast<int32_t>(i);
    }
  }
  return -1;
}

absl::Status CompiledConfig::CompileKpis(const ConfigSpec& spec,
                                         const LoadOptions& options) {
  absl::flat_hash_map<std::string, std::string> ids, names;
  if (absl::Status s =
          AddKpis(spec.kpis, "", "the config", &ids, &names, &kpis_);
      !s.ok()) {
    return s;
  }
  if (!options.kpis_json.empty()) {
    absl::StatusOr<std::vector<KpiSpec>> extra =
        ParseKpiSpecs(options.kpis_json);
    if (!extra.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(extra.status().message(), kSeparateSuffix));
    }
    if (absl::Status s =
            AddKpis(*extra, kSeparateSuffix, "the separate KPI definitions",
                    &ids, &names, &kpis_);
        !s.ok()) {
      return s;
    }
  }
  // Groups were compiled in spec order, so the k-th group of the specs is
  // groups_[k].
  size_t g = 0;
  for (const CampaignSpec& cs : spec.campaigns) {
    for (const VariationGroupSpec& gs : cs.variation_groups) {
      Group& group = groups_[g++];
      if (!gs.rollback_condition || gs.rollback_condition->goal_kpi.empty()) {
        continue;
      }
      const RollbackConditionSpec& rb = *gs.rollback_condition;
      group.rollback_kpi = FindKpiByIdOrName(kpis_, rb.goal_kpi);
      if (group.rollback_kpi < 0) {
        return PathError(
            internal::JoinPath(rb.path, "goal.kpi"),
            absl::StrCat("unknown KPI ", Quoted(rb.goal_kpi),
                         kpis_.empty()
                             ? "; the config declares no KPIs (top-level "
                               "\"kpis\", or separate KPI definitions)"
                             : "; expected the id or name of a KPI definition"),
            "");
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace allot
