#include "cli/args.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

bool CheckInputPath(const std::string& path, std::string* error) {
  if (path.empty()) {
    *error = "no file given (the path is empty)";
    return false;
  }
  if (path == "-") return true;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *error = "cannot read " + path + ": it is a directory";
    return false;
  }
  return true;
}

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  if (!CheckInputPath(path, error)) return false;
  const int fd = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  out->clear();
  char buf[1 << 16];
  bool ok = true;
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n > 0) {
      out->append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      *error = "cannot read " + (path == "-" ? std::string("standard input") : path) + ": " +
               std::strerror(errno);
      ok = false;
      break;
    }
  }
  if (fd != 0) ::close(fd);
  return ok;
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
