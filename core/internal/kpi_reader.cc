#include "core/internal/kpi_reader.h"

#include <optional>

#include "absl/strings/str_cat.h"

namespace allot::internal {
namespace {

absl::Status ReadKpi(const ObjectReader& in, KpiSpec* out) {
  out->path = in.path();
  absl::Status s = in.String("id", &out->id, /*required=*/true);
  if (s.ok()) s = in.String("name", &out->name);
  if (s.ok()) s = in.String("description", &out->description);
  if (s.ok()) s = in.String("unit", &out->unit);
  if (s.ok()) s = in.String("value_type", &out->value_type, true);
  if (s.ok()) s = in.Bool("required", &out->required);
  if (s.ok()) s = in.Integer("sort_order", &out->sort_order);
  return s;
}

absl::Status ReadList(const element& value, const std::string& path,
                      int nesting, std::vector<KpiSpec>* out) {
  array items;
  if (value.get_array().get(items) == simdjson::SUCCESS) {
    return ForEachObjectIn(items, path, [&](const ObjectReader& r, size_t) {
      return ReadKpi(r, &out->emplace_back());
    });
  }
  object obj;
  if (nesting >= 2 || value.get_object().get(obj) != simdjson::SUCCESS) {
    return TypeError(path.empty() ? "(document)" : path,
                     nesting >= 2 ? "an array of KPI definitions"
                                  : "an array of KPI definitions or an object "
                                    "with a \"kpis\" array",
                     value);
  }
  ObjectReader in(obj, path);
  std::optional<element> inner = in.Get("kpis");
  if (!inner) {
    return absl::InvalidArgumentError(
        absl::StrCat(in.PathOf("kpis"),
                     ": required field is missing; expected an array of KPI "
                     "definitions"));
  }
  return ReadList(*inner, in.PathOf("kpis"), nesting + 1, out);
}

}  // namespace

absl::Status ReadKpiList(const element& value, const std::string& path,
                         std::vector<KpiSpec>* out) {
  return ReadList(value, path, 0, out);
}

}  // namespace allot::internal
