#include "core/engine.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/internal/runtime_state.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

// A config whose every variation id starts with `prefix` and that has
// `n` campaigns, so a decision list tells which config produced it.
std::string MakeConfig(const std::string& prefix, int n) {
  std::string out = R"({"campaigns":[)";
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ",";
    absl::StrAppend(&out, R"({"id":"c)", i, R"(","type":"ab","variation_groups":[{"id":"g)", i,
                    R"(","targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},"variations":[{"id":")",
                    prefix, "-a", i, R"(","allocation":50},{"id":")", prefix, "-b", i,
                    R"(","allocation":50}]}]})");
  }
  out += "]}";
  return out;
}

TEST(Engine, ReloadSwapsAndBadReloadKeepsOld) {
  auto engine = Engine::Create(MakeConfig("one", 2));
  ASSERT_TRUE(engine.ok()) << engine.status();
  VisitorContext ctx("visitor-1");
  DecisionList list;
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &list).ok());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list.variation_id(0).substr(0, 4), "one-");

  absl::Status bad = (*engine)->Reload(R"({"campaigns":[{"id":""}]})").status();
  EXPECT_FALSE(bad.ok());
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &list).ok());
  EXPECT_EQ(list.size(), 2u);

  ASSERT_TRUE((*engine)->Reload(MakeConfig("two", 3)).ok());
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &list).ok());
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list.variation_id(0).substr(0, 4), "two-");
}

TEST(Engine, CampaignToggleSurvivesReload) {
  auto engine = Engine::Create(MakeConfig("one", 2));
  ASSERT_TRUE(engine.ok());
  EXPECT_EQ((*engine)->SetCampaignActive("nope", false).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE((*engine)->SetCampaignActive("c1", false).ok());
  VisitorContext ctx("visitor-1");
  DecisionList list;
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kAllocated);
  EXPECT_EQ(list[1].reason, DecisionReason::kCampaignInactive);
  ASSERT_TRUE((*engine)->Reload(MakeConfig("two", 3)).ok());
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &list).ok());
  EXPECT_EQ(list[1].reason, DecisionReason::kCampaignInactive);
  EXPECT_EQ(list[2].reason, DecisionReason::kAllocated);
  ASSERT_TRUE((*engine)->SetCampaignActive("c1", true).ok());
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &list).ok());
  EXPECT_EQ(list[1].reason, DecisionReason::kAllocated);
}

// The run-time state counts what it sets: each switch once however often
// it is set, back to nothing when all are cleared.
TEST(RuntimeState, AnySetCountsEachSwitchOnce) {
  RuntimeState state(3, 4);
  EXPECT_FALSE(state.any_set());
  state.set_campaign_off(1, true);
  state.set_campaign_off(1, true);
  state.set_group_rolled_back(2, true);
  state.set_group_rolled_back(2, true);
  EXPECT_TRUE(state.any_set());
  state.set_campaign_off(1, false);
  EXPECT_TRUE(state.any_set());  // the group is still rolled back
  state.set_group_rolled_back(2, false);
  state.set_group_rolled_back(2, false);
  state.set_campaign_off(0, false);  // never set: no change
  EXPECT_FALSE(state.any_set());
  state.set_group_rolled_back(3, true);
  EXPECT_TRUE(state.any_set());
  EXPECT_FALSE(state.any_campaign_off());
}

// An Engine decides without its run-time state while the state sets
// nothing, and with it as soon as it does: a toggle takes effect, its
// undoing too, and so do a rollback latch and its clearing.
TEST(Engine, RunTimeStateInEffectOnlyWhileItSetsSomething) {
  auto engine = Engine::Create(MakeConfig("one", 2));
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto in_effect = [&] {
    return (*engine)->snapshot()->runtime->any_set();
  };
  VisitorContext ctx("visitor-1");
  DecisionList list;
  EXPECT_FALSE(in_effect());
  ASSERT_TRUE((*engine)->SetCampaignActive("c1", false).ok());
  EXPECT_TRUE(in_effect());
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &list).ok());
  EXPECT_EQ(list[1].reason, DecisionReason::kCampaignInactive);
  EXPECT_EQ(list[0].reason, DecisionReason::kAllocated);
  ASSERT_TRUE((*engine)->SetCampaignActive("c1", true).ok());
  EXPECT_FALSE(in_effect());
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &list).ok());
  EXPECT_EQ(list[1].reason, DecisionReason::kAllocated);
  // A rollback latch, set in the state the decisions read (as a guard
  // metric's latch sets it) and cleared.
  RuntimeState& state = *(*engine)->snapshot()->runtime;
  state.set_group_rolled_back(0, true);
  EXPECT_TRUE(in_effect());
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kRolledBack);
  state.set_group_rolled_back(0, false);
  EXPECT_FALSE(in_effect());
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kAllocated);
}

TEST(Engine, EmptyVisitorIdIsRejected) {
  auto engine = Engine::Create(MakeConfig("one", 1));
  ASSERT_TRUE(engine.ok());
  VisitorContext ctx;
  DecisionList list;
  EXPECT_EQ((*engine)->DecideAll(ctx, absl::Now(), &list).code(),
            absl::StatusCode::kInvalidArgument);
}

// Two threads decide while a third reloads good and bad configs 1,000 times;
// every decision list must come whole from one complete config.
TEST(Engine, ConcurrentReloadsNeverExposeAPartialConfig) {
  const std::string a = MakeConfig("aaa", 3);
  const std::string b = MakeConfig("bbb", 5);
  const std::string broken = R"({"campaigns":[{"id":"c0","variation_groups":[{"id":"g0","variations":[{"id":"x","allocation":101}]}]}]})";
  auto engine = Engine::Create(a);
  ASSERT_TRUE(engine.ok());
  std::atomic<bool> stop{false};
  std::atomic<int> bad_lists{0};
  std::atomic<long> decisions{0};
  auto reader = [&](int seed) {
    VisitorContext ctx;
    DecisionList list;
    long n = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      ctx.Reset(absl::StrCat("visitor-", seed, "-", n++));
      if (!(*engine)->DecideAll(ctx, absl::Now(), &list).ok()) {
        bad_lists++;
        continue;
      }
      const std::string_view prefix = list.variation_id(0).substr(0, 3);
      const size_t expected = prefix == "aaa" ? 3 : prefix == "bbb" ? 5 : 0;
      bool ok = list.size() == expected;
      for (size_t i = 0; ok && i < list.size(); ++i) {
        ok = list[i].reason == DecisionReason::kAllocated &&
             list.variation_id(i).substr(0, 3) == prefix;
      }
      if (!ok) bad_lists++;
    }
    decisions += n;
  };
  std::thread r1(reader, 1), r2(reader, 2);
  int failed_reloads = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string& next = i % 3 == 2 ? broken : (i % 2 ? b : a);
    if (!(*engine)->Reload(next).ok()) ++failed_reloads;
  }
  stop = true;
  r1.join();
  r2.join();
  EXPECT_EQ(bad_lists.load(), 0);
  EXPECT_EQ(failed_reloads, 333);
  EXPECT_GT(decisions.load(), 1000);
}

}  // namespace
}  // namespace allot
