#include "allocation/traffic_schedule.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace allot {

void PrintTo(const TrafficBreakpoint& p, std::ostream* os) {
  *os << "{" << absl::FormatTime(absl::RFC3339_full, p.at, absl::UTCTimeZone())
      << ", " << p.share_bp << "}";
}

namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::StartsWith;

constexpr char kPath[] = "campaigns[0].variation_groups[1].allocation_config";

absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

TrafficScheduleSpec Periodic(std::string start, std::string tz,
                             double start_allocation, double step_allocation,
                             int64_t step, std::string step_type) {
  TrafficScheduleSpec spec;
  spec.start_date = std::move(start);
  spec.timezone = std::move(tz);
  spec.start_allocation = start_allocation;
  spec.periodic_steps =
      ScheduleStepSpec{step_allocation, step, std::move(step_type)};
  spec.path = kPath;
  return spec;
}

TrafficSchedule MustCreate(const TrafficScheduleSpec& spec) {
  absl::StatusOr<TrafficSchedule> s = TrafficSchedule::Create(spec);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : TrafficSchedule();
}

// ShareAt at, just before and just after every breakpoint; and the shares
// rise strictly with time.
void ExpectShareAtBreakpoints(const TrafficSchedule& s) {
  const auto& points = s.breakpoints();
  ASSERT_FALSE(points.empty());
  int32_t before = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "breakpoint " << i);
    if (i > 0) {
      EXPECT_GT(points[i].at, points[i - 1].at);
      EXPECT_GT(points[i].share_bp, points[i - 1].share_bp);
    }
    EXPECT_EQ(s.ShareAt(points[i].at - absl::Nanoseconds(1)), before);
    EXPECT_EQ(s.ShareAt(points[i].at), points[i].share_bp);
    EXPECT_EQ(s.ShareAt(points[i].at + absl::Nanoseconds(1)),
              points[i].share_bp);
    if (i + 1 < points.size()) {
      EXPECT_EQ(s.ShareAt(points[i + 1].at - absl::Nanoseconds(1)),
                points[i].share_bp);
    }
    before = points[i].share_bp;
  }
  EXPECT_EQ(s.ShareAt(absl::InfinitePast()), 0);
  EXPECT_EQ(s.ShareAt(absl::InfiniteFuture()), points.back().share_bp);
}

TEST(TrafficSchedule, DailyRampKeepsLocalTimeAcrossSpringForward) {
  // 10 % a day from Friday 27 March 2026 09:00 in Paris; clocks go forward on
  // Sunday 29 March, so 09:00 local moves from 08:00Z to 07:00Z.
  const TrafficSchedule s = MustCreate(
      Periodic("2026-03-27T09:00:00", "Europe/Paris", 10, 10, 1, "day"));
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 3, 27, 8, 0), 1000},
                          TrafficBreakpoint{Utc(2026, 3, 28, 8, 0), 2000},
                          TrafficBreakpoint{Utc(2026, 3, 29, 7, 0), 3000},
                          TrafficBreakpoint{Utc(2026, 3, 30, 7, 0), 4000},
                          TrafficBreakpoint{Utc(2026, 3, 31, 7, 0), 5000},
                          TrafficBreakpoint{Utc(2026, 4, 1, 7, 0), 6000},
                          TrafficBreakpoint{Utc(2026, 4, 2, 7, 0), 7000},
                          TrafficBreakpoint{Utc(2026, 4, 3, 7, 0), 8000},
                          TrafficBreakpoint{Utc(2026, 4, 4, 7, 0), 9000},
                          TrafficBreakpoint{Utc(2026, 4, 5, 7, 0), 10000}));
  ExpectShareAtBreakpoints(s);
  EXPECT_EQ(s.ShareAt(Utc(2026, 3, 27, 7, 59, 59)), 0);
  EXPECT_EQ(s.ShareAt(Utc(2026, 3, 29, 7, 30)), 3000);  // 09:30 CEST
  EXPECT_EQ(s.ShareAt(Utc(2026, 3, 29, 6, 59)), 2000);
  EXPECT_EQ(s.ShareAt(Utc(2027, 1, 1, 0, 0)), 10000);
}

