// allot campaigns export|import: the bulk campaign table (DESIGN §14) as
// CSV, out of a config and back into it.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "core/campaign_table.h"
#include "core/json_text.h"  // ParseInstant

namespace allot::cli {
namespace {

constexpr char kUsage[] =
    "usage: allot campaigns export --config FILE [--at RFC3339] "
    "[--output FILE|-] [--bucketing MODE]\n"
    "       allot campaigns import --config FILE --csv FILE --output FILE|- "
    "[--bucketing MODE]";

int Fail(const std::string& message, int status = 2) {
  std::cerr << "allot campaigns: " << message << "\n";
  return status;
}

// Writes `text` to `path` ("-": standard output). A file is written beside
// its final name and renamed over it, so that a failed write leaves the old
// file whole (--output may be the --config it was read from).
bool WriteOutput(const std::string& path, const std::string& text,
                 std::string* error) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (std::fflush(stdout) != 0) {
      *error = "error writing the standard output";
      return false;
    }
    return true;
  }
  const std::string temp = path + ".tmp";
  FILE* f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) {
    *error = absl::StrFormat("cannot write %s: %s", temp, std::strerror(errno));
    return false;
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !written) {
    *error = absl::StrFormat("error writing %s", temp);
    std::remove(temp.c_str());
    return false;
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    *error = absl::StrFormat("cannot rename %s to %s: %s", temp, path,
                             std::strerror(errno));
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

// The options of both actions; `at` for export, `csv` for import.
struct CampaignsOptions {
  std::string config, at, csv, output = "-";
  CLI::Option* at_option = nullptr;
};

// Reads --config, with the load options of --bucketing.
bool ReadConfig(const CampaignsOptions& args, const BucketingOption& bucketing,
                std::string* json, LoadOptions* options, std::string* error) {
  return bucketing.Apply(options, error) && ReadFile(args.config, json, error);
}

int Export(const CampaignsOptions& args, const BucketingOption& bucketing) {
  absl::Time at = absl::Now();
  if (args.at_option->count() > 0) {
    absl::StatusOr<absl::Time> t = ParseInstant(args.at);
    if (!t.ok()) return Fail(absl::StrFormat("--at: %s", t.status().message()));
    at = *t;
  }
  std::string json, error;
  LoadOptions options;
  if (!ReadConfig(args, bucketing, &json, &options, &error)) return Fail(error);
  absl::StatusOr<CampaignTable> table = ExportCampaignTable(json, at, options);
  if (!table.ok()) {
    std::cerr << args.config << ": " << table.status().message() << "\n";
    return 2;
  }
  if (!WriteOutput(args.output, CampaignTableCsv(*table), &error)) {
    return Fail(error);
  }
  return 0;
}

int Import(const CampaignsOptions& args, const BucketingOption& bucketing) {
  std::string json, csv, error;
  LoadOptions options;
  if (!ReadConfig(args, bucketing, &json, &options, &error)) return Fail(error);
  if (!ReadFile(args.csv, &csv, &error)) return Fail(error);
  absl::StatusOr<CampaignTable> table = ReadCampaignTableCsv(csv);
  if (!table.ok()) {
    std::cerr << args.csv << ": " << table.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<CampaignImport> result =
      ImportCampaignTable(json, *table, options);
  if (!result.ok()) {
    // A config that does not load is the --config's fault, a bad row the
    // table's: either way nothing is written.
    std::cerr << (absl::StartsWith(result.status().message(), "row ") ||
                          absl::StartsWith(result.status().message(), "column ")
                      ? args.csv
                      : args.config)
              << ": " << result.status().message() << "\n";
    return 1;
  }
  if (!WriteOutput(args.output, result->config_json, &error)) {
    return Fail(error);
  }
  std::cerr << absl::StrFormat("allot campaigns import: %d rows applied",
                               result->rows);
  if (result->changed.empty()) {
    std::cerr << "; who gets what is unchanged\n";
  } else {
    std::cerr << absl::StrFormat("; who gets what changes in %d campaigns: %s\n",
                                 result->changed.size(),
                                 absl::StrJoin(result->changed, ", "));
  }
  return 0;
}

}  // namespace

int CampaignsCommand(int argc, char** argv) {
  const std::string action = argc > 2 ? argv[2] : "";
  if (action == "--help" || action == "-h") {
    std::cout
        << kUsage << "\n\n"
        << "export: writes the bulk campaign table as CSV (RFC 4180).\n"
        << "import: applies an edited table to the config.\n"
        << "Run `allot campaigns export --help` or `allot campaigns import "
           "--help` for their options.\n";
    return 0;
  }
  if (action != "export" && action != "import") {
    return Fail(action.empty() ? kUsage
                               : absl::StrFormat("unknown action \"%s\"\n%s",
                                                 action, kUsage));
  }
  const bool is_export = action == "export";
  // Errors keep the "allot campaigns:" prefix of the actions' own messages.
  Command command(
      "campaigns",
      is_export ? "usage: allot campaigns export --config FILE [--at RFC3339] "
                  "[--output FILE|-] [--bucketing MODE]"
                : "usage: allot campaigns import --config FILE --csv FILE "
                  "--output FILE|- [--bucketing MODE]",
      is_export
          ? "Writes the bulk campaign table as CSV (RFC 4180): ID, Name,\n"
            "Description, Status, Start Date, End Date, Percentage Completed,\n"
            "Is Published, Recurrence, Escalation, Escalation Date; what a\n"
            "campaign serves is read at --at."
          : "Applies a table's names, descriptions, statuses, dates and\n"
            "recurrences to the campaigns its rows name and writes the new\n"
            "config; nothing is written when any row is bad (exit 1).",
      is_export ? "allot campaigns export --config examples/recurring.json "
                  "--at 2026-06-01T00:00:00Z --output campaigns.csv"
                : "allot campaigns import --config examples/recurring.json "
                  "--csv examples/campaigns_sheet.csv --output new.json");
  CLI::App& app = command.app();
  CampaignsOptions args;
  app.add_option("--config", args.config, "campaign config (JSON)")
      ->type_name("FILE")
      ->required();
  if (is_export) {
    args.at_option =
        app.add_option("--at", args.at,
                       "instant the table is read at (default: now)")
            ->type_name("RFC3339");
    app.add_option("--output", args.output,
                   "where the CSV goes (default: -, stdout)")
        ->type_name("FILE|-");
  } else {
    app.add_option("--csv", args.csv, "the edited table (CSV)")
        ->type_name("FILE")
        ->required();
    app.add_option("--output", args.output,
                   "where the new config goes (may be the --config)")
        ->type_name("FILE|-")
        ->required();
  }
  BucketingOption bucketing(app);
  if (std::optional<int> status = command.Parse(argc, argv, 3)) return *status;
  return is_export ? Export(args, bucketing) : Import(args, bucketing);
}

}  // namespace allot::cli
