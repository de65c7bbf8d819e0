// Automatic rollback (DESIGN §6) and the Engine's run-time state: goal
// metrics, latches, reset, reloads, export/import, concurrency.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/engine.h"
#include "core/rollback_condition.h"
#include "core/internal/runtime_state.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

using ::allot::testing::At;

// Campaign "c" has group "g" (a 50/50 test with a reference variation) guarded
// by `condition`; campaign "d" has group "plain" without a rollback
// condition. `extra` is appended to the campaign list.
std::string ConfigWith(const std::string& condition,
                       const std::string& extra = "") {
  return absl::StrCat(R"({"campaigns":[
  {"id":"c","type":"ab","variation_groups":[{"id":"g",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"g-ref","reference":true,"allocation":50,"modifications":{"type":"FLAG","value":{"checkout":"old"}}},
                  {"id":"g-new","allocation":50,"modifications":{"type":"FLAG","value":{"checkout":"new"}}}],
    "allocation_config":{"start_date":"2026-01-01T00:00:00Z","start_allocation":100,
      "rollback_condition":)",
                      condition, R"(}}]},
  {"id":"d","type":"ab","variation_groups":[{"id":"plain",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"plain-a","allocation":100}]}]})",
                      extra, R"(]})");
}

std::string Condition(const std::string& op, double value,
                      int64_t min_visitors,
                      const std::string& goal = R"({"type":"transaction","id":"checkout","label":"Checkout rate"})") {
  return absl::StrCat(R"({"goal":)", goal, R"(,"operator":")", op,
                      R"(","value":)", value, R"(,"min_visitors":)",
                      min_visitors, "}");
}

std::unique_ptr<Engine> MakeEngine(const std::string& json) {
  auto engine = Engine::Create(json);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *std::move(engine) : nullptr;
}

const absl::Time kNow = At("2026-06-01T12:00:00Z");

// The decisions of a few visitors for campaign "c".
std::vector<DecisionReason> ReasonsForC(const Engine& engine) {
  std::vector<DecisionReason> out;
  DecisionList list;
  for (int i = 0; i < 20; ++i) {
    VisitorContext ctx(absl::StrCat("visitor-", i));
    EXPECT_TRUE(engine.DecideAll(ctx, kNow, &list).ok());
    out.push_back(list[0].reason);
  }
  return out;
}

struct OperatorCase {
  const char* op;
  double value;
  int64_t visitors;
  int64_t conversions;
  bool trips;
};

TEST(RollbackCondition, EachComparisonOperator) {
  // KPI = 100 * conversions / visitors; 20 of 1000 is 2 %.
  const OperatorCase cases[] = {
      {"LOWER_THAN", 2.5, 1000, 20, true},
      {"LOWER_THAN", 2.0, 1000, 20, false},
      {"LOWER_THAN_OR_EQUALS", 2.0, 1000, 20, true},
      {"LOWER_THAN_OR_EQUALS", 1.9, 1000, 20, false},
      {"GREATER_THAN", 1.5, 1000, 20, true},
      {"GREATER_THAN", 2.0, 1000, 20, false},
      {"GREATER_THAN_OR_EQUALS", 2.0, 1000, 20, true},
      {"GREATER_THAN_OR_EQUALS", 2.1, 1000, 20, false},
      {"EQUALS", 2.0, 1000, 20, true},
      {"EQUALS", 2.5, 1000, 20, false},
      {"NOT_EQUALS", 2.5, 1000, 20, true},
      {"NOT_EQUALS", 2.0, 1000, 20, false},
  };
  for (const OperatorCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.op, " ", c.value));
    RollbackConditionSpec spec;
    spec.goal_id = "checkout";
    spec.op = c.op;
    spec.value = c.value;
    EXPECT_EQ(RollbackConditionHolds(spec, c.visitors, c.conversions), c.trips);

    // The same through the engine: the latch and the decisions follow.
    auto engine = MakeEngine(ConfigWith(Condition(c.op, c.value, 0)));
    ASSERT_NE(engine, nullptr);
    absl::StatusOr<bool> latched =
        engine->UpdateGoalMetrics("g", "checkout", c.visitors, c.conversions, kNow);
    ASSERT_TRUE(latched.ok()) << latched.status();
    EXPECT_EQ(*latched, c.trips);
    EXPECT_EQ(*engine->IsRolledBack("g"), c.trips);
    for (DecisionReason r : ReasonsForC(*engine)) {
      EXPECT_EQ(r == DecisionReason::kRolledBack, c.trips);
    }
  }
}

