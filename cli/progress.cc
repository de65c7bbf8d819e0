#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace allot::cli {
namespace {

// At most four redraws a second: enough to see it move, too few to slow a
// stream of millions of lines or flood a slow terminal.
constexpr absl::Duration kRedrawEvery = absl::Milliseconds(250);

}  // namespace

Progress::Progress(std::string prefix)
    : prefix_(std::move(prefix)), enabled_(::isatty(2) == 1) {
  if (enabled_) start_ = last_draw_ = absl::Now();
}

void Progress::MaybeDraw() {
  const absl::Time now = absl::Now();
  if (now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const double seconds = absl::ToDoubleSeconds(now - start_);
  const std::string line = absl::StrFormat(
      "\r%s: %d lines read, %.0f lines/s\033[K", prefix_, lines_,
      seconds > 0 ? static_cast<double>(lines_) / seconds : 0.0);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  shown_ = true;
}

void Progress::Clear() {
  if (!shown_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace allot::cli
