// allot windows: a campaign's live windows (DESIGN §14) as CSV.
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/strings/str_format.h"
#include "core/json_text.h"  // ParseInstant, LoadTimeZoneOrError
#include "cli/args.h"
#include "cli/commands.h"
#include "core/compiled_config.h"
#include "core/traffic_share_table.h"

namespace allot::cli {
namespace {

constexpr char kUsage[] =
    "usage: allot windows --config FILE --campaign ID --from T --to T "
    "[--tz ZONE] [--bucketing MODE]";

int Fail(const std::string& message, int status = 2) {
  std::cerr << "allot windows: " << message << "\n";
  return status;
}

// An open end (no start_date or stop_date) prints as an empty field.
std::string Field(absl::Time t, const absl::TimeZone& zone) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return "";
  return FormatLocalTime(t, zone);
}

}  // namespace

int WindowsCommand(int argc, char** argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, 2,
                 {"config", "campaign", "from", "to", "tz", "bucketing"}, {},
                 &args, &error) ||
      !args.positional.empty()) {
    return Fail(error.empty() ? kUsage : error);
  }
  for (const char* required : {"config", "campaign", "from", "to"}) {
    if (!args.Has(required)) {
      return Fail(absl::StrFormat("--%s is required\n%s", required, kUsage));
    }
  }
  absl::Time from, to;
  for (auto [name, out] : {std::pair("from", &from), std::pair("to", &to)}) {
    absl::StatusOr<absl::Time> t = ParseInstant(args.Get(name));
    if (!t.ok()) {
      return Fail(absl::StrFormat("--%s: %s", name, t.status().message()));
    }
    *out = *t;
  }
  if (to < from) return Fail("--to is before --from");
  LoadOptions options;
  if (!LoadOptionsFromArgs(args, &options, &error)) return Fail(error);
  const std::string config_path = args.Get("config");
  std::shared_ptr<const CompiledConfig> loaded =
      LoadConfigFile(config_path, options, &error);
  if (loaded == nullptr) {
    std::cerr << error << "\n";
    return 2;
  }
  const int32_t index = loaded->FindCampaign(args.Get("campaign"));
  if (index < 0) {
    return Fail(absl::StrFormat("--campaign: no campaign \"%s\" in %s",
                                args.Get("campaign"), config_path),
                1);
  }
  const CompiledConfig::Campaign& campaign = loaded->campaigns()[index];
  absl::StatusOr<absl::TimeZone> zone =
      LoadTimeZoneOrError(args.Has("tz") ? args.Get("tz") : campaign.time_zone);
  if (!zone.ok()) {
    return Fail(absl::StrFormat("--tz: %s", zone.status().message()));
  }
  // Windows that meet [from, to]: start <= to and end > from.
  std::string out = "start,end\n";
  const auto add = [&](absl::Time start, absl::Time end) {
    if (start <= to && end > from) {
      absl::StrAppendFormat(&out, "%s,%s\n", Field(start, *zone),
                            Field(end, *zone));
    }
  };
  if (campaign.windows.empty()) {
    // Without a recurrence, the one window [start, stop), open ends empty.
    add(campaign.start, campaign.stop);
  } else {
    // Windows are disjoint and sorted: only the one before the first that
    // starts after `from` can still be live at `from`.
    const RecurringWindows& w = campaign.windows;
    size_t i = w.NextAfter(TrafficSchedule::Instant(from));
    if (i > 0 && w.end(i - 1) > from) --i;
    for (; i < w.size() && w.start(i) <= to; ++i) add(w.start(i), w.end(i));
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) return Fail("error writing the output");
  return 0;
}

}  // namespace allot::cli
