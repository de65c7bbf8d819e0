#include "allocation/traffic_schedule.h"

#include <algorithm>
#include <limits>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "allocation/date_time.h"
#include "allocation/split.h"

namespace allot {
namespace {

enum class StepType { kMinute, kHour, kDay, kWeek, kMonth };

// A step unit count past which a breakpoint would lie more than 10,000 years
// after the start: such a breakpoint is never reached, and leaving it out
// keeps civil arithmetic far from int64 overflow.
int64_t MaxUnits(StepType type) {
  switch (type) {
    case StepType::kMinute:
      return int64_t{10000} * 366 * 24 * 60;
    case StepType::kHour:
      return int64_t{10000} * 366 * 24;
    case StepType::kDay:
      return int64_t{10000} * 366;
    case StepType::kWeek:
      return int64_t{10000} * 53;
    case StepType::kMonth:
      return int64_t{10000} * 12;
  }
  return 0;
}

// A point in time with the wall-clock time it stands for in the schedule's
// zone. For civil steps `civil` is the nominal time (which a DST gap may have
// moved `instant` away from), so the next civil step starts from it.
struct Cursor {
  absl::Time instant;
  absl::CivilSecond civil;
  absl::Duration subsecond;
};

Cursor Advance(const Cursor& from, StepType type, int64_t units,
               const absl::TimeZone& tz) {
  Cursor to;
  if (type == StepType::kMinute || type == StepType::kHour) {
    to.instant =
        from.instant +
        (type == StepType::kMinute ? absl::Minutes(units) : absl::Hours(units));
    const absl::TimeZone::CivilInfo info = tz.At(to.instant);
    to.civil = info.cs;
    to.subsecond = info.subsecond;
    return to;
  }
  absl::CivilDay day;
  if (type == StepType::kMonth) {
    const absl::CivilMonth month = absl::CivilMonth(from.civil) + units;
    const int last_day =
        static_cast<int>((absl::CivilDay(month + 1) - 1).day());
    day = absl::CivilDay(month.year(), month.month(),
                         std::min(from.civil.day(), last_day));
  } else {
    day = absl::CivilDay(from.civil) +
          (type == StepType::kWeek ? units * 7 : units);
  }
  to.civil =
      absl::CivilSecond(day.year(), day.month(), day.day(), from.civil.hour(),
                        from.civil.minute(), from.civil.second());
  to.subsecond = from.subsecond;
  to.instant = absl::FromCivil(to.civil, tz) + to.subsecond;
  return to;
}

std::string Field(const std::string& path, std::string_view field) {
  if (path.empty()) return std::string(field);
  return absl::StrCat(path, ".", absl::string_view(field.data(), field.size()));
}

// `message` is absl's string_view: it is mostly another Status's message.
absl::Status FieldError(const std::string& field, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
}

struct CompiledStep {
  int32_t add_bp;
  int64_t units;
  StepType type;
};

absl::StatusOr<CompiledStep> CompileStep(const ScheduleStepSpec& spec,
                                         const std::string& path) {
  CompiledStep step;
  absl::StatusOr<int32_t> bp = PercentToBasisPoints(spec.allocation_step);
  if (!bp.ok()) {
    return FieldError(Field(path, "allocation_step"), bp.status().message());
  }
  step.add_bp = *bp;
  if (spec.step <= 0) {
    return FieldError(Field(path, "step"),
                      absl::StrCat("step ", spec.step,
                                   " is not positive; expected a whole "
                                   "number of step_type units, at least 1"));
  }
  step.units = spec.step;
  static constexpr std::pair<std::string_view, StepType> kTypes[] = {
      {"minute", StepType::kMinute}, {"hour", StepType::kHour},
      {"day", StepType::kDay},       {"week", StepType::kWeek},
      {"month", StepType::kMonth},
  };
  const auto it =
      std::find_if(std::begin(kTypes), std::end(kTypes),
                   [&](const auto& t) { return t.first == spec.step_type; });
  if (it == std::end(kTypes)) {
    return FieldError(
        Field(path, "step_type"),
        spec.step_type.empty()
            ? "missing step type; expected minute, hour, day, week or month"
            : absl::StrCat("unknown step type \"", spec.step_type,
                           "\"; expected minute, hour, day, week or month"));
  }
  step.type = it->second;
  return step;
}

// Appends a breakpoint, keeping times and shares strictly increasing. A
// breakpoint no later than the previous one (possible only in a zone whose
// clocks jump back by more than a step) merges into it.
void Push(std::vector<TrafficBreakpoint>& points, absl::Time at,
          int32_t share_bp) {
  if (!points.empty() && share_bp <= points.back().share_bp) return;
  if (!points.empty() && at <= points.back().at) {
    points.back().share_bp = share_bp;
    return;
  }
  points.push_back({at, share_bp});
}


}  // namespace

absl::StatusOr<TrafficSchedule> TrafficSchedule::Create(
    const TrafficScheduleSpec& spec) {
  const std::string& path = spec.path;
  absl::StatusOr<absl::TimeZone> tz = LoadTimeZoneOrError(spec.timezone);
  if (!tz.ok())
    return FieldError(Field(path, "timezone"), tz.status().message());

  if (spec.start_date.empty()) {
    return FieldError(Field(path, "start_date"),
                      "missing start date; expected RFC 3339 such as "
                      "\"2026-03-27T09:00:00Z\", or a civil time such as "
                      "\"2026-03-27T09:00:00\" read in the time zone");
  }
  absl::StatusOr<absl::Time> start = ParseDateTime(spec.start_date, *tz);
  if (!start.ok()) {
    return FieldError(Field(path, "start_date"), start.status().message());
  }

  absl::StatusOr<int32_t> start_bp =
      PercentToBasisPoints(spec.start_allocation);
  if (!start_bp.ok()) {
    return FieldError(Field(path, "start_allocation"),
                      start_bp.status().message());
  }

  if (spec.periodic_steps.has_value() && !spec.custom_steps.empty()) {
    return FieldError(Field(path, "custom_steps"),
                      "both periodic_steps and custom_steps are set; expected "
                      "only one of them");
  }

  std::optional<CompiledStep> periodic;
  if (spec.periodic_steps.has_value()) {
    absl::StatusOr<CompiledStep> step =
        CompileStep(*spec.periodic_steps, Field(path, "periodic_steps"));
    if (!step.ok()) return step.status();
    periodic = *step;
  }
  if (spec.custom_steps.size() > kMaxSteps) {
    return FieldError(Field(path, "custom_steps"),
                      absl::StrCat(spec.custom_steps.size(),
                                   " steps; at most ", kMaxSteps,
                                   " per variation group"));
  }
  std::vector<CompiledStep> custom;
  custom.reserve(spec.custom_steps.size());
  for (size_t i = 0; i < spec.custom_steps.size(); ++i) {
    absl::StatusOr<CompiledStep> step =
        CompileStep(spec.custom_steps[i],
                    absl::StrCat(Field(path, "custom_steps"), "[", i, "]"));
    if (!step.ok()) return step.status();
    custom.push_back(*step);
  }

  const absl::TimeZone::CivilInfo start_info = tz->At(*start);
  const Cursor origin{*start, start_info.cs, start_info.subsecond};
  std::vector<TrafficBreakpoint> points;
  points.push_back({*start, *start_bp});

  if (periodic.has_value() && periodic->add_bp > 0) {
    // At most 10000 steps: each adds at least one basis point.
    for (int64_t k = 1; points.back().share_bp < 10000; ++k) {
      if (periodic->units > MaxUnits(periodic->type) / k) break;
      const Cursor at =
          Advance(origin, periodic->type, k * periodic->units, *tz);
      const int64_t share = *start_bp + k * int64_t{periodic->add_bp};
      Push(points, at.instant,
           static_cast<int32_t>(std::min<int64_t>(share, 10000)));
    }
  }

  Cursor cursor = origin;
  int32_t share = *start_bp;
  for (const CompiledStep& step : custom) {
    if (share >= 10000) break;
    // Later steps come later still: once a step is out of reach, so are they.
    if (step.units > MaxUnits(step.type)) break;
    cursor = Advance(cursor, step.type, step.units, *tz);
    if (cursor.instant - origin.instant > absl::Hours(24 * 366 * 10000)) break;
    share = std::min(10000, share + step.add_bp);
    Push(points, cursor.instant, share);
  }

  TrafficSchedule schedule;
  schedule.first_ns_ = Instant(points.front().at);
  schedule.last_ns_ = Instant(points.back().at);
  schedule.last_share_bp_ = points.back().share_bp;
  auto flat = std::make_shared<Points>();
  for (const TrafficBreakpoint& p : points) {
    flat->at_ns.push_back(Instant(p.at));
    flat->share_bp.push_back(p.share_bp);
  }
  flat->points = std::move(points);
  schedule.points_ = std::move(flat);
  return schedule;
}

const std::vector<TrafficBreakpoint>& TrafficSchedule::breakpoints() const {
  static const std::vector<TrafficBreakpoint> kEmpty;
  return points_ ? points_->points : kEmpty;
}

int64_t TrafficSchedule::InstantOutOfRange(absl::Time t) {
  static const absl::Time kMax =
      absl::FromUnixNanos(std::numeric_limits<int64_t>::max());
  static const absl::Time kMin =
      absl::FromUnixNanos(std::numeric_limits<int64_t>::min());
  if (t >= kMax) return std::numeric_limits<int64_t>::max();
  if (t <= kMin) return std::numeric_limits<int64_t>::min();
  return absl::ToUnixNanos(t);
}

size_t TrafficSchedule::IndexBetween(int64_t t) const {
  // There is a breakpoint at or before `t` (t >= first_ns_); find the last
  // one by a branch-free binary search over integers.
  const int64_t* const first = points_->at_ns.data();
  const int64_t* base = first;
  size_t n = points_->at_ns.size();
  while (n > 1) {
    const size_t half = n / 2;
    base = base[half] <= t ? base + half : base;
    n -= half;
  }
  return static_cast<size_t>(base - first);
}

int32_t TrafficSchedule::ShareBetween(int64_t t) const {
  return points_->share_bp[IndexBetween(t)];
}

TrafficSchedule::Span TrafficSchedule::SpanAt(int64_t now) const {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (now < first_ns_) return Span{kMin, first_ns_, 0};
  if (now >= last_ns_) return Span{last_ns_, kMax, last_share_bp_};
  const size_t i = IndexBetween(now);
  return Span{points_->at_ns[i], points_->at_ns[i + 1], points_->share_bp[i]};
}

}  // namespace allot
