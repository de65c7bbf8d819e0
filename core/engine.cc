#include "core/engine.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/internal/engine_state.h"
#include "core/internal/runtime_state.h"
#include "core/rollback_condition.h"

namespace allot {

Engine::Engine(const LoadOptions& options)
    : options_(options), state_(std::make_unique<internal::EngineState>()) {}

Engine::~Engine() = default;

namespace {

// DESIGN §13: FailedPrecondition from the end of the deadline day of group
// `g`'s campaign on, when its goal metrics are closed and its rollback latch
// frozen; `what` says which of the two the caller ran into.
absl::Status CheckGoalsOpen(const CompiledConfig& config, int32_t g,
                            absl::Time now, std::string_view what) {
  for (const CompiledConfig::Campaign& c : config.campaigns()) {
    if (g < c.first_group || g >= c.first_group + c.num_groups) continue;
    if (now < c.goals_close) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "variation group \"", config.groups()[g].id, "\" of campaign \"", c.id,
        "\": the campaign's deadline ", c.deadline, " ended at ",
        absl::FormatTime(absl::RFC3339_sec, c.goals_close, absl::UTCTimeZone()),
        "; ", absl::string_view(what.data(), what.size())));
  }
  return absl::OkStatus();
}

// The KPI a group's rollback goal names, or null for a plain goal.
const KpiDefinition* GroupKpi(const CompiledConfig& config,
                              const CompiledConfig::Group& group) {
  return group.rollback_kpi < 0 ? nullptr : &config.kpis()[group.rollback_kpi];
}

absl::Status NoRollbackError(const CompiledConfig::Group& group) {
  return absl::FailedPreconditionError(absl::StrCat(
      "variation group \"", group.id, "\" has no rollback_condition"));
}

// Sum in (-2^53, 2^53) and whole: an `integer` KPI's sum stays exact.
constexpr double kMaxIntegerSum = 9007199254740992.0;

}  // namespace

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
  std::lock_guard<std::mutex> lock(engine->mu_);
  engine->InstallLocked(std::move(config));
  return engine;
}

absl::StatusOr<ReloadReport> Engine::Reload(std::string_view json) {
  // Compile outside the lock: decisions and other writers go on meanwhile.
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> config =
      LoadConfig(json, options_);
  if (!config.ok()) return config.status();
  return Swap(*std::move(config));
}

absl::StatusOr<ReloadReport> Engine::Swap(
    std::shared_ptr<const CompiledConfig> config) {
  std::lock_guard<std::mutex> lock(mu_);
  const CompiledConfig& current = *current_->config;
  if (absl::Status s = CheckLockedCampaigns(current, *config); !s.ok()) {
    return s;
  }
  ReloadReport report = CompareConfigs(current, *config);
  if (!report.identical) InstallLocked(std::move(config));
  return report;
}

void Engine::InstallLocked(std::shared_ptr<const CompiledConfig> config) {
  auto snap = std::make_shared<EngineSnapshot>();
  snap->runtime = std::make_shared<RuntimeState>(config->campaigns().size(),
                                                 config->groups().size());
  // One pass per map: apply the state of ids the config has, drop the rest.
  for (auto it = state_->campaign_active.begin();
       it != state_->campaign_active.end();) {
    const int32_t c = config->FindCampaign(it->first);
    if (c < 0) {
      state_->campaign_active.erase(it++);
      continue;
    }
    snap->runtime->set_campaign_off(c, !it->second);
    ++it;
  }
  for (auto it = state_->groups.begin(); it != state_->groups.end();) {
    const int32_t g = config->FindGroup(it->first);
    if (g < 0) {
      state_->groups.erase(it++);
      continue;
    }
    if (it->second.rollback) snap->runtime->set_group_rolled_back(g, true);
    ++it;
  }
  snap->config = std::move(config);
  current_ = std::move(snap);
  version_.fetch_add(1, std::memory_order_release);
}

uint64_t Engine::NextEngineSerial() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

std::shared_ptr<const CompiledConfig> Engine::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_->config;
}

std::shared_ptr<const EngineSnapshot> Engine::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