TEST(RollbackCondition, MinVisitorsBoundary) {
  auto engine = MakeEngine(ConfigWith(Condition("LOWER_THAN", 2.5, 1000)));
  ASSERT_NE(engine, nullptr);
  // A KPI of 0 % is below 2.5 %, but 999 visitors are not enough.
  EXPECT_FALSE(*engine->UpdateGoalMetrics("g", "checkout", 999, 0, kNow));
  EXPECT_FALSE(*engine->IsRolledBack("g"));
  EXPECT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 1000, 0, kNow));
  EXPECT_TRUE(*engine->IsRolledBack("g"));
}

TEST(RollbackCondition, NoVisitorsNeverTrips) {
  RollbackConditionSpec spec;
  spec.op = "LOWER_THAN";
  spec.value = 50;
  EXPECT_FALSE(RollbackConditionHolds(spec, 0, 0));
  EXPECT_TRUE(RollbackConditionHolds(spec, 1, 0));
}

TEST(Rollback, LatchHoldsUntilResetAndGivesTheReferenceVariation) {
  auto engine = MakeEngine(ConfigWith(Condition("LOWER_THAN", 2.5, 100)));
  ASSERT_NE(engine, nullptr);
  for (DecisionReason r : ReasonsForC(*engine)) {
    EXPECT_EQ(r, DecisionReason::kAllocated);
  }
  ASSERT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 500, 5, kNow));
  VisitorContext ctx("visitor-7");
  DecisionList list;
  ASSERT_TRUE(engine->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kRolledBack);
  EXPECT_EQ(list.variation_id(0), "g-ref");
  EXPECT_EQ(list[1].reason, DecisionReason::kAllocated);  // other groups unaffected

  // Better numbers later do not lift the latch; the same totals again change
  // nothing (idempotent).
  const std::string before = engine->ExportState();
  EXPECT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 500, 5, kNow));
  EXPECT_EQ(engine->ExportState(), before);
  EXPECT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 5000, 900, kNow + absl::Hours(1)));
  EXPECT_TRUE(*engine->IsRolledBack("g"));
  // The latch keeps the instant and totals that tripped it.
  const std::string after = engine->ExportState();
  EXPECT_NE(after.find("\"rollback\":{\"goal\":\"checkout\",\"visitors\":500,"
                       "\"conversions\":5,\"at\":\"2026-06-01T12:00:00+00:00\"}"),
            std::string::npos)
      << after;
  EXPECT_NE(after.find("\"visitors\":5000,\"conversions\":900,"
                       "\"updated_at\":\"2026-06-01T13:00:00+00:00\""),
            std::string::npos)
      << after;

  ASSERT_TRUE(engine->ResetRollback("g").ok());
  EXPECT_FALSE(*engine->IsRolledBack("g"));
  for (DecisionReason r : ReasonsForC(*engine)) {
    EXPECT_EQ(r, DecisionReason::kAllocated);
  }
  // Bad totals fed after the reset trip it again.
  EXPECT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 500, 5, kNow));
}

TEST(Rollback, GoalLabelIsTheKeyWhenTheGoalHasNoId) {
  auto engine = MakeEngine(ConfigWith(Condition(
      "LOWER_THAN", 10, 0, R"({"type":"transaction","label":"Add to cart"})")));
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->UpdateGoalMetrics("g", "checkout", 10, 0, kNow).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(*engine->UpdateGoalMetrics("g", "Add to cart", 10, 0, kNow));
}

