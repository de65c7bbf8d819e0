#include "core/traffic_share_table.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "allocation/date_time.h"

namespace allot {
namespace {

absl::Status FieldError(std::string_view field, const absl::Status& s) {
  return absl::InvalidArgumentError(
      absl::StrCat(absl::string_view(field.data(), field.size()), ": ",
                   s.message()));
}

// The number of calendar days in "<n>d", or 0 for any other step.
int64_t CalendarDays(std::string_view every) {
  int64_t days = 0;
  if (!absl::EndsWith(absl::string_view(every.data(), every.size()), "d") ||
      !absl::SimpleAtoi(
          absl::string_view(every.data(), every.size() - 1), &days)) {
    return 0;
  }
  return days;
}

}  // namespace

absl::StatusOr<TrafficShareTable> SampleTrafficShare(
    const CompiledConfig& config, const TrafficShareQuery& query) {
  const int32_t g = config.FindGroup(query.group_id);
  if (g < 0) {
    return absl::NotFoundError(absl::StrCat("no variation group \"",
                                            query.group_id, "\""));
  }
  const CompiledConfig::Group& group = config.groups()[g];
  TrafficShareTable table;
  absl::StatusOr<absl::TimeZone> tz = LoadTimeZoneOrError(
      query.time_zone.empty() ? group.schedule_timezone : query.time_zone);
  if (!tz.ok()) return FieldError("time_zone", tz.status());
  table.time_zone = *tz;
  absl::StatusOr<absl::Time> from = ParseDateTime(query.from, *tz);
  if (!from.ok()) return FieldError("from", from.status());
  absl::StatusOr<absl::Time> to = ParseDateTime(query.to, *tz);
  if (!to.ok()) return FieldError("to", to.status());
  if (*to < *from) {
    return absl::InvalidArgumentError("to: before from");
  }
  absl::StatusOr<absl::Duration> every = ParseStepDuration(query.every);
  if (!every.ok()) return FieldError("every", every.status());
  if ((*to - *from) / *every >= static_cast<double>(query.max_rows)) {
    return absl::InvalidArgumentError(
        absl::StrCat("every: from, to and every give more than ",
                     query.max_rows, " rows; use a larger step"));
  }

  const int64_t days = CalendarDays(query.every);
  const absl::CivilSecond civil_from = absl::ToCivilSecond(*from, *tz);
  for (int64_t k = 0;; ++k) {
    absl::Time t = *from + k * *every;
    if (days > 0) {
      const absl::CivilDay day = absl::CivilDay(civil_from) + k * days;
      t = absl::FromCivil(
          absl::CivilSecond(day.year(), day.month(), day.day(),
                            civil_from.hour(), civil_from.minute(),
                            civil_from.second()),
          *tz);
    }
    if (t > *to) break;
    // No allocation_config: the whole group's traffic, always.
    table.rows.push_back(
        {t, group.schedule ? group.schedule->ShareAt(t) : 10000});
  }
  return table;
}

std::string FormatLocalTime(absl::Time t, const absl::TimeZone& zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*S%Ez", t, zone);
}

}  // namespace allot
