#include "core/campaign_table.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "allocation/date_time.h"
#include "core/config_parser.h"
#include "core/internal/csv.h"
#include "core/internal/json_reader.h"
#include "core/json_text.h"
#include "core/recurrence_rule.h"
#include "simdjson.h"

namespace allot {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

enum Column : int {
  kId,
  kName,
  kDescription,
  kStatus,
  kStartDate,
  kEndDate,
  kPercentage,
  kPublished,
  kRecurrence,
  kEscalation,
  kEscalationDate,
  kNumColumns,
};
static_assert(std::size(kCampaignColumns) == kNumColumns);

absl::string_view View(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// The DOM of a config and its campaign objects, in the order of
// ConfigSpec::campaigns: the root itself (a lone campaign) or the items of
// the array its campaigns came from ("campaigns" or "items").
struct ConfigDom {
  simdjson::padded_string text;
  simdjson::dom::parser parser;
  element root;
  std::string list_key;  // "" for a lone campaign
  std::vector<object> campaigns;
};

absl::Status ParseDom(std::string_view json, const ConfigSpec& spec,
                      ConfigDom* dom) {
  dom->text = simdjson::padded_string(json);
  if (simdjson::error_code e = dom->parser.parse(dom->text).get(dom->root)) {
    return absl::InvalidArgumentError(
        absl::StrCat("(document): ", simdjson::error_message(e)));
  }
  if (spec.campaigns.empty()) return absl::OkStatus();
  const std::string& first = spec.campaigns[0].path;
  object root;
  if (dom->root.get_object().get(root)) {
    return absl::InvalidArgumentError("(document): not an object");
  }
  if (first.empty()) {
    dom->campaigns.push_back(root);
    return absl::OkStatus();
  }
  dom->list_key = first.substr(0, first.find('['));
  array list;
  if (root.at_key(dom->list_key).get_array().get(list)) {
    return absl::InvalidArgumentError(
        absl::StrCat(dom->list_key, ": not an array"));
  }
  for (element item : list) {
    object o;
    if (item.get_object().get(o)) break;
    dom->campaigns.push_back(o);
  }
  if (dom->campaigns.size() != spec.campaigns.size()) {
    return absl::InternalError("the campaigns of the config moved");
  }
  return absl::OkStatus();
}

// `key` of `o` when it is a string, else "".
std::string_view StringField(object o, std::string_view key) {
  std::string_view value;
  if (o.at_key(key).get_string().get(value)) return {};
  return value;
}

struct SchedulerTimes {
  absl::TimeZone zone = absl::UTCTimeZone();
  std::optional<absl::Time> start;
  std::optional<absl::Time> stop;
};

// The scheduler's zone and instants of a campaign that compiled.
SchedulerTimes TimesOf(const CampaignSpec& c) {
  SchedulerTimes out;
  if (!c.scheduler) return out;
  const SchedulerSpec& s = *c.scheduler;
  if (absl::StatusOr<absl::TimeZone> z = LoadTimeZoneOrError(s.timezone);
      z.ok()) {
    out.zone = *z;
  }
  if (!s.start_date.empty()) {
    if (absl::StatusOr<absl::Time> t = ParseDateTime(s.start_date, out.zone);
        t.ok()) {
      out.start = *t;
    }
  }
  if (!s.stop_date.empty()) {
    if (absl::StatusOr<absl::Time> t = ParseDateTime(s.stop_date, out.zone);
        t.ok()) {
      out.stop = *t;
    }
  }
  return out;
}

absl::CivilDay DayOf(absl::Time t, const absl::TimeZone& zone) {
  return absl::CivilDay(zone.At(t).cs);
}

// The last day live before `stop`: the day of the instant before it.
absl::CivilDay LastDayBefore(absl::Time stop, const absl::TimeZone& zone) {
  return DayOf(stop - absl::Nanoseconds(1), zone);
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string InstantText(absl::Time t, const absl::TimeZone& zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", t, zone);
}

const SchedulerSpec& SchedulerOf(const CampaignSpec& c) {
  static const SchedulerSpec* const kNone = new SchedulerSpec();
  return c.scheduler ? *c.scheduler : *kNone;
}

}  // namespace

absl::StatusOr<CampaignTable> ExportCampaignTable(std::string_view config_json,
                                                  absl::Time at,
                                                  const LoadOptions& options) {
  ParseOptions parse_options;
  parse_options.format = options.format;
  absl::StatusOr<ConfigSpec> spec = ParseConfigJson(config_json, parse_options);
  if (!spec.ok()) return spec.status();
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> compiled =
      CompiledConfig::Create(*spec, options);
  if (!compiled.ok()) return compiled.status();
  ConfigDom dom;
  if (absl::Status s = ParseDom(config_json, *spec, &dom); !s.ok()) return s;
  const CompiledConfig& config = **compiled;

  CampaignTable table;
  for (std::string_view c : kCampaignColumns) table.columns.emplace_back(c);
  table.rows.reserve(spec->campaigns.size());
  const int64_t at_ns = TrafficSchedule::Instant(at);
  for (size_t i = 0; i < spec->campaigns.size(); ++i) {
    const CampaignSpec& cs = spec->campaigns[i];
    const CompiledConfig::Campaign& c = config.campaigns()[i];
    const SchedulerSpec& sch = SchedulerOf(cs);
    const SchedulerTimes times = TimesOf(cs);
    std::vector<std::string>& row = table.rows.emplace_back(kNumColumns);
    row[kId] = cs.id;
    row[kName] = cs.name;
    row[kDescription] = std::string(StringField(dom.campaigns[i], "description"));
    row[kStatus] = cs.status;
    if (times.start) row[kStartDate] = DayText(DayOf(*times.start, times.zone));
    if (times.stop) row[kEndDate] = DayText(LastDayBefore(*times.stop, times.zone));
    int32_t share_bp = 10000;
    for (int32_t g = c.first_group; g < c.first_group + c.num_groups; ++g) {
      const CompiledConfig::Group& group = config.groups()[g];
      if (group.schedule) share_bp = std::min(share_bp, group.schedule->ShareAt(at));
    }
    row[kPercentage] = absl::StrFormat("%.2f", share_bp / 100.0);
    const bool live = !config.panic() && c.active && c.start <= at &&
                      at < c.stop &&
                      (c.recurrence.empty() || c.windows.Contains(at_ns));
    row[kPublished] = live ? "TRUE" : "FALSE";
    row[kRecurrence] = sch.recurrence;
    row[kEscalation] = sch.duration;
    if (!sch.recurrence.empty()) row[kEscalationDate] = row[kStartDate];
  }
  return table;
}

std::string CampaignTableCsv(const CampaignTable& table) {
  std::string out;
  internal::AppendCsvRecord(table.columns, &out);
  for (const std::vector<std::string>& row : table.rows) {
    internal::AppendCsvRecord(row, &out);
  }
  return out;
}

absl::StatusOr<CampaignTable> ReadCampaignTableCsv(std::string_view csv) {
  absl::StatusOr<std::vector<std::vector<std::string>>> records =
      internal::ReadCsv(csv);
  if (!records.ok()) return records.status();
  if (records->empty()) {
    return absl::InvalidArgumentError("row 1: no header (the file is empty)");
  }
  CampaignTable table;
  table.columns = std::move(records->front());
  table.rows.reserve(records->size() - 1);
  for (size_t r = 1; r < records->size(); ++r) {
    std::vector<std::string>& row = (*records)[r];
    if (row.size() != table.columns.size()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "row %d: %d fields, but the header has %d", r + 1, row.size(),
          table.columns.size()));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

namespace {

// What an import changes in one campaign: for each field, nullopt leaves it
// as it is, "" removes it, anything else is its new value.
struct Patch {
  int64_t row = 0;
  int32_t campaign = 0;
  std::optional<std::string> name, description, status;
  std::optional<std::string> start, stop, recurrence, duration;
  bool TouchesScheduler() const {
    return start || stop || recurrence || duration;
  }
};

// The change of a text field: nullopt when `now` already holds `next`.
std::optional<std::string> Change(std::string_view now, std::string_view next) {
  if (now == next) return std::nullopt;
  return std::string(next);
}

// The new text of scheduler.start_date (is_stop false) or stop_date for a
// date cell `day` (nullopt: empty), given the value `now` the config has
// ("" when absent) read in `zone` as `now_time`. See campaign_table.h.
std::optional<std::string> DateChange(std::string_view now,
                                      std::optional<absl::Time> now_time,
                                      const absl::TimeZone& zone,
                                      std::optional<absl::CivilDay> day,
                                      bool is_stop) {
  if (!day) return Change(now, "");
  if (now_time) {
    const absl::CivilDay current =
        is_stop ? LastDayBefore(*now_time, zone) : DayOf(*now_time, zone);
    if (current == *day) return std::nullopt;
    const absl::CivilSecond local = zone.At(*now_time).cs;
    const bool midnight =
        local.hour() == 0 && local.minute() == 0 && local.second() == 0;
    const absl::CivilSecond target =
        is_stop && midnight
            ? absl::CivilSecond(*day + 1)
            : absl::CivilSecond(day->year(), day->month(), day->day(),
                                local.hour(), local.minute(), local.second());
    if (!HasUtcOffset(now)) return absl::FormatCivilTime(target);
    return InstantText(absl::FromCivil(target, zone), zone);
  }
  return InstantText(StartOfDay(is_stop ? *day + 1 : *day, zone), zone);
}

// Column indices of a table by kind, or -1; errors for unknown, repeated
// and missing columns.
absl::Status MapColumns(const std::vector<std::string>& names,
                        int (&index)[kNumColumns]) {
  std::fill(std::begin(index), std::end(index), -1);
  for (size_t i = 0; i < names.size(); ++i) {
    const absl::string_view name = absl::StripAsciiWhitespace(names[i]);
    int kind = -1;
    for (int k = 0; k < kNumColumns; ++k) {
      if (absl::EqualsIgnoreCase(name, View(kCampaignColumns[k]))) kind = k;
    }
    if (kind < 0) {
      std::string expected;
      for (std::string_view c : kCampaignColumns) {
        absl::StrAppend(&expected, expected.empty() ? "" : ", ", View(c));
      }
      return absl::InvalidArgumentError(absl::StrFormat(
          "column \"%s\": not a column of the campaign table (expected %s)",
          names[i], expected));
    }
    if (index[kind] >= 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("column \"%s\": given twice",
                          View(kCampaignColumns[kind])));
    }
    index[kind] = static_cast<int>(i);
  }
  if (index[kId] < 0) {
    return absl::InvalidArgumentError(
        "column \"ID\": missing; it names the campaign of each row");
  }
  return absl::OkStatus();
}

// Writes a config's DOM back as JSON text, two-space indents, key order
// kept, with the patches applied to the campaign objects.
class PatchedWriter {
 public:
  PatchedWriter(const ConfigDom& dom, const std::vector<const Patch*>& patches)
      : dom_(dom), patches_(patches) {}

  std::string Write() {
    if (dom_.list_key.empty() && !patches_.empty() && patches_[0] != nullptr) {
      Campaign(dom_.campaigns[0], *patches_[0], 0);
    } else {
      Value(dom_.root, 0, /*campaign_list=*/!dom_.list_key.empty());
    }
    out_.push_back('\n');
    return std::move(out_);
  }

 private:
  void Newline(int indent) {
    out_.push_back('\n');
    out_.append(indent, ' ');
  }
  void Key(std::string_view key, bool* first, int indent) {
    if (!*first) out_.push_back(',');
    *first = false;
    Newline(indent);
    AppendJsonString(&out_, key);
    out_.append(": ");
  }
  static bool IsContainer(const element& e) {
    return e.type() == element_type::ARRAY || e.type() == element_type::OBJECT;
  }

  // `campaign_list`: at the root, whose list_key array holds the campaigns.
  void Value(const element& e, int indent, bool campaign_list = false) {
    switch (e.type()) {
      case element_type::OBJECT: {
        object o;
        if (e.get_object().get(o)) return;
        bool first = true;
        out_.push_back('{');
        for (simdjson::dom::key_value_pair kv : o) {
          Key(kv.key, &first, indent + 2);
          array items;
          if (campaign_list && kv.key == dom_.list_key &&
              !kv.value.get_array().get(items)) {
            CampaignList(items, indent + 2);
            campaign_list = false;  // the parser reads the first one only
          } else {
            Value(kv.value, indent + 2);
          }
        }
        if (!first) Newline(indent);
        out_.push_back('}');
        return;
      }
      case element_type::ARRAY: {
        array a;
        if (e.get_array().get(a)) return;
        bool flat = true;
        for (element item : a) flat = flat && !IsContainer(item);
        out_.push_back('[');
        bool first = true;
        for (element item : a) {
          if (!first) out_.append(flat ? ", " : ",");
          first = false;
          if (!flat) Newline(indent + 2);
          Value(item, indent + 2);
        }
        if (!first && !flat) Newline(indent);
        out_.push_back(']');
        return;
      }
      case element_type::STRING: {
        std::string_view s;
        if (e.get_string().get(s)) return;
        AppendJsonString(&out_, s);
        return;
      }
      default:
        out_.append(internal::Minify(e));
    }
  }

  void CampaignList(array items, int indent) {
    out_.push_back('[');
    size_t i = 0;
    for (element item : items) {
      if (i > 0) out_.push_back(',');
      Newline(indent + 2);
      object o;
      if (i < patches_.size() && patches_[i] != nullptr &&
          !item.get_object().get(o)) {
        Campaign(o, *patches_[i], indent + 2);
      } else {
        Value(item, indent + 2);
      }
      ++i;
    }
    if (i > 0) Newline(indent);
    out_.push_back(']');
  }

  struct Field {
    std::string_view key;
    const std::optional<std::string>* value;
    bool done = false;
  };

  // The fields of `o` (absent: none) with `fields` set or removed, and
  // `nested` written by `write_nested` in place of the old value (or last).
  template <typename F>
  void PatchedObject(const object* o, std::vector<Field> fields,
                     std::string_view nested, bool touch_nested,
                     F&& write_nested, int indent) {
    bool first = true;
    bool nested_done = false;
    out_.push_back('{');
    if (o != nullptr) {
      for (simdjson::dom::key_value_pair kv : *o) {
        Field* f = nullptr;
        for (Field& field : fields) {
          if (field.key == kv.key && field.value->has_value()) f = &field;
        }
        if (f != nullptr) {
          if (!f->done && !(*f->value)->empty()) {
            Key(kv.key, &first, indent + 2);
            AppendJsonString(&out_, **f->value);
          }
          f->done = true;
          continue;
        }
        if (touch_nested && !nested.empty() && kv.key == nested &&
            !nested_done) {
          Key(kv.key, &first, indent + 2);
          object inner;
          const bool is_object = !kv.value.get_object().get(inner);
          write_nested(is_object ? &inner : nullptr, indent + 2);
          nested_done = true;
          continue;
        }
        Key(kv.key, &first, indent + 2);
        Value(kv.value, indent + 2);
      }
    }
    for (Field& field : fields) {
      if (field.done || !field.value->has_value() || (*field.value)->empty()) {
        continue;
      }
      Key(field.key, &first, indent + 2);
      AppendJsonString(&out_, **field.value);
    }
    if (touch_nested && !nested.empty() && !nested_done) {
      Key(nested, &first, indent + 2);
      write_nested(nullptr, indent + 2);
    }
    if (!first) Newline(indent);
    out_.push_back('}');
  }

  void Campaign(object o, const Patch& patch, int indent) {
    const Patch* p = &patch;
    const auto scheduler = [&](const object* s, int inner_indent) {
      PatchedObject(s,
                    {{"start_date", &p->start},
                     {"stop_date", &p->stop},
                     {"recurrence", &p->recurrence},
                     {"duration", &p->duration}},
                    "", false, [](const object*, int) {}, inner_indent);
    };
    PatchedObject(&o,
                  {{"name", &p->name},
                   {"description", &p->description},
                   {"status", &p->status}},
                  "scheduler", p->TouchesScheduler(), scheduler, indent);
  }

  const ConfigDom& dom_;
  const std::vector<const Patch*>& patches_;
  std::string out_;
};

// The column of a config error under a campaign, from the path after the
// campaign's own ("scheduler.stop_date: ..."), or nullptr.
const char* ColumnOfPath(std::string_view rest) {
  static constexpr std::pair<std::string_view, Column> kColumns[] = {
      {"scheduler.start_date", kStartDate}, {"scheduler.stop_date", kEndDate},
      {"scheduler.recurrence", kRecurrence}, {"scheduler.duration", kEscalation},
      {"name", kName},                        {"status", kStatus}};
  for (const auto& [path, column] : kColumns) {
    if (rest.substr(0, path.size()) == path &&
        (rest.size() == path.size() || rest[path.size()] == ':' ||
         rest[path.size()] == '.')) {
      return kCampaignColumns[column].data();
    }
  }
  return nullptr;
}

// A load error of the imported config, put on the row that changed the
// campaign it names.
absl::Status RowOfConfigError(const absl::Status& error,
                              const std::vector<Patch>& patches,
                              const ConfigSpec& spec) {
  const std::string_view message(error.message().data(),
                                 error.message().size());
  for (const Patch& p : patches) {
    const std::string& path = spec.campaigns[p.campaign].path;
    std::string_view rest;
    if (path.empty()) {
      rest = message;
    } else if (message.substr(0, path.size()) == path &&
               message.size() > path.size() &&
               (message[path.size()] == '.' || message[path.size()] == ':')) {
      rest = message.substr(path.size() + (message[path.size()] == '.'));
    } else {
      continue;
    }
    if (const char* column = ColumnOfPath(rest)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "row %d, column \"%s\": %s", p.row, column, View(message)));
    }
    return absl::InvalidArgumentError(
        absl::StrFormat("row %d: %s", p.row, View(message)));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "the imported config does not load: ", View(message)));
}