TEST(TrafficSchedule, DailyRampKeepsLocalTimeAcrossFallBack) {
  // Clocks go back on Sunday 25 October 2026: 09:00 local moves from 07:00Z
  // to 08:00Z.
  const TrafficSchedule s = MustCreate(
      Periodic("2026-10-20T09:00:00", "Europe/Paris", 10, 10, 1, "day"));
  std::vector<TrafficBreakpoint> expected;
  for (int k = 0; k < 10; ++k) {
    const int day = 20 + k;
    expected.push_back(
        {Utc(2026, 10, day, day < 25 ? 7 : 8, 0), 1000 * (k + 1)});
  }
  EXPECT_THAT(s.breakpoints(), ElementsAreArray(expected));
  ExpectShareAtBreakpoints(s);
}

TEST(TrafficSchedule, DailyStepFromADstGapResolvesLikeFromCivil) {
  // 02:30 on 29 March does not exist in Paris: FromCivil gives the moment of
  // the jump (01:00Z, 03:00 CEST). The next day is 02:30 CEST again.
  const TrafficSchedule s = MustCreate(
      Periodic("2026-03-28T02:30:00", "Europe/Paris", 0, 50, 1, "day"));
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 3, 28, 1, 30), 0},
                          TrafficBreakpoint{Utc(2026, 3, 29, 1, 0), 5000},
                          TrafficBreakpoint{Utc(2026, 3, 30, 0, 30), 10000}));
  ExpectShareAtBreakpoints(s);
}

TEST(TrafficSchedule, HourStepsAreAbsoluteAcrossDst) {
  // Midnight in Paris on 29 March is 23:00Z the day before; two absolute
  // hours later is 01:00Z, which is 03:00 CEST (02:00 never happens).
  const TrafficSchedule s = MustCreate(
      Periodic("2026-03-29T00:00:00", "Europe/Paris", 0, 50, 1, "hour"));
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 3, 28, 23, 0), 0},
                          TrafficBreakpoint{Utc(2026, 3, 29, 0, 0), 5000},
                          TrafficBreakpoint{Utc(2026, 3, 29, 1, 0), 10000}));
}

TEST(TrafficSchedule, MinuteSteps) {
  const TrafficSchedule s =
      MustCreate(Periodic("2026-01-01T00:00:00Z", "", 0, 25, 15, "minute"));
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 1, 1, 0, 0), 0},
                          TrafficBreakpoint{Utc(2026, 1, 1, 0, 15), 2500},
                          TrafficBreakpoint{Utc(2026, 1, 1, 0, 30), 5000},
                          TrafficBreakpoint{Utc(2026, 1, 1, 0, 45), 7500},
                          TrafficBreakpoint{Utc(2026, 1, 1, 1, 0), 10000}));
  ExpectShareAtBreakpoints(s);
}

TEST(TrafficSchedule, WeekStepsAreCivil) {
  const TrafficSchedule s = MustCreate(
      Periodic("2026-03-22T09:00:00", "Europe/Paris", 0, 50, 1, "week"));
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 3, 22, 8, 0), 0},
                          TrafficBreakpoint{Utc(2026, 3, 29, 7, 0), 5000},
                          TrafficBreakpoint{Utc(2026, 4, 5, 7, 0), 10000}));
}

