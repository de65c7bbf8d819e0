// Recurring live windows (DESIGN §14): RRULE parsing and its errors,
// occurrences in wall-clock time across DST, windows merged and clipped,
// the occurrence limit, decisions and Explain inside and outside the
// windows, and fingerprints (campaigns without a recurrence keep theirs).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/compiled_config.h"
#include "core/recurrence_rule.h"
#include "core/recurring_windows.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/allocation_counter.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

using ::allot::testing::At;
using ::testing::ElementsAre;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kEveryone[] =
    R"("targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]})";

// Campaign "r" with `scheduler` (the members of its scheduler object), a
// group targeting everyone at 100 %; then campaign "plain" without one.
std::string Doc(const std::string& scheduler, const std::string& extra = "") {
  return absl::StrCat(R"({"campaigns":[
  {"id":"r","type":"ab",)", extra, R"("scheduler":{)", scheduler,
                      R"(},"variation_groups":[{"id":"g",)", kEveryone,
                      R"(,"variations":[{"id":"v","allocation":100}]}]},
  {"id":"plain","type":"ab","variation_groups":[{"id":"pg",)", kEveryone,
                      R"(,"variations":[{"id":"pv","allocation":100}]}]}]})");
}

// Scheduler members: `rule` and `duration` ("" leaves them out), from
// `start` in `tz`, with `more` appended (e.g. a stop_date).
std::string Sched(const std::string& rule, const std::string& duration,
                  const std::string& start = "2026-01-01T09:00:00",
                  const std::string& tz = "UTC", const std::string& more = "") {
  std::string out = absl::StrCat(R"("timezone":")", tz, "\"");
  if (!start.empty()) absl::StrAppend(&out, R"(,"start_date":")", start, "\"");
  if (!rule.empty()) absl::StrAppend(&out, R"(,"recurrence":")", rule, "\"");
  if (!duration.empty()) {
    absl::StrAppend(&out, R"(,"duration":")", duration, "\"");
  }
  return out + more;
}

std::shared_ptr<const CompiledConfig> Load(const std::string& json) {
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> config =
      LoadConfig(json);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : nullptr;
}

std::string LoadError(const std::string& json) {
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> config =
      LoadConfig(json);
  EXPECT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(config.status().message());
}

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// The first `n` occurrences of `rule` from `dtstart` in `tz`, in UTC.
std::vector<std::string> Occurrences(const std::string& rule,
                                     absl::CivilSecond dtstart,
                                     const std::string& tz = "UTC",
                                     size_t n = 10) {
  absl::StatusOr<RecurrenceRule> parsed = ParseRecurrenceRule(rule);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok()) return {};
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(tz, &zone));
  std::vector<std::string> out;
  ForEachOccurrence(*parsed, dtstart, zone,
                    absl::FromCivil(dtstart, zone) + absl::Hours(24 * 3660),
                    [&](absl::Time t) {
                      if (out.size() < n) out.push_back(Utc(t));
                    });
  return out;
}

// Campaign "r"'s windows as [start, end) in UTC text.
std::vector<std::pair<std::string, std::string>> Windows(
    const CompiledConfig& config) {
  const RecurringWindows& w =
      config.campaigns()[config.FindCampaign("r")].windows;
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < w.size(); ++i) {
    out.emplace_back(Utc(w.start(i)), Utc(w.end(i)));
  }
  return out;
}

