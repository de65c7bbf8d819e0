// Reading the files the allot subcommands take: inputs ("-" is standard
// input) and campaign configs, with errors worded for the command line.
#ifndef ALLOT_CLI_FILES_H_
#define ALLOT_CLI_FILES_H_

#include <memory>
#include <string>

#include "core/compiled_config.h"

namespace allot::cli {

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

#endif  // ALLOT_CLI_FILES_H_
