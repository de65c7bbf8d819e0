// Deciding must not touch the heap once a context and a decision list have
// warmed up. Counts allocations with tests/common/allocation_counter.h (left
// out of ThreadSanitizer builds, whose runtime owns operator new).
#include "tests/common/allocation_counter.h"

#if ALLOT_COUNT_ALLOCATIONS
#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "core/engine.h"
#include "core/exposure_logger.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

// A realistic config: the example campaigns (ab tests, IN, NOT_EQUALS, a
// semver-targeted progressive rollout, an ignore-case regex, a paused toggle).
TEST(ZeroAllocation, ThousandDecideAllCallsAfterWarmUp) {
  auto config = LoadConfig(testing::ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) +
                                                 "/campaigns.json"));
  ASSERT_TRUE(config.ok()) << config.status();
  const absl::Time now = testing::At("2026-06-01T12:00:00Z");
  const char* countries[] = {"FR", "US", "DE", "JP", "ES"};
  const char* versions[] = {"2.5.1", "2.3.9", "v2.4.0", "3.0.0-beta.2", "2.10.0"};
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(absl::StrCat("visitor-", i));

  VisitorContext ctx;
  DecisionList list;
  std::vector<ResolvedFlag> flags;
  auto fill = [&](int i) {
    ctx.Reset(ids[i]);
    ctx.Set("country", countries[i % 5]);
    ctx.Set("plan", i % 7 ? "pro" : "enterprise");
    ctx.Set("app_version", versions[i % 5]);
    ctx.Set("email", i % 3 ? "someone@acme.com" : "someone@example.org");
    ctx.Set("age", i % 90);
  };
  size_t allocated = 0;
  for (int i = 0; i < 50; ++i) {  // warm-up
    fill(i);
    ASSERT_TRUE((*config)->DecideAll(ctx, now, &list).ok());
    (*config)->ResolveFlags(list, &flags);
  }
  testing::AllocationWindow window;
  for (int i = 0; i < 1000; ++i) {
    fill(i);
    if (!(*config)->DecideAll(ctx, now, &list).ok()) break;
    (*config)->ResolveFlags(list, &flags);
    allocated += flags.size();
  }
  EXPECT_EQ(window.Stop(), 0);
  EXPECT_GT(allocated, 1000u);  // the loop really decided something
}

TEST(ZeroAllocation, EngineDecisionsAfterWarmUp) {
  auto engine = Engine::Create(testing::ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) +
                                                     "/campaigns.json"));
  ASSERT_TRUE(engine.ok());
  VisitorContext ctx;
  DecisionList list;
  const absl::Time now = testing::At("2026-06-01T12:00:00Z");
  std::string id = "visitor-0000";
  for (int i = 0; i < 20; ++i) {
    ctx.Reset(id);
    ctx.Set("country", "DE");
    ASSERT_TRUE((*engine)->DecideAll(ctx, now, &list).ok());
  }
  testing::AllocationWindow window;
  for (int i = 0; i < 1000; ++i) {
    id[8 + i % 4] = static_cast<char>('0' + i % 10);
    ctx.Reset(id);
    ctx.Set("country", "FR");
    if (!(*engine)->DecideAll(ctx, now, &list).ok()) break;
  }
  EXPECT_EQ(window.Stop(), 0);
  EXPECT_EQ(list.size(), 7u);

  // With a rollback latched (outside the counted loop), deciding still
  // allocates nothing, and the latch is read.
  ASSERT_TRUE(*(*engine)->UpdateGoalMetrics("new-checkout-rollout", "goal-checkout-rate",
                                            2000, 10, now));
  for (int i = 0; i < 20; ++i) {
    ctx.Reset(id);
    ctx.Set("app_version", "2.5.0");
    ASSERT_TRUE((*engine)->DecideAll(ctx, now, &list).ok());
  }
  size_t rolled_back = 0, held_out = 0;
  testing::AllocationWindow latched;
  for (int i = 0; i < 1000; ++i) {
    id[8 + i % 4] = static_cast<char>('0' + i % 10);
    ctx.Reset(id);
    ctx.Set("app_version", "2.5.0");
    if (!(*engine)->DecideAll(ctx, now, &list).ok()) break;
    for (const Decision& d : list) {
      rolled_back += d.reason == DecisionReason::kRolledBack;
      held_out += d.campaign == 2 && d.reason == DecisionReason::kHoldout;
    }
  }
  EXPECT_EQ(latched.Stop(), 0);
  // new-checkout: everyone but the example's 5 % global holdout.
  EXPECT_EQ(rolled_back + held_out, 1000u);
  EXPECT_GT(rolled_back, 800u);
}

