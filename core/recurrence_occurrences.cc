// The occurrences of an RRULE (DESIGN §14), in wall-clock time: each period
// of the frequency (a day, a week from WKST, a month, a year; every
// INTERVAL-th from DTSTART's) gives its days that pass every BY filter,
// times each BYHOUR x BYMINUTE at DTSTART's second; BYSETPOS then picks from
// that sorted set, and COUNT and UNTIL bound the result. This is RFC 5545
// §3.3.10 as python-dateutil implements it (our test oracle), including its
// defaults: without BYDAY and BYMONTHDAY, WEEKLY takes DTSTART's weekday,
// MONTHLY its day of the month, YEARLY its day and (without BYMONTH) month.
// One difference: a BYDAY list is a union ("MO,+1TU" is every Monday and the
// first Tuesday), as the RFC says; dateutil intersects the plain weekdays
// with the ordinal ones.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/recurrence_rule.h"

namespace allot {
namespace {

int DaysInMonth(absl::CivilDay day) {
  return static_cast<int>(
      (absl::CivilDay(absl::CivilMonth(day) + 1) - 1).day());
}

int DaysInYear(absl::CivilDay day) {
  const absl::CivilYear y(day);
  return static_cast<int>(absl::CivilDay(y + 1) - absl::CivilDay(y));
}

int WeekdayIndex(absl::Weekday w) { return static_cast<int>(w); }  // MO = 0

// What matching reads of a day, kept up to date while walking a period one
// day at a time: absl's civil-day arithmetic normalizes on every step, which
// made the walk the bulk of compiling a config of many recurring campaigns.
struct DayFacts {
  int day = 1, month = 1, weekday = 0;  // weekday: MO = 0
  int days_in_month = 31, year_day = 1, days_in_year = 365;

  explicit DayFacts(absl::CivilDay d) { Reset(d); }
  void Reset(absl::CivilDay d) {
    day = d.day();
    month = d.month();
    weekday = WeekdayIndex(absl::GetWeekday(d));
    days_in_month = DaysInMonth(d);
    year_day = absl::GetYearDay(d);
    days_in_year = DaysInYear(d);
  }
  // Moves to the next day within the month; false when that leaves the
  // month (the caller then Resets to the next day).
  bool Step() {
    weekday = weekday == 6 ? 0 : weekday + 1;
    ++year_day;
    return ++day <= days_in_month;
  }
};

// The rule with dateutil's defaults applied, as bit masks where that helps.
class Matcher {
 public:
  Matcher(const RecurrenceRule& rule, absl::CivilSecond dtstart) {
    for (int m : rule.by_month) months_ |= 1u << m;
    month_days_ = rule.by_month_day;
    for (const RecurrenceRule::Day& d : rule.by_day) {
      if (d.ordinal == 0) {
        weekdays_ |= 1u << WeekdayIndex(d.weekday);
      } else {
        nth_.push_back(d);
      }
    }
    if (rule.by_day.empty() && rule.by_month_day.empty()) {
      switch (rule.frequency) {
        case RecurrenceFrequency::kWeekly:
          weekdays_ = 1u << WeekdayIndex(absl::GetWeekday(dtstart));
          break;
        case RecurrenceFrequency::kYearly:
          if (months_ == 0) months_ = 1u << dtstart.month();
          month_days_.push_back(dtstart.day());
          break;
        case RecurrenceFrequency::kMonthly:
          month_days_.push_back(dtstart.day());
          break;
        case RecurrenceFrequency::kDaily:
          break;
      }
    }
    // Ordinals count within the month for MONTHLY, and for YEARLY limited
    // to months; otherwise within the year.
    nth_in_month_ = rule.frequency == RecurrenceFrequency::kMonthly ||
                    !rule.by_month.empty();
  }

  // Whether the day with these calendar facts matches (weekday: MO = 0).
  bool Matches(const DayFacts& day) const {
    if (months_ != 0 && (months_ >> day.month & 1) == 0) return false;
    if (!month_days_.empty()) {
      const int dim = day.days_in_month;
      const int d = day.day;
      bool any = false;
      for (int md : month_days_) any |= md > 0 ? d == md : d == dim + md + 1;
      if (!any) return false;
    }
    if (weekdays_ == 0 && nth_.empty()) return true;
    if (weekdays_ >> day.weekday & 1) return true;
    for (const RecurrenceRule::Day& n : nth_) {
      if (WeekdayIndex(n.weekday) != day.weekday) continue;
      int index, size;
      if (nth_in_month_) {
        index = day.day;
        size = day.days_in_month;
      } else {
        index = day.year_day;
        size = day.days_in_year;
      }
      const int from_start = (index - 1) / 7 + 1;
      const int from_end = -((size - index) / 7 + 1);
      if (n.ordinal == from_start || n.ordinal == from_end) return true;
    }
    return false;
  }

