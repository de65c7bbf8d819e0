// Deciding must not touch the heap once a context and a decision list have
// warmed up. Counts every operator new in this test program while enabled.
// The replaced operator new/delete pair below is consistent (malloc/free);
// GCC cannot see that across the replacement and warns.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "core/engine.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations++;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

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
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 1000; ++i) {
    fill(i);
    if (!(*config)->DecideAll(ctx, now, &list).ok()) break;
    (*config)->ResolveFlags(list, &flags);
    allocated += flags.size();
  }
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
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
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 1000; ++i) {
    id[8 + i % 4] = static_cast<char>('0' + i % 10);
    ctx.Reset(id);
    ctx.Set("country", "FR");
    if (!(*engine)->DecideAll(ctx, now, &list).ok()) break;
  }
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_EQ(list.size(), 5u);

  // With a rollback latched (outside the counted loop), deciding still
  // allocates nothing, and the latch is read.
  ASSERT_TRUE(*(*engine)->UpdateGoalMetrics("new-checkout-rollout", "goal-checkout-rate",
                                            2000, 10, now));
  for (int i = 0; i < 20; ++i) {
    ctx.Reset(id);
    ctx.Set("app_version", "2.5.0");
    ASSERT_TRUE((*engine)->DecideAll(ctx, now, &list).ok());
  }
  size_t rolled_back = 0;
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 1000; ++i) {
    id[8 + i % 4] = static_cast<char>('0' + i % 10);
    ctx.Reset(id);
    ctx.Set("app_version", "2.5.0");
    if (!(*engine)->DecideAll(ctx, now, &list).ok()) break;
    for (const Decision& d : list) rolled_back += d.reason == DecisionReason::kRolledBack;
  }
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_EQ(rolled_back, 1000u);
}

}  // namespace
}  // namespace allot
