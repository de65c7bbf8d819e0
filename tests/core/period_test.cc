// Campaign periods and deadlines (DESIGN §13): `period_start`/`period_end`
// narrow the live window to whole civil days of the scheduler's time zone,
// DST days included; `deadline` closes the goal metrics and freezes the
// rollback latches after its day.
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/compiled_config.h"
#include "core/engine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

using ::allot::testing::At;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kEveryone[] =
    R"("targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]})";

// Campaign "plain" (no period, no scheduler) and then campaign "p", whose
// group "g" has a reference variation and a rollback condition that trips
// below 5 % conversion from 100 visitors. `fields` are extra members of "p"
// (e.g. R"("period_start":"2026-03-08",)"), each ending with a comma. The
// rollout is at 100 % from 2020 on: test instants are later.
std::string Doc(const std::string& fields) {
  return absl::StrCat(R"({"campaigns":[
  {"id":"plain","type":"ab","variation_groups":[{"id":"plain-g",)",
                      kEveryone, R"(,
    "variations":[{"id":"plain-a","allocation":100}]}]},
  {"id":"p","type":"ab",)",
                      fields, R"("variation_groups":[{"id":"g",)", kEveryone,
                      R"(,
    "variations":[{"id":"g-ref","reference":true,"allocation":50},
                  {"id":"g-new","allocation":50}],
    "allocation_config":{"start_date":"2020-01-01T00:00:00Z","start_allocation":100,
      "rollback_condition":{"goal":{"type":"transaction","id":"checkout"},
        "operator":"LOWER_THAN","value":5,"min_visitors":100}}}]}]})");
}

// A scheduler member with time zone `tz` and optional dates.
std::string Scheduler(const std::string& tz, const std::string& start = "",
                      const std::string& stop = "") {
  std::string out = absl::StrCat(R"("scheduler":{"timezone":")", tz, "\"");
  if (!start.empty()) absl::StrAppend(&out, R"(,"start_date":")", start, "\"");
  if (!stop.empty()) absl::StrAppend(&out, R"(,"stop_date":")", stop, "\"");
  return absl::StrCat(out, "},");
}

std::string Period(const std::string& start, const std::string& end) {
  std::string out;
  if (!start.empty())
    absl::StrAppend(&out, R"("period_start":")", start, "\",");
  if (!end.empty()) absl::StrAppend(&out, R"("period_end":")", end, "\",");
  return out;
}

std::shared_ptr<const CompiledConfig> Load(const std::string& json) {
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> config =
      LoadConfig(json);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : nullptr;
}

absl::Status LoadError(const std::string& json) {
  return LoadConfig(json).status();
}

const CompiledConfig::Campaign& CampaignP(const CompiledConfig& config) {
  return config.campaigns()[config.FindCampaign("p")];
}

// Whether campaign "p" is live for a visitor at `at` (its only group
// targets everyone, so anything but outside_schedule means live).
bool Live(const CompiledConfig& config, absl::Time at) {
  VisitorContext ctx("visitor-1");
  Decision d;
  EXPECT_TRUE(config.Decide("p", ctx, at, &d).ok());
  EXPECT_TRUE(d.reason == DecisionReason::kOutsideSchedule ||
              d.reason == DecisionReason::kAllocated)
      << DecisionReasonName(d.reason);
  return d.reason != DecisionReason::kOutsideSchedule;
}

// The period [period_start, period_end] in `tz` must be live exactly from
// `first` (the first instant of period_start) to `stop` (the first instant
// of the day after period_end), and that span must last `length`.
void ExpectWindow(const std::string& tz, const std::string& start_day,
                  const std::string& end_day, const std::string& first,
                  const std::string& stop, absl::Duration length) {
  SCOPED_TRACE(absl::StrCat(tz, " ", start_day, "..", end_day));
  std::shared_ptr<const CompiledConfig> config =
      Load(Doc(Scheduler(tz) + Period(start_day, end_day)));
  ASSERT_NE(config, nullptr);
  const CompiledConfig::Campaign& c = CampaignP(*config);
  EXPECT_TRUE(c.has_window);
  EXPECT_EQ(c.start, At(first));
  EXPECT_EQ(c.stop, At(stop));
  EXPECT_EQ(c.stop - c.start, length);
  const absl::Duration second = absl::Seconds(1);
  EXPECT_FALSE(Live(*config, At(first) - second));
  EXPECT_TRUE(Live(*config, At(first)));
  EXPECT_TRUE(Live(*config, At(stop) - second));
  EXPECT_FALSE(Live(*config, At(stop)));
  EXPECT_FALSE(Live(*config, At(stop) + absl::Hours(1)));
}

