// allot schedule: a variation group's traffic share over time, as CSV.
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "allocation/date_time.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "core/compiled_config.h"

namespace allot::cli {
namespace {

constexpr char kUsage[] =
    "usage: allot schedule --config FILE --group ID --from T --to T "
    "[--every DURATION] [--tz ZONE] [--bucketing MODE]";
// More rows than anyone reads; a typo in --every should not fill a disk.
constexpr int64_t kMaxRows = 1'000'000;

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
  const CompiledConfig& config = *loaded;
  const int32_t g = config.FindGroup(args.Get("group"));
  if (g < 0) {
    return Fail("--group: no variation group \"" + args.Get("group") +
                "\" in " + config_path);
  }
  const CompiledConfig::Group& group = config.groups()[g];

  // Times are read and printed in the schedule's time zone unless --tz says
  // otherwise.
  absl::StatusOr<absl::TimeZone> tz =
      LoadTimeZoneOrError(args.Get("tz", group.schedule_timezone));
  if (!tz.ok()) return Fail("--tz: " + std::string(tz.status().message()));
  absl::StatusOr<absl::Time> from = ParseDateTime(args.Get("from"), *tz);
  if (!from.ok()) return Fail("--from: " + std::string(from.status().message()));
  absl::StatusOr<absl::Time> to = ParseDateTime(args.Get("to"), *tz);
  if (!to.ok()) return Fail("--to: " + std::string(to.status().message()));
  if (*to < *from) return Fail("--to is before --from");
  const std::string every_text = args.Get("every", "1h");
  absl::StatusOr<absl::Duration> every = ParseStepDuration(every_text);
  if (!every.ok()) {
    return Fail("--every: " + std::string(every.status().message()));
  }
  if ((*to - *from) / *every >= static_cast<double>(kMaxRows)) {
    return Fail(absl::StrFormat(
        "--from/--to/--every give more than %d rows; use a larger --every",
        kMaxRows));
  }
  // A whole number of days steps calendar days in the time zone, so daily
  // samples keep their wall-clock time across DST changes; anything else is
  // an absolute duration.
  int64_t civil_days = 0;
  if (!absl::EndsWith(every_text, "d") ||
      !absl::SimpleAtoi(
          absl::string_view(every_text).substr(0, every_text.size() - 1),
          &civil_days)) {
    civil_days = 0;
  }
  const absl::CivilSecond civil_from = absl::ToCivilSecond(*from, *tz);

  std::string out = "time,traffic_percent\n";
  for (int64_t k = 0;; ++k) {
    absl::Time t = *from + k * *every;
    if (civil_days > 0) {
      const absl::CivilDay day = absl::CivilDay(civil_from) + k * civil_days;
      t = absl::FromCivil(
          absl::CivilSecond(day.year(), day.month(), day.day(),
                            civil_from.hour(), civil_from.minute(),
                            civil_from.second()),
          *tz);
    }
    if (t > *to) break;
    // No allocation_config: the whole group's traffic, always.
    const int32_t bp = group.schedule ? group.schedule->ShareAt(t) : 10000;
    absl::StrAppendFormat(&out, "%s,%d.%02d\n",
                          absl::FormatTime("%Y-%m-%dT%H:%M:%E*S%Ez", t, *tz),
                          bp / 100, bp % 100);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) return Fail("error writing the output");
  return 0;
}

}  // namespace allot::cli
