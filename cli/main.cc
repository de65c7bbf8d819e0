// allot: decide, validate and inspect campaign configs from the command line.
#include <cstring>
#include <iostream>

#include "cli/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: allot <command> [options]\n"
    "\n"
    "commands:\n"
    "  decide --config FILE [--at RFC3339] [--bucketing auto|xxh3|flagship]\n"
    "         [--flags] [--flag-metadata] [--state FILE] [--input FILE|-]\n"
    "         [--output FILE|-]\n"
    "      Reads visitors as JSON Lines {\"id\": ..., \"context\": {...}} and\n"
    "      writes one JSON line of decisions per visitor (with --flags, the\n"
    "      merged flags; --flag-metadata adds where each flag comes from).\n"
    "      --state applies a run-time state document (toggles, rollbacks)\n"
    "      exported by an Engine.\n"
    "  schedule --config FILE --group ID --from T --to T [--every 1h]\n"
    "           [--tz ZONE]\n"
    "      Prints a variation group's traffic share over time as CSV\n"
    "      (time,traffic_percent); times in the schedule's time zone.\n"
    "  windows --config FILE --campaign ID --from T --to T [--tz ZONE]\n"
    "      Prints the windows in which a campaign is live (its recurrence's,\n"
    "      merged and clipped to its start and stop) that meet [T, T], as\n"
    "      CSV (start,end); an open start or stop is an empty field. Times\n"
    "      in the scheduler's time zone.\n"
    "  campaigns export --config FILE [--at RFC3339] [--output FILE|-]\n"
    "      Writes the bulk campaign table as CSV (RFC 4180): ID, Name,\n"
    "      Description, Status, Start Date, End Date, Percentage Completed,\n"
    "      Is Published, Recurrence, Escalation, Escalation Date; what a\n"
    "      campaign serves is read at --at (default: now).\n"
    "  campaigns import --config FILE --csv FILE --output FILE|-\n"
    "      Applies a table's names, descriptions, statuses, dates and\n"
    "      recurrences to the campaigns its rows name and writes the new\n"
    "      config; nothing is written when any row is bad.\n"
    "  status --config FILE --state FILE [--kpis FILE]\n"
    "      Lists each variation group with a rollback_condition: the goal or\n"
    "      KPI it watches, the latest value fed in the state document, the\n"
    "      threshold, and whether it is latched; then whether every required\n"
    "      KPI that a group watches has data. --kpis: KPI definitions kept\n"
    "      apart from the config.\n"
    "  validate FILE [--against OLD] [--bucketing MODE]\n"
    "      Checks a config; prints a summary, or the JSON path at fault.\n"
    "      --against: what a reload from OLD would change (campaigns added,\n"
    "      removed, changed, payload only, unchanged); exit 1 when it would\n"
    "      change or remove a locked campaign of OLD.\n"
    "  diff --from OLD --to NEW [--visitors FILE|-] [--at RFC3339]\n"
    "       [--format text|json] [--bucketing MODE]\n"
    "      The same report; with visitors (JSON Lines as for decide), per\n"
    "      changed campaign how many visitors would move, old variation ->\n"
    "      new variation.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "decide")) return allot::cli::DecideCommand(argc, argv);
  if (!std::strcmp(argv[1], "validate")) return allot::cli::ValidateCommand(argc, argv);
  if (!std::strcmp(argv[1], "diff")) return allot::cli::DiffCommand(argc, argv);
  if (!std::strcmp(argv[1], "schedule")) return allot::cli::ScheduleCommand(argc, argv);
  if (!std::strcmp(argv[1], "status")) return allot::cli::StatusCommand(argc, argv);
  if (!std::strcmp(argv[1], "windows")) return allot::cli::WindowsCommand(argc, argv);
  if (!std::strcmp(argv[1], "campaigns")) return allot::cli::CampaignsCommand(argc, argv);
  std::cerr << "allot: unknown command \"" << argv[1] << "\"\n\n" << kUsage;
  return 2;
}