TEST(Period, NewYorkSpringForwardDayLasts23Hours) {
  ExpectWindow("America/New_York", "2026-03-08", "2026-03-08",
               "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", absl::Hours(23));
}

TEST(Period, NewYorkFallBackDayLasts25Hours) {
  ExpectWindow("America/New_York", "2026-11-01", "2026-11-01",
               "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", absl::Hours(25));
}

TEST(Period, ParisSpringForwardDayLasts23Hours) {
  ExpectWindow("Europe/Paris", "2026-03-29", "2026-03-29",
               "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", absl::Hours(23));
}

TEST(Period, ParisFallBackDayLasts25Hours) {
  ExpectWindow("Europe/Paris", "2026-10-25", "2026-10-25",
               "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", absl::Hours(25));
}

TEST(Period, ParisPeriodAcrossBothChangesIsWholeDays) {
  // 2026-03-01 (+01:00) to the end of 2026-10-31 (+01:00 again): whole
  // days, one 23-hour and one 25-hour day among them.
  const absl::Duration days = absl::Hours(24) * 245;
  ExpectWindow("Europe/Paris", "2026-03-01", "2026-10-31",
               "2026-02-28T23:00:00Z", "2026-10-31T23:00:00Z", days);
}

TEST(Period, SkippedMidnightStartsTheDayAtTheTransition) {
  // Santiago springs forward at 00:00 on 2026-09-06 (00:00 -04 becomes
  // 01:00 -03): the day starts at the jump, 04:00Z, and lasts 23 hours.
  ExpectWindow("America/Santiago", "2026-09-06", "2026-09-06",
               "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z", absl::Hours(23));
  // The day before ends at that same instant.
  ExpectWindow("America/Santiago", "2026-09-05", "2026-09-05",
               "2026-09-05T04:00:00Z", "2026-09-06T04:00:00Z", absl::Hours(24));
  // Havana also skips its midnight, on 2026-03-08.
  ExpectWindow("America/Havana", "2026-03-08", "2026-03-08",
               "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", absl::Hours(23));
}

TEST(Period, RepeatedMidnightStartsTheDayAtItsFirstOccurrence) {
  // Havana falls back at 01:00 -04 to 00:00 -05 on 2026-11-01: midnight
  // happens twice, and the day starts at the first (04:00Z, not 05:00Z).
  ExpectWindow("America/Havana", "2026-11-01", "2026-11-01",
               "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", absl::Hours(25));
  ExpectWindow("America/Havana", "2026-10-31", "2026-10-31",
               "2026-10-31T04:00:00Z", "2026-11-01T04:00:00Z", absl::Hours(24));
}

TEST(Period, WithoutSchedulerDaysAreUtc) {
  std::shared_ptr<const CompiledConfig> config =
      Load(Doc(Period("2026-03-08", "2026-03-09")));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CampaignP(*config).start, At("2026-03-08T00:00:00Z"));
  EXPECT_EQ(CampaignP(*config).stop, At("2026-03-10T00:00:00Z"));
  // A scheduler without a time zone is UTC too.
  config = Load(Doc(R"("scheduler":{},)" + Period("2026-03-08", "")));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CampaignP(*config).start, At("2026-03-08T00:00:00Z"));
  EXPECT_EQ(CampaignP(*config).stop, absl::InfiniteFuture());
}

TEST(Period, EitherEndAloneLeavesTheOtherOpen) {
  std::shared_ptr<const CompiledConfig> config =
      Load(Doc(Scheduler("Europe/Paris") + Period("2026-03-29", "")));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CampaignP(*config).start, At("2026-03-28T23:00:00Z"));
  EXPECT_EQ(CampaignP(*config).stop, absl::InfiniteFuture());
  EXPECT_FALSE(Live(*config, At("2026-03-28T22:59:59Z")));
  EXPECT_TRUE(Live(*config, At("2099-01-01T00:00:00Z")));

  config = Load(Doc(Scheduler("Europe/Paris") + Period("", "2026-10-25")));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CampaignP(*config).start, absl::InfinitePast());
  EXPECT_EQ(CampaignP(*config).stop, At("2026-10-25T23:00:00Z"));
  EXPECT_TRUE(Live(*config, At("2021-01-01T00:00:00Z")));
  EXPECT_TRUE(Live(*config, At("2026-10-25T22:59:59Z")));
  EXPECT_FALSE(Live(*config, At("2026-10-25T23:00:00Z")));
}

