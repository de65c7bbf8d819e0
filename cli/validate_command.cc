#include <iostream>
#include <optional>
#include <string>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "core/compiled_config.h"
#include "core/fingerprint.h"

namespace allot::cli {

namespace {

// ", 1 layer, 1 holdout, 1 campaign with prerequisites" (DESIGN §15), or
// "" for a config without them.
std::string StructureSummary(const CompiledConfig& c) {
  size_t with_prerequisites = 0;
  for (const CompiledConfig::Campaign& campaign : c.campaigns()) {
    with_prerequisites += !campaign.prerequisites.empty();
  }
  std::string out;
  const auto add = [&out](size_t n, const char* one, const char* many) {
    if (n == 0) return;
    out += ", " + std::to_string(n) + " " + (n == 1 ? one : many);
  };
  add(c.layers().size(), "layer", "layers");
  add(c.holdouts().size(), "holdout", "holdouts");
  add(with_prerequisites, "campaign with prerequisites",
      "campaigns with prerequisites");
  return out;
}

}  // namespace

int ValidateCommand(int argc, char** argv) {
  Command command(
      "validate",
      "usage: allot validate FILE [--against OLD] "
      "[--bucketing auto|xxh3|flagship]",
      "Checks a config: prints a one-line summary and exits 0, or the JSON\n"
      "path at fault and exits 1. --against: what a reload from OLD would\n"
      "change; exit 1 when it would change or remove a locked campaign of OLD.",
      "allot validate examples/campaigns-next.json "
      "--against examples/campaigns.json");
  std::string file, against;
  command.app()
      .add_option("FILE", file, "the config to check")
      ->type_name("")
      ->required();
  CLI::Option* against_option =
      command.app()
          .add_option("--against", against, "the config a reload would replace")
          ->type_name("OLD");
  BucketingOption bucketing(command.app());
  if (std::optional<int> status = command.Parse(argc, argv, 2)) return *status;
  LoadOptions options;
  std::string error;
  if (!bucketing.Apply(&options, &error)) {
    std::cerr << "allot validate: " << error << "\n";
    return 2;
  }
  std::shared_ptr<const CompiledConfig> config =
      LoadConfigFile(file, options, &error);
  if (config == nullptr) {
    std::cerr << error << "\n";
    return 1;
  }
  const CompiledConfig& c = *config;
  std::cout << file << ": ok: "
            << (c.format() == ConfigFormat::kBucketingFile
                    ? "bucketing file"
                    : "campaign documents")
            << ", " << c.campaigns().size() << " campaigns, "
            << c.groups().size() << " variation groups, "
            << c.variations().size() << " variations, bucketing "
            << (c.bucketing() == BucketingMode::kFlagship ? "flagship" : "xxh3")
            << (c.single_assignment() ? ", single assignment" : "")
            << StructureSummary(c) << (c.panic() ? ", PANIC" : "") << "\n";
  if (against_option->count() == 0) return 0;
  // What a reload from OLD to FILE would do (DESIGN §13).
  std::shared_ptr<const CompiledConfig> old =
      LoadConfigFile(against, options, &error);
  if (old == nullptr) {
    std::cerr << error << "\n";
    return 1;
  }
  std::cout << "against " << against << ":\n"
            << ReloadReportText(CompareConfigs(*old, c));
  if (absl::Status s = CheckLockedCampaigns(*old, c); !s.ok()) {
    std::cerr << file << ": refused: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace allot::cli