TEST(TrafficSchedule, MonthStepsClampToTheLastDayWithoutDrift) {
  // Step k is start + k months, so after February's clamp to the 28th the
  // schedule comes back to the 31st in March.
  const TrafficSchedule s =
      MustCreate(Periodic("2026-01-31T10:00:00Z", "", 10, 10, 1, "month"));
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 1, 31, 10, 0), 1000},
                          TrafficBreakpoint{Utc(2026, 2, 28, 10, 0), 2000},
                          TrafficBreakpoint{Utc(2026, 3, 31, 10, 0), 3000},
                          TrafficBreakpoint{Utc(2026, 4, 30, 10, 0), 4000},
                          TrafficBreakpoint{Utc(2026, 5, 31, 10, 0), 5000},
                          TrafficBreakpoint{Utc(2026, 6, 30, 10, 0), 6000},
                          TrafficBreakpoint{Utc(2026, 7, 31, 10, 0), 7000},
                          TrafficBreakpoint{Utc(2026, 8, 31, 10, 0), 8000},
                          TrafficBreakpoint{Utc(2026, 9, 30, 10, 0), 9000},
                          TrafficBreakpoint{Utc(2026, 10, 31, 10, 0), 10000}));
  const TrafficSchedule leap =
      MustCreate(Periodic("2028-01-31T10:00:00Z", "", 50, 50, 1, "month"));
  EXPECT_THAT(leap.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2028, 1, 31, 10, 0), 5000},
                          TrafficBreakpoint{Utc(2028, 2, 29, 10, 0), 10000}));
  // Quarterly from 30 November: 28 Feb (clamped), 30 May.
  const TrafficSchedule quarterly =
      MustCreate(Periodic("2025-11-30T10:00:00Z", "", 0, 50, 3, "month"));
  EXPECT_THAT(quarterly.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2025, 11, 30, 10, 0), 0},
                          TrafficBreakpoint{Utc(2026, 2, 28, 10, 0), 5000},
                          TrafficBreakpoint{Utc(2026, 5, 30, 10, 0), 10000}));
}

TEST(TrafficSchedule, ShareIsCappedAtHundred) {
  const TrafficSchedule s =
      MustCreate(Periodic("2026-01-01T00:00:00Z", "", 50, 30, 1, "hour"));
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 1, 1, 0, 0), 5000},
                          TrafficBreakpoint{Utc(2026, 1, 1, 1, 0), 8000},
                          TrafficBreakpoint{Utc(2026, 1, 1, 2, 0), 10000}));
  EXPECT_EQ(s.ShareAt(Utc(2030, 1, 1, 0, 0)), 10000);
}

TEST(TrafficSchedule, FractionalPercentsAreBasisPoints) {
  const TrafficSchedule s =
      MustCreate(Periodic("2026-01-01T00:00:00Z", "", 0.01, 33.33, 1, "day"));
  ASSERT_EQ(s.breakpoints().size(), 4u);
  EXPECT_EQ(s.breakpoints()[0].share_bp, 1);
  EXPECT_EQ(s.breakpoints()[1].share_bp, 3334);
  EXPECT_EQ(s.breakpoints()[2].share_bp, 6667);
  EXPECT_EQ(s.breakpoints()[3].share_bp, 10000);  // 1 + 3 × 3333
}

TEST(TrafficSchedule, ZeroStepOrFullStartGivesASingleBreakpoint) {
  const TrafficSchedule zero =
      MustCreate(Periodic("2026-01-01T00:00:00Z", "", 20, 0, 1, "day"));
  EXPECT_THAT(zero.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 1, 1, 0, 0), 2000}));
  EXPECT_EQ(zero.ShareAt(Utc(2099, 1, 1, 0, 0)), 2000);
  const TrafficSchedule full =
      MustCreate(Periodic("2026-01-01T00:00:00Z", "", 100, 10, 1, "day"));
  EXPECT_THAT(full.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 1, 1, 0, 0), 10000}));

  TrafficScheduleSpec no_steps;
  no_steps.start_date = "2026-01-01T00:00:00Z";
  no_steps.start_allocation = 40;
  const TrafficSchedule fixed = MustCreate(no_steps);
  EXPECT_THAT(fixed.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 1, 1, 0, 0), 4000}));
  EXPECT_EQ(fixed.ShareAt(Utc(2025, 12, 31, 23, 59)), 0);
}

TEST(TrafficSchedule, ZeroStartAllocationIsZeroAtStart) {
  const TrafficSchedule s =
      MustCreate(Periodic("2026-01-01T00:00:00Z", "", 0, 100, 1, "day"));
  EXPECT_EQ(s.ShareAt(Utc(2026, 1, 1, 0, 0)), 0);
  EXPECT_EQ(s.ShareAt(Utc(2026, 1, 2, 0, 0)), 10000);
}

