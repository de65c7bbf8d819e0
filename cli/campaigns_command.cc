// allot campaigns export|import: the bulk campaign table (DESIGN §14) as
// CSV, out of a config and back into it.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "cli/args.h"
#include "cli/commands.h"
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

// Reads --config, with the load options of --bucketing.
bool ReadConfig(const Args& args, std::string* json, LoadOptions* options,
                std::string* error) {
  return LoadOptionsFromArgs(args, options, error) &&
         ReadFile(args.Get("config"), json, error);
}

int Export(const Args& args) {
  absl::Time at = absl::Now();
  if (args.Has("at")) {
    absl::StatusOr<absl::Time> t = ParseInstant(args.Get("at"));
    if (!t.ok()) return Fail(absl::StrFormat("--at: %s", t.status().message()));
    at = *t;
  }
  std::string json, error;
  LoadOptions options;
  if (!ReadConfig(args, &json, &options, &error)) return Fail(error);
  absl::StatusOr<CampaignTable> table = ExportCampaignTable(json, at, options);
  if (!table.ok()) {
    std::cerr << args.Get("config") << ": " << table.status().message() << "\n";
    return 2;
  }
  if (!WriteOutput(args.Get("output", "-"), CampaignTableCsv(*table), &error)) {
    return Fail(error);
  }
  return 0;
}

int Import(const Args& args) {
  std::string json, csv, error;
  LoadOptions options;
  if (!ReadConfig(args, &json, &options, &error)) return Fail(error);
  if (!ReadFile(args.Get("csv"), &csv, &error)) return Fail(error);
  absl::StatusOr<CampaignTable> table = ReadCampaignTableCsv(csv);
  if (!table.ok()) {
    std::cerr << args.Get("csv") << ": " << table.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<CampaignImport> result =
      ImportCampaignTable(json, *table, options);
  if (!result.ok()) {
    // A config that does not load is the --config's fault, a bad row the
    // table's: either way nothing is written.
    std::cerr << (absl::StartsWith(result.status().message(), "row ") ||
                          absl::StartsWith(result.status().message(), "column ")
                      ? args.Get("csv")
                      : args.Get("config"))
              << ": " << result.status().message() << "\n";
    return 1;
  }
  if (!WriteOutput(args.Get("output"), result->config_json, &error)) {
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
    std::cout << kUsage << "\n";
    return 0;
  }
  if (action != "export" && action != "import") {
    return Fail(action.empty() ? kUsage
                               : absl::StrFormat("unknown action \"%s\"\n%s",
                                                 action, kUsage));
  }
  Args args;
  std::string error;
  const bool is_export = action == "export";
  const std::set<std::string> options =
      is_export ? std::set<std::string>{"config", "at", "output", "bucketing"}
                : std::set<std::string>{"config", "csv", "output", "bucketing"};
  if (!ParseArgs(argc, argv, 3, options, {}, &args, &error) ||
      !args.positional.empty()) {
    return Fail(error.empty() ? kUsage : error);
  }
  for (const char* required : {"config", "csv", "output"}) {
    if (is_export && std::strcmp(required, "config") != 0) continue;
    if (!args.Has(required)) {
      return Fail(absl::StrFormat("--%s is required\n%s", required, kUsage));
    }
  }
  return is_export ? Export(args) : Import(args);
}

}  // namespace allot::cli
