// Ramp safety of progressive rollouts (DESIGN §5): over 100,000 visitors and
// every step of a schedule, raising the traffic share only adds visitors —
// nobody allocated leaves or changes variation — and the allocated fraction
// tracks the share.
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

constexpr int kVisitors = 100'000;

// One campaign, one group for everyone, four variations summing to 100 %,
// with the given allocation_config.
std::string RampConfig(const std::string& allocation_config,
                       const std::string& bucketing) {
  return absl::StrCat(R"({"campaigns":[{"id":"ramp","type":"ab","variation_groups":[{"id":"ramp-g",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"v0","allocation":25},{"id":"v1","allocation":25},
                  {"id":"v2","allocation":25},{"id":"v3","allocation":25}],
    "allocation_config":)",
                      allocation_config, R"(}]}],"settings":{"bucketing":")",
                      bucketing, R"("}})");
}

struct RampCase {
  const char* name;
  const char* allocation_config;
  const char* bucketing;
};

void CheckRamp(const RampCase& c) {
  SCOPED_TRACE(c.name);
  auto loaded = LoadConfig(RampConfig(c.allocation_config, c.bucketing));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const CompiledConfig& config = **loaded;
  const CompiledConfig::Group& group = config.groups()[0];
  ASSERT_TRUE(group.schedule.has_value());
  const std::vector<TrafficBreakpoint>& points = group.schedule->breakpoints();
  ASSERT_GE(points.size(), 5u);

  // Instants to check: just before the start, then each breakpoint and the
  // moment before the next one.
  std::vector<absl::Time> instants = {points.front().at - absl::Nanoseconds(1)};
  for (size_t i = 0; i < points.size(); ++i) {
    instants.push_back(points[i].at);
    if (i + 1 < points.size()) instants.push_back(points[i + 1].at - absl::Seconds(1));
  }
  instants.push_back(points.back().at + absl::Hours(24 * 365));

  std::vector<int32_t> assigned(kVisitors, -1);  // variation, or -1
  VisitorContext ctx;
  DecisionList list;
  int steps_checked = 0;
  for (absl::Time now : instants) {
    const int32_t share_bp = group.schedule->ShareAt(now);
    int allocated = 0;
    for (int i = 0; i < kVisitors; ++i) {
      ctx.Reset(absl::StrCat("visitor-", i));
      ASSERT_TRUE(config.DecideAll(ctx, now, &list).ok());
      const Decision& d = list[0];
      const int32_t v = d.reason == DecisionReason::kAllocated ? d.variation : -1;
      if (d.reason != DecisionReason::kAllocated) {
        ASSERT_EQ(d.reason, DecisionReason::kNotInTraffic) << "visitor-" << i;
      }
      if (assigned[i] >= 0) {
        // Once in, always in, in the same variation.
        ASSERT_EQ(v, assigned[i]) << "visitor-" << i << " at "
                                  << absl::FormatTime(now) << " share " << share_bp;
      }
      assigned[i] = v;
      allocated += v >= 0;
    }
    const double fraction = static_cast<double>(allocated) / kVisitors;
    EXPECT_NEAR(fraction, share_bp / 10000.0, 0.01)
        << "at " << absl::FormatTime(now) << " share " << share_bp;
    ++steps_checked;
  }
  EXPECT_EQ(steps_checked, static_cast<int>(instants.size()));
  // Fully ramped at the end: every visitor allocated, the four variations
  // each within 1 % of a quarter.
  std::vector<int> counts(4, 0);
  for (int32_t v : assigned) {
    ASSERT_GE(v, 0);
    ++counts[v - group.first_variation];
  }
  for (int n : counts) EXPECT_NEAR(n / static_cast<double>(kVisitors), 0.25, 0.01);
}

TEST(RampSafety, DailyPeriodicRampInXxh3Mode) {
  CheckRamp({"daily 10 % from 10 % across the spring DST change",
             R"({"start_date":"2026-03-27T09:00:00","timezone":"Europe/Paris",
                 "start_allocation":10,
                 "periodic_steps":{"allocation_step":10,"step":1,"step_type":"day"}})",
             "xxh3"});
}

TEST(RampSafety, CustomStepsWithFractionalSharesInXxh3Mode) {
  CheckRamp({"custom steps 1 %, 5.5 %, 12.25 %, 50 %, 100 %",
             R"({"start_date":"2026-05-04T08:00:00Z","start_allocation":1,
                 "custom_steps":[
                   {"allocation_step":4.5,"step":2,"step_type":"hour"},
                   {"allocation_step":6.75,"step":1,"step_type":"day"},
                   {"allocation_step":37.75,"step":1,"step_type":"week"},
                   {"allocation_step":50,"step":1,"step_type":"month"}]})",
             "xxh3"});
}

TEST(RampSafety, HourlyRampInFlagshipMode) {
  CheckRamp({"hourly 20 % from 5 % with flagship buckets",
             R"({"start_date":"2026-10-25T00:30:00","timezone":"Europe/Paris",
                 "start_allocation":5,
                 "periodic_steps":{"allocation_step":20,"step":1,"step_type":"hour"}})",
             "flagship"});
}

// A DecisionList remembers each schedule's share span between calls; moving
// back and forth in time (and across the start and the end of the ramp) must
// give exactly what a fresh list gives.
TEST(RampSafety, ReusedDecisionListFollowsTimeBackAndForth) {
  auto loaded = LoadConfig(RampConfig(
      R"({"start_date":"2026-05-04T08:00:00Z","start_allocation":10,
          "periodic_steps":{"allocation_step":10,"step":1,"step_type":"hour"}})",
      "xxh3"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const absl::Time start = absl::FromCivil(absl::CivilSecond(2026, 5, 4, 8, 0, 0),
                                           absl::UTCTimeZone());
  const int offsets_minutes[] = {30, -5, 0, 600, 59, 61, 1000, 120, -600, 540, 539};
  VisitorContext ctx;
  DecisionList reused;
  int not_in_traffic = 0;
  for (int round = 0; round < 3; ++round) {
    for (int m : offsets_minutes) {
      const absl::Time now = start + absl::Minutes(m);
      for (int i = 0; i < 2000; ++i) {
        ctx.Reset(absl::StrCat("v", i));
        DecisionList fresh;
        ASSERT_TRUE((*loaded)->DecideAll(ctx, now, &reused).ok());
        ASSERT_TRUE((*loaded)->DecideAll(ctx, now, &fresh).ok());
        ASSERT_EQ(reused[0].reason, fresh[0].reason) << m << " min, v" << i;
        ASSERT_EQ(reused[0].variation, fresh[0].variation);
        not_in_traffic += fresh[0].reason == DecisionReason::kNotInTraffic;
      }
    }
  }
  EXPECT_GT(not_in_traffic, 0);
}

}  // namespace
}  // namespace allot