TEST(RecurrenceRule, UnsupportedAndMalformedPartsNameThePartAndPath) {
  const std::pair<const char*, const char*> kCases[] = {
      {"RRULE:FREQ=WEEKLY;BYWEEKNO=20", "BYWEEKNO is not supported"},
      {"FREQ=YEARLY;BYYEARDAY=100", "BYYEARDAY is not supported"},
      {"FREQ=DAILY;BYSECOND=0", "BYSECOND is not supported"},
      {"FREQ=HOURLY", "FREQ=HOURLY is not supported"},
      {"FREQ=MINUTELY", "FREQ=MINUTELY is not supported"},
      {"FREQ=SECONDLY", "FREQ=SECONDLY is not supported"},
      {"FREQ=FORTNIGHTLY", "FREQ=FORTNIGHTLY is malformed"},
      {"FREQ=DAILY;X-COLOR=RED", "unknown rule part X-COLOR"},
      {"FREQ=DAILY;COUNT=3;UNTIL=20260301", "COUNT and UNTIL are both given"},
      {"FREQ=DAILY;INTERVAL=0", "INTERVAL=0 is malformed"},
      {"FREQ=DAILY;INTERVAL=two", "INTERVAL=TWO is malformed"},
      {"FREQ=DAILY;COUNT=-1", "COUNT=-1 is malformed"},
      {"FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY=32 is malformed"},
      {"FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0 is malformed"},
      {"FREQ=YEARLY;BYMONTH=13", "BYMONTH=13 is malformed"},
      {"FREQ=DAILY;BYHOUR=24", "BYHOUR=24 is malformed"},
      {"FREQ=DAILY;BYMINUTE=60", "BYMINUTE=60 is malformed"},
      {"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", "BYSETPOS=0 is malformed"},
      {"FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX is malformed"},
      {"FREQ=MONTHLY;BYDAY=+0MO", "BYDAY=+0MO is malformed"},
      {"FREQ=WEEKLY;BYDAY=+1MO", "ordinals are only allowed"},
      {"FREQ=DAILY;BYDAY=-1FR", "ordinals are only allowed"},
      {"FREQ=MONTHLY;BYDAY=+6MO", "BYDAY ordinal 6 never occurs in a month"},
      {"FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY is not allowed with FREQ=WEEKLY"},
      {"FREQ=DAILY;BYSETPOS=1", "BYSETPOS needs another BY part"},
      {"FREQ=DAILY;UNTIL=2026-03-01", "UNTIL=2026-03-01 is malformed"},
      {"FREQ=DAILY;UNTIL=20260230", "UNTIL=20260230 is malformed"},
      {"FREQ=DAILY;UNTIL=20260301T250000Z", "UNTIL=20260301T250000Z is malformed"},
      {"FREQ=WEEKLY;WKST=XX", "WKST=XX is malformed"},
      {"FREQ=DAILY;FREQ=WEEKLY", "FREQ appears twice"},
      {"INTERVAL=2", "FREQ is missing"},
      {"FREQ=DAILY;;COUNT=2", "malformed rule part \"\""},
      {"FREQ", "malformed rule part \"FREQ\""},
  };
  for (const auto& [rule, message] : kCases) {
    SCOPED_TRACE(rule);
    const std::string error = LoadError(Doc(Sched(rule, "1h")));
    EXPECT_THAT(error, StartsWith("campaigns[0].scheduler.recurrence: "));
    EXPECT_THAT(error, HasSubstr(message));
  }
  // The brief's example, whole.
  EXPECT_THAT(LoadError(Doc(Sched("FREQ=WEEKLY;BYWEEKNO=20", "1h"))),
              StartsWith("campaigns[0].scheduler.recurrence: BYWEEKNO is not "
                         "supported; expected FREQ, INTERVAL"));
}

TEST(RecurrenceRule, PartsAndValuesAreCaseInsensitive) {
  absl::StatusOr<RecurrenceRule> rule =
      ParseRecurrenceRule("rrule:freq=monthly;byday=-1fr;wkst=su");
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->frequency, RecurrenceFrequency::kMonthly);
  ASSERT_EQ(rule->by_day.size(), 1u);
  EXPECT_EQ(rule->by_day[0].weekday, absl::Weekday::friday);
  EXPECT_EQ(rule->by_day[0].ordinal, -1);
  EXPECT_EQ(rule->week_start, absl::Weekday::sunday);
}

