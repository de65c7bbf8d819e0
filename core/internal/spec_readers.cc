#include "core/internal/spec_readers.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace allot::internal {
namespace {

// Reads each object of the array field `key`, calling `read(reader, index)`.
template <typename F>
absl::Status ForEachObject(const ObjectReader& in, std::string_view key,
                           bool required, F&& read) {
  array items;
  bool present = false;
  if (absl::Status s = in.Array(key, &items, &present, required); !s.ok()) {
    return s;
  }
  if (!present) return absl::OkStatus();
  return ForEachObjectIn(items, in.PathOf(key), read);
}

// Reads the array field `key` of non-empty strings into `out`; `what` names
// one item in errors ("a visitor id").
absl::Status ReadStringList(const ObjectReader& in, std::string_view key,
                            bool required, const char* what,
                            std::vector<std::string>* out,
                            bool* present = nullptr) {
  array items;
  bool here = false;
  absl::Status s = in.Array(key, &items, &here, required);
  if (present != nullptr) *present = here;
  if (!s.ok() || !here) return s;
  const std::string base = in.PathOf(key);
  size_t i = 0;
  for (element item : items) {
    std::string_view text;
    if (item.get_string().get(text) != simdjson::SUCCESS) {
      return TypeError(IndexPath(base, i), absl::StrCat(what, " string"), item);
    }
    if (text.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(IndexPath(base, i), ": ", what,
                       " must be a non-empty string"));
    }
    out->emplace_back(text);
    ++i;
  }
  return absl::OkStatus();
}

// The array field `key` of `in` as [low, high], two numbers in percent.
absl::Status ReadPercentPair(const ObjectReader& in, std::string_view key,
                             double* low, double* high) {
  array bounds;
  bool present = false;
  absl::Status s = in.Array(key, &bounds, &present, /*required=*/true);
  if (!s.ok()) return s;
  double v[2];
  size_t n = 0;
  for (element b : bounds) {
    if (n >= 2 || !AsDouble(b, &v[n])) break;
    ++n;
  }
  if (n != 2 || bounds.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        in.PathOf(key), ": expected [low, high], two numbers in percent"));
  }
  *low = v[0];
  *high = v[1];
  return absl::OkStatus();
}

absl::Status ReadVariation(const ObjectReader& in, VariationSpec* out) {
  out->path = in.path();
  absl::Status s = in.String("id", &out->id, /*required=*/true);
  if (s.ok()) s = in.String("name", &out->name);
  if (s.ok()) s = in.Bool("reference", &out->reference);
  if (s.ok()) s = in.Number("allocation", &out->allocation);
  if (!s.ok()) return s;
  std::optional<ObjectReader> mods;
  if (s = in.Object("modifications", &mods); !s.ok()) return s;
  if (!mods) return absl::OkStatus();
  if (s = mods->String("type", &out->modifications_type); !s.ok()) return s;
  std::optional<element> value = mods->Get("value");
  if (!value) return absl::OkStatus();
  object flags;
  if (value->get_object().get(flags) != simdjson::SUCCESS) {
    return TypeError(mods->PathOf("value"), "an object of flag keys", *value);
  }
  for (auto field : flags) {
    out->flags.push_back(
        FlagSpec{std::string(field.key), Minify(field.value)});
  }
  return absl::OkStatus();
}

absl::Status ReadStep(const ObjectReader& in, ScheduleStepSpec* out) {
  absl::Status s = in.Number("allocation_step", &out->allocation_step, true);
  if (s.ok()) s = in.Integer("step", &out->step, true);
  if (s.ok()) s = in.String("step_type", &out->step_type, true);
  return s;
}

absl::Status ReadRollback(const ObjectReader& in, RollbackConditionSpec* out) {
  out->path = in.path();
  std::optional<ObjectReader> goal;
  absl::Status s = in.Object("goal", &goal, /*required=*/true);
  if (s.ok()) s = goal->String("type", &out->goal_type);
  if (s.ok()) s = goal->String("id", &out->goal_id);
  if (s.ok()) s = goal->String("label", &out->goal_label);
  if (s.ok()) s = goal->String("kpi", &out->goal_kpi);
  if (s.ok() && out->goal_id.empty() && out->goal_label.empty() &&
      out->goal_kpi.empty()) {
    s = absl::InvalidArgumentError(absl::StrCat(
        goal->path(), ": a goal needs an \"id\", a \"label\" or a \"kpi\" "
                      "to key its metrics by"));
  }
  if (s.ok()) s = in.String("operator", &out->op, true);
  if (s.ok()) s = in.Number("value", &out->value, true);
  if (s.ok()) s = in.Integer("min_visitors", &out->min_visitors);
  return s;
}

