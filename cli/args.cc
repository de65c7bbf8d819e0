#include "cli/args.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace allot::cli {

bool ParseArgs(int argc, char** argv, int first,
               const std::set<std::string>& with_value,
               const std::set<std::string>& switches, Args* out,
               std::string* error) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      out->positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (switches.count(name)) {
      if (has_value) {
        *error = "option --" + name + " takes no value";
        return false;
      }
      out->options[name] = "1";
    } else if (with_value.count(name)) {
      if (!has_value) {
        if (i + 1 >= argc) {
          *error = "option --" + name + " needs a value";
          return false;
        }
        value = argv[++i];
      }
      out->options[name] = value;
    } else {
      *error = "unknown option --" + name;
      return false;
    }
  }
  return true;
}

bool LoadOptionsFromArgs(const Args& args, LoadOptions* options,
                         std::string* error) {
  if (!args.Has("bucketing")) return true;
  absl::StatusOr<BucketingChoice> choice =
      ParseBucketingChoice(args.Get("bucketing"));
  if (!choice.ok()) {
    *error = "--bucketing: " + std::string(choice.status().message());
    return false;
  }
  options->bucketing = *choice;
  return true;
}

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  std::ostringstream buf;
  if (path == "-") {
    buf << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      *error = "cannot open " + path;
      return false;
    }
    buf << in.rdbuf();
  }
  *out = buf.str();
  return true;
}

std::shared_ptr<const CompiledConfig> LoadConfigFile(const std::string& path,
                                                     const LoadOptions& options,
                                                     std::string* error) {
  std::string text;
  if (!ReadFile(path, &text, error)) return nullptr;
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> loaded =
      LoadConfig(text, options);
  if (!loaded.ok()) {
    *error = path + ": " + std::string(loaded.status().message());
    return nullptr;
  }
  return *std::move(loaded);
}

}  // namespace allot::cli