TEST(Rollback, BadCallsAreErrorsAndChangeNothing) {
  auto engine = MakeEngine(ConfigWith(Condition("LOWER_THAN", 2.5, 0)));
  ASSERT_NE(engine, nullptr);
  const std::string before = engine->ExportState();
  auto code = [&](absl::StatusOr<bool> r) { return r.status().code(); };
  EXPECT_EQ(code(engine->UpdateGoalMetrics("nope", "checkout", 10, 0, kNow)),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(code(engine->UpdateGoalMetrics("plain", "checkout", 10, 0, kNow)),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<bool> wrong_goal = engine->UpdateGoalMetrics("g", "signup", 10, 0, kNow);
  EXPECT_EQ(code(wrong_goal), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(wrong_goal.status().message().find("watches goal \"checkout\""),
            std::string::npos)
      << wrong_goal.status();
  EXPECT_EQ(code(engine->UpdateGoalMetrics("g", "checkout", -1, 0, kNow)),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(engine->UpdateGoalMetrics("g", "checkout", 10, 11, kNow)),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine->ResetRollback("nope").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine->IsRolledBack("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine->ExportState(), before);
}

TEST(Rollback, LatchSurvivesReloadForIdsThatStillExist) {
  const std::string condition = Condition("LOWER_THAN", 2.5, 0);
  auto engine = MakeEngine(ConfigWith(condition));
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 100, 1, kNow));
  ASSERT_TRUE(engine->SetCampaignActive("d", false).ok());

  // A new campaign in front moves "g" to another index: the latch follows
  // the id.
  const std::string front = R"({"id":"new","type":"ab","variation_groups":[{"id":"n",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"n-a","allocation":100}]}]},)";
  std::string reordered = ConfigWith(condition);
  reordered.insert(reordered.find('[') + 1, front);
  ASSERT_TRUE(engine->Reload(reordered).ok());
  VisitorContext ctx("visitor-3");
  DecisionList list;
  ASSERT_TRUE(engine->DecideAll(ctx, kNow, &list).ok());
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].reason, DecisionReason::kAllocated);
  EXPECT_EQ(list[1].reason, DecisionReason::kRolledBack);
  EXPECT_EQ(list[2].reason, DecisionReason::kCampaignInactive);

  // A bad reload changes nothing.
  EXPECT_FALSE(engine->Reload("{").ok());
  EXPECT_TRUE(*engine->IsRolledBack("g"));

  // A config without group "g" drops its state; bringing it back starts clean.
  const std::string without_g = R"({"campaigns":[{"id":"d","type":"ab","variation_groups":[{"id":"plain",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"plain-a","allocation":100}]}]}]})";
  ASSERT_TRUE(engine->Reload(without_g).ok());
  EXPECT_EQ(engine->IsRolledBack("g").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(engine->Reload(ConfigWith(condition)).ok());
  EXPECT_FALSE(*engine->IsRolledBack("g"));
  // The toggle of "d", which stayed, is still there.
  ASSERT_TRUE(engine->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[1].reason, DecisionReason::kCampaignInactive);
}

TEST(RuntimeStateDocument, ExportImportRoundTripsExactly) {
  const std::string config = ConfigWith(Condition("LOWER_THAN", 2.5, 0));
  auto engine = MakeEngine(config);
  ASSERT_NE(engine, nullptr);
  const absl::Time tripped = At("2026-06-01T12:34:56.123456789Z");
  ASSERT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 2000, 30, tripped));
  ASSERT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 4000, 200, tripped + absl::Hours(2)));
  ASSERT_TRUE(engine->SetCampaignActive("d", false).ok());
  ASSERT_TRUE(engine->SetCampaignActive("c", true).ok());
  const std::string exported = engine->ExportState();
  EXPECT_NE(exported.find("\"rollback\":{\"goal\":\"checkout\",\"visitors\":2000,"
                          "\"conversions\":30,\"at\":\"2026-06-01T12:34:56.123456789+00:00\"}"),
            std::string::npos)
      << exported;
  EXPECT_NE(exported.find("\"metrics\":{\"goal\":\"checkout\",\"visitors\":4000"),
            std::string::npos)
      << exported;

  auto restored = MakeEngine(config);
  ASSERT_NE(restored, nullptr);
  ASSERT_TRUE(restored->ImportState(exported).ok());
  EXPECT_EQ(restored->ExportState(), exported);
  EXPECT_TRUE(*restored->IsRolledBack("g"));
  DecisionList a, b;
  for (int i = 0; i < 50; ++i) {
    VisitorContext ctx(absl::StrCat("v", i));
    ASSERT_TRUE(engine->DecideAll(ctx, kNow, &a).ok());
    ASSERT_TRUE(restored->DecideAll(ctx, kNow, &b).ok());
    for (size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].reason, b[k].reason);
      EXPECT_EQ(a.variation_id(k), b.variation_id(k));
    }
  }
  // Importing an empty state clears everything.
  ASSERT_TRUE(restored->ImportState(R"({"allot_state":1})").ok());
  EXPECT_FALSE(*restored->IsRolledBack("g"));
  EXPECT_EQ(restored->ExportState(), "{\"allot_state\":1,\"campaigns\":[],\"groups\":[]}\n");
}