TEST(TrafficSchedule, CustomStepsChainFromThePreviousStep) {
  TrafficScheduleSpec spec;
  spec.start_date = "2026-05-01T00:00:00Z";
  spec.start_allocation = 5;
  spec.custom_steps = {
      {10, 30, "minute"},  // 00:30 → 15 %
      {15, 2, "hour"},     // 02:30 → 30 %
      {20, 1, "day"},      // 2 May 02:30 → 50 %
      {0, 1, "week"},  // 9 May 02:30: no change, but later steps count from it
      {60, 1, "month"},  // 9 June 02:30 → 100 % (capped)
      {10, 1, "day"},    // past 100 %: ignored
  };
  spec.path = kPath;
  const TrafficSchedule s = MustCreate(spec);
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 5, 1, 0, 0), 500},
                          TrafficBreakpoint{Utc(2026, 5, 1, 0, 30), 1500},
                          TrafficBreakpoint{Utc(2026, 5, 1, 2, 30), 3000},
                          TrafficBreakpoint{Utc(2026, 5, 2, 2, 30), 5000},
                          TrafficBreakpoint{Utc(2026, 6, 9, 2, 30), 10000}));
  ExpectShareAtBreakpoints(s);
}

TEST(TrafficSchedule, CustomCivilStepsKeepLocalTimeAcrossDst) {
  TrafficScheduleSpec spec;
  spec.start_date = "2026-03-28T09:00:00";
  spec.timezone = "Europe/Paris";
  spec.start_allocation = 10;
  spec.custom_steps = {{10, 1, "day"}, {10, 2, "hour"}, {10, 1, "day"}};
  const TrafficSchedule s = MustCreate(spec);
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 3, 28, 8, 0), 1000},
                          // 09:00 CEST
                          TrafficBreakpoint{Utc(2026, 3, 29, 7, 0), 2000},
                          // two hours later: 11:00 CEST
                          TrafficBreakpoint{Utc(2026, 3, 29, 9, 0), 3000},
                          // next day, same wall-clock time
                          TrafficBreakpoint{Utc(2026, 3, 30, 9, 0), 4000}));
}

TEST(TrafficSchedule, CustomMonthStepsCountFromTheClampedDate) {
  TrafficScheduleSpec spec;
  spec.start_date = "2026-01-31T12:00:00Z";
  spec.custom_steps = {{30, 1, "month"}, {30, 1, "month"}};
  const TrafficSchedule s = MustCreate(spec);
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 1, 31, 12, 0), 0},
                          TrafficBreakpoint{Utc(2026, 2, 28, 12, 0), 3000},
                          TrafficBreakpoint{Utc(2026, 3, 28, 12, 0), 6000}));
}

TEST(TrafficSchedule, StartWithOffsetIsAnInstantAndCivilStepsUseTheZone) {
  // 07:00Z is 08:00 in Paris in winter: daily steps stay at 08:00 local,
  // i.e. 06:00Z once summer time starts.
  const TrafficSchedule s = MustCreate(
      Periodic("2026-03-28T07:00:00Z", "Europe/Paris", 0, 50, 1, "day"));
  EXPECT_THAT(s.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 3, 28, 7, 0), 0},
                          TrafficBreakpoint{Utc(2026, 3, 29, 6, 0), 5000},
                          TrafficBreakpoint{Utc(2026, 3, 30, 6, 0), 10000}));
}

TEST(TrafficSchedule, ShareNeverDecreasesOverTime) {
  const TrafficSchedule s = MustCreate(
      Periodic("2026-03-20T09:00:00", "Europe/Paris", 1, 3, 7, "hour"));
  int32_t previous = 0;
  for (absl::Time t = Utc(2026, 3, 19, 0, 0); t < Utc(2026, 4, 10, 0, 0);
       t += absl::Minutes(17)) {
    const int32_t share = s.ShareAt(t);
    ASSERT_GE(share, previous);
    ASSERT_LE(share, 10000);
    previous = share;
  }
  EXPECT_EQ(previous, 10000);
  ExpectShareAtBreakpoints(s);
}