TEST(RecurrenceRule, SchedulerNeedsRuleDurationAndStartTogether) {
  EXPECT_THAT(LoadError(Doc(Sched("FREQ=DAILY", ""))),
              StartsWith("campaigns[0].scheduler.recurrence: has no duration"));
  EXPECT_THAT(LoadError(Doc(Sched("", "24h"))),
              StartsWith("campaigns[0].scheduler.duration: is set without a "
                         "recurrence"));
  EXPECT_THAT(LoadError(Doc(Sched("FREQ=DAILY", "24h", ""))),
              StartsWith("campaigns[0].scheduler.recurrence: needs a "
                         "start_date"));
  for (const char* bad : {"P1M", "P1Y", "0h", "-1h", "7d", "P", "PT", "P1DT",
                          "PT1H2D", "P1W2D", "1 h"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(LoadError(Doc(Sched("FREQ=DAILY", bad))),
                StartsWith(absl::StrCat(
                    "campaigns[0].scheduler.duration: invalid duration \"",
                    bad, "\"")));
  }
}

TEST(RecurrenceRule, DurationForms) {
  const std::pair<const char*, absl::Duration> kCases[] = {
      {"168h", absl::Hours(168)},
      {"2h30m", absl::Minutes(150)},
      {"90m", absl::Minutes(90)},
      {"45s", absl::Seconds(45)},
      {"P7D", absl::Hours(168)},
      {"PT36H", absl::Hours(36)},
      {"P1DT12H", absl::Hours(36)},
      {"PT2H30M", absl::Minutes(150)},
      {"PT1H30M15S", absl::Seconds(5415)},
      {"P2W", absl::Hours(336)},
  };
  for (const auto& [text, expected] : kCases) {
    absl::StatusOr<absl::Duration> d = ParseRecurrenceDuration(text);
    ASSERT_TRUE(d.ok()) << text << ": " << d.status();
    EXPECT_EQ(*d, expected) << text;
  }
}

// Expected values from python-dateutil 2.8.2 (rrulestr with a naive
// DTSTART, localized with resolve_imaginary), as the pytest oracle does.
TEST(RecurrenceOccurrences, TableOfRules) {
  const absl::CivilSecond jan1(2026, 1, 1, 9, 0, 0);
  EXPECT_THAT(Occurrences("FREQ=DAILY;COUNT=3", jan1),
              ElementsAre("2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z",
                          "2026-01-03T09:00:00Z"));
  // DTSTART (a Thursday) is not an occurrence when the rule misses it.
  EXPECT_THAT(Occurrences("FREQ=WEEKLY;BYDAY=MO,WE", jan1, "UTC", 3),
              ElementsAre("2026-01-05T09:00:00Z", "2026-01-07T09:00:00Z",
                          "2026-01-12T09:00:00Z"));
  // RFC 5545's WKST example: the week start decides which days pair up.
  const absl::CivilSecond aug5(1997, 8, 5, 9, 0, 0);
  EXPECT_THAT(
      Occurrences("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=MO;COUNT=4", aug5),
      ElementsAre("1997-08-05T09:00:00Z", "1997-08-10T09:00:00Z",
                  "1997-08-19T09:00:00Z", "1997-08-24T09:00:00Z"));
  EXPECT_THAT(
      Occurrences("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU;COUNT=4", aug5),
      ElementsAre("1997-08-05T09:00:00Z", "1997-08-17T09:00:00Z",
                  "1997-08-19T09:00:00Z", "1997-08-31T09:00:00Z"));
  EXPECT_THAT(Occurrences("FREQ=MONTHLY;BYDAY=-1FR", jan1, "UTC", 4),
              ElementsAre("2026-01-30T09:00:00Z", "2026-02-27T09:00:00Z",
                          "2026-03-27T09:00:00Z", "2026-04-24T09:00:00Z"));
  // Months without a 31st are skipped, not moved to their last day.
  EXPECT_THAT(Occurrences("FREQ=MONTHLY;BYMONTHDAY=31", jan1, "UTC", 5),
              ElementsAre("2026-01-31T09:00:00Z", "2026-03-31T09:00:00Z",
                          "2026-05-31T09:00:00Z", "2026-07-31T09:00:00Z",
                          "2026-08-31T09:00:00Z"));
  EXPECT_THAT(Occurrences("FREQ=MONTHLY;BYMONTHDAY=-1", jan1, "UTC", 3),
              ElementsAre("2026-01-31T09:00:00Z", "2026-02-28T09:00:00Z",
                          "2026-03-31T09:00:00Z"));
  // The last weekday of each month.
  EXPECT_THAT(
      Occurrences("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", jan1, "UTC",
                  4),
      ElementsAre("2026-01-30T09:00:00Z", "2026-02-27T09:00:00Z",
                  "2026-03-31T09:00:00Z", "2026-04-30T09:00:00Z"));
  // BalkanID's sample: the first Monday of every month.
  EXPECT_THAT(
      Occurrences("RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO", jan1, "UTC", 4),
      ElementsAre("2026-01-05T09:00:00Z", "2026-02-02T09:00:00Z",
                  "2026-03-02T09:00:00Z", "2026-04-06T09:00:00Z"));
  EXPECT_THAT(Occurrences("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", jan1, "UTC", 3),
              ElementsAre("2026-03-29T09:00:00Z", "2027-03-28T09:00:00Z",
                          "2028-03-26T09:00:00Z"));
  // Without BYMONTH a YEARLY ordinal counts within the year.
  EXPECT_THAT(Occurrences("FREQ=YEARLY;BYDAY=1MO", jan1, "UTC", 3),
              ElementsAre("2026-01-05T09:00:00Z", "2027-01-04T09:00:00Z",
                          "2028-01-03T09:00:00Z"));
  EXPECT_THAT(Occurrences("FREQ=YEARLY", absl::CivilSecond(2024, 2, 29, 9, 0, 0),
                          "UTC", 3),
              ElementsAre("2024-02-29T09:00:00Z", "2028-02-29T09:00:00Z",
                          "2032-02-29T09:00:00Z"));
  EXPECT_THAT(
      Occurrences("FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30;COUNT=5",
                  absl::CivilSecond(2026, 1, 1, 8, 0, 0)),
      ElementsAre("2026-01-01T09:00:00Z", "2026-01-01T09:30:00Z",
                  "2026-01-01T17:00:00Z", "2026-01-01T17:30:00Z",
                  "2026-01-02T09:00:00Z"));
  EXPECT_THAT(
      Occurrences("FREQ=MONTHLY;BYMONTH=1,7;BYMONTHDAY=1,15;BYSETPOS=2,-1",
                  jan1, "UTC", 4),
      ElementsAre("2026-01-15T09:00:00Z", "2026-07-15T09:00:00Z",
                  "2027-01-15T09:00:00Z", "2027-07-15T09:00:00Z"));
}

TEST(RecurrenceOccurrences, UntilIsInclusive) {
  const absl::CivilSecond jan1(2026, 1, 1, 9, 0, 0);
  EXPECT_EQ(Occurrences("FREQ=DAILY;UNTIL=20260103T090000", jan1).size(), 3u);
  EXPECT_EQ(Occurrences("FREQ=DAILY;UNTIL=20260103T085959", jan1).size(), 2u);
  // A date keeps the whole day.
  EXPECT_EQ(Occurrences("FREQ=DAILY;UNTIL=20260103", jan1).size(), 3u);
  // A UTC bound compares instants: 09:00 in New York is 14:00Z in January.
  EXPECT_EQ(Occurrences("FREQ=DAILY;UNTIL=20260103T140000Z", jan1,
                        "America/New_York")
                .size(),
            3u);
  EXPECT_EQ(Occurrences("FREQ=DAILY;UNTIL=20260103T135959Z", jan1,
                        "America/New_York")
                .size(),
            2u);
}

TEST(RecurrenceOccurrences, DstGapUsesTheOffsetBeforeIt) {
  // 02:30 does not exist in New York on 2026-03-08: RFC 5545 reads it with
  // EST's offset, 07:30Z (03:30 EDT). absl::FromCivil would give 07:00Z,
  // the transition.
  EXPECT_THAT(
      Occurrences("FREQ=DAILY", absl::CivilSecond(2026, 3, 7, 2, 30, 0),
                  "America/New_York", 3),
      ElementsAre("2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z",
                  "2026-03-09T06:30:00Z"));
  absl::TimeZone ny;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &ny));
  EXPECT_EQ(Utc(absl::FromCivil(absl::CivilSecond(2026, 3, 8, 2, 30, 0), ny)),
            "2026-03-08T07:00:00Z");
}

