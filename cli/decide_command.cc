// allot decide: JSON Lines of visitors in, JSON Lines of decisions out,
// streaming (memory stays flat however long the input).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "core/compiled_config.h"
#include "core/engine.h"
#include "core/json_text.h"

namespace allot::cli {
namespace {

void AppendIdOrNull(std::string* out, std::string_view id) {
  if (id.empty()) {
    out->append("null");
  } else {
    AppendJsonString(out, id);
  }
}

void AppendDecisions(const VisitorContext& ctx, const DecisionList& list,
                     std::string* out) {
  out->append("{\"id\":");
  AppendJsonString(out, ctx.visitor_id());
  out->append(",\"decisions\":[");
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append("{\"campaign_id\":");
    AppendJsonString(out, list.campaign_id(i));
    out->append(",\"variation_group_id\":");
    AppendIdOrNull(out, list.group_id(i));
    out->append(",\"variation_id\":");
    AppendIdOrNull(out, list.variation_id(i));
    out->append(",\"reason\":\"");
    out->append(DecisionReasonName(list[i].reason));
    out->append("\"}");
  }
  out->push_back(']');
}

void AppendFlags(const std::vector<ResolvedFlag>& flags, std::string* out) {
  out->append(",\"flags\":{");
  for (size_t i = 0; i < flags.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, flags[i].key);
    out->push_back(':');
    out->append(flags[i].json_value);
  }
  out->push_back('}');
}

// Where each flag comes from: {"key": {"campaign_id", "variation_group_id",
// "variation_id", "reference"}, ...}.
void AppendFlagMetadata(const CompiledConfig& config,
                        const std::vector<ResolvedFlag>& flags,
                        std::string* out) {
  out->append(",\"flag_metadata\":{");
  for (size_t i = 0; i < flags.size(); ++i) {
    const ResolvedFlag& f = flags[i];
    if (i > 0) out->push_back(',');
    AppendJsonString(out, f.key);
    out->append(":{\"campaign_id\":");
    AppendJsonString(out, config.campaigns()[f.campaign].id);
    out->append(",\"variation_group_id\":");
    AppendJsonString(out, config.groups()[f.group].id);
    out->append(",\"variation_id\":");
    AppendJsonString(out, config.variations()[f.variation].id);
    out->append(f.reference ? ",\"reference\":true}" : ",\"reference\":false}");
  }
  out->push_back('}');
}

}  // namespace

int DecideCommand(int argc, char** argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, 2, {"config", "at", "bucketing", "input", "output", "state"},
                 {"flags", "flag-metadata"}, &args, &error) ||
      !args.positional.empty() || !args.Has("config")) {
    std::cerr << "allot decide: "
              << (error.empty() ? "usage: allot decide --config FILE [--at RFC3339] "
                                  "[--bucketing auto|xxh3|flagship] [--flags] "
                                  "[--flag-metadata] [--state FILE] [--input FILE|-] [--output FILE|-]"
                                : error)
              << "\n";
    return 2;
  }
  LoadOptions options;
  if (!LoadOptionsFromArgs(args, &options, &error)) {
    std::cerr << "allot decide: " << error << "\n";
    return 2;
  }
  absl::Time now = absl::Now();
  if (args.Has("at")) {
    std::string parse_error;
    if (!absl::ParseTime(absl::RFC3339_full, args.Get("at"), &now, &parse_error)) {
      std::cerr << "allot decide: --at: not an RFC 3339 time (e.g. "
                   "2026-06-01T12:00:00Z): "
                << parse_error << "\n";
      return 2;
    }
  }
  std::shared_ptr<const CompiledConfig> loaded =
      LoadConfigFile(args.Get("config"), options, &error);
  if (loaded == nullptr) {
    std::cerr << error << "\n";
    return 2;
  }
  const CompiledConfig& config = *loaded;
  // Decisions go through an Engine so that a run-time state document
  // (toggles, rollback latches) applies to them.
  std::unique_ptr<Engine> engine = Engine::FromConfig(loaded, options);
  if (args.Has("state")) {
    std::string text;
    const std::string state_path = args.Get("state");
    if (!ReadFile(state_path, &text, &error)) {
      std::cerr << "allot decide: " << error << "\n";
      return 2;
    }
    if (absl::Status s = engine->ImportState(text); !s.ok()) {
      std::cerr << state_path << ": " << s.message() << "\n";
      return 2;
    }
  }

  std::ifstream input_file;
  std::istream* in = &std::cin;
  const std::string input = args.Get("input", "-");
  if (input != "-") {
    input_file.open(input, std::ios::binary);
    if (!input_file) {
      std::cerr << "allot decide: cannot open " << input << "\n";
      return 2;
    }
    in = &input_file;
  }
  FILE* out = stdout;
  const std::string output = args.Get("output", "-");
  if (output != "-") {
    out = std::fopen(output.c_str(), "wb");
    if (out == nullptr) {
      std::cerr << "allot decide: cannot write " << output << "\n";
      return 2;
    }
  }
  const bool with_metadata = args.Has("flag-metadata");
  const bool with_flags = args.Has("flags") || with_metadata;

  VisitorParser parser;
  VisitorContext ctx;
  DecisionList decisions;
  std::vector<ResolvedFlag> flags;
  std::string line, buffer;
  size_t line_number = 0, bad = 0;
  while (std::getline(*in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    absl::Status s = parser.Parse(line, &ctx);
    if (s.ok()) s = engine->DecideAll(ctx, now, &decisions);
    if (!s.ok()) {
      ++bad;
      std::cerr << input << ":" << line_number << ": skipped: " << s.message() << "\n";
      continue;
    }
    buffer.clear();
    AppendDecisions(ctx, decisions, &buffer);
    if (with_flags) {
      config.ResolveFlags(decisions, &flags);
      AppendFlags(flags, &buffer);
      if (with_metadata) AppendFlagMetadata(config, flags, &buffer);
    }
    buffer.append("}\n");
    std::fwrite(buffer.data(), 1, buffer.size(), out);
  }
  const bool write_failed = std::fflush(out) != 0 || std::ferror(out);
  if (out != stdout) std::fclose(out);
  if (write_failed) {
    std::cerr << "allot decide: error writing " << output << "\n";
    return 2;
  }
  if (bad > 0) {
    std::cerr << "allot decide: " << bad << " of " << line_number
              << " lines were bad and skipped\n";
    return 1;
  }
  return 0;
}

}  // namespace allot::cli