TEST(TrafficSchedule, UnreachableStepsAreLeftOut) {
  const TrafficSchedule periodic =
      MustCreate(Periodic("2026-01-01T00:00:00Z", "", 10, 10,
                          std::numeric_limits<int64_t>::max(), "month"));
  EXPECT_EQ(periodic.breakpoints().size(), 1u);
  TrafficScheduleSpec spec;
  spec.start_date = "2026-01-01T00:00:00Z";
  spec.custom_steps = {{10, 1, "day"},
                       {10, std::numeric_limits<int64_t>::max(), "minute"},
                       {10, 1, "day"}};
  const TrafficSchedule custom = MustCreate(spec);
  EXPECT_THAT(custom.breakpoints(),
              ElementsAre(TrafficBreakpoint{Utc(2026, 1, 1, 0, 0), 0},
                          TrafficBreakpoint{Utc(2026, 1, 2, 0, 0), 1000}));
}

TEST(TrafficSchedule, DefaultIsAlwaysZeroAndCopiesShareBreakpoints) {
  const TrafficSchedule none;
  EXPECT_TRUE(none.breakpoints().empty());
  EXPECT_EQ(none.ShareAt(absl::Now()), 0);
  EXPECT_EQ(none.ShareAt(absl::InfiniteFuture()), 0);

  const TrafficSchedule s =
      MustCreate(Periodic("2026-01-01T00:00:00Z", "", 10, 10, 1, "day"));
  const TrafficSchedule copy = s;
  EXPECT_EQ(&copy.breakpoints(), &s.breakpoints());
  EXPECT_EQ(copy.ShareAt(Utc(2026, 1, 3, 0, 0)), 3000);
}

struct ErrorCase {
  const char* name;
  TrafficScheduleSpec spec;
  std::string message;  // full message, or its start when `prefix` is set
  bool prefix = false;
};