TEST(RecurrenceOccurrences, RepeatedTimeIsItsFirstOccurrence) {
  // 01:30 happens twice in New York on 2026-11-01: EDT's (05:30Z) counts.
  EXPECT_THAT(
      Occurrences("FREQ=DAILY", absl::CivilSecond(2026, 10, 31, 1, 30, 0),
                  "America/New_York", 3),
      ElementsAre("2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z",
                  "2026-11-02T06:30:00Z"));
}

TEST(RecurringWindows, WallClockAcrossDstInTheConfig) {
  auto config =
      Load(Doc(Sched("FREQ=DAILY;COUNT=3", "1h", "2026-03-07T02:30:00",
                     "America/New_York")));
  ASSERT_NE(config, nullptr);
  EXPECT_THAT(Windows(*config),
              ElementsAre(std::pair("2026-03-07T07:30:00Z", "2026-03-07T08:30:00Z"),
                          std::pair("2026-03-08T07:30:00Z", "2026-03-08T08:30:00Z"),
                          std::pair("2026-03-09T06:30:00Z", "2026-03-09T07:30:00Z")));
}

TEST(RecurringWindows, StartDateWithAnOffsetIsItsLocalTime) {
  // 08:00Z is 09:00 in Paris in winter: the occurrences keep 09:00 local,
  // 07:00Z once summer time starts.
  auto config = Load(Doc(Sched("FREQ=MONTHLY;BYMONTHDAY=1;COUNT=5", "1h",
                               "2026-01-01T08:00:00Z", "Europe/Paris")));
  ASSERT_NE(config, nullptr);
  const auto windows = Windows(*config);
  ASSERT_EQ(windows.size(), 5u);
  EXPECT_EQ(windows[0].first, "2026-01-01T08:00:00Z");
  EXPECT_EQ(windows[4].first, "2026-05-01T07:00:00Z");
}

