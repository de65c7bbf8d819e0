#include "engine_bindings.h"

#include <memory>
#include <string>

#include "assign.h"
#include "config_bindings.h"
#include "core/engine.h"
#include "status.h"
#include "time_arg.h"

namespace allot::python {
namespace {

namespace py = pybind11;

// Engine itself is thread-safe.
struct PyEngine {
  std::unique_ptr<Engine> engine;
  LoadOptions options;
  Scratch scratch;
};

template <typename T>
T ValueOrThrow(absl::StatusOr<T> v) {
  if (!v.ok()) ThrowStatus(v.status());
  return *std::move(v);
}

}  // namespace

void BindEngine(py::module_& m) {
  py::class_<PyEngine>(m, "Engine",
                       "A config plus run-time state. Thread-safe.")
      .def(py::init([](const PyConfig& config) {
        auto e = std::make_unique<PyEngine>();
        e->options = config.options;
        e->engine = Engine::FromConfig(config.config, config.options);
        return e;
      }))
      .def("config",
           [](const PyEngine& e) {
             auto out = std::make_shared<PyConfig>();
             out->config = e.engine->config();
             out->options = e.options;
             return out;
           })
      .def("reload",
           [](PyEngine& e, const py::bytes& json) {
             const std::string text = json;
             absl::Status s;
             {
               py::gil_scoped_release release;
               s = e.engine->Reload(text);
             }
             ThrowIfError(s, ErrorKind::kConfig);
           })
      .def("set_campaign_active",
           [](PyEngine& e, const std::string& campaign_id, bool active) {
             ThrowIfError(e.engine->SetCampaignActive(campaign_id, active));
           })
      .def("update_goal_metrics",
           [](PyEngine& e, const std::string& group_id,
              const std::string& goal_key, int64_t visitors,
              int64_t conversions, const py::handle& at) {
             return ValueOrThrow(e.engine->UpdateGoalMetrics(
                 group_id, goal_key, visitors, conversions, TimeArg(at)));
           })
      .def("reset_rollback",
           [](PyEngine& e, const std::string& group_id) {
             ThrowIfError(e.engine->ResetRollback(group_id));
           })
      .def("is_rolled_back",
           [](const PyEngine& e, const std::string& group_id) {
             return ValueOrThrow(e.engine->IsRolledBack(group_id));
           })
      .def("export_state",
           [](const PyEngine& e) { return e.engine->ExportState(); })
      .def("import_state",
           [](PyEngine& e, const std::string& json) {
             ThrowIfError(e.engine->ImportState(json));
           })
      .def("decide",
           [](PyEngine& e, const py::handle& visitor_id,
              const py::handle& context, const py::handle& at) {
             const std::shared_ptr<const EngineSnapshot> snap =
                 e.engine->snapshot();
             return DecideTuples(*snap->config, snap->runtime.get(), visitor_id,
                                 context, at, &e.scratch);
           })
      .def("flags",
           [](PyEngine& e, const py::handle& visitor_id,
              const py::handle& context, const py::handle& at) {
             const std::shared_ptr<const EngineSnapshot> snap =
                 e.engine->snapshot();
             return FlagTuples(*snap->config, snap->runtime.get(), visitor_id,
                               context, at, &e.scratch);
           })
      .def("assign", [](const PyEngine& e, const py::handle& visitor_ids,
                        const py::handle& columns, const py::handle& campaign,
                        const py::handle& at, int threads) {
        const std::shared_ptr<const EngineSnapshot> snap = e.engine->snapshot();
        py::tuple codes =
            Assign(*snap->config, snap->runtime.get(), visitor_ids, columns,
                   campaign, TimeArg(at), threads);
        return codes;
      });
}

}  // namespace allot::python