std::vector<ErrorCase> ErrorCases() {
  const std::string p = kPath;
  auto base = [] {
    return Periodic("2026-03-27T09:00:00", "Europe/Paris", 10, 10, 1, "day");
  };
  std::vector<ErrorCase> cases;
  {
    TrafficScheduleSpec s = base();
    s.start_date = "";
    cases.push_back({"missing start", s,
                     p + ".start_date: missing start date; expected RFC 3339 "
                         "such as \"2026-03-27T09:00:00Z\", or a civil time "
                         "such as \"2026-03-27T09:00:00\" read in the time "
                         "zone"});
  }
  {
    TrafficScheduleSpec s = base();
    s.start_date = "next tuesday";
    cases.push_back({"bad start", s,
                     p + ".start_date: invalid date-time \"next tuesday\"; "
                         "expected RFC 3339",
                     true});
  }
  {
    TrafficScheduleSpec s = base();
    s.start_date = "2026-02-30T09:00:00";
    cases.push_back({"impossible start", s,
                     p + ".start_date: invalid date-time "
                         "\"2026-02-30T09:00:00\": day 30 out of range",
                     true});
  }
  {
    TrafficScheduleSpec s = base();
    s.timezone = "Mars/Olympus";
    cases.push_back({"unknown zone", s,
                     p + ".timezone: unknown time zone \"Mars/Olympus\"",
                     true});
  }
  {
    TrafficScheduleSpec s = base();
    s.start_allocation = 150;
    cases.push_back({"start allocation too big", s,
                     p + ".start_allocation: percent 150 is out of range; "
                         "expected a percent in [0, 100] with at most 2 "
                         "decimals"});
  }
  {
    TrafficScheduleSpec s = base();
    s.start_allocation = 10.005;
    cases.push_back({"start allocation 3 decimals", s,
                     p + ".start_allocation: percent 10.005 has more than 2 "
                         "decimals",
                     true});
  }
  {
    TrafficScheduleSpec s = base();
    s.periodic_steps->allocation_step = -1;
    cases.push_back({"negative periodic step allocation", s,
                     p + ".periodic_steps.allocation_step: percent -1 is out "
                         "of range",
                     true});
  }
  {
    TrafficScheduleSpec s = base();
    s.periodic_steps->step = 0;
    cases.push_back({"zero periodic step", s,
                     p + ".periodic_steps.step: step 0 is not positive; "
                         "expected a whole number of step_type units, at "
                         "least 1"});
  }
  {
    TrafficScheduleSpec s = base();
    s.periodic_steps->step_type = "fortnight";
    cases.push_back({"unknown step type", s,
                     p + ".periodic_steps.step_type: unknown step type "
                         "\"fortnight\"; expected minute, hour, day, week or "
                         "month"});
  }
  {
    TrafficScheduleSpec s = base();
    s.periodic_steps->step_type = "";
    cases.push_back({"missing step type", s,
                     p + ".periodic_steps.step_type: missing step type; "
                         "expected minute, hour, day, week or month"});
  }
  {
    TrafficScheduleSpec s = base();
    s.periodic_steps.reset();
    s.custom_steps = {{10, 1, "day"}, {10, 1, "day"}, {10, -3, "day"}};
    cases.push_back({"negative custom step", s,
                     p + ".custom_steps[2].step: step -3 is not positive; "
                         "expected a whole number of step_type units, at "
                         "least 1"});
  }
  {
    TrafficScheduleSpec s = base();
    s.periodic_steps.reset();
    s.custom_steps = {{12.345, 1, "day"}};
    cases.push_back({"custom allocation 3 decimals", s,
                     p + ".custom_steps[0].allocation_step: percent 12.345 "
                         "has more than 2 decimals",
                     true});
  }
  {
    TrafficScheduleSpec s = base();
    s.periodic_steps.reset();
    s.custom_steps = {{10, 1, "day"}, {10, 1, "Day"}};
    cases.push_back({"custom step type", s,
                     p + ".custom_steps[1].step_type: unknown step type "
                         "\"Day\"; expected minute, hour, day, week or month"});
  }
  {
    TrafficScheduleSpec s = base();
    s.custom_steps = {{10, 1, "day"}};
    cases.push_back({"both", s,
                     p + ".custom_steps: both periodic_steps and custom_steps "
                         "are set; expected only one of them"});
  }
  {
    TrafficScheduleSpec s = base();
    s.path = "";
    s.timezone = "Nowhere";
    cases.push_back(
        {"no path", s, "timezone: unknown time zone \"Nowhere\"", true});
  }
  return cases;
}

TEST(TrafficSchedule, ValidationErrorsCarryTheFullPath) {
  for (const ErrorCase& c : ErrorCases()) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<TrafficSchedule> s = TrafficSchedule::Create(c.spec);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(s.status().message());
    if (c.prefix) {
      EXPECT_THAT(message, StartsWith(c.message));
    } else {
      EXPECT_EQ(message, c.message);
    }
  }
}

// SpanAt gives the interval around an instant over which the share is
// constant: it contains the instant, carries ShareAt's share, and its ends
// are breakpoints (or the ends of time).
TEST(TrafficSchedule, SpanAtAgreesWithShareAt) {
  absl::StatusOr<TrafficSchedule> s =
      TrafficSchedule::Create(Periodic("2026-03-27T09:00:00", "Europe/Paris", 10, 10, 1, "day"));
  ASSERT_TRUE(s.ok()) << s.status();
  const absl::Time first = s->breakpoints().front().at;
  const absl::Time last = s->breakpoints().back().at;
  for (absl::Time t = first - absl::Hours(30); t < last + absl::Hours(30); t += absl::Minutes(97)) {
    const int64_t now = TrafficSchedule::Instant(t);
    const TrafficSchedule::Span span = s->SpanAt(now);
    ASSERT_TRUE(span.Contains(now)) << absl::FormatTime(t);
    EXPECT_EQ(span.share_bp, s->ShareAt(t));
    if (span.until != std::numeric_limits<int64_t>::max()) {
      EXPECT_NE(s->ShareAtInstant(span.until), span.share_bp);
      EXPECT_EQ(s->ShareAtInstant(span.until - 1), span.share_bp);
    }
    if (span.from != std::numeric_limits<int64_t>::min()) {
      EXPECT_NE(s->ShareAtInstant(span.from - 1), span.share_bp);
    }
  }
  // A schedule that never starts: share 0 for all time.
  const TrafficSchedule never;
  EXPECT_EQ(never.SpanAt(TrafficSchedule::Instant(first)).share_bp, 0);
  EXPECT_TRUE(never.SpanAt(TrafficSchedule::Instant(first)).Contains(TrafficSchedule::Instant(first)));
}

}  // namespace
}  // namespace allot