TEST(RecurringWindows, OverlappingAndAdjacentOccurrencesMerge) {
  // Weekdays for 24 hours each: Monday 00:00 to Saturday 00:00.
  auto weekdays = Load(Doc(Sched("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "24h",
                                 "2026-01-05T00:00:00", "UTC",
                                 R"(,"stop_date":"2026-01-17T00:00:00")")));
  ASSERT_NE(weekdays, nullptr);
  EXPECT_THAT(Windows(*weekdays),
              ElementsAre(std::pair("2026-01-05T00:00:00Z", "2026-01-10T00:00:00Z"),
                          std::pair("2026-01-12T00:00:00Z", "2026-01-17T00:00:00Z")));
  // 36-hour windows every day overlap into one, clipped at stop_date.
  auto daily = Load(Doc(Sched("FREQ=DAILY", "PT36H", "2026-01-01T09:00:00",
                              "UTC", R"(,"stop_date":"2026-01-10T12:00:00")")));
  ASSERT_NE(daily, nullptr);
  EXPECT_THAT(Windows(*daily), ElementsAre(std::pair("2026-01-01T09:00:00Z",
                                                     "2026-01-10T12:00:00Z")));
}

TEST(RecurringWindows, ClippedToThePeriod) {
  // The period starts mid-window: the first window is cut to its start.
  auto config = Load(Doc(
      Sched("FREQ=MONTHLY;BYDAY=+1MO", "168h", "2026-01-01T00:00:00", "UTC",
            R"(,"stop_date":"2026-04-01T00:00:00")"),
      R"("period_start":"2026-01-07",)"));
  ASSERT_NE(config, nullptr);
  EXPECT_THAT(Windows(*config),
              ElementsAre(std::pair("2026-01-07T00:00:00Z", "2026-01-12T00:00:00Z"),
                          std::pair("2026-02-02T00:00:00Z", "2026-02-09T00:00:00Z"),
                          std::pair("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z")));
}

TEST(RecurringWindows, FiveYearHorizonWithoutStopDate) {
  auto config = Load(Doc(Sched("FREQ=YEARLY", "24h", "2026-06-01T00:00:00")));
  ASSERT_NE(config, nullptr);
  const auto windows = Windows(*config);
  ASSERT_EQ(windows.size(), 5u);  // 2026..2030; 2031-06-01 is the horizon
  EXPECT_EQ(windows.back().first, "2030-06-01T00:00:00Z");
}

TEST(RecurringWindows, AtMostOneHundredThousandOccurrences) {
  // 96 a day for five years: 175,296.
  const std::string rule =
      "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
      "21,22,23;BYMINUTE=0,15,30,45";
  EXPECT_THAT(
      LoadError(Doc(Sched(rule, "10m", "2026-01-01T00:00:00"))),
      AllOf(StartsWith("campaigns[0].scheduler.recurrence: the rule has 175296 "
                       "occurrences before 2031-01-01T00:00:00+00:00"),
            HasSubstr("at most 100000 are allowed")));
  // A stop_date a year later keeps it under the limit: 35,040.
  auto config = Load(Doc(Sched(rule, "10m", "2026-01-01T00:00:00", "UTC",
                               R"(,"stop_date":"2027-01-01T00:00:00")")));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->campaigns()[0].windows.occurrences(), 35040);
  EXPECT_EQ(config->campaigns()[0].windows.size(), 35040u);
}

