#include "core/internal/engine_state.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "allocation/date_time.h"
#include "core/internal/json_reader.h"
#include "core/json_text.h"
#include "core/rollback_condition.h"
#include "simdjson.h"

namespace allot::internal {
namespace {

constexpr int64_t kStateVersion = 1;
// Totals stay exact through a JSON number (a double).
constexpr int64_t kMaxTotal = int64_t{1} << 53;

// RFC 3339 with nanoseconds and a four-digit year (%E4Y: year 793 is
// "0793"), which is what ParseInstant reads back.
std::string FormatInstant(absl::Time t) {
  return absl::FormatTime("%E4Y-%m-%d%ET%H:%M:%E*S%Ez", t,
                          absl::UTCTimeZone());
}

// The shortest text that reads back as the same double (std::to_chars),
// so that a mean KPI's sum exports and imports exactly.
void AppendDouble(std::string* out, double d) {
  char buf[32];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), d);
  out->append(buf, r.ptr);
}

void AppendTotals(const GoalTotals& totals, const char* time_key,
                  std::string* out) {
  out->append("{\"goal\":");
  AppendJsonString(out, totals.goal);
  const bool mean = totals.kind == TotalsKind::kMean;
  if (!totals.kpi.empty()) {
    out->append(",\"kpi\":");
    AppendJsonString(out, totals.kpi);
    out->append(mean ? ",\"kind\":\"mean\",\"unit\":"
                     : ",\"kind\":\"conversion\",\"unit\":");
    AppendJsonString(out, totals.unit);
  }
  absl::StrAppend(out, ",\"visitors\":", totals.visitors);
  if (mean) {
    out->append(",\"sum\":");
    AppendDouble(out, totals.sum);
  } else {
    absl::StrAppend(out, ",\"conversions\":", totals.conversions);
  }
  absl::StrAppend(out, ",\"", time_key, "\":\"", FormatInstant(totals.at),
                  "\"}");
}

template <typename Map>
std::vector<const typename Map::value_type*> SortedById(const Map& map) {
  std::vector<const typename Map::value_type*> out;
  out.reserve(map.size());
  for (const auto& entry : map) out.push_back(&entry);
  std::sort(out.begin(), out.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return out;
}

// Every key of `obj` must be one of `allowed`.
absl::Status CheckKeys(const simdjson::dom::object& obj,
                       const std::string& path,
                       std::initializer_list<std::string_view> allowed) {
  for (auto field : obj) {
    if (std::find(allowed.begin(), allowed.end(), field.key) ==
        allowed.end()) {
      std::string expected;
      for (std::string_view a : allowed) {
        if (!expected.empty()) expected += ", ";
        expected.append(a.data(), a.size());
      }
      return absl::InvalidArgumentError(absl::StrCat(
          JoinPath(path, field.key), ": unknown field; expected one of ",
          expected));
    }
  }
  return absl::OkStatus();
}

// Reads `value` as an object with only the `allowed` keys.
absl::Status OpenObject(const element& value, const std::string& path,
                        std::initializer_list<std::string_view> allowed,
                        std::optional<ObjectReader>* out) {
  if (absl::Status s = ObjectReader::Make(value, path, out); !s.ok()) return s;
  object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) {
    return TypeError(path, "an object", value);
  }
  return CheckKeys(obj, path, allowed);
}

absl::Status ReadInstant(const ObjectReader& in, std::string_view key,
                         absl::Time* out) {
  std::string text;
  if (absl::Status s = in.String(key, &text, /*required=*/true); !s.ok()) {
    return s;
  }
  absl::StatusOr<absl::Time> at = ParseInstant(text);
  if (!at.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(in.PathOf(key), ": expected an RFC 3339 instant, got \"",
                     text, "\" (", at.status().message(), ")"));
  }
  *out = *at;
  return absl::OkStatus();
}

