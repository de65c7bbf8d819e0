// Forced assignments (DESIGN §3 step 3, §12): config lists and per-call
// overrides, what they skip and what still wins over them.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "core/engine.h"
#include "core/internal/lifecycle.h"
#include "core/internal/runtime_state.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

// "qa" is targeted by nothing (the group needs plan == "pro"), the campaign
// has a live window in 2026 and a 0 % rollout: only forcing can allocate.
constexpr char kConfig[] = R"({"campaigns":[
  {"id":"checkout","type":"ab",
   "scheduler":{"start_date":"2026-01-01T00:00:00Z","stop_date":"2027-01-01T00:00:00Z"},
   "variation_groups":[
    {"id":"checkout-pro",
     "targeting":{"targeting_groups":[{"targetings":[{"key":"plan","operator":"EQUALS","value":"pro"}]}]},
     "allocation_config":{"start_date":"2030-01-01T00:00:00Z","start_allocation":10},
     "forced_assignments":[{"variation_id":"checkout-b","visitor_ids":["qa-1","qa-2"]}],
     "variations":[{"id":"checkout-a","reference":true,"allocation":50},{"id":"checkout-b","allocation":50}]},
    {"id":"checkout-free",
     "targeting":{"targeting_groups":[{"targetings":[{"key":"plan","operator":"EQUALS","value":"free"}]}]},
     "forced_assignments":[{"variation_id":"free-x","visitor_ids":["qa-3"]}],
     "variations":[{"id":"free-x","allocation":100}]}]},
  {"id":"banner","type":"ab","variation_groups":[{"id":"banner-all",
     "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
     "variations":[{"id":"banner-on","allocation":100}]}]}
 ],"settings":{"single_assignment":true}})";

const absl::Time kNow = absl::FromUnixSeconds(1780000000);  // 2026-05-28

std::shared_ptr<const CompiledConfig> Load(const std::string& json) {
  auto config = LoadConfig(json);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : nullptr;
}

TEST(ForcedAssignment, ListedVisitorSkipsTargetingWindowAndTraffic) {
  auto config = Load(kConfig);
  VisitorContext ctx("qa-1");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kForced);
  EXPECT_EQ(list.group_id(0), "checkout-pro");
  EXPECT_EQ(list.variation_id(0), "checkout-b");
  EXPECT_TRUE(list[0].new_assignment);
  // Outside the live window too.
  ASSERT_TRUE(config->DecideAll(ctx, absl::FromUnixSeconds(0), &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kForced);
  // A visitor not listed is not targeted.
  ctx.Reset("someone");
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kNotTargeted);
  // A visitor listed in the second group gets that group.
  ctx.Reset("qa-3");
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kForced);
  EXPECT_EQ(list.group_id(0), "checkout-free");
  EXPECT_EQ(list.variation_id(0), "free-x");
}

TEST(ForcedAssignment, ForcedAbCampaignCountsForSingleAssignment) {
  auto config = Load(kConfig);
  VisitorContext ctx("qa-2");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kForced);
  EXPECT_EQ(list[1].reason, DecisionReason::kSingleAssignment);
  Decision d;
  ASSERT_TRUE(config->Decide("banner", ctx, kNow, &d).ok());
  EXPECT_EQ(d.reason, DecisionReason::kSingleAssignment);
  // Not forced: banner allocates.
  ctx.Reset("someone");
  ASSERT_TRUE(config->Decide("banner", ctx, kNow, &d).ok());
  EXPECT_EQ(d.reason, DecisionReason::kAllocated);
}

TEST(ForcedAssignment, KillSwitchesWin) {
  auto config = Load(kConfig);
  VisitorContext ctx("qa-1");
  DecisionList list;
  RuntimeState runtime(config->campaigns().size(), config->groups().size());
  runtime.set_group_rolled_back(config->FindGroup("checkout-pro"), true);
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list, &runtime).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kRolledBack);
  EXPECT_EQ(list.variation_id(0), "checkout-a");  // the reference
  runtime.set_campaign_off(0, true);
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list, &runtime).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kCampaignInactive);

  std::string paused(kConfig);
  paused.replace(paused.find(R"("type":"ab",)"), 12, R"("type":"ab","status":"paused",)");
  ASSERT_TRUE(Load(paused)->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kCampaignInactive);

  std::string panic(kConfig);
  panic.replace(panic.find(R"("single_assignment":true)"), 24,
                R"("single_assignment":true,"panic":true)");
  ASSERT_TRUE(Load(panic)->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kPanic);
}

TEST(ForcedAssignment, PerCallOverrideWinsOverTheList) {
  auto config = Load(kConfig);
  VisitorContext ctx("qa-1");
  ctx.Force("checkout", "checkout-a");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kForced);
  EXPECT_EQ(list.variation_id(0), "checkout-a");
  // The latest override for a campaign replaces the earlier ones.
  ctx.Force("checkout", "free-x");
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list.group_id(0), "checkout-free");
  EXPECT_EQ(list.variation_id(0), "free-x");
}

