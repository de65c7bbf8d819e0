// allot diff: what a new config would change, and for a population of
// visitors, who would move (DESIGN §13).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "core/config_diff.h"
#include "core/json_text.h"

namespace allot::cli {

int DiffCommand(int argc, char** argv) {
  constexpr char kUsage[] =
      "usage: allot diff --from OLD --to NEW [--visitors FILE|-] [--at RFC3339] "
      "[--format text|json] [--bucketing auto|xxh3|flagship]";
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, 2, {"from", "to", "visitors", "at", "format", "bucketing"},
                 {}, &args, &error) ||
      !args.positional.empty() || !args.Has("from") || !args.Has("to")) {
    std::cerr << "allot diff: " << (error.empty() ? kUsage : error) << "\n";
    return 2;
  }
  const std::string format = args.Get("format", "text");
  if (format != "text" && format != "json") {
    std::cerr << "allot diff: --format: expected text or json, got \"" << format << "\"\n";
    return 2;
  }
  LoadOptions options;
  if (!LoadOptionsFromArgs(args, &options, &error)) {
    std::cerr << "allot diff: " << error << "\n";
    return 2;
  }
  absl::Time at = absl::Now();
  if (args.Has("at")) {
    absl::StatusOr<absl::Time> parsed = ParseInstant(args.Get("at"));
    if (!parsed.ok()) {
      std::cerr << "allot diff: --at: " << parsed.status().message() << "\n";
      return 2;
    }
    at = *parsed;
  }
  std::shared_ptr<const CompiledConfig> from =
      LoadConfigFile(args.Get("from"), options, &error);
  if (from == nullptr) {
    std::cerr << error << "\n";
    return 2;
  }
  std::shared_ptr<const CompiledConfig> to = LoadConfigFile(args.Get("to"), options, &error);
  if (to == nullptr) {
    std::cerr << error << "\n";
    return 2;
  }
  ConfigDiff diff(from, to);

  size_t line_number = 0, bad = 0;
  std::vector<CampaignDiff> campaigns;
  const bool with_visitors = args.Has("visitors");
  if (with_visitors) {
    const std::string input = args.Get("visitors");
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
