// allot: decide, validate and inspect campaign configs from the command line.
// Each subcommand parses its own options (cli/command_line.h); this file
// dispatches to them and answers `allot --help` and `allot --version`.
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "cli/commands.h"

namespace {

struct Subcommand {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

constexpr Subcommand kSubcommands[] = {
    {"decide",
     "JSON Lines of visitors in, one JSON line of decisions out per visitor",
     allot::cli::DecideCommand},
    {"validate", "check a config; with --against, what a reload would change",
     allot::cli::ValidateCommand},
    {"diff", "what a new config changes and, for visitors, who would move",
     allot::cli::DiffCommand},
    {"schedule", "a variation group's traffic share over time, as CSV",
     allot::cli::ScheduleCommand},
    {"windows", "the windows in which a campaign is live, as CSV",
     allot::cli::WindowsCommand},
    {"status", "guarded variation groups against their rollback conditions",
     allot::cli::StatusCommand},
    {"campaigns", "export: the bulk campaign table as CSV; import: apply one",
     allot::cli::CampaignsCommand},
};

// The usage line first, in our words; then the description and CLI11's
// lists of options and subcommands.
class UsageFormatter : public CLI::Formatter {
 public:
  UsageFormatter() { column_width(14); }
  std::string make_help(const CLI::App* app, std::string,
                        CLI::AppFormatMode mode) const override {
    return "usage: allot <command> [options]\n\n" + app->get_description() +
           "\n" + make_groups(app, mode) + make_subcommands(app, mode) + "\n" +
           make_footer(app);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2) {
    for (const Subcommand& command : kSubcommands) {
      if (argv[1] == std::string(command.name)) return command.run(argc, argv);
    }
  }
  CLI::App app("Decides, validates and inspects campaign configs.", "allot");
  app.set_version_flag("--version", "allot " ALLOT_VERSION);
  for (const Subcommand& command : kSubcommands) {
    app.add_subcommand(command.name, command.summary);
  }
  app.formatter(std::make_shared<UsageFormatter>());
  app.footer(
      "Run `allot <command> --help` for a command's options and an example.");
  if (argc < 2) {
    std::cout << app.help();
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError&) {
  }
  std::cerr << "allot: unknown command \"" << argv[1] << "\"\n\n" << app.help();
  return 2;
}
