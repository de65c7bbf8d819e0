// Parsing of RRULE text and occurrence durations (DESIGN §14). The
// occurrences themselves are in recurrence_occurrences.cc.
#include "core/recurrence_rule.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace allot {
namespace {

constexpr char kSupportedParts[] =
    "expected FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH, "
    "BYHOUR, BYMINUTE, BYSETPOS or WKST";

absl::string_view Sv(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

absl::Status RuleError(std::string_view what) {
  return absl::InvalidArgumentError(std::string(what));
}

// `name=value: <why>; <expected>`.
absl::Status ValueError(std::string_view name, std::string_view value,
                        std::string_view expected) {
  return RuleError(
      absl::StrCat(Sv(name), "=", Sv(value), " is malformed; ", Sv(expected)));
}

// An optionally signed decimal integer of at most `max_digits` digits.
bool ParseInt(std::string_view text, bool allow_sign, int max_digits,
              int64_t* out) {
  int64_t sign = 1;
  if (allow_sign && !text.empty() && (text[0] == '+' || text[0] == '-')) {
    if (text[0] == '-') sign = -1;
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > static_cast<size_t>(max_digits)) {
    return false;
  }
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = sign * v;
  return true;
}

bool ParseWeekday(std::string_view text, absl::Weekday* out) {
  static constexpr std::pair<const char*, absl::Weekday> kDays[] = {
      {"MO", absl::Weekday::monday},    {"TU", absl::Weekday::tuesday},
      {"WE", absl::Weekday::wednesday}, {"TH", absl::Weekday::thursday},
      {"FR", absl::Weekday::friday},    {"SA", absl::Weekday::saturday},
      {"SU", absl::Weekday::sunday}};
  for (const auto& [name, day] : kDays) {
    if (text == name) {
      *out = day;
      return true;
    }
  }
  return false;
}

// A comma-separated list of integers in [min, max], zero excluded when
// `min` is negative (RFC 5545's signed lists).
absl::Status ParseIntList(std::string_view name, std::string_view value,
                          int min, int max, std::string_view expected,
                          std::vector<int>* out) {
  for (absl::string_view item : absl::StrSplit(Sv(value), ',')) {
    int64_t v;
    if (!ParseInt(std::string_view(item.data(), item.size()), min < 0, 3, &v) ||
        v < min || v > max || (min < 0 && v == 0)) {
      return ValueError(name, value, expected);
    }
    if (std::find(out->begin(), out->end(), v) == out->end()) {
      out->push_back(static_cast<int>(v));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseByDay(std::string_view value, RecurrenceRule* rule) {
  for (absl::string_view item : absl::StrSplit(Sv(value), ',')) {
    RecurrenceRule::Day day;
    std::string_view text(item.data(), item.size());
    int64_t ordinal = 0;
    if (text.size() < 2 ||
        !ParseWeekday(text.substr(text.size() - 2), &day.weekday) ||
        (text.size() > 2 &&
         (!ParseInt(text.substr(0, text.size() - 2), true, 2, &ordinal) ||
          ordinal == 0 || ordinal < -53 || ordinal > 53))) {
      return ValueError("BYDAY", value,
                        "expected weekdays MO, TU, WE, TH, FR, SA or SU, each "
                        "with an optional ordinal from 1 to 53 or -53 to -1 "
                        "(MO, +1MO, -1FR)");
    }
    day.ordinal = static_cast<int>(ordinal);
    rule->by_day.push_back(day);
  }
  return absl::OkStatus();
}

// YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ.
absl::Status ParseUntil(std::string_view value, RecurrenceRule* rule) {
  const auto error = [&] {
    return ValueError("UNTIL", value,
                      "expected a UTC date-time YYYYMMDDTHHMMSSZ, or a local "
                      "date YYYYMMDD or date-time YYYYMMDDTHHMMSS");
  };
  int64_t y, mo, d, h = 23, mi = 59, s = 59;
  if (value.size() < 8 || !ParseInt(value.substr(0, 4), false, 4, &y) ||
      !ParseInt(value.substr(4, 2), false, 2, &mo) ||
      !ParseInt(value.substr(6, 2), false, 2, &d)) {
    return error();
  }
  const bool utc = value.size() == 16 && value[15] == 'Z';
  if (value.size() != 8) {
    if ((value.size() != 15 && !utc) || value[8] != 'T' ||
        !ParseInt(value.substr(9, 2), false, 2, &h) ||
        !ParseInt(value.substr(11, 2), false, 2, &mi) ||
        !ParseInt(value.substr(13, 2), false, 2, &s)) {
      return error();
    }
  }
  const absl::CivilDay day(y, mo, d);
  if (mo < 1 || mo > 12 || day.month() != mo || day.day() != d || h > 23 ||
      mi > 59 || s > 60) {
    return error();
  }
  const absl::CivilSecond cs(y, mo, d, h, mi, s);
  if (utc) {
    rule->until_kind = RecurrenceRule::Until::kUtc;
    rule->until_utc = absl::FromCivil(cs, absl::UTCTimeZone());
  } else {
    rule->until_kind = RecurrenceRule::Until::kLocal;
    rule->until_local = cs;
  }
  return absl::OkStatus();
}

absl::Status ParsePart(std::string_view name, std::string_view value,
                       RecurrenceRule* rule) {
  int64_t n;
  if (name == "FREQ") {
    if (value == "DAILY") {
      rule->frequency = RecurrenceFrequency::kDaily;
    } else if (value == "WEEKLY") {
      rule->frequency = RecurrenceFrequency::kWeekly;
    } else if (value == "MONTHLY") {
      rule->frequency = RecurrenceFrequency::kMonthly;
    } else if (value == "YEARLY") {
      rule->frequency = RecurrenceFrequency::kYearly;
    } else if (value == "HOURLY" || value == "MINUTELY" ||
               value == "SECONDLY") {
      return RuleError(absl::StrCat(
          "FREQ=", Sv(value),
          " is not supported; expected DAILY, WEEKLY, MONTHLY or YEARLY"));
    } else {
      return ValueError(name, value,
                        "expected DAILY, WEEKLY, MONTHLY or YEARLY");
    }
  } else if (name == "INTERVAL") {
    if (!ParseInt(value, false, 4, &n) || n < 1) {
      return ValueError(name, value, "expected an integer from 1 to 9999");
    }
    rule->interval = static_cast<int>(n);
  } else if (name == "COUNT") {
    if (!ParseInt(value, false, 9, &n) || n < 1) {
      return ValueError(name, value, "expected a positive integer");
    }
    rule->count = n;
  } else if (name == "UNTIL") {
    return ParseUntil(value, rule);
  } else if (name == "BYDAY") {
    return ParseByDay(value, rule);
  } else if (name == "BYMONTHDAY") {
    return ParseIntList(name, value, -31, 31,
                        "expected days from 1 to 31 or -31 to -1 (-1 is the "
                        "last day of the month)",
                        &rule->by_month_day);
  } else if (name == "BYMONTH") {
    return ParseIntList(name, value, 1, 12, "expected months from 1 to 12",
                        &rule->by_month);
  } else if (name == "BYHOUR") {
    return ParseIntList(name, value, 0, 23, "expected hours from 0 to 23",
                        &rule->by_hour);
  } else if (name == "BYMINUTE") {
    return ParseIntList(name, value, 0, 59, "expected minutes from 0 to 59",
                        &rule->by_minute);
  } else if (name == "BYSETPOS") {
    return ParseIntList(name, value, -366, 366,
                        "expected positions from 1 to 366 or -366 to -1",
                        &rule->by_set_pos);
  } else if (name == "WKST") {
    if (!ParseWeekday(value, &rule->week_start)) {
      return ValueError(name, value,
                        "expected a weekday MO, TU, WE, TH, FR, SA or SU");
    }
  } else if (name == "BYSECOND" || name == "BYWEEKNO" || name == "BYYEARDAY" ||
             name == "RSCALE" || name == "SKIP") {
    return RuleError(
        absl::StrCat(Sv(name), " is not supported; ", kSupportedParts));
  } else {
    return RuleError(
        absl::StrCat("unknown rule part ", Sv(name), "; ", kSupportedParts));
  }
  return absl::OkStatus();
}

// RFC 5545 §3.3.10's constraints between parts.
absl::Status CheckRule(const RecurrenceRule& rule, bool has_until) {
  const bool monthly_or_yearly =
      rule.frequency == RecurrenceFrequency::kMonthly ||
      rule.frequency == RecurrenceFrequency::kYearly;
  if (rule.count > 0 && has_until) {
    return RuleError(
        "COUNT and UNTIL are both given; expected at most one of them");
  }
  for (const RecurrenceRule::Day& d : rule.by_day) {
    if (d.ordinal == 0) continue;
    if (!monthly_or_yearly) {
      return RuleError(
          "BYDAY has an ordinal (such as +1MO); ordinals are only allowed "
          "with FREQ=MONTHLY or FREQ=YEARLY");
    }
    if (rule.frequency == RecurrenceFrequency::kMonthly &&
        (d.ordinal > 5 || d.ordinal < -5)) {
      return RuleError(absl::StrCat(
          "BYDAY ordinal ", d.ordinal,
          " never occurs in a month; expected 1 to 5 or -5 to -1"));
    }
  }
  if (!rule.by_month_day.empty() &&
      rule.frequency == RecurrenceFrequency::kWeekly) {
    return RuleError("BYMONTHDAY is not allowed with FREQ=WEEKLY");
  }
  if (!rule.by_set_pos.empty() && rule.by_day.empty() &&
      rule.by_month_day.empty() && rule.by_month.empty() &&
      rule.by_hour.empty() && rule.by_minute.empty()) {
    return RuleError(
        "BYSETPOS needs another BY part (BYDAY, BYMONTHDAY, BYMONTH, BYHOUR "
        "or BYMINUTE) whose occurrences it selects from");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RecurrenceRule> ParseRecurrenceRule(std::string_view text) {
  std::string upper =
      absl::AsciiStrToUpper(absl::StripAsciiWhitespace(Sv(text)));
  std::string_view rest = upper;
  if (rest.substr(0, 6) == "RRULE:") rest.remove_prefix(6);
  if (rest.empty()) {
    return RuleError("is empty; expected a rule such as FREQ=WEEKLY;BYDAY=MO");
  }
  RecurrenceRule rule;
  std::vector<std::string> seen;
  for (absl::string_view item : absl::StrSplit(Sv(rest), ';')) {
    const std::string_view part(item.data(), item.size());
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == part.size()) {
      return RuleError(
          absl::StrCat("malformed rule part \"", Sv(part),
                       "\"; expected NAME=VALUE parts separated by ';'"));
    }
    const std::string_view name = part.substr(0, eq);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return RuleError(absl::StrCat(Sv(name),
                                    " appears twice; expected it "
                                    "at most once"));
    }
    seen.emplace_back(name);
    if (absl::Status s = ParsePart(name, part.substr(eq + 1), &rule); !s.ok()) {
      return s;
    }
  }
  if (std::find(seen.begin(), seen.end(), "FREQ") == seen.end()) {
    return RuleError(
        "FREQ is missing; expected FREQ=DAILY, WEEKLY, MONTHLY or YEARLY");
  }
  const bool has_until =
      std::find(seen.begin(), seen.end(), "UNTIL") != seen.end();
  if (absl::Status s = CheckRule(rule, has_until); !s.ok()) return s;
  return rule;
}

absl::StatusOr<absl::Duration> ParseRecurrenceDuration(std::string_view text) {
  const auto error = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid duration \"", Sv(text), "\"", why.empty() ? "" : ": ", Sv(why),
        "; expected a positive duration such as \"168h\", \"2h30m\", "
        "\"P7D\" or \"PT36H\""));
  };
  if (text.empty()) return error("");
  absl::Duration d = absl::ZeroDuration();
  if (text[0] == 'P') {
    // ISO 8601: P[nW] or P[nD][T[nH][nM][nS]], whole numbers; a day is 24
    // hours of elapsed time here.
    bool in_time = false, any = false, time_any = false;
    size_t i = 1;
    char last = 0;
    while (i < text.size()) {
      if (text[i] == 'T') {
        if (in_time) return error("T appears twice");
        in_time = true;
        ++i;
        continue;
      }
      size_t j = i;
      while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
      int64_t n;
      if (j == text.size() || !ParseInt(text.substr(i, j - i), false, 9, &n)) {
        return error("");
      }
      const char unit = text[j];
      // Units in their order: W D (date), H M S (time).
      static constexpr std::string_view kOrder = "WDHMS";
      const size_t rank = kOrder.find(unit);
      if ((unit == 'Y' || unit == 'M') && !in_time) {
        return error("years and months have no fixed length; use days");
      }
      if (rank == std::string_view::npos || (in_time != (rank >= 2)) ||
          (last != 0 && kOrder.find(last) >= rank) ||
          (unit == 'W' && j + 1 != text.size()) || (last == 'W')) {
        return error("");
      }
      static constexpr int64_t kSeconds[] = {7 * 86400, 86400, 3600, 60, 1};
      d += absl::Seconds(n * kSeconds[rank]);
      last = unit;
      any = true;
      time_any |= in_time;
      i = j + 1;
    }
    if (!any || (in_time && !time_any)) return error("");
  } else if (!absl::ParseDuration(Sv(text), &d)) {
    return error("");
  }
  if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return error("it must be positive and finite");
  }
  return d;
}

}  // namespace allot