TEST(ForcedAssignment, OverrideForUnknownIdsIsIgnored) {
  auto config = Load(kConfig);
  VisitorContext ctx("someone");
  ctx.Set("plan", "pro");
  ctx.Force("checkout", "no-such-variation");
  ctx.Force("no-such-campaign", "checkout-a");
  ctx.Force("banner", "checkout-a");  // a variation of another campaign
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kNotInTraffic);  // the 0 % ramp
  EXPECT_EQ(list[1].reason, DecisionReason::kAllocated);
  const std::vector<CampaignExplanation> why = config->Explain(ctx, kNow);
  EXPECT_NE(why[0].detail.find("override to \"no-such-variation\" ignored"),
            std::string::npos)
      << why[0].detail;
  EXPECT_NE(why[1].detail.find("override to \"checkout-a\" ignored"), std::string::npos)
      << why[1].detail;
}

TEST(ForcedAssignment, ExplainSaysWhyForced) {
  auto config = Load(kConfig);
  VisitorContext ctx("qa-1");
  std::vector<CampaignExplanation> why = config->Explain(ctx, kNow);
  EXPECT_EQ(why[0].reason, DecisionReason::kForced);
  EXPECT_NE(why[0].detail.find("forced_assignments"), std::string::npos) << why[0].detail;
  ctx.Force("checkout", "checkout-a");
  why = config->Explain(ctx, kNow);
  EXPECT_NE(why[0].detail.find("per-call override"), std::string::npos) << why[0].detail;
}

TEST(ForcedAssignment, BucketingFileCamelCase) {
  auto config = Load(R"({"campaigns":[{"id":"c","type":"ab","variationGroups":[{"id":"g",
    "forcedAssignments":[{"variationId":"v2","visitorIds":["qa"]}],
    "variations":[{"id":"v1","allocation":100},{"id":"v2","allocation":0}]}]}]})");
  VisitorContext ctx("qa");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kForced);
  EXPECT_EQ(list.variation_id(0), "v2");
}

TEST(ForcedAssignment, EngineDecisionsAreForcedToo) {
  auto engine = Engine::Create(kConfig);
  ASSERT_TRUE(engine.ok());
  VisitorContext ctx("qa-1");
  DecisionList list;
  ASSERT_TRUE((*engine)->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kForced);
  // A reload that drops the list stops forcing at once.
  std::string without(kConfig);
  without.replace(without.find(R"("qa-1",)"), 7, "");
  ASSERT_TRUE((*engine)->Reload(without).ok());
  ASSERT_TRUE((*engine)->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kNotTargeted);
}

struct BadForced {
  const char* group_json;
  const char* path;
};

TEST(ForcedAssignment, LoadErrorsNameThePath) {
  const BadForced cases[] = {
      {R"("forced_assignments":[{"variation_id":"nope","visitor_ids":["a"]}])",
       "campaigns[0].variation_groups[0].forced_assignments[0].variation_id: unknown variation"},
      {R"("forced_assignments":[{"variation_id":"v1","visitor_ids":["a","a"]}])",
       "campaigns[0].variation_groups[0].forced_assignments[0].visitor_ids[1]: visitor \"a\" is "
       "already forced"},
      {R"("forced_assignments":[{"variation_id":"v1","visitor_ids":[""]}])",
       "campaigns[0].variation_groups[0].forced_assignments[0].visitor_ids[0]: a visitor id must "
       "be a non-empty string"},
      {R"("forced_assignments":[{"variation_id":"v1","visitor_ids":[42]}])",
       "campaigns[0].variation_groups[0].forced_assignments[0].visitor_ids[0]: expected a visitor "
       "id string"},
      {R"("forced_assignments":[{"variation_id":"v1","visitor_ids":"a"}])",
       "campaigns[0].variation_groups[0].forced_assignments[0].visitor_ids: expected an array"},
      {R"("forced_assignments":{"variation_id":"v1"})",
       "campaigns[0].variation_groups[0].forced_assignments: expected an array"},
      {R"("forced_assignments":[{"visitor_ids":["a"]}])",
       "campaigns[0].variation_groups[0].forced_assignments[0].variation_id: required field"},
      {R"("sticky_version":-1)", "campaigns[0].variation_groups[0].sticky_version: expected an "
                                 "integer >= 0"},
      {R"("sticky_version":1.5)", "campaigns[0].variation_groups[0].sticky_version: expected an "
                                  "integer"},
      {R"("sticky_version":"2")", "campaigns[0].variation_groups[0].sticky_version: expected an "
                                  "integer"},
  };
  for (const BadForced& c : cases) {
    const std::string json = absl::StrCat(
        R"({"campaigns":[{"id":"c","variation_groups":[{"id":"g",)", c.group_json,
        R"(,"variations":[{"id":"v1","allocation":100}]}]}]})");
    auto config = LoadConfig(json);
    ASSERT_FALSE(config.ok()) << json;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(config.status().message()).rfind(c.path, 0), 0u)
        << config.status().message();
  }
}

