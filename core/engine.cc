#include "core/engine.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace allot {

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(
    std::string_view json, const LoadOptions& options) {
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> config =
      LoadConfig(json, options);
  if (!config.ok()) return config.status();
  return FromConfig(*std::move(config), options);
}

std::unique_ptr<Engine> Engine::FromConfig(
    std::shared_ptr<const CompiledConfig> config, const LoadOptions& options) {
  std::unique_ptr<Engine> engine(new Engine(options));
  engine->Swap(std::move(config));
  return engine;
}

absl::Status Engine::Reload(std::string_view json) {
  // Compile outside the lock: decisions and other writers go on meanwhile.
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> config =
      LoadConfig(json, options_);
  if (!config.ok()) return config.status();
  Swap(*std::move(config));
  return absl::OkStatus();
}

void Engine::Swap(std::shared_ptr<const CompiledConfig> config) {
  std::lock_guard<std::mutex> lock(mu_);
  InstallLocked(std::move(config));
}

void Engine::InstallLocked(std::shared_ptr<const CompiledConfig> config) {
  auto snap = std::make_shared<EngineSnapshot>();
  snap->runtime = std::make_unique<RuntimeState>(config->campaigns().size(),
                                                 config->groups().size());
  for (const auto& [id, off] : campaign_off_) {
    const int32_t c = config->FindCampaign(id);
    if (c >= 0) snap->runtime->set_campaign_off(c, off);
  }
  snap->config = std::move(config);
  current_ = std::move(snap);
  version_.fetch_add(1, std::memory_order_release);
}

std::shared_ptr<const CompiledConfig> Engine::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_->config;
}

std::shared_ptr<const EngineSnapshot> Engine::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

const EngineSnapshot& Engine::Current(const VisitorContext& visitor) const {
  const uint64_t version = version_.load(std::memory_order_acquire);
  if (visitor.engine_ != this || visitor.engine_version_ != version) {
    std::lock_guard<std::mutex> lock(mu_);
    visitor.snapshot_ = current_;
    visitor.engine_ = this;
    visitor.engine_version_ = version_.load(std::memory_order_relaxed);
  }
  return *visitor.snapshot_;
}

absl::Status Engine::DecideAll(const VisitorContext& visitor, absl::Time now,
                               DecisionList* out) const {
  const EngineSnapshot& snap = Current(visitor);
  return snap.config->DecideAll(visitor, now, out, snap.runtime.get());
}

absl::Status Engine::Decide(std::string_view campaign_id,
                            const VisitorContext& visitor, absl::Time now,
                            Decision* out) const {
  const EngineSnapshot& snap = Current(visitor);
  return snap.config->Decide(campaign_id, visitor, now, out,
                             snap.runtime.get());
}

absl::Status Engine::SetCampaignActive(std::string_view campaign_id,
                                       bool active) {
  std::lock_guard<std::mutex> lock(mu_);
  const int32_t c = current_->config->FindCampaign(campaign_id);
  if (c < 0) {
    return absl::NotFoundError(
        absl::StrCat("unknown campaign id \"",
                     absl::string_view(campaign_id.data(), campaign_id.size()),
                     "\""));
  }
  campaign_off_[std::string(campaign_id)] = !active;
  current_->runtime->set_campaign_off(c, !active);
  return absl::OkStatus();
}

}  // namespace allot