TEST(Period, IntersectsSchedulerWindowPeriodInside) {
  // Scheduler March (Paris), period the 10th to the 20th: the period wins.
  std::shared_ptr<const CompiledConfig> config = Load(Doc(
      Scheduler("Europe/Paris", "2026-03-01T00:00:00", "2026-04-01T00:00:00") +
      Period("2026-03-10", "2026-03-20")));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CampaignP(*config).start, At("2026-03-09T23:00:00Z"));
  EXPECT_EQ(CampaignP(*config).stop, At("2026-03-20T23:00:00Z"));
  EXPECT_FALSE(Live(*config, At("2026-03-05T12:00:00Z")));
  EXPECT_TRUE(Live(*config, At("2026-03-15T12:00:00Z")));
  EXPECT_FALSE(Live(*config, At("2026-03-25T12:00:00Z")));
}

TEST(Period, IntersectsSchedulerWindowOverlappingEitherWay) {
  // Period starts first, scheduler stops first: [scheduler start, ...) is
  // cut by the period's end, and the scheduler's stop by nothing.
  std::shared_ptr<const CompiledConfig> config = Load(Doc(
      Scheduler("Europe/Paris", "2026-03-10T12:00:00", "2026-04-01T00:00:00") +
      Period("2026-03-01", "2026-03-20")));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CampaignP(*config).start, At("2026-03-10T11:00:00Z"));
  EXPECT_EQ(CampaignP(*config).stop, At("2026-03-20T23:00:00Z"));
  EXPECT_FALSE(Live(*config, At("2026-03-10T10:59:59Z")));
  EXPECT_TRUE(Live(*config, At("2026-03-10T11:00:00Z")));
  EXPECT_TRUE(Live(*config, At("2026-03-20T22:59:59Z")));
  EXPECT_FALSE(Live(*config, At("2026-03-20T23:00:00Z")));

  // Scheduler starts first, period stops later: the period's start and the
  // scheduler's stop bound it.
  config = Load(Doc(
      Scheduler("Europe/Paris", "2026-03-01T00:00:00", "2026-03-15T18:00:00") +
      Period("2026-03-10", "2026-03-31")));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CampaignP(*config).start, At("2026-03-09T23:00:00Z"));
  EXPECT_EQ(CampaignP(*config).stop, At("2026-03-15T17:00:00Z"));
  EXPECT_FALSE(Live(*config, At("2026-03-09T22:59:59Z")));
  EXPECT_TRUE(Live(*config, At("2026-03-09T23:00:00Z")));
  EXPECT_TRUE(Live(*config, At("2026-03-15T16:59:59Z")));
  EXPECT_FALSE(Live(*config, At("2026-03-15T17:00:00Z")));
}

