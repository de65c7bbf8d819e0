// Minimal command-line parsing for the allot program: `--name value`,
// `--name=value` and boolean `--name` switches.
#ifndef ALLOT_CLI_ARGS_H_
#define ALLOT_CLI_ARGS_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/compiled_config.h"

namespace allot::cli {

struct Args {
  std::map<std::string, std::string> options;
  std::vector<std::string> positional;

  bool Has(const std::string& name) const { return options.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& def = "") const {
    auto it = options.find(name);
    return it == options.end() ? def : it->second;
  }
};

// Parses argv[first..]. `switches` are the options that take no value.
// Returns false and fills `error` for an unknown option or a missing value.
bool ParseArgs(int argc, char** argv, int first,
               const std::set<std::string>& with_value,
               const std::set<std::string>& switches, Args* out,
               std::string* error);

// Fills the load options the commands share (--bucketing). False with
// `error` for a bad value.
bool LoadOptionsFromArgs(const Args& args, LoadOptions* options,
                         std::string* error);

// Whether `path` names something readable as a file ("-" is standard
// input): false with `error` for an empty path, a missing or unreadable file
// (with the system's reason) or a directory.
bool CheckInputPath(const std::string& path, std::string* error);

// Reads a whole file ("-" is standard input). False with `error` on failure
// (the reasons of CheckInputPath, or a read error).
bool ReadFile(const std::string& path, std::string* out, std::string* error);

// Reads and compiles the config file at `path`. On failure returns null and
// sets `error` to "cannot open PATH: <reason>" or "PATH: <JSON path>: <what>".
std::shared_ptr<const CompiledConfig> LoadConfigFile(const std::string& path,
                                                     const LoadOptions& options,
                                                     std::string* error);

}  // namespace allot::cli

#endif  // ALLOT_CLI_ARGS_H_