// Found by the state fuzzer: instants before year 1000 were exported with a
// three-digit year, which the importer (four digits, RFC 3339) refused.
TEST(RuntimeStateDocument, EarlyYearsRoundTrip) {
  const std::string config = ConfigWith(Condition("LOWER_THAN", 2.5, 0));
  auto engine = MakeEngine(config);
  ASSERT_NE(engine, nullptr);
  const std::string document =
      R"({"allot_state":1,"groups":[{"id":"g","rollback":{"goal":"checkout","visitors":725,)"
      R"("conversions":1,"at":"0793-06-01T12:00:00.5+00:00"}}]})";
  ASSERT_TRUE(engine->ImportState(document).ok());
  const std::string exported = engine->ExportState();
  EXPECT_NE(exported.find("\"at\":\"0793-06-01T12:00:00.5+00:00\""), std::string::npos)
      << exported;
  ASSERT_TRUE(engine->ImportState(exported).ok());
  EXPECT_EQ(engine->ExportState(), exported);
}

TEST(RuntimeStateDocument, IdsTheConfigDoesNotHaveAreDropped) {
  auto engine = MakeEngine(ConfigWith(Condition("LOWER_THAN", 2.5, 0)));
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(engine
                  ->ImportState(R"({"allot_state":1,
      "campaigns":[{"id":"gone","active":false},{"id":"d","active":false}],
      "groups":[{"id":"old","metrics":null,"rollback":{"goal":"x","visitors":1,"conversions":0,"at":"2026-01-01T00:00:00Z"}}]})")
                  .ok());
  const std::string exported = engine->ExportState();
  EXPECT_EQ(exported.find("gone"), std::string::npos);
  EXPECT_EQ(exported.find("old"), std::string::npos);
  EXPECT_NE(exported.find("\"id\":\"d\",\"active\":false"), std::string::npos);
}

struct BadState {
  const char* json;
  const char* message_start;
};

TEST(RuntimeStateDocument, BadDocumentsAreRejectedAndChangeNothing) {
  auto engine = MakeEngine(ConfigWith(Condition("LOWER_THAN", 2.5, 0)));
  ASSERT_NE(engine, nullptr);
  ASSERT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 100, 1, kNow));
  ASSERT_TRUE(engine->SetCampaignActive("d", false).ok());
  const std::string before = engine->ExportState();
  const BadState cases[] = {
      {"{", "(document): malformed JSON"},
      {"[]", "(document): expected an object"},
      {R"({"campaigns":[]})", "allot_state: "},
      {R"({"allot_state":2})", "allot_state: unsupported state version 2"},
      {R"({"allot_state":1,"toggles":[]})", "toggles: unknown field"},
      {R"({"allot_state":1,"campaigns":{}})", "campaigns: expected an array"},
      {R"({"allot_state":1,"campaigns":[{"id":"c"}]})", "campaigns[0].active: required"},
      {R"({"allot_state":1,"campaigns":[{"id":"c","active":"no"}]})", "campaigns[0].active: expected a boolean"},
      {R"({"allot_state":1,"campaigns":[{"id":"","active":true}]})", "campaigns[0].id: must not be empty"},
      {R"({"allot_state":1,"campaigns":[{"id":"c","active":true},{"id":"c","active":false}]})",
       "campaigns[1].id: duplicate campaign id"},
      {R"({"allot_state":1,"groups":[{"id":"g","rollback":{"goal":"checkout","visitors":10,"conversions":1}}]})",
       "groups[0].rollback.at: "},
      {R"({"allot_state":1,"groups":[{"id":"g","rollback":{"goal":"checkout","visitors":10,"conversions":1,"at":"yesterday"}}]})",
       "groups[0].rollback.at: expected an RFC 3339 instant"},
      {R"({"allot_state":1,"groups":[{"id":"g","rollback":{"goal":"checkout","visitors":10,"conversions":11,"at":"2026-01-01T00:00:00Z"}}]})",
       "groups[0].rollback: conversions (11) must not exceed visitors (10)"},
      {R"({"allot_state":1,"groups":[{"id":"g","metrics":{"goal":"checkout","visitors":-1,"conversions":0,"updated_at":"2026-01-01T00:00:00Z"}}]})",
       "groups[0].metrics: visitors and conversions must be >= 0"},
      {R"({"allot_state":1,"groups":[{"id":"g","metrics":{"goal":"checkout","visitors":1.5,"conversions":0,"updated_at":"2026-01-01T00:00:00Z"}}]})",
       "groups[0].metrics.visitors: expected an integer"},
      {R"({"allot_state":1,"groups":[{"id":"g","latched":true}]})", "groups[0].latched: unknown field"},
      {R"({"allot_state":1,"groups":[{"id":"g",)" "\"rollback\":{\"goal\":\"\",\"visitors\":1,\"conversions\":0,\"at\":\"2026-01-01T00:00:00Z\"}}]}",
       "groups[0].rollback.goal: must not be empty"},
  };
  for (const BadState& c : cases) {
    SCOPED_TRACE(c.json);
    absl::Status s = engine->ImportState(c.json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message().substr(0, std::string_view(c.message_start).size()),
              c.message_start)
        << s.message();
    EXPECT_EQ(engine->ExportState(), before);
    EXPECT_TRUE(*engine->IsRolledBack("g"));
  }
}