// Forced overrides, sticky records, the config's forced list and an exposure
// logger on the Engine: still nothing on the heap once warmed up.
TEST(ZeroAllocation, ForcedStickyAndExposuresAfterWarmUp) {
  auto engine = Engine::Create(testing::ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) +
                                                     "/campaigns.json"));
  ASSERT_TRUE(engine.ok());
  size_t exposures = 0;
  ExposureLoggerOptions options;
  options.capacity = 1024;
  options.batch_size = 64;
  auto logger = ExposureLogger::Create(
      [&](std::span<const Exposure> batch) { exposures += batch.size(); }, options);
  ASSERT_TRUE(logger.ok());
  (*engine)->SetExposureLogger(std::shared_ptr<ExposureLogger>(*std::move(logger)));
  VisitorContext ctx;
  DecisionList list;
  const absl::Time now = testing::At("2026-06-01T12:00:00Z");
  std::string id = "visitor-0000";
  size_t forced = 0, sticky = 0, held_out = 0;
  auto decide = [&](int i) {
    id[8 + i % 4] = static_cast<char>('0' + i % 10);
    ctx.Reset(i % 10 == 0 ? "qa-alice" : id);
    ctx.Set("country", "FR");
    ctx.Set("plan", "pro");
    if (i % 3 == 0) ctx.Force("pricing-page", "pricing-calculator");
    ctx.SetSticky("homepage-hero-everyone", i % 2 ? "hero-original" : "hero-bold");
    ctx.SetSticky("no-such-group", "x", 4);
    if (!(*engine)->DecideAll(ctx, now, &list).ok()) return false;
    for (const Decision& d : list) {
      forced += d.reason == DecisionReason::kForced;
      sticky += d.reason == DecisionReason::kSticky;
      // The example's global holdout comes before the sticky step.
      held_out += d.campaign == 0 && d.reason == DecisionReason::kHoldout;
    }
    return true;
  };
  for (int i = 0; i < 3000; ++i) ASSERT_TRUE(decide(i));  // warm-up: fills batches
  forced = sticky = held_out = 0;
  testing::AllocationWindow window;
  for (int i = 0; i < 1000; ++i) {
    if (!decide(i)) break;
  }
  EXPECT_EQ(window.Stop(), 0);
  EXPECT_GT(forced, 300u);
  EXPECT_GT(sticky + held_out, 800u);
  EXPECT_GT(sticky, 700u);
  EXPECT_GT(exposures, 0u);
}

// A context alternating between two configs rebinds its sticky records each
// time without allocating.
TEST(ZeroAllocation, StickyContextAlternatingBetweenTwoConfigs) {
  const std::string json = R"({"campaigns":[{"id":"homepage-hero","variation_groups":[
    {"id":"homepage-hero-everyone","targeting":{"targeting_groups":[{"targetings":[
      {"key":"country","operator":"IN","value":["FR","DE"]}]}]},
     "variations":[{"id":"hero-original","allocation":50},{"id":"hero-bold","allocation":50}]}]}]})";
  auto one = LoadConfig(json);
  auto two = LoadConfig(json);
  ASSERT_TRUE(one.ok() && two.ok());
  VisitorContext ctx;
  DecisionList list_one, list_two;
  const absl::Time now = testing::At("2026-06-01T12:00:00Z");
  auto decide = [&](int i) {
    ctx.Reset(i % 2 ? "visitor-1" : "visitor-2");
    ctx.Set("country", "FR");
    ctx.SetSticky("homepage-hero-everyone", "hero-original");
    return (*one)->DecideAll(ctx, now, &list_one).ok() &&
           (*two)->DecideAll(ctx, now, &list_two).ok();
  };
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(decide(i));
  testing::AllocationWindow window;
  for (int i = 0; i < 1000; ++i) {
    if (!decide(i)) break;
  }
  EXPECT_EQ(window.Stop(), 0);
  EXPECT_EQ(list_one[0].reason, DecisionReason::kSticky);
  EXPECT_EQ(list_two[0].reason, DecisionReason::kSticky);
}

