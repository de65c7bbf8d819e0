// Everything an Engine does at run time, at once (DESIGN §17): two threads
// decide while one reloads good and bad configs and another feeds metrics,
// toggles campaigns and exports and imports the run-time state. Every
// decision must come from one complete config. Runs for
// ALLOT_STRESS_SECONDS (default 2; `scripts/test --sanitize` runs it for 20
// under ThreadSanitizer).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/engine.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

// `n` campaigns whose variation ids all start with `prefix`; the group of
// campaign c0 is guarded by a rollback condition on goal "checkout".
std::string StressConfig(const std::string& prefix, int n) {
  std::string out = R"({"campaigns":[)";
  for (int i = 0; i < n; ++i) {
    const std::string rollback =
        i == 0 ? R"(,"allocation_config":{"start_date":"2026-01-01T00:00:00Z","start_allocation":100,
          "rollback_condition":{"goal":{"type":"transaction","id":"checkout"},
          "operator":"LOWER_THAN","value":5,"min_visitors":100}})"
               : "";
    absl::StrAppend(&out, i ? "," : "", R"({"id":"c)", i,
                    R"(","type":"ab","variation_groups":[{"id":"g)", i,
                    R"(","targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},)",
                    R"("variations":[{"id":")", prefix, "-ref", i,
                    R"(","reference":true,"allocation":50},{"id":")", prefix, "-new", i,
                    R"(","allocation":50}])", rollback, "}]}");
  }
  out += "]}";
  return out;
}

int StressSeconds() {
  const char* env = std::getenv("ALLOT_STRESS_SECONDS");
  const int s = env != nullptr ? std::atoi(env) : 0;
  return s > 0 ? s : 2;
}

TEST(Stress, DecideWhileReloadingFeedingTogglingAndMovingState) {
  const std::string a = StressConfig("aaa", 3);
  const std::string b = StressConfig("bbb", 4);
  const std::string broken = R"({"campaigns":[{"id":"c0","variation_groups":[{"id":"g0",)"
                             R"("variations":[{"id":"x","allocation":101}]}]}]})";
  auto created = Engine::Create(a);
  ASSERT_TRUE(created.ok()) << created.status();
  Engine& engine = **created;
  const absl::Time now = absl::FromUnixSeconds(1780000000);  // 2026-05-28

  std::atomic<bool> stop{false};
  std::atomic<long> decisions{0}, bad_lists{0}, rolled_back{0}, inactive{0};
  auto decider = [&](int seed) {
    VisitorContext ctx;
    DecisionList list;
    long n = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      ctx.Reset(absl::StrCat("visitor-", seed, "-", n++ % 5000));
      if (!engine.DecideAll(ctx, now, &list).ok()) {
        ++bad_lists;
        continue;
      }
      // One config: 3 campaigns and "aaa" variations, or 4 and "bbb".
      const size_t size = list.size();
      const std::string_view prefix = size == 3 ? "aaa" : size == 4 ? "bbb" : "";
      bool ok = !prefix.empty();
      for (size_t i = 0; ok && i < size; ++i) {
        const Decision& d = list[i];
        if (d.reason == DecisionReason::kCampaignInactive) {
          ++inactive;
          continue;
        }
        rolled_back += d.reason == DecisionReason::kRolledBack;
        ok = (d.reason == DecisionReason::kAllocated ||
              d.reason == DecisionReason::kRolledBack) &&
             list.variation_id(i).substr(0, 3) == prefix;
      }
      if (!ok) ++bad_lists;
    }
    decisions += n;
  };

  std::atomic<long> reloads{0}, failed_reloads{0};
  auto reloader = [&] {
    for (long i = 0; !stop.load(std::memory_order_relaxed); ++i) {
      const std::string& next = i % 3 == 2 ? broken : (i % 2 ? b : a);
      const bool ok = engine.Reload(next).ok();
      if (!ok) ++failed_reloads;
      if (ok == (&next == &broken)) ++bad_lists;  // the broken one fails, only it
      ++reloads;
    }
  };

  std::atomic<long> state_moves{0}, state_errors{0};
  auto operator_thread = [&] {
    for (long i = 0; !stop.load(std::memory_order_relaxed); ++i) {
      // Every config has c0..c2 and g0.
      if (!engine.SetCampaignActive(absl::StrCat("c", i % 3), i % 4 != 0).ok()) ++state_errors;
      // Totals under 5 % with enough visitors trip the rollback; a reset and
      // fresh totals let it go again.
      const int64_t visitors = 100 + i;
      auto tripped = engine.UpdateGoalMetrics("g0", "checkout", visitors,
                                              i % 2 ? visitors / 50 : visitors / 2, now);
      if (!tripped.ok()) ++state_errors;
      if (i % 5 == 0 && !engine.ResetRollback("g0").ok()) ++state_errors;
      const std::string state = engine.ExportState();
      if (!engine.ImportState(state).ok()) ++state_errors;
      if (!engine.IsRolledBack("g0").ok()) ++state_errors;
      ++state_moves;
    }
  };

  std::thread d1(decider, 1), d2(decider, 2), r(reloader), o(operator_thread);
  std::this_thread::sleep_for(std::chrono::seconds(StressSeconds()));
  stop = true;
  d1.join();
  d2.join();
  r.join();
  o.join();

  EXPECT_EQ(bad_lists.load(), 0);
  EXPECT_EQ(state_errors.load(), 0);
  EXPECT_GT(decisions.load(), 1000);
  EXPECT_GT(reloads.load(), 10);
  EXPECT_GT(failed_reloads.load(), 0);
  EXPECT_GT(state_moves.load(), 10);
  // The run went through toggled-off campaigns and rollbacks.
  EXPECT_GT(inactive.load(), 0);
  EXPECT_GT(rolled_back.load(), 0);
}

}  // namespace
}  // namespace allot
