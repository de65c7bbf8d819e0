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

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/compiled_config.h"
#include "core/runtime_state.h"

namespace allot {

// A config with the run-time state sized for it.
struct EngineSnapshot {
  std::shared_ptr<const CompiledConfig> config;
  std::unique_ptr<RuntimeState> runtime;
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

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Parses, validates and compiles `json`, then swaps it in. On error nothing
  // changes and the current config keeps serving.
  [[nodiscard]] absl::Status Reload(std::string_view json);
  // Swaps in an already compiled config.
  void Swap(std::shared_ptr<const CompiledConfig> config);

  // The current config (a reference-counted copy: hold it, don't call this
  // per decision).
  std::shared_ptr<const CompiledConfig> config() const;
  std::shared_ptr<const EngineSnapshot> snapshot() const;

  // DESIGN §3 against the current config and run-time state.
  absl::Status DecideAll(const VisitorContext& visitor, absl::Time now,
                         DecisionList* out) const;
  absl::Status Decide(std::string_view campaign_id,
                      const VisitorContext& visitor, absl::Time now,
                      Decision* out) const;

  // Turns a campaign off (or back on) at run time. NotFound for an id the
  // current config does not have.
  [[nodiscard]] absl::Status SetCampaignActive(std::string_view campaign_id,
                                               bool active);

 private:
  explicit Engine(const LoadOptions& options) : options_(options) {}

  const EngineSnapshot& Current(const VisitorContext& visitor) const;
  // REQUIRES: mu_ held.
  void InstallLocked(std::shared_ptr<const CompiledConfig> config);

  const LoadOptions options_;
  std::atomic<uint64_t> version_{0};
  mutable std::mutex mu_;
  std::shared_ptr<const EngineSnapshot> current_;  // guarded by mu_
  absl::flat_hash_map<std::string, bool> campaign_off_;  // guarded by mu_
};

}  // namespace allot

#endif  // ALLOT_CORE_ENGINE_H_
