#include "cli/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace allot::cli {

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