TEST(Period, OutsideIsTheSchedulerReasonAndExplainNamesThePeriod) {
  std::shared_ptr<const CompiledConfig> config =
      Load(Doc(Scheduler("Europe/Paris", "2026-03-01T00:00:00") +
               Period("2026-03-10", "2026-03-20")));
  ASSERT_NE(config, nullptr);
  VisitorContext ctx("visitor-1");
  Decision d;
  ASSERT_TRUE(config->Decide("p", ctx, At("2026-03-25T00:00:00Z"), &d).ok());
  EXPECT_EQ(d.reason, DecisionReason::kOutsideSchedule);
  EXPECT_FALSE(d.has_variation());

  std::vector<CampaignExplanation> why =
      config->Explain(ctx, At("2026-03-25T00:00:00Z"));
  ASSERT_EQ(why.size(), 2u);
  EXPECT_EQ(why[1].reason, DecisionReason::kOutsideSchedule);
  EXPECT_THAT(why[1].detail, AllOf(HasSubstr("outside the campaign's period"),
                                   HasSubstr("period_start 2026-03-10"),
                                   HasSubstr("period_end 2026-03-20")));
  // Before the period but after the scheduler's start: the period is why.
  why = config->Explain(ctx, At("2026-03-05T00:00:00Z"));
  ASSERT_EQ(why.size(), 2u);
  EXPECT_THAT(why[1].detail, HasSubstr("outside the campaign's period"));

  // Inside the period but before the scheduler's start: the scheduler's
  // window is why, and the period is not blamed.
  config = Load(Doc(Scheduler("Europe/Paris", "2026-03-12T00:00:00") +
                    Period("2026-03-10", "2026-03-20")));
  ASSERT_NE(config, nullptr);
  why = config->Explain(ctx, At("2026-03-11T00:00:00Z"));
  ASSERT_EQ(why.size(), 2u);
  EXPECT_EQ(why[1].reason, DecisionReason::kOutsideSchedule);
  EXPECT_THAT(why[1].detail, HasSubstr("is outside ["));
  EXPECT_THAT(why[1].detail, ::testing::Not(HasSubstr("period")));
}

TEST(Period, CampaignWithoutPeriodBehavesAsBefore) {
  std::shared_ptr<const CompiledConfig> config = Load(Doc(""));
  ASSERT_NE(config, nullptr);
  for (const CompiledConfig::Campaign& c : config->campaigns()) {
    EXPECT_FALSE(c.has_window) << c.id;
    EXPECT_EQ(c.start, absl::InfinitePast());
    EXPECT_EQ(c.stop, absl::InfiniteFuture());
    EXPECT_EQ(c.goals_close, absl::InfiniteFuture());
    EXPECT_TRUE(c.period_start.empty() && c.period_end.empty() &&
                c.deadline.empty());
  }
  EXPECT_TRUE(Live(*config, At("2021-01-01T00:00:00Z")));
  EXPECT_TRUE(Live(*config, At("2199-01-01T00:00:00Z")));

  // A deadline alone leaves the window alone.
  config = Load(Doc(R"("deadline":"2026-06-30",)"));
  ASSERT_NE(config, nullptr);
  EXPECT_FALSE(CampaignP(*config).has_window);
  EXPECT_EQ(CampaignP(*config).goals_close, At("2026-07-01T00:00:00Z"));
  EXPECT_TRUE(Live(*config, At("2030-01-01T00:00:00Z")));

  // A scheduler without a period keeps its exact window.
  config = Load(Doc(Scheduler("Europe/Paris", "2026-03-10T12:00:00")));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CampaignP(*config).start, At("2026-03-10T11:00:00Z"));
  EXPECT_EQ(CampaignP(*config).stop, absl::InfiniteFuture());
}

// --- Load errors ------------------------------------------------------------

void ExpectLoadError(const std::string& json, const std::string& path,
                     const std::string& says) {
  const absl::Status s = LoadError(json);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(std::string(s.message()),
              AllOf(StartsWith(path + ": "), HasSubstr(says)));
}

TEST(PeriodErrors, BadDatesNameTheirPathAndTheExpectedForm) {
  const std::string expected = "expected a calendar date YYYY-MM-DD";
  for (const char* bad :
       {"2026-3-08", "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10",
        "26-03-08", "2026-03-08T00:00:00", "2026/03/08", "2026-03-08 ",
        "tomorrow", "20260308"}) {
    SCOPED_TRACE(bad);
    ExpectLoadError(Doc(absl::StrCat(R"("period_start":")", bad, "\",")),
                    "campaigns[1].period_start", expected);
    ExpectLoadError(Doc(absl::StrCat(R"("period_end":")", bad, "\",")),
                    "campaigns[1].period_end", expected);
    ExpectLoadError(Doc(absl::StrCat(R"("deadline":")", bad, "\",")),
                    "campaigns[1].deadline", expected);
  }
  // A leap day is a real date.
  EXPECT_TRUE(LoadError(Doc(Period("2028-02-29", ""))).ok());
}

TEST(PeriodErrors, WrongTypeIsReportedByTheReader) {
  const absl::Status s = LoadError(Doc(R"("period_end":20260308,)"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), StartsWith("campaigns[1].period_end"));
}

