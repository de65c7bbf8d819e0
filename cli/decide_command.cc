// allot decide: JSON Lines of visitors in, JSON Lines of decisions out,
// streaming (memory stays flat however long the input).
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "cli/progress.h"
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
  Command command(
      "decide",
      "usage: allot decide --config FILE [--at RFC3339] "
      "[--bucketing auto|xxh3|flagship] [--flags] "
      "[--flag-metadata] [--state FILE] [--input FILE|-] [--output FILE|-] "
      "[--exposures FILE [--exposure-capacity N]] [--new-assignments FILE]",
      "Reads visitors as JSON Lines {\"id\": ..., \"context\": {...}} and\n"
      "writes one JSON line of decisions per visitor. A bad line is reported\n"
      "on stderr and skipped (exit 1). On a terminal, stderr shows progress.",
      "allot decide --config examples/campaigns.json "
      "--input examples/visitors.jsonl --at 2026-06-01T12:00:00Z --flags");
  CLI::App& app = command.app();
  std::string config_path, at_text, state_path, exposures_path, capacity_text,
      new_assignments_path;
  std::string input = "-", output = "-";
  bool flags_switch = false, metadata_switch = false;
  app.add_option("--config", config_path, "campaign config (JSON)")
      ->type_name("FILE")
      ->required();
  CLI::Option* at_option =
      app.add_option("--at", at_text,
                     "instant decisions are made at (default: now)")
          ->type_name("RFC3339");
  BucketingOption bucketing(app);
  app.add_flag("--flags", flags_switch, "add the merged flags of each visitor")
      ->disable_flag_override();
  app.add_flag("--flag-metadata", metadata_switch,
               "add where each flag comes from (implies --flags)")
      ->disable_flag_override();
  CLI::Option* state_option =
      app.add_option("--state", state_path,
                     "run-time state exported by an Engine")
          ->type_name("FILE");
  app.add_option("--input", input, "visitors as JSON Lines (default: -, stdin)")
      ->type_name("FILE|-");
  app.add_option("--output", output, "where decisions go (default: -, stdout)")
      ->type_name("FILE|-");
  CLI::Option* exposures_option =
      app.add_option("--exposures", exposures_path,
                     "write exposures as JSON Lines, repeats skipped")
          ->type_name("FILE");
  CLI::Option* capacity_option =
      app.add_option("--exposure-capacity", capacity_text,
                     "visitors remembered to skip repeated exposures")
          ->type_name("N");
  CLI::Option* new_assignments_option =
      app.add_option("--new-assignments", new_assignments_path,
                     "write the sticky assignments to persist")
          ->type_name("FILE");
  if (std::optional<int> status = command.Parse(argc, argv, 2)) return *status;
  LoadOptions options;
  std::string error;
  if (!bucketing.Apply(&options, &error)) {
    std::cerr << "allot decide: " << error << "\n";
    return 2;
  }
  absl::Time now = absl::Now();
  if (at_option->count() > 0) {
    absl::StatusOr<absl::Time> at = ParseInstant(at_text);
    if (!at.ok()) {
      std::cerr << "allot decide: --at: " << at.status().message() << "\n";
      return 2;
    }
    now = *at;
  }
  std::shared_ptr<const CompiledConfig> loaded =
      LoadConfigFile(config_path, options, &error);
  if (loaded == nullptr) {
    std::cerr << error << "\n";
    return 2;
  }
  const CompiledConfig& config = *loaded;
  // Decisions go through an Engine so that a run-time state document
  // (toggles, rollback latches) applies to them.
  std::unique_ptr<Engine> engine = Engine::FromConfig(loaded, options);
  if (state_option->count() > 0) {
    std::string text;
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
  FILE* out = OpenOutput(output);
  if (out == nullptr) {
    std::cerr << "allot decide: cannot write " << output << ": " << std::strerror(errno) << "\n";
    return 2;
  }
  // --exposures: every exposure, de-duplicated by an ExposureLogger.
  FILE* exposures = nullptr;
  if (exposures_option->count() > 0) {
    ExposureLoggerOptions logger_options;
    if (capacity_option->count() > 0) {
      const std::string& text = capacity_text;
      char* end = nullptr;
      const long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || n <= 0) {
        std::cerr << "allot decide: --exposure-capacity: expected a positive integer, got \""
                  << text << "\"\n";
        return 2;
      }
      logger_options.capacity = static_cast<size_t>(n);
    }
    exposures = OpenOutput(exposures_path);
    if (exposures == nullptr) {
      std::cerr << "allot decide: cannot write " << exposures_path << ": "
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
  } else if (capacity_option->count() > 0) {
    std::cerr << "allot decide: --exposure-capacity needs --exposures\n";
    return 2;
  }
  FILE* new_assignments = nullptr;
  if (new_assignments_option->count() > 0) {
    new_assignments = OpenOutput(new_assignments_path);
    if (new_assignments == nullptr) {
      std::cerr << "allot decide: cannot write " << new_assignments_path << ": "
                << std::strerror(errno) << "\n";
      return 2;
    }
  }
  const bool with_metadata = metadata_switch;
  const bool with_flags = flags_switch || with_metadata;

  VisitorParser parser;
  VisitorContext ctx;
  DecisionList decisions;
  std::vector<ResolvedFlag> flags;
  std::string line, buffer;
  size_t line_number = 0, bad = 0;
  Progress progress("allot decide");
  while (std::getline(*in, line)) {
    ++line_number;
    progress.Tick();
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    absl::Status s = parser.Parse(line, &ctx);
    if (s.ok()) s = engine->DecideAll(ctx, now, &decisions);
    if (!s.ok()) {
      ++bad;
      progress.Clear();
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
  progress.Clear();
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
  finish(exposures, exposures_path);
  finish(new_assignments, new_assignments_path);
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
