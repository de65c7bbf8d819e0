// allot decide: JSON Lines of visitors in, JSON Lines of decisions out,
// streaming (memory stays flat however long the input).
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "core/compiled_config.h"
#include "core/engine.h"
#include "core/exposure_logger.h"
#include "core/json_text.h"

namespace allot::cli {
namespace {

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
    AppendJsonIdOrNull(out, list.group_id(i));
    out->append(",\"variation_id\":");
    AppendJsonIdOrNull(out, list.variation_id(i));
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

// One exposure as a JSON line (DESIGN §12).
void AppendExposure(const Exposure& e, std::string* out) {
  out->append("{\"visitor_id\":");
  AppendJsonString(out, e.visitor_id);
  out->append(",\"campaign_id\":");
  AppendJsonString(out, e.campaign_id);
  out->append(",\"variation_group_id\":");
  AppendJsonIdOrNull(out, e.variation_group_id);
  out->append(",\"variation_id\":");
  AppendJsonIdOrNull(out, e.variation_id);
  out->append(",\"reason\":\"");
  out->append(DecisionReasonName(e.reason));
  out->append("\",\"at\":");
  AppendJsonString(out, absl::FormatTime(absl::RFC3339_full, e.at,
                                         absl::UTCTimeZone()));
  out->append("}\n");
}

// The decisions a host persists to keep the visitor sticky, as JSON lines
// {"visitor_id", "variation_group_id", "variation_id", "version"}.
void AppendNewAssignments(const CompiledConfig& config,
                          const VisitorContext& ctx, const DecisionList& list,
                          std::string* out) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].new_assignment) continue;
    out->append("{\"visitor_id\":");
    AppendJsonString(out, ctx.visitor_id());
    out->append(",\"variation_group_id\":");
    AppendJsonString(out, list.group_id(i));
    out->append(",\"variation_id\":");
    AppendJsonString(out, list.variation_id(i));
    out->append(",\"version\":");
    out->append(std::to_string(config.groups()[list[i].group].sticky_version));
    out->append("}\n");
  }
}

// A file opened for writing, or stdout for "-".
FILE* OpenOutput(const std::string& path) {
  return path == "-" ? stdout : std::fopen(path.c_str(), "wb");
}

}  // namespace

int DecideCommand(int argc, char** argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, 2,
                 {"config", "at", "bucketing", "input", "output", "state", "exposures",
                  "exposure-capacity", "new-assignments"},
                 {"flags", "flag-metadata"}, &args, &error) ||
      !args.positional.empty() || !args.Has("config")) {
    std::cerr << "allot decide: "
              << (error.empty() ? "usage: allot decide --config FILE [--at RFC3339] "
                                  "[--bucketing auto|xxh3|flagship] [--flags] "
                                  "[--flag-metadata] [--state FILE] [--input FILE|-] [--output FILE|-] "
                                  "[--exposures FILE [--exposure-capacity N]] [--new-assignments FILE]"
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
    absl::StatusOr<absl::Time> at = ParseInstant(args.Get("at"));
    if (!at.ok()) {
      std::cerr << "allot decide: --at: " << at.status().message() << "\n";
      return 2;
    }
    now = *at;
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
  if (!CheckInputPath(input, &error)) {
    std::cerr << "allot decide: --input: " << error << "\n";
    return 2;
  }
  if (input != "-") {
    input_file.open(input, std::ios::binary);
    if (!input_file) {
      std::cerr << "allot decide: cannot open " << input << ": " << std::strerror(errno) << "\n";
      return 2;
    }
    in = &input_file;
  }
  const std::string output = args.Get("output", "-");
  FILE* out = OpenOutput(output);
  if (out == nullptr) {
    std::cerr << "allot decide: cannot write " << output << ": " << std::strerror(errno) << "\n";
    return 2;
  }
  // --exposures: every exposure, de-duplicated by an ExposureLogger.
  FILE* exposures = nullptr;
  if (args.Has("exposures")) {
    ExposureLoggerOptions logger_options;
    if (args.Has("exposure-capacity")) {
      const std::string text = args.Get("exposure-capacity");
      char* end = nullptr;
      const long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || n <= 0) {
        std::cerr << "allot decide: --exposure-capacity: expected a positive integer, got \""
                  << text << "\"\n";
        return 2;
      }
      logger_options.capacity = static_cast<size_t>(n);
    }
    exposures = OpenOutput(args.Get("exposures"));
    if (exposures == nullptr) {
      std::cerr << "allot decide: cannot write " << args.Get("exposures") << ": "
                << std::strerror(errno) << "\n";
      return 2;
    }
    auto logger = ExposureLogger::Create(
        [exposures](std::span<const Exposure> batch) {
          std::string text;
          for (const Exposure& e : batch) AppendExposure(e, &text);
          std::fwrite(text.data(), 1, text.size(), exposures);
        },
        logger_options);
    if (!logger.ok()) {
      std::cerr << "allot decide: " << logger.status().message() << "\n";
      return 2;
    }
    engine->SetExposureLogger(std::shared_ptr<ExposureLogger>(*std::move(logger)));
  } else if (args.Has("exposure-capacity")) {
    std::cerr << "allot decide: --exposure-capacity needs --exposures\n";
    return 2;
  }
  FILE* new_assignments = nullptr;
  if (args.Has("new-assignments")) {
    new_assignments = OpenOutput(args.Get("new-assignments"));
    if (new_assignments == nullptr) {
      std::cerr << "allot decide: cannot write " << args.Get("new-assignments") << ": "
                << std::strerror(errno) << "\n";
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
    if (new_assignments != nullptr) {
      buffer.clear();
      AppendNewAssignments(config, ctx, decisions, &buffer);
      std::fwrite(buffer.data(), 1, buffer.size(), new_assignments);
    }
  }
  // getline stops on a read error as on the end: tell them apart.
  if (in->bad()) {
    std::cerr << "allot decide: error reading " << (input == "-" ? "standard input" : input)
              << " after line " << line_number << "\n";
    return 2;
  }
  bool write_failed = false;
  // Closes a side output (flushing it first); false on a write error.
  auto finish = [&](FILE* f, const std::string& name) {
    if (f == nullptr) return;
    const bool failed = std::fflush(f) != 0 || std::ferror(f);
    if (f != stdout) std::fclose(f);
    if (failed) {
      std::cerr << "allot decide: error writing " << name << "\n";
      write_failed = true;
    }
  };
  if (ExposureLogger* logger = engine->exposure_logger()) {
    logger->Flush();
    const ExposureLogger::Counters n = logger->counters();
    std::cerr << "allot decide: " << n.logged << " exposures logged, " << n.deduplicated
              << " repeats skipped\n";
  }
  finish(exposures, args.Get("exposures"));
  finish(new_assignments, args.Get("new-assignments"));
  finish(out, output);
  if (write_failed) return 2;
  if (bad > 0) {
    std::cerr << "allot decide: " << bad << " of " << line_number
              << " lines were bad and skipped\n";
    return 1;
  }
  return 0;
}

}  // namespace allot::cli