TEST(PeriodErrors, EndBeforeStart) {
  ExpectLoadError(Doc(Period("2026-03-10", "2026-03-09")),
                  "campaigns[1].period_end", "before period_start 2026-03-10");
  // One day is a period.
  EXPECT_TRUE(LoadError(Doc(Period("2026-03-10", "2026-03-10"))).ok());
}

TEST(PeriodErrors, DeadlineBeforeStart) {
  ExpectLoadError(
      Doc(Period("2026-03-10", "2026-03-20") + R"("deadline":"2026-03-09",)"),
      "campaigns[1].deadline", "before period_start 2026-03-10");
  EXPECT_TRUE(LoadError(Doc(Period("2026-03-10", "2026-03-20") +
                            R"("deadline":"2026-03-10",)"))
                  .ok());
  // Before the period's end is fine: the metrics may close early.
  EXPECT_TRUE(LoadError(Doc(Period("2026-03-10", "2026-03-20") +
                            R"("deadline":"2026-03-15",)"))
                  .ok());
}

TEST(PeriodErrors, PeriodMustMeetTheSchedulerWindow) {
  // Starts on the scheduler's stop: never live.
  ExpectLoadError(Doc(Scheduler("Europe/Paris", "", "2026-03-10T00:00:00") +
                      Period("2026-03-10", "2026-03-20")),
                  "campaigns[1].period_start", "scheduler's stop_date");
  // Ends on the scheduler's start: never live.
  ExpectLoadError(Doc(Scheduler("Europe/Paris", "2026-03-21T00:00:00") +
                      Period("2026-03-10", "2026-03-20")),
                  "campaigns[1].period_end", "scheduler's start_date");
  // Either end alone is checked too.
  ExpectLoadError(
      Doc(Scheduler("UTC", "2026-03-21T00:00:00Z") + Period("", "2026-03-20")),
      "campaigns[1].period_end", "never be live");
  // One second of overlap is enough.
  EXPECT_TRUE(LoadError(Doc(Scheduler("Europe/Paris", "2026-03-20T23:59:59") +
                            Period("2026-03-10", "2026-03-20")))
                  .ok());
}

TEST(PeriodErrors, BucketingFilesDoNotReadPeriods) {
  // The Flagship bucketing file has no such fields: a bad one is ignored.
  const std::string json = R"({"campaigns":[{"id":"b","type":"ab",
    "period_start":"not a date","deadline":"nope",
    "variationGroups":[{"id":"bg","variations":[{"id":"bv","allocation":100}]}]}]})";
  LoadOptions options;
  options.format = ConfigFormat::kBucketingFile;
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> config =
      LoadConfig(json, options);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE((*config)->campaigns()[0].has_window);
  EXPECT_EQ((*config)->campaigns()[0].goals_close, absl::InfiniteFuture());
}

// --- Deadline ---------------------------------------------------------------

std::unique_ptr<Engine> MakeEngine(const std::string& json) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(json);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *std::move(engine) : nullptr;
}

// Deadline 2026-06-30 in Paris: goals close at 2026-07-01T00:00+02:00.
const absl::Time kClose = At("2026-06-30T22:00:00Z");

std::string DeadlineDoc() {
  return Doc(Scheduler("Europe/Paris") + Period("2026-06-01", "2026-07-31") +
             R"("deadline":"2026-06-30",)");
}

TEST(Deadline, ClosesAtTheEndOfItsDayInTheSchedulerZone) {
  std::shared_ptr<const CompiledConfig> config = Load(DeadlineDoc());
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(CampaignP(*config).goals_close, kClose);
  EXPECT_EQ(CampaignP(*config).deadline, "2026-06-30");
  // The deadline does not end the period.
  EXPECT_TRUE(Live(*config, kClose + absl::Hours(24 * 10)));
}

TEST(Deadline, GoalMetricsWorkUntilTheEndOfTheDayAndLatch) {
  std::unique_ptr<Engine> engine = MakeEngine(DeadlineDoc());
  ASSERT_NE(engine, nullptr);
  const absl::Time last = kClose - absl::Seconds(1);
  absl::StatusOr<bool> r =
      engine->UpdateGoalMetrics("g", "checkout", 200, 50, last);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(*r);
  r = engine->UpdateGoalMetrics("g", "checkout", 400, 4, last);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r);
  EXPECT_TRUE(*engine->IsRolledBack("g"));
}

