#include "config_bindings.h"

#include <pybind11/numpy.h>

#include <string>
#include <vector>

#include "assign.h"
#include "assignment_input.h"
#include "campaign_table.h"
#include "core/rollback_condition.h"
#include "exposure_sink.h"
#include "operations.h"
#include "status.h"
#include "time_arg.h"
#include "visitor_input.h"

namespace allot::python {
namespace {

namespace py = pybind11;

py::object IdOrNone(std::string_view id) {
  if (id.empty()) return py::none();
  return py::str(id.data(), id.size());
}

py::str Str(std::string_view s) { return py::str(s.data(), s.size()); }

// The prerequisites of campaign `c` (DESIGN §15): (campaign id, [variation
// ids]) each, an empty list meaning any variation.
py::list PrerequisiteTuples(const CompiledConfig& config,
                            const CompiledConfig::Campaign& c) {
  py::list out;
  for (const CompiledConfig::Campaign::Prerequisite& p : c.prerequisites) {
    py::list variations;
    for (const int32_t v : p.variations) {
      variations.append(config.variations()[v].id);
    }
    out.append(py::make_tuple(config.campaigns()[p.campaign].id, variations));
  }
  return out;
}

// (id, name, slug, type, status, active, groups, locked, assignment
// fingerprint, payload fingerprint, prerequisites); a group is (id, name,
// has_allocation_config, rollback_goal or None, variations, sticky_version,
// rollback_kpi id or None); a variation is (id, name, allocation percent,
// reference).
py::list CampaignTuples(const CompiledConfig& config) {
  py::list campaigns;
  for (const CompiledConfig::Campaign& c : config.campaigns()) {
    py::list groups;
    for (int32_t g = c.first_group; g < c.first_group + c.num_groups; ++g) {
      const CompiledConfig::Group& group = config.groups()[g];
      py::list variations;
      for (int32_t v = group.first_variation;
           v < group.first_variation + group.num_variations; ++v) {
        const CompiledConfig::Variation& var = config.variations()[v];
        variations.append(py::make_tuple(
            var.id, var.name, var.basis_points / 100.0, var.reference));
      }
      py::object goal = py::none();
      if (group.rollback) goal = Str(RollbackGoalKey(*group.rollback));
      py::object kpi = py::none();
      if (group.rollback_kpi >= 0) {
        kpi = Str(config.kpis()[group.rollback_kpi].id);
      }
      groups.append(py::make_tuple(group.id, group.name,
                                   group.schedule.has_value(), goal, variations,
                                   group.sticky_version, kpi));
    }
    campaigns.append(
        py::make_tuple(c.id, c.name, c.slug, c.type, c.status, c.active, groups,
                       c.locked, c.assignment_fingerprint,
                       c.payload_fingerprint, PrerequisiteTuples(config, c)));
  }
  return campaigns;
}

// (id, name, [(campaign id, low percent, high percent)]) per layer of
// `settings.layers`, in declaration order; its campaigns in config order.
py::list LayerTuples(const CompiledConfig& config) {
  std::vector<py::list> members(config.layers().size());
  for (const CompiledConfig::Campaign& c : config.campaigns()) {
    if (c.layer < 0) continue;
    members[c.layer].append(
        py::make_tuple(c.id, c.layer_low_bp / 100.0, c.layer_high_bp / 100.0));
  }
  py::list out;
  for (size_t l = 0; l < config.layers().size(); ++l) {
    const CompiledConfig::Layer& layer = config.layers()[l];
    out.append(py::make_tuple(layer.id, layer.name, members[l]));
  }
  return out;
}

// (id, percent, all, [campaign ids in config order]) per holdout of
// `settings.holdouts`, in declaration order.
py::list HoldoutTuples(const CompiledConfig& config) {
  py::list out;
  for (const CompiledConfig::Holdout& h : config.holdouts()) {
    py::list campaigns;
    for (const int32_t c : h.campaigns) {
      campaigns.append(config.campaigns()[c].id);
    }
    out.append(py::make_tuple(h.id, h.basis_points / 100.0, h.all, campaigns));
  }
  return out;
}

// (id, name, description, unit, value_type, required, sort_order) per KPI
// definition, in declaration order.
py::list KpiTuples(const CompiledConfig& config) {
  py::list out;
  for (const KpiDefinition& k : config.kpis()) {
    out.append(py::make_tuple(k.id, k.name, k.description, k.unit,
                              Str(KpiValueTypeName(k.value_type)), k.required,
                              k.sort_order));
  }
  return out;
}

// Traffic share in basis points of group `group_id` at each of `times` (Unix
// nanoseconds); None when the group has no allocation_config.
py::object TrafficShares(
    const CompiledConfig& config, const std::string& group_id,
    const py::array_t<int64_t, py::array::c_style | py::array::forcecast>&
        times) {
  const int32_t g = config.FindGroup(group_id);
  if (g < 0) {
    Throw(PyExc_KeyError, "unknown variation group id \"" + group_id + "\"");
  }
  const CompiledConfig::Group& group = config.groups()[g];
  if (!group.schedule) return py::none();
  py::array_t<int32_t> out(times.size());
  int32_t* o = out.mutable_data();
  const int64_t* t = times.data();
  for (py::ssize_t i = 0; i < times.size(); ++i) {
    o[i] = group.schedule->ShareAt(absl::FromUnixNanos(t[i]));
  }
  return out;
}

const char* BucketingName(BucketingMode mode) {
  return mode == BucketingMode::kFlagship ? "flagship" : "xxh3";
}

}  // namespace

LoadOptions LoadOptionsFor(std::string_view bucketing) {
  absl::StatusOr<BucketingChoice> choice = ParseBucketingChoice(bucketing);
  if (!choice.ok()) {
    Throw(PyExc_ValueError,
          "bucketing: expected \"auto\", \"xxh3\" or "
          "\"flagship\", got \"" +
              std::string(bucketing) + "\"");
  }
  LoadOptions options;
  options.bucketing = *choice;
  return options;
}

// Decides one visitor into the shared scratch (or a fresh one when another
// thread holds it) and hands the decisions to `use`. An Engine with an
// exposure logger decides without the GIL (see exposure_sink.h).
template <typename Use>
py::list WithDecisions(const Decider& decider, const py::handle& visitor_id,
                       const py::handle& context, const py::handle& at,
                       const py::handle& force, const py::handle& sticky,
                       Scratch* scratch, Use use) {
  const absl::Time now = TimeArg(at);
  std::unique_lock<std::mutex> lock(scratch->mu, std::try_to_lock);
  std::unique_ptr<Scratch> fresh;
  if (!lock.owns_lock()) fresh = std::make_unique<Scratch>();
  VisitorContext* ctx = fresh ? &fresh->ctx : &scratch->ctx;
  DecisionList* list = fresh ? &fresh->list : &scratch->list;
  FillContext(visitor_id, context, ctx);
  FillAssignments(force, sticky, ctx);
  absl::Status status;
  if (decider.engine == nullptr) {
    status = decider.config->DecideAll(*ctx, now, list, decider.runtime);
  } else if (decider.engine->exposure_logger() == nullptr) {
    // Nothing can set a logger meanwhile: that takes the GIL, held here.
    status = decider.engine->DecideAll(*ctx, now, list);
  } else {
    SinkErrorScope sink_errors;
    {
      py::gil_scoped_release release;
      status = decider.engine->DecideAll(*ctx, now, list);
    }
    sink_errors.RaiseIfFailed();
  }
  ThrowIfError(status);
  return use(*list);
}

py::list DecideTuples(const Decider& decider, const py::handle& visitor_id,
                      const py::handle& context, const py::handle& at,
                      const py::handle& force, const py::handle& sticky,
                      Scratch* scratch) {
  return WithDecisions(
      decider, visitor_id, context, at, force, sticky, scratch,
      [](const DecisionList& list) {
        py::list out;
        for (size_t i = 0; i < list.size(); ++i) {
          out.append(py::make_tuple(
              Str(list.campaign_id(i)), IdOrNone(list.group_id(i)),
              IdOrNone(list.variation_id(i)),
              Str(DecisionReasonName(list[i].reason)), list[i].new_assignment));
        }
        return out;
      });
}

py::list FlagTuples(const Decider& decider, const py::handle& visitor_id,
                    const py::handle& context, const py::handle& at,
                    const py::handle& force, const py::handle& sticky,
                    Scratch* scratch) {
  return WithDecisions(
      decider, visitor_id, context, at, force, sticky, scratch,
      [](const DecisionList& list) {
        std::vector<ResolvedFlag> flags;
        list.config()->ResolveFlags(list, &flags);
        py::list out;
        for (const ResolvedFlag& f : flags) {
          out.append(py::make_tuple(Str(f.key), Str(f.json_value)));
        }
        return out;
      });
}

std::shared_ptr<PyConfig> LoadPyConfig(std::string text, LoadOptions options,
                                       std::string bucketing) {
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> config;
  {
    py::gil_scoped_release release;
    config = LoadConfig(text, options);
  }
  ThrowIfError(config.status(), ErrorKind::kConfig);
  auto out = std::make_shared<PyConfig>();
  out->config = *std::move(config);
  out->options = std::move(options);
  out->source = std::make_shared<const std::string>(std::move(text));
  out->bucketing = std::move(bucketing);
  return out;
}

void BindConfig(py::module_& m) {
  py::class_<PyConfig, std::shared_ptr<PyConfig>>(
      m, "Config",
      "A compiled configuration (immutable, thread-safe). Use allot.load().")
      .def_property_readonly("bucketing",
                             [](const PyConfig& c) {
                               return BucketingName(c.config->bucketing());
                             })
      .def_property_readonly("format",
                             [](const PyConfig& c) {
                               return c.config->format() ==
                                              ConfigFormat::kBucketingFile
                                          ? "bucketing_file"
                                          : "campaign_documents";
                             })
      .def_property_readonly(
          "panic", [](const PyConfig& c) { return c.config->panic(); })
      .def_property_readonly(
          "single_assignment",
          [](const PyConfig& c) { return c.config->single_assignment(); })
      .def("campaigns",
           [](const PyConfig& c) { return CampaignTuples(*c.config); })
      .def("kpis", [](const PyConfig& c) { return KpiTuples(*c.config); })
      .def("layers", [](const PyConfig& c) { return LayerTuples(*c.config); })
      .def("holdouts",
           [](const PyConfig& c) { return HoldoutTuples(*c.config); })
      .def_property_readonly("source",
                             [](const PyConfig& c) -> py::object {
                               if (c.source == nullptr) return py::none();
                               return py::bytes(*c.source);
                             })
      .def_property_readonly(
          "bucketing_name", [](const PyConfig& c) { return c.bucketing; })
      .def_property_readonly(
          "kpis_source",
          [](const PyConfig& c) { return py::bytes(c.options.kpis_json); })
      .def("campaign_table",
           [](const PyConfig& c, const py::handle& at) {
             return CampaignTableColumns(c, TimeArg(at));
           })
      .def("with_campaigns", &WithCampaigns)
      .def("decide",
           [](PyConfig& c, const py::handle& visitor_id,
              const py::handle& context, const py::handle& at,
              const py::handle& force, const py::handle& sticky) {
             return DecideTuples(Decider{c.config.get()}, visitor_id, context,
                                 at, force, sticky, &c.scratch);
           })
      .def("flags",
           [](PyConfig& c, const py::handle& visitor_id,
              const py::handle& context, const py::handle& at,
              const py::handle& force, const py::handle& sticky) {
             return FlagTuples(Decider{c.config.get()}, visitor_id, context, at,
                               force, sticky, &c.scratch);
           })
      .def("assign",
           [](const PyConfig& c, const py::handle& visitor_ids,
              const py::handle& columns, const py::handle& campaign,
              const py::handle& at, int threads, const py::handle& force,
              const py::handle& sticky) {
             return Assign(*c.config, nullptr, visitor_ids, columns, campaign,
                           at, threads, force, sticky);
           })
      .def("diff",
           [](const PyConfig& c, const PyConfig& other,
              const py::handle& visitor_ids, const py::handle& columns,
              const py::handle& at, int threads) {
             return DiffBatch(c.config, other.config, visitor_ids, columns,
                              TimeArg(at), threads);
           })
      .def("compare",
           [](const PyConfig& c, const PyConfig& other) {
             return ReloadReportToPython(CompareConfigs(*c.config, *other.config));
           })
      .def("traffic_shares",
           [](const PyConfig& c, const std::string& group_id,
              const py::array_t<int64_t, py::array::c_style |
                                             py::array::forcecast>& times) {
             return TrafficShares(*c.config, group_id, times);
           });

  m.def(
      "parse_time",
      [](const std::string& text, const std::string& what) {
        return absl::ToUnixNanos(TimeText(text, what));
      },
      "A time string as Unix nanoseconds (RFC 3339; without an offset, UTC).");
  m.def("parse_times", &TimeTexts,
        "Each time string of a sequence as Unix nanoseconds (int64 array).");
  m.def(
      "load",
      [](const py::bytes& json, const std::string& bucketing,
         const py::bytes& kpis) {
        LoadOptions options = LoadOptionsFor(bucketing);
        options.kpis_json = kpis;
        return LoadPyConfig(json, std::move(options), bucketing);
      },
      "Parses, validates and compiles config JSON (UTF-8 bytes), with KPI "
      "definitions kept apart (JSON, empty for none).");

  py::list reasons;
  for (int r = 0; r < kNumDecisionReasons; ++r) {
    reasons.append(Str(DecisionReasonName(static_cast<DecisionReason>(r))));
  }
  m.attr("REASONS") = py::tuple(reasons);
}

}  // namespace allot::python