const EngineSnapshot& Engine::Refresh(const VisitorContext& visitor) const {
  std::lock_guard<std::mutex> lock(mu_);
  visitor.snapshot_ = current_;
  visitor.engine_serial_ = serial_;
  visitor.engine_version_ = version_.load(std::memory_order_relaxed);
  return *visitor.snapshot_;
}

void Engine::SetExposureLogger(std::shared_ptr<ExposureLogger> logger) {
  std::lock_guard<std::mutex> lock(mu_);
  exposure_logger_.store(logger.get(), std::memory_order_release);
  if (logger != nullptr) loggers_.push_back(std::move(logger));
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
  state_->campaign_active[std::string(campaign_id)] = active;
  current_->runtime->set_campaign_off(c, !active);
  return absl::OkStatus();
}

absl::StatusOr<int32_t> Engine::GroupIndexLocked(
    std::string_view group_id) const {
  const int32_t g = current_->config->FindGroup(group_id);
  if (g < 0) {
    return absl::NotFoundError(
        absl::StrCat("unknown variation group id \"",
                     absl::string_view(group_id.data(), group_id.size()),
                     "\""));
  }
  return g;
}

absl::StatusOr<int32_t> Engine::FeedableGroupLocked(std::string_view group_id,
                                                    absl::Time now) const {
  absl::StatusOr<int32_t> g = GroupIndexLocked(group_id);
  if (!g.ok()) return g.status();
  if (absl::Status s =
          CheckGoalsOpen(*current_->config, *g, now,
                         "its goal metrics are closed and take no more totals");
      !s.ok()) {
    return s;
  }
  const CompiledConfig::Group& group = current_->config->groups()[*g];
  if (!group.rollback) return NoRollbackError(group);
  return g;
}

absl::StatusOr<bool> Engine::UpdateGoalMetrics(std::string_view group_id,
                                               std::string_view goal_key,
                                               int64_t visitors,
                                               int64_t conversions,
                                               absl::Time now) {
  if (absl::Status s = internal::CheckGoalTotals(visitors, conversions);
      !s.ok()) {
    return s;
  }
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<int32_t> g = FeedableGroupLocked(group_id, now);
  if (!g.ok()) return g.status();
  const CompiledConfig::Group& group = current_->config->groups()[*g];
  const KpiDefinition* kpi = GroupKpi(*current_->config, group);
  if (kpi != nullptr && IsMeanKpi(kpi->value_type)) {
    const std::string_view type = KpiValueTypeName(kpi->value_type);
    return absl::FailedPreconditionError(absl::StrCat(
        "variation group \"", group.id, "\" watches KPI \"", kpi->id, "\", a ",
        absl::string_view(type.data(), type.size()),
        " KPI whose value is a mean per visitor: feed it with "
        "UpdateKpiMetrics (visitors and sum), not UpdateGoalMetrics"));
  }
  const std::string_view watched = RollbackGoalKey(*group.rollback);
  if (goal_key != watched && (kpi == nullptr || goal_key != kpi->id)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "variation group \"", group.id, "\" watches goal \"",
        absl::string_view(watched.data(), watched.size()), "\", not \"",
        absl::string_view(goal_key.data(), goal_key.size()), "\""));
  }
  // Nanosecond precision, so the state exports and imports exactly.
  now = absl::FromUnixNanos(absl::ToUnixNanos(now));
  internal::GroupRuntime& state = state_->groups[group.id];
  internal::GoalTotals& totals = state.metrics.emplace();
  totals.goal = std::string(watched);
  if (kpi != nullptr) {
    totals.kpi = kpi->id;
    totals.unit = kpi->unit;
  }
  totals.visitors = visitors;
  totals.conversions = conversions;
  totals.at = now;
  if (!state.rollback &&
      RollbackConditionHolds(*group.rollback, visitors, conversions)) {
    state.rollback = state.metrics;
    current_->runtime->set_group_rolled_back(*g, true);
  }
  return state.rollback.has_value();
}