constexpr size_t kMaxRowErrors = 20;

}  // namespace

absl::StatusOr<CampaignImport> ImportCampaignTable(
    std::string_view config_json, const CampaignTable& table,
    const LoadOptions& options) {
  ParseOptions parse_options;
  parse_options.format = options.format;
  absl::StatusOr<ConfigSpec> spec = ParseConfigJson(config_json, parse_options);
  if (!spec.ok()) return spec.status();
  ConfigDom dom;
  if (absl::Status s = ParseDom(config_json, *spec, &dom); !s.ok()) return s;

  int index[kNumColumns];
  if (absl::Status s = MapColumns(table.columns, index); !s.ok()) return s;
  absl::flat_hash_map<std::string_view, int32_t> by_id;
  by_id.reserve(spec->campaigns.size());
  for (size_t i = 0; i < spec->campaigns.size(); ++i) {
    by_id.emplace(spec->campaigns[i].id, static_cast<int32_t>(i));
  }
  absl::flat_hash_map<int32_t, int64_t> row_of_campaign;

  std::vector<std::string> errors;
  size_t more_errors = 0;
  std::vector<Patch> patches;
  patches.reserve(table.rows.size());
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const std::vector<std::string>& row = table.rows[r];
    const int64_t row_number = table.first_row_number + static_cast<int64_t>(r);
    bool row_ok = true;
    const auto bad = [&](int column, absl::string_view what) {
      row_ok = false;
      if (errors.size() >= kMaxRowErrors) {
        ++more_errors;
        return;
      }
      errors.push_back(column < 0
                           ? absl::StrFormat("row %d: %s", row_number, what)
                           : absl::StrFormat("row %d, column \"%s\": %s",
                                             row_number,
                                             View(kCampaignColumns[column]),
                                             what));
    };
    if (row.size() != table.columns.size()) {
      bad(-1, absl::StrFormat("%d fields, but the header has %d", row.size(),
                              table.columns.size()));
      continue;
    }
    // The cell of a column, or nullopt when the table has no such column.
    const auto cell = [&](int column) -> std::optional<std::string_view> {
      if (index[column] < 0) return std::nullopt;
      return std::string_view(row[index[column]]);
    };
    // Cells become JSON strings: UTF-8 only, as in any config.
    for (int column = 0; column < kNumColumns; ++column) {
      const std::optional<std::string_view> v = cell(column);
      if (v && !simdjson::validate_utf8(v->data(), v->size())) {
        bad(column, "not valid UTF-8");
      }
    }
    if (!row_ok) continue;
    const std::string_view id = *cell(kId);
    if (id.empty()) {
      bad(kId, "empty; every row names a campaign");
      continue;
    }
    const auto found = by_id.find(id);
    if (found == by_id.end()) {
      bad(kId, absl::StrFormat("no campaign \"%s\" in the config", View(id)));
      continue;
    }
    const int32_t c = found->second;
    if (auto [it, inserted] = row_of_campaign.emplace(c, row_number);
        !inserted) {
      bad(kId, absl::StrFormat("campaign \"%s\" is on row %d too", View(id),
                               it->second));
      continue;
    }
    const CampaignSpec& cs = spec->campaigns[c];
    const SchedulerSpec& sch = SchedulerOf(cs);
    const SchedulerTimes times = TimesOf(cs);

    Patch p;
    p.row = row_number;
    p.campaign = c;
    if (auto v = cell(kName)) p.name = Change(cs.name, *v);
    if (auto v = cell(kDescription)) {
      p.description = Change(StringField(dom.campaigns[c], "description"), *v);
    }
    if (auto v = cell(kStatus)) p.status = Change(cs.status, *v);

    // Dates: nullopt for an empty cell; `given` whether the column is there.
    std::optional<absl::CivilDay> days[kNumColumns];
    for (int column : {kStartDate, kEndDate, kEscalationDate}) {
      const std::optional<std::string_view> v = cell(column);
      if (!v || v->empty()) continue;
      absl::StatusOr<absl::CivilDay> day = ParseCivilDate(*v);
      if (!day.ok()) {
        bad(column, day.status().message());
      } else {
        days[column] = *day;
      }
    }
    std::optional<std::string_view> recurrence = cell(kRecurrence);
    if (recurrence && !recurrence->empty()) {
      if (absl::StatusOr<RecurrenceRule> rule = ParseRecurrenceRule(*recurrence);
          !rule.ok()) {
        bad(kRecurrence, rule.status().message());
      }
    }
    if (auto v = cell(kEscalation); v && !v->empty()) {
      if (absl::StatusOr<absl::Duration> d = ParseRecurrenceDuration(*v);
          !d.ok()) {
        bad(kEscalation, d.status().message());
      }
    }
    if (!row_ok) continue;

    bool start_given = cell(kStartDate).has_value();
    // An Escalation Date left as exported follows an edited Start Date.
    if (days[kEscalationDate] && days[kStartDate] && times.start &&
        *days[kEscalationDate] == DayOf(*times.start, times.zone)) {
      days[kEscalationDate].reset();
    }
    if (days[kEscalationDate]) {
      const std::string_view rule =
          recurrence ? *recurrence : std::string_view(sch.recurrence);
      if (rule.empty()) {
        bad(kEscalationDate,
            "the day a recurrence starts from, but the campaign has no "
            "Recurrence");
        continue;
      }
      if (days[kStartDate] && *days[kStartDate] != *days[kEscalationDate]) {
        bad(kEscalationDate,
            absl::StrFormat("%s, but the Start Date is %s: a recurrence "
                            "starts with the campaign (its DTSTART is the "
                            "start date)",
                            DayText(*days[kEscalationDate]),
                            DayText(*days[kStartDate])));
        continue;
      }
      days[kStartDate] = days[kEscalationDate];
      start_given = true;
    }
    if (start_given) {
      p.start = DateChange(sch.start_date, times.start, times.zone,
                           days[kStartDate], /*is_stop=*/false);
    }
    if (cell(kEndDate)) {
      p.stop = DateChange(sch.stop_date, times.stop, times.zone,
                          days[kEndDate], /*is_stop=*/true);
    }
    if (recurrence) p.recurrence = Change(sch.recurrence, *recurrence);
    if (auto v = cell(kEscalation)) p.duration = Change(sch.duration, *v);
    patches.push_back(std::move(p));
  }
  if (!errors.empty()) {
    if (more_errors > 0) {
      errors.push_back(absl::StrFormat("... and %d more", more_errors));
    }
    return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  }

  std::vector<const Patch*> by_campaign(spec->campaigns.size(), nullptr);
  for (const Patch& p : patches) by_campaign[p.campaign] = &p;
  CampaignImport result;
  result.rows = static_cast<int64_t>(patches.size());
  result.config_json = PatchedWriter(dom, by_campaign).Write();

  // The model of the text just written: the parsed one with the same
  // patches, validated by compiling it (parsing the new text again would
  // cost as much as the first parse and give the same model).
  for (const Patch* p : by_campaign) {
    if (p == nullptr) continue;
    CampaignSpec& cs = spec->campaigns[p->campaign];
    // Who gets what changes with the live window or with a pause or resume
    // (as CompareConfigs reports a reload): names and descriptions do not.
    if (p->TouchesScheduler() ||
        (p->status && IsActiveStatus(cs.status) != IsActiveStatus(*p->status))) {
      result.changed.push_back(cs.id);
    }
    if (p->name) cs.name = *p->name;
    if (p->status) cs.status = *p->status;
    if (!p->TouchesScheduler()) continue;
    if (!cs.scheduler) cs.scheduler.emplace().path = cs.path.empty() ? "scheduler" : cs.path + ".scheduler";
    SchedulerSpec& sch = *cs.scheduler;
    if (p->start) sch.start_date = *p->start;
    if (p->stop) sch.stop_date = *p->stop;
    if (p->recurrence) sch.recurrence = *p->recurrence;
    if (p->duration) sch.duration = *p->duration;
  }
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> after =
      CompiledConfig::Create(*spec, options);
  if (!after.ok()) return RowOfConfigError(after.status(), patches, *spec);
  return result;
}

}  // namespace allot
