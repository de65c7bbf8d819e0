#include "core/recurring_windows.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "allocation/traffic_schedule.h"

namespace allot {

absl::StatusOr<RecurringWindows> RecurringWindows::Create(
    const RecurrenceRule& rule, absl::Duration duration,
    absl::CivilSecond dtstart, const absl::TimeZone& tz, absl::Time start,
    absl::Time stop) {
  const absl::CivilSecond limit(dtstart.year() + kHorizonYears, dtstart.month(),
                                dtstart.day(), dtstart.hour(), dtstart.minute(),
                                dtstart.second());
  const absl::Time horizon = std::min(stop, tz.At(limit).pre);
  // Occurrences are instants in wall-clock order: sorted but for a step
  // back across a DST gap, which the sort below mends. Past the limit they
  // are only counted, for the error.
  std::vector<absl::Time> at;
  const int64_t n =
      ForEachOccurrence(rule, dtstart, tz, horizon, [&](absl::Time t) {
        if (static_cast<int64_t>(at.size()) < kMaxOccurrences) at.push_back(t);
      });
  if (n > kMaxOccurrences) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the rule has ", n, " occurrences before ",
        absl::FormatTime(absl::RFC3339_sec, horizon, tz), " (stop_date, or ",
        kHorizonYears, " years after start_date); at most ", kMaxOccurrences,
        " are allowed: use a sparser rule or an earlier stop_date"));
  }
  std::sort(at.begin(), at.end());
  RecurringWindows out;
  out.occurrences_ = n;
  for (const absl::Time t : at) {
    const absl::Time from = std::max(t, start);
    const absl::Time to = std::min(t + duration, stop);
    if (from >= to) continue;
    const int64_t from_ns = TrafficSchedule::Instant(from);
    const int64_t to_ns = TrafficSchedule::Instant(to);
    if (from_ns >= to_ns) continue;
    if (!out.ends_.empty() && from_ns <= out.ends_.back()) {
      // Overlapping or adjacent: one window.
      out.ends_.back() = std::max(out.ends_.back(), to_ns);
      continue;
    }
    out.starts_.push_back(from_ns);
    out.ends_.push_back(to_ns);
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no occurrence of the rule is live between the campaign's start (",
        absl::FormatTime(absl::RFC3339_sec, start, tz), ") and ",
        absl::FormatTime(absl::RFC3339_sec, horizon, tz),
        ": the campaign would never be live; expected a rule with an "
        "occurrence in that time"));
  }
  out.starts_.shrink_to_fit();
  out.ends_.shrink_to_fit();
  return out;
}

absl::Time RecurringWindows::end(size_t i) const {
  return ends_[i] == std::numeric_limits<int64_t>::max()
             ? absl::InfiniteFuture()
             : absl::FromUnixNanos(ends_[i]);
}

}  // namespace allot
