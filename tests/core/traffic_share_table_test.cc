// Sampling a group's traffic share over time (what `allot schedule` prints).
#include "core/traffic_share_table.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

using ::allot::testing::At;
using ::allot::testing::ReadTestFile;

std::shared_ptr<const CompiledConfig> Rollout() {
  auto config = LoadConfig(ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) + "/rollout.json"));
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : nullptr;
}

TEST(TrafficShareTable, DailySamplesKeepLocalTimeAcrossDst) {
  auto config = Rollout();
  ASSERT_NE(config, nullptr);
  TrafficShareQuery q;
  q.group_id = "new-search-all";
  q.from = "2026-03-26T09:00";
  q.to = "2026-04-06T09:00";
  q.every = "1d";
  absl::StatusOr<TrafficShareTable> t = SampleTrafficShare(*config, q);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows.size(), 12u);
  EXPECT_EQ(t->rows[0].share_bp, 0);
  for (size_t i = 1; i < t->rows.size(); ++i) {
    EXPECT_EQ(t->rows[i].share_bp, std::min<int32_t>(10000, 1000 * static_cast<int32_t>(i)));
    // 09:00 in Paris every day: 08:00Z in winter time, 07:00Z from 29 March.
    const absl::CivilSecond local = absl::ToCivilSecond(t->rows[i].at, t->time_zone);
    EXPECT_EQ(local.hour(), 9) << FormatLocalTime(t->rows[i].at, t->time_zone);
  }
  EXPECT_EQ(t->rows[3].at, At("2026-03-29T07:00:00Z"));
  EXPECT_EQ(FormatLocalTime(t->rows[3].at, t->time_zone), "2026-03-29T09:00:00+02:00");
}

TEST(TrafficShareTable, AbsoluteStepsAndAnotherZone) {
  auto config = Rollout();
  ASSERT_NE(config, nullptr);
  TrafficShareQuery q;
  q.group_id = "new-search-all";
  q.from = "2026-03-29T06:00:00Z";
  q.to = "2026-03-29T08:00:00Z";
  q.every = "30m";
  q.time_zone = "UTC";
  absl::StatusOr<TrafficShareTable> t = SampleTrafficShare(*config, q);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows.size(), 5u);
  EXPECT_EQ(t->rows[1].share_bp, 2000);  // 06:30Z
  EXPECT_EQ(t->rows[2].share_bp, 3000);  // 07:00Z, 09:00 in Paris
  EXPECT_EQ(FormatLocalTime(t->rows[2].at, t->time_zone), "2026-03-29T07:00:00+00:00");
}

TEST(TrafficShareTable, GroupWithoutRolloutIsAtFullTraffic) {
  auto config = LoadConfig(ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) + "/campaigns.json"));
  ASSERT_TRUE(config.ok());
  TrafficShareQuery q;
  q.group_id = (*config)->groups()[0].id;
  ASSERT_FALSE((*config)->groups()[0].schedule.has_value());
  q.from = "2026-01-01T00:00:00Z";
  q.to = "2026-01-01T03:00:00Z";
  absl::StatusOr<TrafficShareTable> t = SampleTrafficShare(**config, q);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows.size(), 4u);
  for (const TrafficShareRow& r : t->rows) EXPECT_EQ(r.share_bp, 10000);
}

TEST(TrafficShareTable, BadQueriesSayWhichField) {
  auto config = Rollout();
  ASSERT_NE(config, nullptr);
  TrafficShareQuery good;
  good.group_id = "new-search-all";
  good.from = "2026-03-26T09:00";
  good.to = "2026-03-27T09:00";
  struct Case {
    void (*edit)(TrafficShareQuery*);
    absl::StatusCode code;
    const char* prefix;
  };
  const Case cases[] = {
      {[](TrafficShareQuery* q) { q->group_id = "nope"; }, absl::StatusCode::kNotFound, "no variation group"},
      {[](TrafficShareQuery* q) { q->from = "soon"; }, absl::StatusCode::kInvalidArgument, "from: "},
      {[](TrafficShareQuery* q) { q->to = "2026-13-01T00:00"; }, absl::StatusCode::kInvalidArgument, "to: "},
      {[](TrafficShareQuery* q) { q->to = "2026-03-01T00:00"; }, absl::StatusCode::kInvalidArgument, "to: before from"},
      {[](TrafficShareQuery* q) { q->every = "0s"; }, absl::StatusCode::kInvalidArgument, "every: "},
      {[](TrafficShareQuery* q) { q->every = "1ns"; }, absl::StatusCode::kInvalidArgument, "every: from, to and every give more than"},
      {[](TrafficShareQuery* q) { q->time_zone = "Mars/Olympus"; }, absl::StatusCode::kInvalidArgument, "time_zone: "},
  };
  for (const Case& c : cases) {
    TrafficShareQuery q = good;
    c.edit(&q);
    absl::StatusOr<TrafficShareTable> t = SampleTrafficShare(*config, q);
    EXPECT_EQ(t.status().code(), c.code) << t.status();
    EXPECT_EQ(t.status().message().substr(0, std::string_view(c.prefix).size()), c.prefix)
        << t.status();
  }
}

}  // namespace
}  // namespace allot