 private:
  uint32_t months_ = 0;    // bit m: month m allowed; 0: any
  uint32_t weekdays_ = 0;  // bit w: every weekday w
  std::vector<RecurrenceRule::Day> nth_;
  std::vector<int> month_days_;
  bool nth_in_month_ = false;
};

}  // namespace

int64_t ForEachOccurrence(const RecurrenceRule& rule, absl::CivilSecond dtstart,
                          const absl::TimeZone& tz, absl::Time horizon,
                          absl::FunctionRef<void(absl::Time)> emit) {
  const Matcher matcher(rule, dtstart);
  // Times of day in order: BYHOUR x BYMINUTE at DTSTART's second.
  std::vector<int> hours = rule.by_hour, minutes = rule.by_minute;
  if (hours.empty()) hours.push_back(dtstart.hour());
  if (minutes.empty()) minutes.push_back(dtstart.minute());
  std::sort(hours.begin(), hours.end());
  std::sort(minutes.begin(), minutes.end());
  std::vector<absl::CivilSecond> times;  // on day 1970-01-01, as offsets
  for (int h : hours) {
    for (int m : minutes) {
      times.emplace_back(1970, 1, 1, h, m, dtstart.second());
    }
  }
  const absl::CivilSecond epoch(1970, 1, 1);
  const auto at = [&](absl::CivilDay day, size_t t) {
    return absl::CivilSecond(day) + (times[t] - epoch);
  };

  // Wall-clock bound past which nothing can be emitted: a day after the
  // horizon's (and UNTIL's) local time, more than any DST gap.
  absl::CivilSecond last = tz.At(horizon).cs + 86400;
  if (rule.until_kind == RecurrenceRule::Until::kLocal) {
    last = std::min(last, rule.until_local);
  } else if (rule.until_kind == RecurrenceRule::Until::kUtc) {
    last = std::min(last, tz.At(rule.until_utc).cs + 86400);
  }
  const absl::CivilDay last_day(last);

  int64_t counted = 0, emitted = 0;
  bool done = false;
  // Returns false once the rule has ended.
  const auto consider = [&](absl::CivilSecond cs) {
    if (cs < dtstart) return true;
    if (cs > last) return false;
    if (rule.count > 0 && counted == rule.count) return false;
    const absl::Time t = tz.At(cs).pre;  // RFC 5545 §3.3.5
    if (rule.until_kind == RecurrenceRule::Until::kUtc && t > rule.until_utc) {
      return true;
    }
    ++counted;
    if (t < horizon) {
      emit(t);
      ++emitted;
    }
    return true;
  };

  const absl::CivilDay start_day(dtstart);
  const absl::CivilDay week0 =
      start_day - (WeekdayIndex(absl::GetWeekday(start_day)) -
                   WeekdayIndex(rule.week_start) + 7) %
                      7;
  std::vector<absl::CivilDay> days;
  std::vector<size_t> picks;
  for (int64_t k = 0; !done; ++k) {
    const int64_t step = k * rule.interval;
    absl::CivilDay first, end;
    switch (rule.frequency) {
      case RecurrenceFrequency::kDaily:
        first = start_day + step;
        end = first + 1;
        break;
      case RecurrenceFrequency::kWeekly:
        first = week0 + 7 * step;
        end = first + 7;
        break;
      case RecurrenceFrequency::kMonthly:
        first = absl::CivilDay(absl::CivilMonth(start_day) + step);
        end = absl::CivilDay(absl::CivilMonth(first) + 1);
        break;
      case RecurrenceFrequency::kYearly:
        first = absl::CivilDay(absl::CivilYear(start_day) + step);
        end = absl::CivilDay(absl::CivilYear(first) + 1);
        break;
    }
    if (first > last_day) break;
    days.clear();
    DayFacts facts(first);
    const int64_t length = end - first;
    for (int64_t i = 0; i < length; ++i) {
      if (matcher.Matches(facts)) days.push_back(first + i);
      if (i + 1 < length && !facts.Step()) facts.Reset(first + (i + 1));
    }
    if (rule.by_set_pos.empty()) {
      for (size_t i = 0; i < days.size() && !done; ++i) {
        for (size_t t = 0; t < times.size() && !done; ++t) {
          done = !consider(at(days[i], t));
        }
      }
      continue;
    }
    // BYSETPOS picks from the period's whole sorted set, before DTSTART,
    // COUNT and UNTIL apply.
    const int64_t total = static_cast<int64_t>(days.size() * times.size());
    picks.clear();
    for (int pos : rule.by_set_pos) {
      const int64_t i = pos > 0 ? pos - 1 : total + pos;
      if (i >= 0 && i < total) picks.push_back(static_cast<size_t>(i));
    }
    std::sort(picks.begin(), picks.end());
    picks.erase(std::unique(picks.begin(), picks.end()), picks.end());
    for (size_t i = 0; i < picks.size() && !done; ++i) {
      done =
          !consider(at(days[picks[i] / times.size()], picks[i] % times.size()));
    }
  }
  return emitted;
}

}  // namespace allot
