// allot diff: what a new config would change, and for a population of
// visitors, who would move (DESIGN §13).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "core/config_diff.h"
#include "core/json_text.h"

namespace allot::cli {

int DiffCommand(int argc, char** argv) {
  Command command(
      "diff",
      "usage: allot diff --from OLD --to NEW [--visitors FILE|-] "
      "[--at RFC3339] [--format text|json] [--bucketing auto|xxh3|flagship]",
      "Prints what a reload from OLD to NEW would change (campaigns added,\n"
      "removed, changed, payload only, unchanged); with visitors, per changed\n"
      "campaign how many would move, old variation -> new variation.",
      "allot diff --from examples/campaigns.json "
      "--to examples/campaigns-next.json --visitors examples/visitors.jsonl "
      "--at 2026-06-01T12:00:00Z");
  CLI::App& app = command.app();
  std::string from_path, to_path, visitors, at_text, format = "text";
  app.add_option("--from", from_path, "the config now live")
      ->type_name("OLD")
      ->required();
  app.add_option("--to", to_path, "the config to compare")
      ->type_name("NEW")
      ->required();
  CLI::Option* visitors_option =
      app.add_option("--visitors", visitors,
                     "visitors as JSON Lines (as for decide)")
          ->type_name("FILE|-");
  CLI::Option* at_option =
      app.add_option("--at", at_text,
                     "instant the visitors are decided at (default: now)")
          ->type_name("RFC3339");
  app.add_option("--format", format, "report format (default: text)")
      ->type_name("text|json");
  BucketingOption bucketing(app);
  if (std::optional<int> status = command.Parse(argc, argv, 2)) return *status;
  if (format != "text" && format != "json") {
    std::cerr << "allot diff: --format: expected text or json, got \"" << format << "\"\n";
    return 2;
  }
  LoadOptions options;
  std::string error;
  if (!bucketing.Apply(&options, &error)) {
    std::cerr << "allot diff: " << error << "\n";
    return 2;
  }
  absl::Time at = absl::Now();
  if (at_option->count() > 0) {
    absl::StatusOr<absl::Time> parsed = ParseInstant(at_text);
    if (!parsed.ok()) {
      std::cerr << "allot diff: --at: " << parsed.status().message() << "\n";
      return 2;
    }
    at = *parsed;
  }
  std::shared_ptr<const CompiledConfig> from =
      LoadConfigFile(from_path, options, &error);
  if (from == nullptr) {
    std::cerr << error << "\n";
    return 2;
  }
  std::shared_ptr<const CompiledConfig> to =
      LoadConfigFile(to_path, options, &error);
  if (to == nullptr) {
    std::cerr << error << "\n";
    return 2;
  }
  ConfigDiff diff(from, to);

  size_t line_number = 0, bad = 0;
  std::vector<CampaignDiff> campaigns;
  const bool with_visitors = visitors_option->count() > 0;
  if (with_visitors) {
    const std::string& input = visitors;
    if (!CheckInputPath(input, &error)) {
      std::cerr << "allot diff: --visitors: " << error << "\n";
      return 2;
    }
    std::ifstream file;
    std::istream* in = &std::cin;
    if (input != "-") {
      file.open(input, std::ios::binary);
      if (!file) {
        std::cerr << "allot diff: cannot open " << input << ": " << std::strerror(errno)
                  << "\n";
        return 2;
      }
      in = &file;
    }
    VisitorParser parser;
    VisitorContext ctx;
    std::string line;
    while (std::getline(*in, line)) {
      ++line_number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      absl::Status s = parser.Parse(line, &ctx);
      if (s.ok()) s = diff.Add(ctx, at);
      if (!s.ok()) {
        ++bad;
        std::cerr << input << ":" << line_number << ": skipped: " << s.message() << "\n";
      }
    }
    if (in->bad()) {
      std::cerr << "allot diff: error reading " << (input == "-" ? "standard input" : input)
                << " after line " << line_number << "\n";
      return 2;
    }
    campaigns = diff.Campaigns();
  }
  const std::vector<CampaignDiff>* shown = with_visitors ? &campaigns : nullptr;
  if (format == "json") {
    std::cout << ConfigDiffJson(diff.report(), shown) << "\n";
  } else {
    std::cout << ConfigDiffText(diff.report(), shown);
  }
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "allot diff: error writing the output\n";
    return 2;
  }
  if (bad > 0) {
    std::cerr << "allot diff: " << bad << " of " << line_number
              << " lines were bad and skipped\n";
    return 1;
  }
  return 0;
}

}  // namespace allot::cli