TEST(RecurringWindows, ARuleThatIsNeverLiveIsAnError) {
  EXPECT_THAT(LoadError(Doc(Sched("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "1h"))),
              AllOf(StartsWith("campaigns[0].scheduler.recurrence: no "
                               "occurrence of the rule is live"),
                    HasSubstr("would never be live")));
}

DecisionReason ReasonAt(const CompiledConfig& config, const std::string& at,
                        DecisionReason* plain = nullptr) {
  VisitorContext ctx("visitor-1");
  DecisionList list;
  EXPECT_TRUE(config.DecideAll(ctx, At(at), &list).ok());
  if (plain != nullptr) *plain = list[1].reason;
  Decision one;
  EXPECT_TRUE(config.Decide("r", ctx, At(at), &one).ok());
  EXPECT_EQ(one.reason, list[0].reason) << at;
  return list[0].reason;
}

TEST(RecurringWindows, DecisionsInsideAndOutsideTheWindows) {
  // First Monday of each month in Paris, for a week (BalkanID's sample).
  auto config = Load(Doc(Sched("RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=+1MO",
                               "168h", "2026-01-01T09:00:00", "Europe/Paris")));
  ASSERT_NE(config, nullptr);
  const struct {
    const char* at;
    DecisionReason reason;
  } kCases[] = {
      {"2026-01-01T08:00:00Z", DecisionReason::kOutsideSchedule},
      {"2026-01-05T07:59:59Z", DecisionReason::kOutsideSchedule},
      {"2026-01-05T08:00:00Z", DecisionReason::kAllocated},  // 09:00 CET
      {"2026-01-12T07:59:59Z", DecisionReason::kAllocated},
      {"2026-01-12T08:00:00Z", DecisionReason::kOutsideSchedule},
      {"2026-04-06T07:00:00Z", DecisionReason::kAllocated},  // 09:00 CEST
      {"2026-04-06T06:59:59Z", DecisionReason::kOutsideSchedule},
      {"2031-01-06T08:00:00Z", DecisionReason::kOutsideSchedule},  // horizon
  };
  for (const auto& c : kCases) {
    DecisionReason plain;
    EXPECT_EQ(ReasonAt(*config, c.at, &plain), c.reason) << c.at;
    EXPECT_EQ(plain, DecisionReason::kAllocated) << c.at;
  }
}

// A list keeps the window states it found and the span they hold over; the
// span is tested in whole seconds first. Edges that fall inside a second
// (a start at .5 s, a stop at .25 s) are then decided exactly, whichever
// order the instants come in on one list: each decision is live exactly
// when start <= now < stop.
TEST(SchedulerWindow, OneListDecidesEdgesInsideASecond) {
  auto config = Load(Doc(Sched("", "", "2026-03-01T09:00:00.5Z", "UTC",
                               R"(,"stop_date":"2026-03-01T10:00:00.25Z")")));
  ASSERT_NE(config, nullptr);
  const absl::Time start = At("2026-03-01T09:00:00.5Z");
  const absl::Time stop = At("2026-03-01T10:00:00.25Z");
  const absl::Duration ms = absl::Milliseconds(1);
  const absl::Time instants[] = {start + absl::Minutes(30),
                                 start - 250 * ms,
                                 start + 100 * ms,
                                 start - 100 * ms,
                                 start,
                                 start - ms,
                                 stop - 100 * ms,
                                 stop + 500 * ms,
                                 stop - 200 * ms,
                                 stop,
                                 stop - ms,
                                 start - absl::Seconds(1),
                                 start + absl::Seconds(1),
                                 stop + ms,
                                 start + 499 * ms,
                                 stop - 250 * ms,
                                 stop - 251 * ms,
                                 start - 500 * ms};
  VisitorContext ctx("visitor-1");
  DecisionList list;
  int live = 0;
  for (const absl::Time now : instants) {
    ASSERT_TRUE(config->DecideAll(ctx, now, &list).ok());
    const bool inside = start <= now && now < stop;
    EXPECT_EQ(list[0].reason, inside ? DecisionReason::kAllocated
                                     : DecisionReason::kOutsideSchedule)
        << absl::FormatTime(absl::RFC3339_full, now, absl::UTCTimeZone());
    EXPECT_EQ(list[1].reason, DecisionReason::kAllocated);
    live += inside;
  }
  EXPECT_EQ(live, 10);
}

#if ALLOT_COUNT_ALLOCATIONS
TEST(RecurringWindows, DecidingAllocatesNothing) {
  auto config = Load(Doc(Sched("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "24h",
                               "2026-01-05T00:00:00")));
  ASSERT_NE(config, nullptr);
  VisitorContext ctx("visitor-1");
  DecisionList list;
  const absl::Time monday = At("2026-03-02T00:00:00Z");
  ASSERT_TRUE(config->DecideAll(ctx, monday, &list).ok());  // warm-up
  int live = 0;
  testing::AllocationWindow window;
  for (int hour = 0; hour < 24 * 14; ++hour) {
    if (!config->DecideAll(ctx, monday + absl::Hours(hour), &list).ok()) break;
    live += list[0].reason == DecisionReason::kAllocated;
  }
  EXPECT_EQ(window.Stop(), 0);
  EXPECT_EQ(live, 24 * 10);  // two weeks of five live days
}
#endif

TEST(RecurringWindows, ExplainSaysWhenTheNextWindowStarts) {
  auto config = Load(Doc(Sched("FREQ=MONTHLY;BYDAY=+1MO", "168h",
                               "2026-01-01T09:00:00", "UTC")));
  ASSERT_NE(config, nullptr);
  VisitorContext ctx("visitor-1");
  std::vector<CampaignExplanation> e =
      config->Explain(ctx, At("2026-01-20T00:00:00Z"));
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].reason, DecisionReason::kOutsideSchedule);
  EXPECT_THAT(e[0].detail, HasSubstr("between occurrences of the recurrence"));
  EXPECT_THAT(e[0].detail,
              HasSubstr("the next window starts at 2026-02-02T09:00:00+00:00"));
}

TEST(RecurringWindows, FingerprintsWithoutRecurrenceAreUnchanged) {
  const std::string scheduler =
      R"("start_date":"2026-03-01T09:00:00","stop_date":"2026-09-01T00:00:00","timezone":"America/New_York")";
  const std::string doc = absl::StrCat(
      R"({"campaigns":[{"id":"s","type":"ab","scheduler":{)", scheduler,
      R"(},"variation_groups":[{"id":"sg",)", kEveryone,
      R"(,"variations":[{"id":"sa","allocation":50},{"id":"sb","allocation":50}]}]}]})");
  auto plain = Load(doc);
  ASSERT_NE(plain, nullptr);
  // Do not change: the value before recurring windows existed.
  EXPECT_EQ(plain->campaigns()[0].assignment_fingerprint, 0x8096528e0480bedfULL);

  auto with = [&](const std::string& rule, const std::string& duration) {
    std::string json = doc;
    const std::string extra = absl::StrCat(R"(,"recurrence":")", rule,
                                           R"(","duration":")", duration, "\"");
    json.insert(json.find(scheduler) + scheduler.size(), extra);
    return Load(json);
  };
  auto weekly = with("RRULE:FREQ=WEEKLY;BYDAY=MO", "24h");
  auto spelled = with("freq=weekly;byday=mo", "P1D");
  auto longer = with("FREQ=WEEKLY;BYDAY=MO", "25h");
  ASSERT_TRUE(weekly && spelled && longer);
  EXPECT_NE(weekly->campaigns()[0].assignment_fingerprint,
            plain->campaigns()[0].assignment_fingerprint);
  // Same windows, other spelling: same assignment, other content.
  EXPECT_EQ(spelled->campaigns()[0].assignment_fingerprint,
            weekly->campaigns()[0].assignment_fingerprint);
  EXPECT_NE(spelled->content_fingerprint(), weekly->content_fingerprint());
  EXPECT_NE(longer->campaigns()[0].assignment_fingerprint,
            weekly->campaigns()[0].assignment_fingerprint);
  EXPECT_EQ(longer->campaigns()[0].payload_fingerprint,
            weekly->campaigns()[0].payload_fingerprint);
}

}  // namespace
}  // namespace allot