// The example campaigns (an ignore-case regex among them) and W2-style
// regex targeting in a second config: one context alternating between them
// keeps its regex copies, so it compiles and allocates nothing.
TEST(ZeroAllocation, ContextAlternatingBetweenConfigsWithRegexes) {
  auto one = LoadConfig(testing::ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) +
                                              "/campaigns.json"));
  auto two = LoadConfig(R"({"campaigns":[{"id":"acme","variation_groups":[
    {"id":"acme-g","targeting":{"targeting_groups":[{"targetings":[
      {"key":"email","operator":"MATCHES_REGEX","value":"^[a-z0-9.+-]+@acme\\.com$"}]}]},
     "variations":[{"id":"acme-a","allocation":50},{"id":"acme-b","allocation":50}]}]}]})");
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_TRUE(two.ok()) << two.status();
  VisitorContext ctx;
  DecisionList list_one, list_two;
  const absl::Time now = testing::At("2026-06-01T12:00:00Z");
  std::string id = "visitor-0000";
  size_t matched = 0;
  auto decide = [&](int i) {
    id[8 + i % 4] = static_cast<char>('0' + i % 10);
    ctx.Reset(id);
    ctx.Set("email", i % 3 ? "someone@acme.com" : "someone@example.org");
    ctx.Set("plan", "pro");
    if (!(*one)->DecideAll(ctx, now, &list_one).ok() ||
        !(*two)->DecideAll(ctx, now, &list_two).ok()) {
      return false;
    }
    matched += list_two[0].reason != DecisionReason::kNotTargeted;
    return true;
  };
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(decide(i));
  matched = 0;
  testing::AllocationWindow window;
  for (int i = 0; i < 1000; ++i) {
    if (!decide(i)) break;
  }
  EXPECT_EQ(window.Stop(), 0);
  EXPECT_GT(matched, 600u);  // the regex ran: 2 in 3 visitors match
  EXPECT_LT(matched, 700u);
}

// Right after an Engine reload (a new config, the same regexes), the first
// decisions of a warmed-up context allocate nothing either.
TEST(ZeroAllocation, FirstDecisionsAfterAnEngineReload) {
  const std::string json = testing::ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) +
                                                 "/campaigns.json");
  auto engine = Engine::Create(json);
  ASSERT_TRUE(engine.ok());
  VisitorContext ctx;
  DecisionList list;
  const absl::Time now = testing::At("2026-06-01T12:00:00Z");
  std::string id = "visitor-0000";
  auto decide = [&](int i) {
    id[8 + i % 4] = static_cast<char>('0' + i % 10);
    ctx.Reset(id);
    ctx.Set("country", i % 2 ? "FR" : "DE");
    ctx.Set("email", "someone@ACME.com");
    ctx.Set("app_version", "2.5.0");
    return (*engine)->DecideAll(ctx, now, &list).ok();
  };
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(decide(i));
  for (int reload = 0; reload < 5; ++reload) {
    // A new name each time: identical content would not be swapped in.
    std::string next = json;
    const std::string name = "\"Homepage hero test";
    next.replace(next.find(name), name.size(), name + std::to_string(reload));
    auto report = (*engine)->Reload(next);  // outside the counted window
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_FALSE(report->identical);
    testing::AllocationWindow window;
    for (int i = 0; i < 10; ++i) {
      if (!decide(i)) break;
    }
    EXPECT_EQ(window.Stop(), 0) << "after reload " << reload;
  }
  EXPECT_EQ(list.size(), 7u);
}

}  // namespace
}  // namespace allot
#endif  // ALLOT_COUNT_ALLOCATIONS