TEST(Deadline, GoalMetricsAtOrAfterTheEndAreRefused) {
  std::unique_ptr<Engine> engine = MakeEngine(DeadlineDoc());
  ASSERT_NE(engine, nullptr);
  for (absl::Time at :
       {kClose, kClose + absl::Seconds(1), kClose + absl::Hours(24 * 365)}) {
    absl::StatusOr<bool> r =
        engine->UpdateGoalMetrics("g", "checkout", 400, 4, at);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition)
        << r.status();
    EXPECT_THAT(
        std::string(r.status().message()),
        AllOf(HasSubstr("\"g\""), HasSubstr("\"p\""), HasSubstr("2026-06-30")));
  }
  // Refused means ignored: a tripping total fed late latched nothing.
  EXPECT_FALSE(*engine->IsRolledBack("g"));
  EXPECT_THAT(engine->ExportState(), ::testing::Not(HasSubstr("\"g\"")));
  // Other campaigns' groups are untouched by p's deadline (plain-g has no
  // rollback condition: that, not a deadline, is the refusal).
  absl::StatusOr<bool> other =
      engine->UpdateGoalMetrics("plain-g", "checkout", 10, 1, kClose);
  EXPECT_THAT(std::string(other.status().message()),
              HasSubstr("no rollback_condition"));
}

TEST(Deadline, RollbackLatchIsFrozenAfterIt) {
  std::unique_ptr<Engine> engine = MakeEngine(DeadlineDoc());
  ASSERT_NE(engine, nullptr);
  const absl::Time before = kClose - absl::Hours(1);
  ASSERT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 400, 4, before));

  const absl::Status s = engine->ResetRollback("g", kClose);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_THAT(std::string(s.message()),
              AllOf(HasSubstr("\"g\""), HasSubstr("\"p\""),
                    HasSubstr("2026-06-30"), HasSubstr("frozen")));
  EXPECT_TRUE(*engine->IsRolledBack("g"));
  // Decisions keep applying the frozen latch.
  VisitorContext ctx("visitor-1");
  Decision d;
  ASSERT_TRUE(engine->Decide("p", ctx, kClose + absl::Hours(1), &d).ok());
  EXPECT_EQ(d.reason, DecisionReason::kRolledBack);

  // Before the end of the deadline day the latch still resets.
  EXPECT_TRUE(engine->ResetRollback("g", kClose - absl::Seconds(1)).ok());
  EXPECT_FALSE(*engine->IsRolledBack("g"));
  // Unknown ids stay NotFound whatever the time.
  EXPECT_EQ(engine->ResetRollback("nope", kClose).code(),
            absl::StatusCode::kNotFound);
}

TEST(Deadline, WithoutDeadlineNothingCloses) {
  std::unique_ptr<Engine> engine = MakeEngine(
      Doc(Scheduler("Europe/Paris") + Period("2026-06-01", "2026-07-31")));
  ASSERT_NE(engine, nullptr);
  const absl::Time late = At("2099-01-01T00:00:00Z");
  absl::StatusOr<bool> r =
      engine->UpdateGoalMetrics("g", "checkout", 400, 4, late);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r);
  EXPECT_TRUE(engine->ResetRollback("g", late).ok());
  EXPECT_FALSE(*engine->IsRolledBack("g"));
  // The default `now` keeps working for callers that never pass one.
  EXPECT_TRUE(engine->ResetRollback("g").ok());
}

TEST(Deadline, ReloadWithALaterDeadlineReopens) {
  std::unique_ptr<Engine> engine = MakeEngine(DeadlineDoc());
  ASSERT_NE(engine, nullptr);
  EXPECT_FALSE(engine->UpdateGoalMetrics("g", "checkout", 10, 1, kClose).ok());
  ASSERT_TRUE(engine
                  ->Reload(Doc(Scheduler("Europe/Paris") +
                               Period("2026-06-01", "2026-07-31") +
                               R"("deadline":"2026-07-31",)"))
                  .ok());
  // The reload differs only in the deadline: it must still be installed
  // (not taken for a no-op reload), or the old deadline would keep applying.
  EXPECT_TRUE(engine->UpdateGoalMetrics("g", "checkout", 10, 1, kClose).ok())
      << "a reload that changes only the deadline was not installed";
}

}  // namespace
}  // namespace allot
