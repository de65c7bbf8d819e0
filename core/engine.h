// File: core/engine.h
//
// The Engine holds the current compiled config and the run-time state around
// it (campaign toggles, rollback latches), swaps configs atomically, and keeps
// serving the old config when a new one is bad.
//
//   absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(json);
//   VisitorContext ctx("visitor-1");
//   DecisionList decisions;
//   (*engine)->DecideAll(ctx, absl::Now(), &decisions);
//   absl::Status s = (*engine)->Reload(new_json);   // on error: old one stays
//
// Thread-safe. Decisions never block on a reload: they read one atomic
// version number and, only when it changed since the context last used this
// engine, copy the new snapshot pointer under a short lock. Run-time state is
// keyed by id, so it survives reloads for the ids that still exist.
#ifndef ALLOT_CORE_ENGINE_H_
#define ALLOT_CORE_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/compiled_config.h"
#include "core/exposure_logger.h"
#include "core/fingerprint.h"
#include "core/goal_metrics.h"

namespace allot {

// An Engine's run-time toggles and rollback latches, sized for one config
// (core/internal/runtime_state.h); decisions take it by pointer.
class RuntimeState;

namespace internal {
struct EngineState;  // core/internal/engine_state.h
}  // namespace internal

// A config with the run-time state sized for it.
struct EngineSnapshot {
  std::shared_ptr<const CompiledConfig> config;
  std::shared_ptr<RuntimeState> runtime;
};

class Engine {
 public:
  // Loads the first config; an error if it is bad.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Engine>> Create(
      std::string_view json, const LoadOptions& options = LoadOptions());
  // Starts from an already compiled config.
  static std::unique_ptr<Engine> FromConfig(
      std::shared_ptr<const CompiledConfig> config,
      const LoadOptions& options = LoadOptions());

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Parses, validates and compiles `json`, then swaps it in, and reports
  // what changed by campaign (core/fingerprint.h). On error nothing changes
  // and the current config keeps serving: InvalidArgument for a bad config,
  // FailedPrecondition when it would change the assignment of, or remove, a
  // locked campaign (DESIGN §13; the message names each one). When the new
  // content is identical (report.identical), nothing is swapped: the same
  // snapshot keeps serving, contexts keep their caches, and the run-time
  // state (toggles, rollback latches) is untouched, as it is for every
  // campaign id that survives a reload.
  [[nodiscard]] absl::StatusOr<ReloadReport> Reload(std::string_view json);
  // Swaps in an already compiled config: Reload without the parsing.
  [[nodiscard]] absl::StatusOr<ReloadReport> Swap(
      std::shared_ptr<const CompiledConfig> config);

  // The current config (a reference-counted copy: hold it, don't call this
  // per decision).
  std::shared_ptr<const CompiledConfig> config() const;
  std::shared_ptr<const EngineSnapshot> snapshot() const;

  // DESIGN §3 against the current config and run-time state. With an
  // exposure logger set, DecideAll logs the exposures among the decisions.
  [[nodiscard]] absl::Status DecideAll(const VisitorContext& visitor, absl::Time now,
                         DecisionList* out) const;
  [[nodiscard]] absl::Status Decide(std::string_view campaign_id,
                      const VisitorContext& visitor, absl::Time now,
                      Decision* out) const;

  // Logs the exposures of every DecideAll from now on (null: stop logging).
  // A replaced logger stays alive until the Engine is destroyed, since a
  // deciding thread may still be using it; flush it when you replace it.
  void SetExposureLogger(std::shared_ptr<ExposureLogger> logger);
  ExposureLogger* exposure_logger() const {
    return exposure_logger_.load(std::memory_order_acquire);
  }

  // Turns a campaign off (or back on) at run time. NotFound for an id the
  // current config does not have.
  [[nodiscard]] absl::Status SetCampaignActive(std::string_view campaign_id,
                                               bool active);