// "kpi", "kind" and "unit" of totals fed for a KPI (DESIGN §14): all or
// none, since a document from before KPIs has none of them.
absl::Status ReadKpiMembers(const ObjectReader& in, GoalTotals* out) {
  const bool has_kind = in.Has("kind");
  if (!has_kind) {
    for (const char* key : {"kpi", "unit", "sum"}) {
      if (in.Has(key)) {
        return absl::InvalidArgumentError(absl::StrCat(
            in.PathOf(key), ": only with \"kind\" (\"mean\" or "
                            "\"conversion\") and \"kpi\""));
      }
    }
    return absl::OkStatus();
  }
  std::string kind;
  absl::Status s = in.String("kind", &kind);
  if (!s.ok()) return s;
  if (kind == "mean") {
    out->kind = TotalsKind::kMean;
  } else if (kind == "conversion") {
    out->kind = TotalsKind::kConversion;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(in.PathOf("kind"),
                     ": expected \"mean\" or \"conversion\", got \"", kind,
                     "\""));
  }
  if (s = in.String("kpi", &out->kpi, /*required=*/true); !s.ok()) return s;
  if (out->kpi.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(in.PathOf("kpi"), ": must not be empty"));
  }
  return in.String("unit", &out->unit);
}

absl::Status ReadTotals(const element& value, const std::string& path,
                        const char* time_key, GoalTotals* out) {
  std::optional<ObjectReader> in;
  if (absl::Status s = OpenObject(value, path,
                                  {"goal", "kpi", "kind", "unit", "visitors",
                                   "conversions", "sum", time_key},
                                  &in);
      !s.ok()) {
    return s;
  }
  absl::Status s = in->String("goal", &out->goal, /*required=*/true);
  if (s.ok()) s = ReadKpiMembers(*in, out);
  if (s.ok()) s = in->Integer("visitors", &out->visitors, true);
  const bool mean = out->kind == TotalsKind::kMean;
  // A mean's totals are a sum, a conversion rate's conversions: never both.
  const char* other = mean ? "conversions" : "sum";
  if (s.ok() && in->Has(other)) {
    s = absl::InvalidArgumentError(absl::StrCat(
        in->PathOf(other), ": not with \"kind\": ",
        mean ? "\"mean\" (which carries \"sum\")"
             : "\"conversion\" (which carries \"conversions\")"));
  }
  if (s.ok()) {
    s = mean ? in->Number("sum", &out->sum, true)
             : in->Integer("conversions", &out->conversions, true);
  }
  if (s.ok()) s = ReadInstant(*in, time_key, &out->at);
  if (!s.ok()) return s;
  if (out->goal.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(in->PathOf("goal"), ": must not be empty"));
  }
  if (absl::Status t = mean ? CheckMeanTotals(out->visitors, out->sum)
                            : CheckGoalTotals(out->visitors, out->conversions);
      !t.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", t.message()));
  }
  return absl::OkStatus();
}

absl::Status ReadId(const ObjectReader& in, std::string* id) {
  if (absl::Status s = in.String("id", id, /*required=*/true); !s.ok()) {
    return s;
  }
  if (id->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(in.PathOf("id"), ": must not be empty"));
  }
  return absl::OkStatus();
}