absl::Status ReadAllocationConfig(const ObjectReader& in,
                                  VariationGroupSpec* group) {
  TrafficScheduleSpec& out = group->allocation_config.emplace();
  out.path = in.path();
  absl::Status s = in.String("start_date", &out.start_date, true);
  if (s.ok()) s = in.String("timezone", &out.timezone);
  if (s.ok()) s = in.Number("start_allocation", &out.start_allocation);
  if (!s.ok()) return s;
  std::optional<ObjectReader> periodic;
  if (s = in.Object("periodic_steps", &periodic); !s.ok()) return s;
  if (periodic) {
    if (s = ReadStep(*periodic, &out.periodic_steps.emplace()); !s.ok()) {
      return s;
    }
  }
  s = ForEachObject(in, "custom_steps", false,
                    [&](const ObjectReader& r, size_t) {
                      return ReadStep(r, &out.custom_steps.emplace_back());
                    });
  if (!s.ok()) return s;
  std::optional<ObjectReader> rollback;
  if (s = in.Object("rollback_condition", &rollback); !s.ok()) return s;
  if (rollback) {
    return ReadRollback(*rollback, &group->rollback_condition.emplace());
  }
  return absl::OkStatus();
}

absl::Status ReadForcedAssignment(const ObjectReader& in,
                                  const FormatKeys& keys,
                                  ForcedAssignmentSpec* out) {
  out->path = in.path();
  absl::Status s = in.String(keys.variation_id, &out->variation_id, true);
  if (!s.ok()) return s;
  return ReadStringList(in, keys.visitor_ids, /*required=*/true,
                        "a visitor id", &out->visitor_ids);
}

absl::Status ReadGroup(const ObjectReader& in, const FormatKeys& keys,
                       VariationGroupSpec* out) {
  out->path = in.path();
  absl::Status s = in.String("id", &out->id, /*required=*/true);
  if (s.ok()) s = in.String("name", &out->name);
  if (s.ok()) s = in.Integer(keys.sticky_version, &out->sticky_version);
  if (s.ok() && out->sticky_version < 0) {
    s = absl::InvalidArgumentError(absl::StrCat(
        in.PathOf(keys.sticky_version),
        ": expected an integer >= 0, got ", out->sticky_version));
  }
  if (s.ok()) {
    s = ForEachObject(in, keys.forced_assignments, false,
                      [&](const ObjectReader& r, size_t) {
                        return ReadForcedAssignment(
                            r, keys, &out->forced_assignments.emplace_back());
                      });
  }
  if (!s.ok()) return s;
  std::optional<ObjectReader> targeting;
  if (s = in.Object("targeting", &targeting); !s.ok()) return s;
  if (targeting) {
    if (s = ReadTargetingTree(*targeting, keys, &out->targeting.emplace());
        !s.ok()) {
      return s;
    }
  }
  s = ForEachObject(in, "variations", /*required=*/true,
                    [&](const ObjectReader& r, size_t) {
                      return ReadVariation(r, &out->variations.emplace_back());
                    });
  if (!s.ok()) return s;
  std::optional<ObjectReader> alloc;
  if (s = in.Object("allocation_config", &alloc); !s.ok()) return s;
  if (alloc) return ReadAllocationConfig(*alloc, out);
  return absl::OkStatus();
}

absl::Status ReadBucketRanges(const ObjectReader& in, std::string_view key,
                              CampaignSpec* out) {
  return ForEachObject(in, key, false, [&](const ObjectReader& r, size_t) {
    BucketRangeSpec& range = out->bucket_ranges.emplace_back();
    range.path = r.PathOf("r");
    return ReadPercentPair(r, "r", &range.low, &range.high);
  });
}