absl::StatusOr<bool> Engine::UpdateKpiMetrics(std::string_view group_id,
                                              std::string_view kpi_id,
                                              int64_t visitors, double sum,
                                              absl::Time now) {
  if (absl::Status s = internal::CheckMeanTotals(visitors, sum); !s.ok()) {
    return s;
  }
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<int32_t> g = FeedableGroupLocked(group_id, now);
  if (!g.ok()) return g.status();
  const CompiledConfig::Group& group = current_->config->groups()[*g];
  const KpiDefinition* kpi = GroupKpi(*current_->config, group);
  const absl::string_view asked(kpi_id.data(), kpi_id.size());
  if (kpi == nullptr) {
    const std::string_view goal = RollbackGoalKey(*group.rollback);
    return absl::FailedPreconditionError(absl::StrCat(
        "variation group \"", group.id, "\" watches goal \"",
        absl::string_view(goal.data(), goal.size()),
        "\", which names no KPI (not \"", asked,
        "\"): feed it with UpdateGoalMetrics (visitors and conversions)"));
  }
  if (kpi_id != kpi->id) {
    return absl::FailedPreconditionError(
        absl::StrCat("variation group \"", group.id, "\" watches KPI \"",
                     kpi->id, "\", not \"", asked, "\""));
  }
  const std::string_view type = KpiValueTypeName(kpi->value_type);
  if (!IsMeanKpi(kpi->value_type)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "KPI \"", kpi->id, "\" of variation group \"", group.id, "\" is a ",
        absl::string_view(type.data(), type.size()),
        " KPI, a conversion rate: feed it with UpdateGoalMetrics (visitors "
        "and conversions), not UpdateKpiMetrics"));
  }
  if (kpi->value_type == KpiValueType::kInteger &&
      (sum != std::trunc(sum) || std::fabs(sum) > kMaxIntegerSum)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "KPI \"", kpi->id, "\" is an integer KPI: its sum must be a whole "
        "number of magnitude at most 2^53, got ", sum));
  }
  // Nanosecond precision, so the state exports and imports exactly.
  now = absl::FromUnixNanos(absl::ToUnixNanos(now));
  internal::GroupRuntime& state = state_->groups[group.id];
  internal::GoalTotals& totals = state.metrics.emplace();
  totals.goal = std::string(RollbackGoalKey(*group.rollback));
  totals.kpi = kpi->id;
  totals.kind = internal::TotalsKind::kMean;
  totals.unit = kpi->unit;
  totals.visitors = visitors;
  totals.sum = sum == 0 ? 0.0 : sum;  // no "-0" in the state document
  totals.at = now;
  if (!state.rollback &&
      RollbackValueHolds(*group.rollback, visitors,
                         RollbackMean(visitors, totals.sum))) {
    state.rollback = state.metrics;
    current_->runtime->set_group_rolled_back(*g, true);
  }
  return state.rollback.has_value();
}

absl::Status Engine::ResetRollback(std::string_view group_id,
                                   absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<int32_t> g = GroupIndexLocked(group_id);
  if (!g.ok()) return g.status();
  if (absl::Status s = CheckGoalsOpen(*current_->config, *g, now,
                                      "its rollback latch is frozen");
      !s.ok()) {
    return s;
  }
  state_->groups.erase(absl::string_view(group_id.data(), group_id.size()));
  current_->runtime->set_group_rolled_back(*g, false);
  return absl::OkStatus();
}

absl::StatusOr<bool> Engine::IsRolledBack(std::string_view group_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<int32_t> g = GroupIndexLocked(group_id);
  if (!g.ok()) return g.status();
  return current_->runtime->group_rolled_back(*g);
}

absl::StatusOr<GroupRuntime> Engine::GroupMetrics(
    std::string_view group_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<int32_t> g = GroupIndexLocked(group_id);
  if (!g.ok()) return g.status();
  auto it =
      state_->groups.find(absl::string_view(group_id.data(), group_id.size()));
  if (it == state_->groups.end()) return internal::GroupRuntime();
  return it->second;
}

std::string Engine::ExportState() const {
  std::lock_guard<std::mutex> lock(mu_);
  return internal::EngineStateToJson(*state_);
}

absl::Status Engine::ImportState(std::string_view json) {
  absl::StatusOr<internal::EngineState> state =
      internal::EngineStateFromJson(json);
  if (!state.ok()) return state.status();
  std::lock_guard<std::mutex> lock(mu_);
  *state_ = *std::move(state);
  InstallLocked(current_->config);
  return absl::OkStatus();
}

}  // namespace allot
