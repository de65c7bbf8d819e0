// File: core/recurring_windows.h
//
// A campaign's recurring live windows (DESIGN §14), computed once when the
// config compiles: the occurrences of its RRULE, each live for the
// occurrence duration, merged where they overlap or touch and clipped to
// the campaign's [start, stop). A decision asks Contains(now), one binary
// search over integers.
//
//   absl::StatusOr<RecurringWindows> w = RecurringWindows::Create(
//       *rule, absl::Hours(168), absl::CivilSecond(2026, 1, 1), tz,
//       start, stop);
//   if (w.ok() && w->Contains(TrafficSchedule::Instant(now))) { ... }
//
// Immutable after Create; thread-safe.
#ifndef ALLOT_CORE_RECURRING_WINDOWS_H_
#define ALLOT_CORE_RECURRING_WINDOWS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/recurrence_rule.h"

namespace allot {

class RecurringWindows {
 public:
  // Occurrences of one rule within its horizon, at most (DESIGN §14).
  static constexpr int64_t kMaxOccurrences = 100000;
  // Windows are computed up to `stop` or this many years (of the zone's
  // calendar) after DTSTART, whichever is first.
  static constexpr int kHorizonYears = 5;

  RecurringWindows() = default;  // no windows: Contains is always false

  // The windows of `rule` from `dtstart` (wall-clock in `tz`), each
  // `duration` of elapsed time long, clipped to [start, stop). Errors (no
  // JSON path; the caller adds one) when the rule has more than
  // kMaxOccurrences occurrences before the horizon, or no window meets
  // [start, stop).
  // REQUIRES: duration > 0; start finite; start < stop.
  [[nodiscard]] static absl::StatusOr<RecurringWindows> Create(
      const RecurrenceRule& rule, absl::Duration duration,
      absl::CivilSecond dtstart, const absl::TimeZone& tz, absl::Time start,
      absl::Time stop);

  // Whether the instant `ns` (TrafficSchedule::Instant of a time) is inside
  // a window.
  bool Contains(int64_t ns) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), ns);
    return it != starts_.begin() && ns < ends_[it - starts_.begin() - 1];
  }
  // The index of the first window that starts after `ns` (size() if none).
  size_t NextAfter(int64_t ns) const {
    return std::upper_bound(starts_.begin(), starts_.end(), ns) -
           starts_.begin();
  }

  bool empty() const { return starts_.empty(); }
  size_t size() const { return starts_.size(); }
  // Window i, [start_ns(i), end_ns(i)) in Unix nanoseconds (an end past
  // the int64 range, as an open stop gives, is INT64_MAX).
  int64_t start_ns(size_t i) const { return starts_[i]; }
  int64_t end_ns(size_t i) const { return ends_[i]; }
  absl::Time start(size_t i) const { return absl::FromUnixNanos(starts_[i]); }
  // InfiniteFuture for an end at INT64_MAX.
  absl::Time end(size_t i) const;
  // How many occurrences the rule had before the horizon (before merging
  // and clipping).
  int64_t occurrences() const { return occurrences_; }

 private:
  std::vector<int64_t> starts_;  // sorted
  std::vector<int64_t> ends_;    // ends_[i] < starts_[i + 1]
  int64_t occurrences_ = 0;
};

}  // namespace allot

#endif  // ALLOT_CORE_RECURRING_WINDOWS_H_
