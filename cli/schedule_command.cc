// allot schedule: a variation group's traffic share over time, as CSV.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_format.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/time_range_options.h"
#include "core/compiled_config.h"
#include "core/traffic_share_table.h"

namespace allot::cli {
namespace {

constexpr char kUsage[] =
    "usage: allot schedule --config FILE --group ID --from T --to T "
    "[--every DURATION] [--tz ZONE] [--bucketing MODE]";

int Fail(const std::string& message) {
  std::cerr << "allot schedule: " << message << "\n";
  return 2;
}

}  // namespace

int ScheduleCommand(int argc, char** argv) {
  Command command(
      "schedule", kUsage,
      "Prints a variation group's traffic share over time as CSV\n"
      "(time,traffic_percent). T is an RFC 3339 instant or a wall-clock time\n"
      "in the schedule's time zone, which is also the zone times print in.",
      "allot schedule --config examples/rollout.json --group new-search-all "
      "--from 2026-03-26T09:00 --to 2026-03-30T09:00 --every 1d");
  TimeRangeOptions range(command, "--group", "variation group",
                         "zone times print in (default: the schedule's)");
  std::string every = "1h";
  command.app()
      .add_option("--every", every,
                  "step: 30m, 1h, 1h30m, ...; 1d, 7d step calendar days")
      ->type_name("DURATION");
  BucketingOption bucketing(command.app());
  if (std::optional<int> status = command.Parse(argc, argv, 2)) return *status;
  std::shared_ptr<const CompiledConfig> loaded = range.LoadConfig(bucketing);
  if (loaded == nullptr) return 2;
  const std::string& config_path = range.config_path();
  TrafficShareQuery query;
  query.group_id = range.id();
  query.from = range.from();
  query.to = range.to();
  query.every = every;
  query.time_zone = range.tz();
  absl::StatusOr<TrafficShareTable> table = SampleTrafficShare(*loaded, query);
  if (!table.ok()) {
    if (table.status().code() == absl::StatusCode::kNotFound) {
      return Fail("--group: " + std::string(table.status().message()) +
                  " in " + config_path);
    }
    // Field names in the message are the options' names.
    std::string message(table.status().message());
    if (message.rfind("time_zone:", 0) == 0) message.replace(0, 9, "tz");
    return Fail("--" + message);
  }
  std::string out = "time,traffic_percent\n";
  for (const TrafficShareRow& row : table->rows) {
    absl::StrAppendFormat(&out, "%s,%d.%02d\n",
                          FormatLocalTime(row.at, table->time_zone),
                          row.share_bp / 100, row.share_bp % 100);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) return Fail("error writing the output");
  return 0;
}

}  // namespace allot::cli