TEST(ForcedAssignment, VisitorListedInTwoGroupsOfOneCampaignIsAnError) {
  auto config = LoadConfig(R"({"campaigns":[{"id":"c","variation_groups":[
    {"id":"g1","forced_assignments":[{"variation_id":"a","visitor_ids":["qa"]}],"variations":[{"id":"a","allocation":100}]},
    {"id":"g2","forced_assignments":[{"variation_id":"b","visitor_ids":["qa"]}],"variations":[{"id":"b","allocation":100}]}]}]})");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(std::string(config.status().message())
                .rfind("campaigns[0].variation_groups[1].forced_assignments[0].visitor_ids[0]: "
                       "visitor \"qa\" is already forced in this campaign (at "
                       "campaigns[0].variation_groups[0].forced_assignments[0].visitor_ids[0])",
                       0),
            0u)
      << config.status().message();
}

TEST(ForcedAssignment, HundredThousandListedIdsEachForced) {
  std::string ids;
  for (int i = 0; i < 100000; ++i) absl::StrAppend(&ids, i ? "," : "", "\"qa-", i, "\"");
  auto config = Load(absl::StrCat(
      R"({"campaigns":[{"id":"c","variation_groups":[{"id":"g",
      "forced_assignments":[{"variation_id":"b","visitor_ids":[)",
      ids, R"(]}],"variations":[{"id":"a","allocation":100},{"id":"b","allocation":0}]}]}]})"));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->num_forced(), 100000u);
  VisitorContext ctx;
  DecisionList list;
  // Every listed visitor (the Bloom filter in front of the lists has no
  // false negatives), through DecideAll and Decide.
  int listed_forced = 0;
  for (int i = 0; i < 100000; ++i) {
    ctx.Reset(absl::StrCat("qa-", i));
    ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
    listed_forced += list.variation_id(0) == "b" &&
                     list[0].reason == DecisionReason::kForced;
    if (i % 997 == 0) {
      Decision d;
      ASSERT_TRUE(config->Decide("c", ctx, kNow, &d).ok());
      EXPECT_EQ(d.reason, DecisionReason::kForced) << i;
    }
  }
  EXPECT_EQ(listed_forced, 100000);
  // Visitors not listed (the Bloom filter's false positives included) are
  // never forced.
  int forced = 0;
  for (int i = 100000; i < 120000; ++i) {
    ctx.Reset(absl::StrCat("qa-", i));
    ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
    forced += list[0].reason == DecisionReason::kForced;
  }
  EXPECT_EQ(forced, 0);
}

// The filter in front of the forced lists, built with the config's helpers
// (16 bits per listed id, four in one word): no listed id is missed, and
// few others get through, for ids of every length class its hash reads
// differently (0 to 3 bytes and beyond 16 through XXH3, 4 to 7 and 8 to 16
// as two words).
TEST(ForcedLists, BloomFilterMissesNoListedIdAndPassesFewOthers) {
  const auto id_of = [](int i) {
    // Lengths 1 to 40, cycling, the number in the last bytes.
    const std::string n = absl::StrCat(i);
    const size_t length = 1 + static_cast<size_t>(i) % 40;
    if (n.size() >= length) return n;
    return std::string(length - n.size(), 'v') + n;
  };
  constexpr int kListed = 20000;
  std::vector<uint64_t> filter(internal::BloomWordsFor(kListed), 0);
  const uint64_t mask = filter.size() - 1;
  absl::flat_hash_set<std::string> listed;
  for (int i = 0; i < kListed; ++i) {
    const std::string id = id_of(2 * i);
    if (!listed.insert(id).second) continue;
    internal::BloomAdd(filter.data(), mask, id);
  }
  const auto passes = [&](const std::string& id) {
    return internal::BloomMayContain(filter.data(), mask, id);
  };
  for (const std::string& id : listed) EXPECT_TRUE(passes(id)) << id;
  int probes = 0;
  int passed = 0;
  for (int i = 0; i < 200000; ++i) {
    const std::string id = id_of(2 * i + 1);
    if (listed.contains(id)) continue;
    ++probes;
    passed += passes(id);
  }
  // About 0.7 % with 16 bits per id; a hash that ignored an id's first or
  // last word would pass most ids of the lengths it reads as two words.
  EXPECT_GT(probes, 150000);
  EXPECT_LT(passed, probes / 50) << passed << " of " << probes;
}

// The hash reads every byte of an id of 4 to 16 bytes (its two words
// overlap below 8 and 16 bytes), and its length.
TEST(ForcedLists, BloomHashReadsEveryByteAndTheLength) {
  for (size_t n = 0; n <= 24; ++n) {
    const std::string base(n, 'q');
    const uint64_t h = internal::BloomHash(base);
    for (size_t at = 0; at < n; ++at) {
      std::string other = base;
      other[at] = 'r';
      EXPECT_NE(internal::BloomHash(other), h) << n << " " << at;
    }
    EXPECT_NE(internal::BloomHash(base + "q"), h) << n;
  }
}

}  // namespace
}  // namespace allot
