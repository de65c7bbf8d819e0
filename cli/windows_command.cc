// allot windows: a campaign's live windows (DESIGN §14) as CSV.
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
  Command command(
      "windows", kUsage,
      "Prints the windows in which a campaign is live (its recurrence's,\n"
      "merged and clipped to its start and stop) that meet [T, T], as CSV\n"
      "(start,end); an open start or stop is an empty field. T is an RFC 3339\n"
      "instant. Exit 1 for an unknown campaign.",
      "allot windows --config examples/recurring.json --campaign monday-deals "
      "--from 2026-01-01T00:00:00Z --to 2026-04-30T00:00:00Z");
  TimeRangeOptions range(command, "--campaign", "campaign",
                         "zone times print in (default: the scheduler's)");
  BucketingOption bucketing(command.app());
  if (std::optional<int> status = command.Parse(argc, argv, 2)) return *status;
  absl::Time from, to;
  std::string error;
  if (!range.ParseInstants(&from, &to, &error)) return Fail(error);
  std::shared_ptr<const CompiledConfig> loaded = range.LoadConfig(bucketing);
  if (loaded == nullptr) return 2;
  const std::string& config_path = range.config_path();
  const int32_t index = loaded->FindCampaign(range.id());
  if (index < 0) {
    return Fail(absl::StrFormat("--campaign: no campaign \"%s\" in %s",
                                range.id(), config_path),
                1);
  }
  const CompiledConfig::Campaign& campaign = loaded->campaigns()[index];
  absl::StatusOr<absl::TimeZone> zone = range.Zone(campaign.time_zone);
  if (!zone.ok()) return Fail(std::string(zone.status().message()));
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
