// allot status: where each guarded variation group stands against its
// rollback condition (DESIGN §6, §14), from a config and a run-time state
// document exported by an Engine.
#include <algorithm>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "core/compiled_config.h"
#include "core/engine.h"
#include "core/kpi_definitions.h"
#include "core/rollback_condition.h"

namespace allot::cli {
namespace {

constexpr char kUsage[] =
    "usage: allot status --config FILE --state FILE [--kpis FILE]";

int Fail(const std::string& message) {
  std::cerr << "allot status: " << message << "\n";
  return 2;
}

std::string Str(std::string_view s) { return std::string(s); }

// Whether fed totals are those of the goal the group watches now (a state
// exported before a config change may hold another goal's).
bool FedForWatched(const GoalTotals& fed,
                   const RollbackConditionSpec& rollback,
                   const KpiDefinition* kpi) {
  if (kpi != nullptr) return fed.kpi == kpi->id;
  return fed.kpi.empty() && fed.goal == RollbackGoalKey(rollback);
}

// The rows as text, columns padded to their widest cell.
void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

}  // namespace

int StatusCommand(int argc, char** argv) {
  Command command(
      "status", kUsage,
      "Lists each variation group with a rollback_condition: the goal or KPI\n"
      "it watches, the latest value fed in the state document, the threshold,\n"
      "and whether it is latched; then whether every required KPI that a\n"
      "group watches has data.",
      "allot status --config examples/kpi_rollout.json "
      "--kpis examples/kpis.json --state examples/kpi_state.json");
  CLI::App& app = command.app();
  std::string config_path, state_path, kpis_path;
  app.add_option("--config", config_path, "campaign config (JSON)")
      ->type_name("FILE")
      ->required();
  app.add_option("--state", state_path, "run-time state exported by an Engine")
      ->type_name("FILE")
      ->required();
  CLI::Option* kpis_option =
      app.add_option("--kpis", kpis_path,
                     "KPI definitions kept apart from the config")
          ->type_name("FILE");
  if (std::optional<int> status = command.Parse(argc, argv, 2)) return *status;
  LoadOptions options;
  std::string error;
  if (kpis_option->count() > 0) {
    const std::string& path = kpis_path;
    if (!ReadFile(path, &options.kpis_json, &error)) return Fail(error);
    // Checked alone first, so that its errors name its own file.
    absl::StatusOr<std::vector<KpiDefinition>> alone =
        ParseKpiDefinitions(options.kpis_json);
    if (!alone.ok()) {
      std::cerr << path << ": " << alone.status().message() << "\n";
      return 2;
    }
  }
  std::shared_ptr<const CompiledConfig> config =
      LoadConfigFile(config_path, options, &error);
  if (config == nullptr) {
    std::cerr << error << "\n";
    return 2;
  }
  std::unique_ptr<Engine> engine = Engine::FromConfig(config, options);
  std::string text;
  if (!ReadFile(state_path, &text, &error)) return Fail(error);
  if (absl::Status s = engine->ImportState(text); !s.ok()) {
    std::cerr << state_path << ": " << s.message() << "\n";
    return 2;
  }

  std::vector<std::vector<std::string>> rows = {{"CAMPAIGN", "GROUP", "KPI",
                                                 "UNIT", "VALUE", "CONDITION",
                                                 "MIN_VISITORS", "STATUS"}};
  // Required KPIs that some group watches, and those of them with data.
  std::set<std::string> required, with_data;
  for (const CompiledConfig::Campaign& c : config->campaigns()) {
    for (int32_t k = 0; k < c.num_groups; ++k) {
      const CompiledConfig::Group& g = config->groups()[c.first_group + k];
      if (!g.rollback) continue;
      const RollbackConditionSpec& rb = *g.rollback;
      const KpiDefinition* kpi =
          g.rollback_kpi < 0 ? nullptr : &config->kpis()[g.rollback_kpi];
      const bool mean = kpi != nullptr && IsMeanKpi(kpi->value_type);
      absl::StatusOr<GroupRuntime> state = engine->GroupMetrics(g.id);
      if (!state.ok()) return Fail(std::string(state.status().message()));
      std::string value = "no data";
      if (state->metrics && FedForWatched(*state->metrics, rb, kpi)) {
        value = absl::StrFormat("%.2f (%d visitors)",
                                TotalsValue(*state->metrics),
                                state->metrics->visitors);
        if (kpi != nullptr) with_data.insert(kpi->id);
      }
      if (kpi != nullptr && kpi->required) required.insert(kpi->id);
      // A conversion form is a percent whatever its KPI's unit says.
      std::string unit = "%";
      if (kpi != nullptr && !kpi->unit.empty()) unit = kpi->unit;
      if (mean && kpi->unit.empty()) unit = "-";
      rows.push_back(
          {c.id, g.id, kpi != nullptr ? kpi->id : Str(RollbackGoalKey(rb)),
           unit, value, absl::StrCat(rb.op, " ", rb.value),
           absl::StrCat(rb.min_visitors), state->rollback ? "latched" : "ok"});
    }
  }
  if (rows.size() == 1) {
    std::cout << "no variation group has a rollback_condition\n";
    return 0;
  }
  PrintTable(rows);
  std::vector<std::string> missing;
  for (const std::string& id : required) {
    if (!with_data.count(id)) missing.push_back(id);
  }
  std::cout << "required KPIs have data: "
            << (missing.empty()
                    ? std::string("yes")
                    : absl::StrCat("no (none fed for ",
                                   absl::StrJoin(missing, ", "), ")"))
            << "\n";
  return 0;
}

}  // namespace allot::cli