// Deciders on two threads while two writers feed metrics (crossing the
// threshold back and forth), reset the latch and toggle the other campaign.
// Every decision must be a consistent one: allocated to one of the group's
// variations, or rolled back to its reference.
TEST(Rollback, ConcurrentMetricUpdatesAndDecisions) {
  auto engine = MakeEngine(ConfigWith(Condition("LOWER_THAN", 2.5, 1000)));
  ASSERT_NE(engine, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> rolled_back_seen{0}, allocated_seen{0}, bad{0};
  auto decide = [&](int seed) {
    DecisionList list;
    VisitorContext ctx;
    for (int i = 0; !stop.load(std::memory_order_relaxed) || i < 1000; ++i) {
      ctx.Reset(absl::StrCat("t", seed, "-", i % 997));
      if (!engine->DecideAll(ctx, kNow, &list).ok() || list.size() != 2) {
        ++bad;
        continue;
      }
      const std::string_view v = list.variation_id(0);
      if (list[0].reason == DecisionReason::kRolledBack) {
        rolled_back_seen += 1;
        if (v != "g-ref") ++bad;
      } else if (list[0].reason == DecisionReason::kAllocated) {
        allocated_seen += 1;
        if (v != "g-ref" && v != "g-new") ++bad;
      } else {
        ++bad;
      }
      if (list[1].reason != DecisionReason::kAllocated &&
          list[1].reason != DecisionReason::kCampaignInactive) {
        ++bad;
      }
    }
  };
  auto feed = [&](int seed) {
    for (int i = 0; i < 2000; ++i) {
      const int64_t visitors = 1000 + i;
      const int64_t conversions = (i + seed) % 3 == 0 ? 10 : 100;  // 1 % or 10 %
      if (!engine->UpdateGoalMetrics("g", "checkout", visitors, conversions, kNow).ok()) ++bad;
      if (i % 50 == 0 && !engine->ResetRollback("g").ok()) ++bad;
      if (i % 7 == 0 && !engine->SetCampaignActive("d", i % 2 == 0).ok()) ++bad;
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(decide, 1);
  threads.emplace_back(decide, 2);
  std::thread w1(feed, 0), w2(feed, 1);
  w1.join();
  w2.join();
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(rolled_back_seen.load() + allocated_seen.load(), 0);
  // The last writes decide the final state: the latch is consistent with
  // what IsRolledBack reports and with a fresh decision.
  VisitorContext ctx("final");
  DecisionList list;
  ASSERT_TRUE(engine->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason == DecisionReason::kRolledBack, *engine->IsRolledBack("g"));
}

}  // namespace
}  // namespace allot