absl::Status ReadPrerequisites(const ObjectReader& in, const FormatKeys& keys,
                               CampaignSpec* out) {
  return ForEachObject(
      in, "prerequisites", false, [&](const ObjectReader& r, size_t) {
        PrerequisiteSpec& p = out->prerequisites.emplace_back();
        p.path = r.path();
        absl::Status s = r.String(keys.prerequisite_campaign_id,
                                  &p.campaign_id, /*required=*/true);
        if (!s.ok()) return s;
        return ReadStringList(r, keys.prerequisite_variation_ids, false,
                              "a variation id", &p.variation_ids,
                              &p.variation_ids_present);
      });
}

absl::Status ReadCampaignLayer(const ObjectReader& in, const FormatKeys& keys,
                               CampaignSpec* out) {
  std::optional<ObjectReader> layer;
  absl::Status s = in.Object(keys.layer, &layer);
  if (!s.ok() || !layer) return s;
  CampaignLayerSpec& l = out->layer.emplace();
  l.path = layer->path();
  if (s = layer->String("id", &l.id, /*required=*/true); !s.ok()) return s;
  return ReadPercentPair(*layer, "range", &l.low, &l.high);
}

// Reads a string, number, boolean or null into `out`; false for anything
// else (a list, an object, a number out of range), left to the caller.
bool ReadScalarValue(const element& e, TargetingValueSpec* out) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING: {
      std::string_view text;
      if (e.get_string().get(text) != simdjson::SUCCESS) return false;
      *out = TargetingValueSpec::String(std::string(text));
      return true;
    }
    case simdjson::dom::element_type::BOOL: {
      bool b = false;
      if (e.get_bool().get(b) != simdjson::SUCCESS) return false;
      *out = TargetingValueSpec::Bool(b);
      return true;
    }
    case simdjson::dom::element_type::NULL_VALUE:
      *out = TargetingValueSpec::Null();
      return true;
    case simdjson::dom::element_type::ARRAY:
    case simdjson::dom::element_type::OBJECT:
      return false;
    default: {
      double d;
      if (!AsDouble(e, &d)) return false;
      *out = TargetingValueSpec::Number(d);
      return true;
    }
  }
}

}  // namespace

absl::Status ReadTargetingValue(const element& e, const std::string& path,
                                TargetingValueSpec* out) {
  if (ReadScalarValue(e, out)) return absl::OkStatus();
  array list;
  if (e.type() == simdjson::dom::element_type::ARRAY &&
      e.get_array().get(list) == simdjson::SUCCESS) {
    // Sized once, and an item's path built only for an item that is not a
    // scalar (a nested list, or an error to report): a W2-style campaign's
    // `country IN` list of 20 codes made 20 path strings and grew its
    // vector five times, at every load.
    // (simdjson's count saturates at 2^24 - 1: a size hint only.)
    std::vector<TargetingValueSpec> items;
    items.reserve(list.size());
    for (element item : list) {
      TargetingValueSpec& value = items.emplace_back();
      if (!ReadScalarValue(item, &value)) {
        absl::Status s =
            ReadTargetingValue(item, IndexPath(path, items.size() - 1), &value);
        if (!s.ok()) return s;
      }
    }
    *out = TargetingValueSpec::List(std::move(items));
    return absl::OkStatus();
  }
  return TypeError(path, "a string, number, boolean or list of them", e);
}

absl::Status ReadTargetingTree(const ObjectReader& in, const FormatKeys& keys,
                               TargetingTreeSpec* out) {
  out->path = in.path();
  return ForEachObject(
      in, keys.targeting_groups, false, [&](const ObjectReader& g, size_t) {
        TargetingGroupSpec& group = out->groups.emplace_back();
        group.path = g.path();
        return ForEachObject(
            g, "targetings", false, [&](const ObjectReader& t, size_t) {
              TargetingSpec& spec = group.targetings.emplace_back();
              spec.path = t.path();
              absl::Status s = t.String("key", &spec.key, /*required=*/true);
              if (s.ok()) s = t.String("operator", &spec.op, true);
              if (s.ok()) s = t.Bool("ignore_case", &spec.ignore_case);
              if (!s.ok()) return s;
              // An explicit null is kept so that targeting validation names it.
              if (std::optional<element> value = t.GetRaw("value")) {
                return ReadTargetingValue(*value, t.PathOf("value"),
                                          &spec.value.emplace());
              }
              return absl::OkStatus();
            });
      });
}

