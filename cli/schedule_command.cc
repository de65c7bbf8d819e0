// allot schedule: a variation group's traffic share over time, as CSV.
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/strings/str_format.h"
#include "cli/args.h"
#include "cli/commands.h"
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
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, 2,
                 {"config", "group", "from", "to", "every", "tz", "bucketing"},
                 {}, &args, &error) ||
      !args.positional.empty()) {
    return Fail(error.empty() ? kUsage : error);
  }
  for (const char* required : {"config", "group", "from", "to"}) {
    if (!args.Has(required)) {
      return Fail(absl::StrFormat("--%s is required\n%s", required, kUsage));
    }
  }
  LoadOptions options;
  if (!LoadOptionsFromArgs(args, &options, &error)) return Fail(error);
  const std::string config_path = args.Get("config");
  std::shared_ptr<const CompiledConfig> loaded =
      LoadConfigFile(config_path, options, &error);
  if (loaded == nullptr) {
    std::cerr << error << "\n";
    return 2;
  }
  TrafficShareQuery query;
  query.group_id = args.Get("group");
  query.from = args.Get("from");
  query.to = args.Get("to");
  query.every = args.Get("every", "1h");
  query.time_zone = args.Get("tz");
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
