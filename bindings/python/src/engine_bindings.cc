#include "engine_bindings.h"

#include <memory>
#include <string>

#include "assign.h"
#include "config_bindings.h"
#include "core/engine.h"
#include "core/exposure_logger.h"
#include "exposure_sink.h"
#include "operations.h"
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
  // The logger the latest log_exposures(sink) started (kept after a stop, so
  // that its counters stay readable and late exposures can be flushed).
  // Guarded by the GIL.
  std::shared_ptr<ExposureLogger> logger;
  // The JSON of the config last installed (`source_config`), for pickling
  // Engine.config(); guarded by the GIL.
  std::shared_ptr<const std::string> source;
  std::shared_ptr<const CompiledConfig> source_config;
  std::string bucketing = "auto";
};

// Decisions, flushes and logger changes of `e` from inside its own exposure
// sink would wait for the logger lock the sink's caller holds.
void CheckNotInSink(const PyEngine& e, const char* what) {
  if (InSinkOf(&e)) {
    Throw(PyExc_RuntimeError,
          std::string("Engine.") + what +
              " called from the Engine's own exposure sink; a sink must not "
              "call back into the Engine that logs to it");
  }
}

// Flushes `logger` with the GIL released (the sink takes it), raising what
// the sink raised.
void FlushReleased(ExposureLogger* logger) {
  if (logger == nullptr) return;
  SinkErrorScope sink_errors;
  {
    py::gil_scoped_release release;
    logger->Flush();
  }
  sink_errors.RaiseIfFailed();
}

Decider EngineDecider(const PyEngine& e) {
  Decider d;
  d.engine = e.engine.get();
  return d;
}

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
        e->source = config.source;
        e->source_config = config.config;
        e->bucketing = config.bucketing;
        return e;
      }))
      .def("config",
           [](const PyEngine& e) {
             auto out = std::make_shared<PyConfig>();
             out->config = e.engine->config();
             out->options = e.options;
             out->bucketing = e.bucketing;
             // A config installed by a reload this object did not see has
             // no known source.
             if (out->config == e.source_config) out->source = e.source;
             return out;
           })
      .def("reload",
           [](PyEngine& e, const py::bytes& json) {
             const std::string text = json;
             absl::StatusOr<std::shared_ptr<const CompiledConfig>> compiled;
             absl::StatusOr<ReloadReport> report;
             {
               py::gil_scoped_release release;
               // Engine::Reload's two steps, keeping the compiled config:
               // it identifies the source below even if another thread
               // reloads meanwhile.
               compiled = LoadConfig(text, e.options);
               if (compiled.ok()) report = e.engine->Swap(*compiled);
             }
             ThrowIfError(compiled.status(), ErrorKind::kConfig);
             ThrowIfError(report.status(), ErrorKind::kConfig);
             if (!report->identical) {
               e.source = std::make_shared<const std::string>(text);
               e.source_config = *compiled;
             }
             return ReloadReportToPython(*report);
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
      .def("update_kpi_metrics",
           [](PyEngine& e, const std::string& group_id,
              const std::string& kpi_id, int64_t visitors, double total,
              const py::handle& at) {
             return ValueOrThrow(e.engine->UpdateKpiMetrics(
                 group_id, kpi_id, visitors, total, TimeArg(at)));
           })
      .def("reset_rollback",
           [](PyEngine& e, const std::string& group_id, const py::handle& at) {
             ThrowIfError(e.engine->ResetRollback(group_id, TimeArg(at)));
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
              const py::handle& context, const py::handle& at,
              const py::handle& force, const py::handle& sticky) {
             CheckNotInSink(e, "decide");
             return DecideTuples(EngineDecider(e), visitor_id, context, at,
                                 force, sticky, &e.scratch);
           })
      .def("flags",
           [](PyEngine& e, const py::handle& visitor_id,
              const py::handle& context, const py::handle& at,
              const py::handle& force, const py::handle& sticky) {
             CheckNotInSink(e, "flags");
             return FlagTuples(EngineDecider(e), visitor_id, context, at, force,
                               sticky, &e.scratch);
           })
      .def("assign",
           [](const PyEngine& e, const py::handle& visitor_ids,
              const py::handle& columns, const py::handle& campaign,
              const py::handle& at, int threads, const py::handle& force,
              const py::handle& sticky) {
             const std::shared_ptr<const EngineSnapshot> snap =
                 e.engine->snapshot();
             return Assign(*snap->config, snap->runtime.get(),
                           visitor_ids, columns, campaign, at, threads, force,
                           sticky);
           })
      .def("log_exposures",
           [](PyEngine& e, const py::handle& sink, int64_t capacity,
              int64_t batch_size) {
             CheckNotInSink(e, "log_exposures");
             std::shared_ptr<ExposureLogger> logger;
             if (!sink.is_none()) {
               if (capacity < 1 || batch_size < 1) {
                 Throw(
                     PyExc_ValueError,
                     std::string(capacity < 1 ? "capacity" : "batch_size") +
                         ": expected at least 1, got " +
                         std::to_string(capacity < 1 ? capacity : batch_size));
               }
               ExposureLoggerOptions options;
               options.capacity = static_cast<size_t>(capacity);
               options.batch_size = static_cast<size_t>(batch_size);
               logger = ValueOrThrow(
                   ExposureLogger::Create(MakeExposureSink(sink, &e), options));
             }
             // The replaced logger: decisions that already loaded it may
             // still add to it; flush_exposures() hands those over too.
             ExposureLogger* previous = e.engine->exposure_logger();
             e.engine->SetExposureLogger(logger);
             if (logger != nullptr) e.logger = std::move(logger);
             FlushReleased(previous);
           })
      .def("flush_exposures",
           [](PyEngine& e) {
             CheckNotInSink(e, "flush_exposures");
             FlushReleased(e.logger.get());
           })
      .def("exposure_counters", [](const PyEngine& e) {
        ExposureLogger::Counters c;
        if (e.logger != nullptr) c = e.logger->counters();
        py::dict out;
        out["logged"] = c.logged;
        out["deduplicated"] = c.deduplicated;
        out["evicted"] = c.evicted;
        return out;
      });
}

}  // namespace allot::python