absl::Status ReadCampaign(const ObjectReader& in, const FormatKeys& keys,
                          CampaignSpec* out) {
  out->path = in.path();
  absl::Status s = in.String("id", &out->id, /*required=*/true);
  if (s.ok()) s = in.String("name", &out->name);
  if (s.ok()) s = in.String("slug", &out->slug);
  if (s.ok()) s = in.String("type", &out->type);
  if (s.ok()) s = in.String("status", &out->status);
  if (s.ok()) {
    out->locked_present = in.Has("locked");
    s = in.Bool("locked", &out->locked);
  }
  if (s.ok() && keys.locked_at != nullptr) {
    s = in.String(keys.locked_at, &out->locked_at);
  }
  if (s.ok() && keys.period_start != nullptr) {
    s = in.String(keys.period_start, &out->period_start);
    if (s.ok()) s = in.String(keys.period_end, &out->period_end);
    if (s.ok()) s = in.String(keys.deadline, &out->deadline);
  }
  if (!s.ok()) return s;
  std::optional<ObjectReader> scheduler;
  if (s = in.Object("scheduler", &scheduler); !s.ok()) return s;
  if (scheduler) {
    SchedulerSpec& sch = out->scheduler.emplace();
    sch.path = scheduler->path();
    s = scheduler->String("start_date", &sch.start_date);
    if (s.ok()) s = scheduler->String("stop_date", &sch.stop_date);
    if (s.ok()) s = scheduler->String("timezone", &sch.timezone);
    if (s.ok()) s = scheduler->String("recurrence", &sch.recurrence);
    if (s.ok()) s = scheduler->String("duration", &sch.duration);
    if (!s.ok()) return s;
  }
  if (std::optional<element> goal = in.Get("primary_goal")) {
    out->primary_goal_json = Minify(*goal);
  }
  array goals;
  bool present = false;
  if (s = in.Array("secondary_goals", &goals, &present); !s.ok()) return s;
  if (present) {
    for (element g : goals) out->secondary_goals_json.push_back(Minify(g));
  }
  if (s = ReadBucketRanges(in, "bucketRanges", out); !s.ok()) return s;
  if (s = ReadBucketRanges(in, "bucket_ranges", out); !s.ok()) return s;
  if (keys.layer != nullptr) {
    if (s = ReadCampaignLayer(in, keys, out); !s.ok()) return s;
  }
  if (s = ReadPrerequisites(in, keys, out); !s.ok()) return s;
  return ForEachObject(in, keys.variation_groups, /*required=*/true,
                       [&](const ObjectReader& r, size_t) {
                         return ReadGroup(
                             r, keys, &out->variation_groups.emplace_back());
                       });
}

absl::Status ReadStructureSettings(const ObjectReader& settings,
                                   SettingsSpec* out) {
  absl::Status s = ForEachObject(
      settings, "layers", false, [&](const ObjectReader& r, size_t) {
        LayerSpec& l = out->layers.emplace_back();
        l.path = r.path();
        absl::Status st = r.String("id", &l.id, /*required=*/true);
        if (st.ok()) st = r.String("name", &l.name);
        return st;
      });
  if (!s.ok()) return s;
  return ForEachObject(
      settings, "holdouts", false, [&](const ObjectReader& r, size_t) {
        HoldoutSpec& h = out->holdouts.emplace_back();
        h.path = r.path();
        absl::Status st = r.String("id", &h.id, /*required=*/true);
        if (st.ok()) st = r.Number("percent", &h.percent, /*required=*/true);
        if (!st.ok()) return st;
        std::optional<element> campaigns = r.Get("campaigns");
        std::string_view text;
        if (campaigns && campaigns->get_string().get(text) == simdjson::SUCCESS) {
          if (text != "all") {
            return absl::InvalidArgumentError(absl::StrCat(
                r.PathOf("campaigns"), ": expected \"all\" or a list of "
                                       "campaign ids, got \"",
                absl::string_view(text.data(), text.size()), "\""));
          }
          h.all = true;
          return absl::OkStatus();
        }
        return ReadStringList(r, "campaigns", /*required=*/true,
                              "a campaign id", &h.campaigns);
      });
}

}  // namespace allot::internal