  // DESIGN §6. Feeds the absolute totals of a goal for a variation group
  // (idempotent: the same totals twice change nothing). `goal_key` is the
  // goal id of the group's rollback_condition, or its label when it has no
  // id. When visitors >= min_visitors and 100 * conversions / visitors
  // <operator> value, the group latches rolled back (recording `now` and the
  // totals). Returns whether the group is rolled back after the update.
  // NotFound: unknown group id. FailedPrecondition: the group has no
  // rollback_condition, or it watches another goal. InvalidArgument:
  // negative totals or conversions > visitors. FailedPrecondition too when
  // `now` is at or after the end of the deadline day of the group's
  // campaign (DESIGN §13: its goal metrics are closed).
  // When the goal names a KPI (DESIGN §14), `goal_key` may also be the KPI's
  // id; the KPI must be a `percentage` or `boolean` one (FailedPrecondition
  // for a `number` or `integer` KPI: feed those with UpdateKpiMetrics).
  [[nodiscard]] absl::StatusOr<bool> UpdateGoalMetrics(
      std::string_view group_id, std::string_view goal_key, int64_t visitors,
      int64_t conversions, absl::Time now = absl::Now());
  // DESIGN §14. Feeds the absolute totals of a `number` or `integer` KPI
  // watched by a group's rollback_condition: `visitors` and the `sum` of
  // the KPI over them (it may be negative, a refund or a net margin). The
  // KPI value is the mean sum / visitors, compared with the condition's
  // value as is (no percent); otherwise as UpdateGoalMetrics: idempotent,
  // min_visitors, the latch records `now` and the totals. Returns whether
  // the group is rolled back after the update. NotFound: unknown group id.
  // FailedPrecondition: the group has no rollback_condition, its goal names
  // no KPI or another one than `kpi_id`, the KPI is a `percentage` or
  // `boolean` one (feed it with UpdateGoalMetrics), or the campaign's
  // deadline has passed. InvalidArgument: negative visitors, a sum that is
  // not finite, or, for an `integer` KPI, not a whole number of magnitude
  // at most 2^53.
  [[nodiscard]] absl::StatusOr<bool> UpdateKpiMetrics(
      std::string_view group_id, std::string_view kpi_id, int64_t visitors,
      double sum, absl::Time now = absl::Now());
  // Clears a group's rollback latch and the totals fed for it. NotFound for
  // an unknown group id. FailedPrecondition when `now` is at or after the end
  // of the deadline day of the group's campaign: the latch is frozen then.
  [[nodiscard]] absl::Status ResetRollback(std::string_view group_id,
                                           absl::Time now = absl::Now());
  // Whether the group is rolled back now (NotFound for an unknown id).
  [[nodiscard]] absl::StatusOr<bool> IsRolledBack(
      std::string_view group_id) const;
  // The totals last fed for a group (`metrics`) and those that tripped its
  // latch (`rollback`), each absent when there are none, as ExportState
  // writes them; TotalsValue gives their KPI value. NotFound for
  // an unknown id.
  [[nodiscard]] absl::StatusOr<GroupRuntime> GroupMetrics(
      std::string_view group_id) const;

  // The whole run-time state (campaign toggles, rollback latches with the
  // instant and totals that tripped them, the last totals fed per group) as
  // one JSON document; ImportState(ExportState()) restores it exactly.
  std::string ExportState() const;
  // Replaces the run-time state by a document from ExportState. A bad
  // document is an InvalidArgument naming the JSON path at fault and
  // changes nothing. Entries for ids the current config does not have are
  // dropped, as a reload drops them.
  [[nodiscard]] absl::Status ImportState(std::string_view json);

 private:
  explicit Engine(const LoadOptions& options);

  static uint64_t NextEngineSerial();
  // The snapshot `visitor` caches for this engine: one atomic load and two
  // compares inline; refreshed out of line (under mu_) when the context
  // last decided with another engine or before a reload.
  const EngineSnapshot& Current(const VisitorContext& visitor) const {
    const uint64_t version = version_.load(std::memory_order_acquire);
    // Keyed by serial, not address: a new Engine at a destroyed one's
    // address must not be served the old snapshot.
    if (visitor.engine_serial_ != serial_ || visitor.engine_version_ != version)
        [[unlikely]] {
      return Refresh(visitor);
    }
    return *visitor.snapshot_;
  }
  const EngineSnapshot& Refresh(const VisitorContext& visitor) const;
  // Builds a snapshot of `config` with run-time state from state_, dropping
  // state for ids `config` does not have. REQUIRES: mu_ held.
  void InstallLocked(std::shared_ptr<const CompiledConfig> config);
  // The current config's index of a group, or NotFound. REQUIRES: mu_ held.
  [[nodiscard]] absl::StatusOr<int32_t> GroupIndexLocked(std::string_view group_id) const;
  // The index of a group that may be fed metrics at `now`: it exists, its
  // campaign's deadline has not passed, and it has a rollback condition.
  // REQUIRES: mu_ held.
  [[nodiscard]] absl::StatusOr<int32_t> FeedableGroupLocked(std::string_view group_id,
                                              absl::Time now) const;

  const LoadOptions options_;
  const uint64_t serial_ = NextEngineSerial();  // keys contexts' caches
  std::atomic<uint64_t> version_{0};
  mutable std::mutex mu_;
  std::shared_ptr<const EngineSnapshot> current_;  // guarded by mu_
  // Guarded by mu_; the id-keyed truth (core/internal/engine_state.h).
  std::unique_ptr<internal::EngineState> state_;
  // Read per decision with one load; the owners below keep it alive.
  std::atomic<ExposureLogger*> exposure_logger_{nullptr};
  std::vector<std::shared_ptr<ExposureLogger>> loggers_;  // guarded by mu_
};

// Inline, so that a decision through the Engine costs its caller one call
// (the config's DecideAll) rather than two: the Engine's own frame was ~35
// instructions per W1 decision.
inline absl::Status Engine::DecideAll(const VisitorContext& visitor,
                                      absl::Time now, DecisionList* out) const {
  const EngineSnapshot& snap = Current(visitor);
  absl::Status s =
      snap.config->DecideAll(visitor, now, out, snap.runtime.get());
  if (ExposureLogger* logger = exposure_logger(); logger != nullptr && s.ok()) {
    logger->Log(visitor.visitor_id(), *out, now);
  }
  return s;
}

}  // namespace allot

#endif  // ALLOT_CORE_ENGINE_H_
