// Command-line parsing for the allot subcommands, on CLI11. A subcommand
// declares its options on a Command's CLI::App, then parses:
//
//   Command command("schedule", kUsage, "Prints ...", "allot schedule ...");
//   std::string config;
//   command.app().add_option("--config", config, "config")->required();
//   if (std::optional<int> status = command.Parse(argc, argv, 2)) {
//     return *status;
//   }
//
// Not thread-safe; one Command per run.
#ifndef ALLOT_CLI_COMMAND_LINE_H_
#define ALLOT_CLI_COMMAND_LINE_H_

#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "core/compiled_config.h"

namespace allot::cli {

class Command {
 public:
  // `name` is what follows "allot" in error messages ("schedule"); `usage`
  // the synopsis line ("usage: allot schedule --config FILE ..."), printed
  // with usage errors and at the top of --help; `description` and
  // `example` (one command line) complete --help.
  Command(std::string name, std::string usage, std::string description,
          std::string example);

  // Where options are declared. Options given twice keep the last value.
  CLI::App& app() { return app_; }
  const std::string& name() const { return name_; }

  // Parses argv[first..] into the declared options. Returns the exit status
  // when the command must stop: 0 after printing --help (-h) on stdout, 2
  // after printing "allot NAME: <what>" on stderr for an unknown option, a
  // missing value, a missing required option (then the usage) or an
  // argument the command does not take (the usage). Empty when the command
  // should run.
  std::optional<int> Parse(int argc, char** argv, int first);

 private:
  int UsageError(const std::string& message, bool with_usage) const;

  std::string name_;
  std::string usage_;
  CLI::App app_;
};

// The --bucketing MODE option the commands share (auto, xxh3, flagship),
// declared on construction. Not movable: CLI11 holds a pointer to it.
class BucketingOption {
 public:
  explicit BucketingOption(CLI::App& app);
  BucketingOption(const BucketingOption&) = delete;
  BucketingOption& operator=(const BucketingOption&) = delete;

  // Sets options->bucketing when --bucketing was given. False with `error`
  // for a bad value.
  bool Apply(LoadOptions* options, std::string* error) const;

 private:
  std::string mode_;
  CLI::Option* option_;
};

}  // namespace allot::cli

#endif  // ALLOT_CLI_COMMAND_LINE_H_
