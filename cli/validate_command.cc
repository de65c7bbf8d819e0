#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/compiled_config.h"
#include "core/fingerprint.h"

namespace allot::cli {

int ValidateCommand(int argc, char** argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, 2, {"bucketing", "against"}, {}, &args, &error) ||
      args.positional.size() != 1) {
    std::cerr << "allot validate: "
              << (error.empty() ? "usage: allot validate FILE [--against OLD] "
                                  "[--bucketing auto|xxh3|flagship]"
                                : error)
              << "\n";
    return 2;
  }
  LoadOptions options;
  if (!LoadOptionsFromArgs(args, &options, &error)) {
    std::cerr << "allot validate: " << error << "\n";
    return 2;
  }
  std::shared_ptr<const CompiledConfig> config =
      LoadConfigFile(args.positional[0], options, &error);
  if (config == nullptr) {
    std::cerr << error << "\n";
    return 1;
  }
  const CompiledConfig& c = *config;
  std::cout << args.positional[0] << ": ok: "
            << (c.format() == ConfigFormat::kBucketingFile ? "bucketing file"
                                                           : "campaign documents")
            << ", " << c.campaigns().size() << " campaigns, " << c.groups().size()
            << " variation groups, " << c.variations().size() << " variations, bucketing "
            << (c.bucketing() == BucketingMode::kFlagship ? "flagship" : "xxh3")
            << (c.single_assignment() ? ", single assignment" : "")
            << (c.panic() ? ", PANIC" : "") << "\n";
  if (!args.Has("against")) return 0;
  // What a reload from OLD to FILE would do (DESIGN §13).
  std::shared_ptr<const CompiledConfig> old =
      LoadConfigFile(args.Get("against"), options, &error);
  if (old == nullptr) {
    std::cerr << error << "\n";
    return 1;
  }
  std::cout << "against " << args.Get("against") << ":\n"
            << ReloadReportText(CompareConfigs(*old, c));
  if (absl::Status s = CheckLockedCampaigns(*old, c); !s.ok()) {
    std::cerr << args.positional[0] << ": refused: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace allot::cli