namespace allot {
namespace {

// One percent rule for every allocation (variations, start_allocation,
// periodic and custom steps): 1e-300 was accepted as a 0 % periodic step
// while 1e-04 was refused in custom steps.
TEST(TrafficSchedule, OnePercentRuleForEveryStep) {
  for (double step : {1e-300, 1e-04, 0.005}) {
    SCOPED_TRACE(step);
    TrafficScheduleSpec periodic;
    periodic.start_date = "2026-03-27T09:00:00Z";
    periodic.start_allocation = 10;
    periodic.periodic_steps = ScheduleStepSpec{step, 1, "day"};
    periodic.path = "g.allocation_config";
    absl::StatusOr<TrafficSchedule> p = TrafficSchedule::Create(periodic);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(std::string(p.status().message())
                  .rfind("g.allocation_config.periodic_steps.allocation_step: ", 0),
              0u)
        << p.status().message();
    TrafficScheduleSpec custom = periodic;
    custom.periodic_steps.reset();
    custom.custom_steps = {ScheduleStepSpec{step, 1, "day"}};
    absl::StatusOr<TrafficSchedule> c = TrafficSchedule::Create(custom);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(std::string(c.status().message())
                  .rfind("g.allocation_config.custom_steps[0].allocation_step: ", 0),
              0u)
        << c.status().message();
  }
}

// Instant's inline branch (1970 to 2242) and its out-of-line one agree with
// absl::ToUnixNanos wherever that fits in int64, and saturate beyond.
TEST(TrafficSchedule, InstantIsUnixNanosFlooredAndSaturated) {
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  std::vector<absl::Time> times = {
      absl::UnixEpoch(),
      absl::UnixEpoch() - absl::Nanoseconds(1),
      absl::UnixEpoch() + absl::Nanoseconds(1),
      absl::UnixEpoch() + absl::Nanoseconds(1) / 4,  // a quarter: floors to 0
      absl::UnixEpoch() - absl::Nanoseconds(1) / 4,  // floors to -1
      absl::FromUnixSeconds(1893456000) + absl::Nanoseconds(999999999),
      absl::FromUnixSeconds((int64_t{1} << 33) - 1) + absl::Nanoseconds(7),
      absl::FromUnixSeconds(int64_t{1} << 33),
      absl::FromUnixSeconds(-1234567890) + absl::Nanoseconds(3),
      absl::FromUnixNanos(kMax),
      absl::FromUnixNanos(kMin),
  };
  for (int64_t s = 1; s < (int64_t{1} << 36); s = s * 3 + 1) {
    times.push_back(absl::FromUnixSeconds(s) +
                    absl::Nanoseconds(s % 1000000000));
    times.push_back(absl::FromUnixSeconds(-s) +
                    absl::Nanoseconds(s % 1000000000));
  }
  for (absl::Time t : times) {
    EXPECT_EQ(TrafficSchedule::Instant(t), absl::ToUnixNanos(t)) << t;
  }
  EXPECT_EQ(TrafficSchedule::Instant(absl::FromUnixNanos(kMax) +
                                     absl::Nanoseconds(1)),
            kMax);
  EXPECT_EQ(TrafficSchedule::Instant(absl::FromUnixSeconds(int64_t{1} << 40)),
            kMax);
  EXPECT_EQ(TrafficSchedule::Instant(absl::InfiniteFuture()), kMax);
  EXPECT_EQ(TrafficSchedule::Instant(absl::FromUnixNanos(kMin) -
                                     absl::Nanoseconds(1)),
            kMin);
  EXPECT_EQ(TrafficSchedule::Instant(absl::InfinitePast()), kMin);
}

}  // namespace
}  // namespace allot