absl::Status ReadCampaigns(const array& items, EngineState* out) {
  size_t i = 0;
  for (element item : items) {
    const std::string path = IndexPath("campaigns", i++);
    std::optional<ObjectReader> in;
    if (absl::Status s = OpenObject(item, path, {"id", "active"}, &in);
        !s.ok()) {
      return s;
    }
    std::string id;
    bool active = true;
    absl::Status s = ReadId(*in, &id);
    if (s.ok() && !in->Has("active")) {
      s = absl::InvalidArgumentError(
          absl::StrCat(in->PathOf("active"), ": required"));
    }
    if (s.ok()) s = in->Bool("active", &active);
    if (!s.ok()) return s;
    if (!out->campaign_active.emplace(id, active).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          in->PathOf("id"), ": duplicate campaign id \"", id, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadGroups(const array& items, EngineState* out) {
  size_t i = 0;
  for (element item : items) {
    const std::string path = IndexPath("groups", i++);
    std::optional<ObjectReader> in;
    if (absl::Status s =
            OpenObject(item, path, {"id", "metrics", "rollback"}, &in);
        !s.ok()) {
      return s;
    }
    std::string id;
    if (absl::Status s = ReadId(*in, &id); !s.ok()) return s;
    GroupRuntime group;
    if (std::optional<element> m = in->Get("metrics")) {
      absl::Status s = ReadTotals(*m, in->PathOf("metrics"), "updated_at",
                                  &group.metrics.emplace());
      if (!s.ok()) return s;
    }
    if (std::optional<element> r = in->Get("rollback")) {
      absl::Status s =
          ReadTotals(*r, in->PathOf("rollback"), "at", &group.rollback.emplace());
      if (!s.ok()) return s;
    }
    if (!out->groups.emplace(id, std::move(group)).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          in->PathOf("id"), ": duplicate variation group id \"", id, "\""));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckGoalTotals(int64_t visitors, int64_t conversions) {
  if (visitors < 0 || conversions < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "visitors and conversions must be >= 0, got visitors=", visitors,
        " conversions=", conversions));
  }
  if (visitors > kMaxTotal) {
    return absl::InvalidArgumentError(
        absl::StrCat("visitors must be <= ", kMaxTotal, ", got ", visitors));
  }
  if (conversions > visitors) {
    return absl::InvalidArgumentError(
        absl::StrCat("conversions (", conversions,
                     ") must not exceed visitors (", visitors, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckMeanTotals(int64_t visitors, double sum) {
  if (visitors < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("visitors must be >= 0, got ", visitors));
  }
  if (visitors > kMaxTotal) {
    return absl::InvalidArgumentError(
        absl::StrCat("visitors must be <= ", kMaxTotal, ", got ", visitors));
  }
  if (!std::isfinite(sum)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the sum must be a finite number, got ", sum));
  }
  return absl::OkStatus();
}


std::string EngineStateToJson(const EngineState& state) {
  std::string out = absl::StrCat("{\"allot_state\":", kStateVersion,
                                 ",\"campaigns\":[");
  bool first = true;
  for (const auto* entry : SortedById(state.campaign_active)) {
    if (!first) out.push_back(',');
    first = false;
    out.append("\n{\"id\":");
    AppendJsonString(&out, entry->first);
    out.append(entry->second ? ",\"active\":true}" : ",\"active\":false}");
  }
  out.append("],\"groups\":[");
  first = true;
  for (const auto* entry : SortedById(state.groups)) {
    if (!first) out.push_back(',');
    first = false;
    out.append("\n{\"id\":");
    AppendJsonString(&out, entry->first);
    const GroupRuntime& g = entry->second;
    out.append(",\"metrics\":");
    if (g.metrics) {
      AppendTotals(*g.metrics, "updated_at", &out);
    } else {
      out.append("null");
    }
    out.append(",\"rollback\":");
    if (g.rollback) {
      AppendTotals(*g.rollback, "at", &out);
    } else {
      out.append("null");
    }
    out.push_back('}');
  }
  out.append("]}\n");
  return out;
}

absl::StatusOr<EngineState> EngineStateFromJson(std::string_view json) {
  simdjson::padded_string text(json);
  simdjson::dom::parser parser;
  element doc;
  if (simdjson::error_code e = parser.parse(text).get(doc)) {
    return MalformedJsonError(text, e);
  }
  std::optional<ObjectReader> root;
  if (absl::Status s =
          OpenObject(doc, "", {"allot_state", "campaigns", "groups"}, &root);
      !s.ok()) {
    return s;
  }
  int64_t version = 0;
  if (absl::Status s = root->Integer("allot_state", &version, true); !s.ok()) {
    return s;
  }
  if (version != kStateVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("allot_state: unsupported state version ", version,
                     "; this build reads version ", kStateVersion));
  }
  EngineState state;
  array items;
  bool present = false;
  if (absl::Status s = root->Array("campaigns", &items, &present); !s.ok()) {
    return s;
  }
  if (present) {
    if (absl::Status s = ReadCampaigns(items, &state); !s.ok()) return s;
  }
  if (absl::Status s = root->Array("groups", &items, &present); !s.ok()) {
    return s;
  }
  if (present) {
    if (absl::Status s = ReadGroups(items, &state); !s.ok()) return s;
  }
  return state;
}

}  // namespace allot::internal

namespace allot {

double TotalsValue(const GoalTotals& totals) {
  return totals.kind == TotalsKind::kMean
             ? RollbackMean(totals.visitors, totals.sum)
             : RollbackKpi(totals.visitors, totals.conversions);
}

}  // namespace allot
