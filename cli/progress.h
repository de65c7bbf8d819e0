// A progress line on stderr for commands that stream many lines: lines read
// and lines per second, redrawn at most four times a second, and only when
// stderr is a terminal (nothing at all is written otherwise).
//
//   Progress progress("allot decide");
//   while (...) { progress.Tick(); ... progress.Clear(); std::cerr << ...; }
//   progress.Clear();
//
// Not thread-safe.
#ifndef ALLOT_CLI_PROGRESS_H_
#define ALLOT_CLI_PROGRESS_H_

#include <cstddef>
#include <string>

#include "absl/time/time.h"

namespace allot::cli {

class Progress {
 public:
  explicit Progress(std::string prefix);

  // Counts one line; redraws when the last drawing is old enough.
  void Tick() {
    ++lines_;
    if (enabled_ && (lines_ & 63) == 0) MaybeDraw();
  }

  // Erases the progress line, if shown: before writing other text to
  // stderr, and at the end.
  void Clear();

 private:
  void MaybeDraw();

  std::string prefix_;
  bool enabled_;
  bool shown_ = false;
  size_t lines_ = 0;
  absl::Time start_;
  absl::Time last_draw_;
};

}  // namespace allot::cli

#endif  // ALLOT_CLI_PROGRESS_H_
