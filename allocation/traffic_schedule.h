// File: allocation/traffic_schedule.h
//
// Progressive rollout (DESIGN §5): the traffic share of a variation group as
// a function of time, from an allocation_config's start date, start share and
// periodic or custom steps. Every breakpoint is computed in Create, time-zone
// work included; ShareAt only compares instants.
//
//   TrafficScheduleSpec spec;
//   spec.start_date = "2026-03-27T09:00:00";
//   spec.timezone = "Europe/Paris";
//   spec.start_allocation = 10;
//   spec.periodic_steps = ScheduleStepSpec{10, 1, "day"};
//   spec.path = "campaigns[0].variation_groups[0].allocation_config";
//   absl::StatusOr<TrafficSchedule> s = TrafficSchedule::Create(spec);
//   int32_t bp = s->ShareAt(now);  // 0 before the start, then 1000, 2000, ...
//
// Rules:
//  - Before start_date the share is 0; at start_date it is start_allocation.
//  - periodic_steps: step k (k = 1, 2, ...) takes effect k × step units after
//    the start and adds allocation_step, until 100 %.
//  - custom_steps: step i takes effect step_i units of step_type_i after step
//    i-1 (step 0 being the start) and adds allocation_step_i.
//  - The share is capped at 100 % and never decreases.
//  - minute and hour steps are absolute durations. day, week and month steps
//    are civil: they keep the wall-clock time in `timezone` across DST changes
//    (a daily step at 09:00 Europe/Paris stays at 09:00 local). Periodic step
//    k is computed from the start's civil time (start + k × step units), so
//    month-end clamping does not drift; custom steps count from the previous
//    step's (clamped) civil time. A month step that lands on a day the month
//    does not have is clamped to the month's last day (Jan 31 + 1 month is
//    Feb 28 or 29). Civil times in a DST gap or overlap resolve as
//    absl::FromCivil does (a skipped time gives the transition instant, a
//    repeated one its first occurrence); the next civil step starts again
//    from the nominal wall-clock time.
//  - Breakpoints more than 10,000 years after the start are never reached
//    and are left out.
//
// TrafficSchedule is immutable and thread-safe; copies share one breakpoint
// array, so it is cheap to copy and to hold in a vector.
#ifndef ALLOT_ALLOCATION_TRAFFIC_SCHEDULE_H_
#define ALLOT_ALLOCATION_TRAFFIC_SCHEDULE_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace allot {

struct ScheduleStepSpec {
  // Percent added by the step, in [0, 100] with at most 2 decimals.
  double allocation_step = 0;
  // Number of step_type units; must be positive.
  int64_t step = 0;
  // "minute", "hour", "day", "week" or "month".
  std::string step_type;
};

struct TrafficScheduleSpec {
  // RFC 3339 instant, or a civil date-time read in `timezone`. Required.
  std::string start_date;
  // IANA time zone name; "" means UTC.
  std::string timezone;
  // Percent at start_date, in [0, 100] with at most 2 decimals.
  double start_allocation = 0;
  // At most one of periodic_steps and a non-empty custom_steps.
  std::optional<ScheduleStepSpec> periodic_steps;
  std::vector<ScheduleStepSpec> custom_steps;
  // JSON path of the allocation_config object; prefixes error messages.
  std::string path;
};

struct TrafficBreakpoint {
  absl::Time at;     // from this instant on ...
  int32_t share_bp;  // ... the share is this many basis points (0..10000)

  friend bool operator==(const TrafficBreakpoint& a,
                         const TrafficBreakpoint& b) {
    return a.at == b.at && a.share_bp == b.share_bp;
  }
};

class TrafficSchedule {
 public:
  // Steps one schedule may list (DESIGN §17). A schedule computes at most
  // 10,001 breakpoints whatever its steps: each raises the share by at
  // least one basis point.
  static constexpr size_t kMaxSteps = 100000;

  // A schedule whose share is always 0.
  TrafficSchedule() = default;

  // Validates `spec` and computes every breakpoint. InvalidArgument whose
  // message starts with spec.path and the offending field, e.g.
  // "<path>.periodic_steps.step_type: unknown step type "fortnight"; ...".
  [[nodiscard]] static absl::StatusOr<TrafficSchedule> Create(
      const TrafficScheduleSpec& spec);

  // The share at `now`, in basis points: 0 before the first breakpoint, else
  // the share of the last breakpoint at or before `now`.
  int32_t ShareAt(absl::Time now) const { return ShareAtInstant(Instant(now)); }

  // The same for an instant given by Instant(now): callers deciding many
  // groups at one `now` convert it once.
  int32_t ShareAtInstant(int64_t now) const {
    if (now < first_ns_) return 0;
    if (now >= last_ns_) return last_share_bp_;
    return ShareBetween(now);
  }
  // The span of instants [from, until) around `now` over which the share
  // stays `share_bp`: callers that decide at nearby instants keep it and
  // skip the search while `now` stays inside.
  struct Span {
    int64_t from = std::numeric_limits<int64_t>::max();  // empty by default
    int64_t until = std::numeric_limits<int64_t>::min();
    int32_t share_bp = 0;
    bool Contains(int64_t now) const { return from <= now && now < until; }
  };
  Span SpanAt(int64_t now) const;

  // `t` as Unix nanoseconds, saturated to the int64 range (instants past
  // the year 2262 all compare equal; no rollout reaches them). Inline for
  // the instants from 1970 to 2242 (what absl::ToUnixNanos computes in its
  // own first branch, out of line), the rest out of line.
  static int64_t Instant(absl::Time t) {
    const absl::Duration d = absl::time_internal::ToUnixDuration(t);
    const int64_t seconds = absl::time_internal::GetRepHi(d);
    // (One unsigned test: a negative second is out of this range too.)
    if (static_cast<uint64_t>(seconds) >> 33 == 0) {
      // The low word counts quarter nanoseconds; an infinite instant has a
      // seconds word out of this range.
      return seconds * 1000000000 + absl::time_internal::GetRepLo(d) / 4;
    }
    return InstantOutOfRange(t);
  }

  // Strictly increasing in time and in share; the first is at start_date.
  // Empty for a default-constructed schedule.
  const std::vector<TrafficBreakpoint>& breakpoints() const;

 private:
  static int64_t InstantOutOfRange(absl::Time t);

  // Binary search, for first_ns_ <= now < last_ns_: the index of the last
  // breakpoint at or before `now`.
  size_t IndexBetween(int64_t now) const;
  int32_t ShareBetween(int64_t now) const;

  // The breakpoints, plus the same as two flat arrays for the search:
  // instants as Unix nanoseconds (saturated; breakpoints past 2262 are
  // never reached before then) and shares.
  struct Points {
    std::vector<TrafficBreakpoint> points;
    std::vector<int64_t> at_ns;
    std::vector<int32_t> share_bp;
  };
  std::shared_ptr<const Points> points_;
  // Copies of the ends of *points_, so that the common cases (not started,
  // fully ramped) need no indirection.
  int64_t first_ns_ = std::numeric_limits<int64_t>::max();
  int64_t last_ns_ = std::numeric_limits<int64_t>::max();
  int32_t last_share_bp_ = 0;
};

}  // namespace allot

#endif  // ALLOT_ALLOCATION_TRAFFIC_SCHEDULE_H_
