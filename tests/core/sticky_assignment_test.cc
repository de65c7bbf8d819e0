// Sticky assignments (DESIGN §3 step 11, §12): a visitor who has a record
// keeps its variation across config changes that would otherwise move them.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "core/internal/runtime_state.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1780000000);  // 2026-05-28T20:26:40Z
constexpr int kVisitors = 10000;

// One campaign, one group targeted by plan == "pro", variations a and b.
// `extra` goes into the group object (allocation_config, sticky_version).
std::string Config(double a, double b, const std::string& extra = "",
                   bool with_b = true) {
  std::string variations = absl::StrCat(R"({"id":"a","allocation":)", a, "}");
  if (with_b) absl::StrAppend(&variations, R"(,{"id":"b","allocation":)", b, "}");
  return absl::StrCat(R"({"campaigns":[{"id":"c","type":"ab","variation_groups":[{"id":"g",)",
                      extra,
                      R"("targeting":{"targeting_groups":[{"targetings":[
      {"key":"plan","operator":"EQUALS","value":"pro"}]}]},"variations":[)",
                      variations, "]}]}]}");
}

// A ramp that is at `percent` % at kNow (it starts then).
std::string Ramp(int percent) {
  return absl::StrCat(R"("allocation_config":{"start_date":"2026-05-28T00:00:00Z","start_allocation":)",
                      percent, "},");
}

std::shared_ptr<const CompiledConfig> Load(const std::string& json) {
  auto config = LoadConfig(json);
  EXPECT_TRUE(config.ok()) << config.status() << "\n" << json;
  return config.ok() ? *config : nullptr;
}

struct Record {
  std::string variation;
  int64_t version = 0;
};

// Decides every visitor against `config` with the records given (empty
// variation: no record) and returns the decisions.
std::vector<Decision> DecideAll(const CompiledConfig& config, const std::vector<Record>& records,
                                std::vector<std::string>* variations) {
  std::vector<Decision> out;
  variations->clear();
  VisitorContext ctx;
  DecisionList list;
  for (int i = 0; i < kVisitors; ++i) {
    ctx.Reset(absl::StrCat("visitor-", i));
    ctx.Set("plan", "pro");
    if (!records.empty() && !records[i].variation.empty()) {
      ctx.SetSticky("g", records[i].variation, records[i].version);
    }
    EXPECT_TRUE(config.DecideAll(ctx, kNow, &list).ok());
    out.push_back(list[0]);
    variations->emplace_back(list.variation_id(0));
  }
  return out;
}

// Records as a host persists them: the new assignments of a first run.
std::vector<Record> FirstRecords(const CompiledConfig& config) {
  std::vector<std::string> variations;
  std::vector<Decision> first = DecideAll(config, {}, &variations);
  std::vector<Record> records(kVisitors);
  for (int i = 0; i < kVisitors; ++i) {
    EXPECT_EQ(first[i].reason, DecisionReason::kAllocated);
    EXPECT_TRUE(first[i].new_assignment);
    records[i].variation = variations[i];
    records[i].version = config.groups()[first[i].group].sticky_version;
  }
  return records;
}

TEST(StickyAssignment, ChangedAllocationsMoveNobodyWithARecord) {
  auto first = Load(Config(50, 50));
  const std::vector<Record> records = FirstRecords(*first);
  auto second = Load(Config(10, 90));
  std::vector<std::string> without, with;
  DecideAll(*second, {}, &without);
  std::vector<Decision> d = DecideAll(*second, records, &with);
  int would_move = 0;
  for (int i = 0; i < kVisitors; ++i) {
    EXPECT_EQ(with[i], records[i].variation) << i;
    EXPECT_EQ(d[i].reason, DecisionReason::kSticky);
    EXPECT_FALSE(d[i].new_assignment);
    would_move += without[i] != records[i].variation;
  }
  // Without records about 40 % would have moved: the records are what holds.
  EXPECT_GT(would_move, kVisitors * 35 / 100);
}

TEST(StickyAssignment, TrafficRampedDownAndUpMovesNobody) {
  auto first = Load(Config(50, 50, Ramp(100)));
  const std::vector<Record> records = FirstRecords(*first);
  for (int percent : {5, 0, 60, 100}) {
    SCOPED_TRACE(percent);
    auto ramped = Load(Config(50, 50, Ramp(percent)));
    std::vector<std::string> with;
    std::vector<Decision> d = DecideAll(*ramped, records, &with);
    for (int i = 0; i < kVisitors; ++i) {
      ASSERT_EQ(with[i], records[i].variation) << i;
      ASSERT_EQ(d[i].reason, DecisionReason::kSticky);
    }
  }
}

TEST(StickyAssignment, ZeroAllocationKeepsItsStickyVisitorsAndTakesNoNewOnes) {
  auto first = Load(Config(50, 50));
  std::vector<Record> records = FirstRecords(*first);
  auto closed = Load(Config(100, 0));
  // Half the visitors lose their records: they are newcomers.
  for (int i = 0; i < kVisitors; i += 2) records[i].variation.clear();
  std::vector<std::string> with;
  DecideAll(*closed, records, &with);
  int kept_b = 0, new_b = 0;
  for (int i = 0; i < kVisitors; ++i) {
    if (i % 2 == 1) {
      EXPECT_EQ(with[i], records[i].variation);
      kept_b += with[i] == "b";
    } else {
      new_b += with[i] == "b";
    }
  }
  EXPECT_GT(kept_b, kVisitors / 5);
  EXPECT_EQ(new_b, 0);
}

TEST(StickyAssignment, VersionBumpReRandomizes) {
  auto first = Load(Config(50, 50));
  const std::vector<Record> records = FirstRecords(*first);
  auto bumped = Load(Config(50, 50, R"("sticky_version":1,)"));
  std::vector<std::string> with;
  std::vector<Decision> d = DecideAll(*bumped, records, &with);
  int changed = 0;
  for (int i = 0; i < kVisitors; ++i) {
    EXPECT_EQ(d[i].reason, DecisionReason::kAllocated);
    EXPECT_TRUE(d[i].new_assignment);
    changed += with[i] != records[i].variation;
  }
  // A new version re-seeds the group's buckets: about half of a 50/50
  // group lands elsewhere (binomial, sd 0.5 %: 45-55 % is 10 sd wide).
  EXPECT_GT(changed, kVisitors * 45 / 100);
  EXPECT_LT(changed, kVisitors * 55 / 100);
}

TEST(StickyAssignment, DeletedVariationFallsBackToTheHash) {
  auto first = Load(Config(50, 50));
  const std::vector<Record> records = FirstRecords(*first);
  auto only_a = Load(Config(100, 0, "", /*with_b=*/false));
  std::vector<std::string> with;
  std::vector<Decision> d = DecideAll(*only_a, records, &with);
  for (int i = 0; i < kVisitors; ++i) {
    EXPECT_EQ(with[i], "a");
    EXPECT_EQ(d[i].reason, records[i].variation == "a" ? DecisionReason::kSticky
                                                       : DecisionReason::kAllocated);
    EXPECT_EQ(d[i].new_assignment, records[i].variation != "a");
  }
}

TEST(StickyAssignment, TargetingAndKillSwitchesStillApply) {
  auto config = Load(Config(50, 50));
  VisitorContext ctx("visitor-1");
  ctx.Set("plan", "free");
  ctx.SetSticky("g", "b");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kNotTargeted);
  ctx.Set("plan", "pro");
  RuntimeState runtime(1, 1);
  runtime.set_group_rolled_back(0, true);
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list, &runtime).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kRolledBack);
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kSticky);
  EXPECT_EQ(list.variation_id(0), "b");
}

TEST(StickyAssignment, UnknownGroupsAndVariationsAreKeptOut) {
  auto config = Load(Config(50, 50));
  VisitorContext ctx("visitor-1");
  ctx.Set("plan", "pro");
  ctx.SetSticky("no-such-group", "a");
  ctx.SetSticky("g", "no-such-variation");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kAllocated);
  const std::vector<CampaignExplanation> why = config->Explain(ctx, kNow);
  EXPECT_NE(why[0].detail.find("record for group \"g\" ignored"), std::string::npos)
      << why[0].detail;
}

TEST(StickyAssignment, LatestRecordForAGroupWins) {
  auto config = Load(Config(50, 50));
  VisitorContext ctx("visitor-1");
  ctx.Set("plan", "pro");
  ctx.SetSticky("g", "a");
  ctx.SetSticky("g", "b");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list.variation_id(0), "b");
  Decision d;
  ASSERT_TRUE(config->Decide("c", ctx, kNow, &d).ok());
  EXPECT_EQ(d.reason, DecisionReason::kSticky);
  EXPECT_EQ(d.variation, list[0].variation);
}

TEST(StickyAssignment, ForcedDecisionIsNewOnlyWhenItDiffersFromTheRecord) {
  auto config = Load(Config(50, 50, R"("sticky_version":3,)"));
  VisitorContext ctx("visitor-1");
  ctx.Force("c", "b");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kForced);
  EXPECT_TRUE(list[0].new_assignment);  // no record
  ctx.SetSticky("g", "b", 3);
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_FALSE(list[0].new_assignment);  // the record names it
  ctx.SetSticky("g", "b", 2);
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_TRUE(list[0].new_assignment);  // an old version: persist again
  ctx.SetSticky("g", "a", 3);
  ASSERT_TRUE(config->DecideAll(ctx, kNow, &list).ok());
  EXPECT_TRUE(list[0].new_assignment);
}

TEST(StickyAssignment, ContextAlternatingBetweenConfigsRebinds) {
  auto one = Load(Config(50, 50));
  auto two = Load(Config(100, 0, "", /*with_b=*/false));
  VisitorContext ctx("visitor-1");
  ctx.Set("plan", "pro");
  ctx.SetSticky("g", "b");
  DecisionList list;
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(one->DecideAll(ctx, kNow, &list).ok());
    EXPECT_EQ(list[0].reason, DecisionReason::kSticky);
    ASSERT_TRUE(two->DecideAll(ctx, kNow, &list).ok());
    EXPECT_EQ(list[0].reason, DecisionReason::kAllocated);
  }
}

// A refilled context keeps, per record position, the group its id named in
// the last config: the memo must follow the id at that position (another
// group, an unknown one) and the config (where the same id has another
// index).
TEST(StickyAssignment, RefilledRecordsBindToTheirOwnGroups) {
  const std::string two_groups = R"({"campaigns":[
    {"id":"c1","type":"ab","variation_groups":[{"id":"g1","targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":""}]}]},"variations":[
      {"id":"x","allocation":50},{"id":"y","allocation":50}]}]},
    {"id":"c2","type":"ab","variation_groups":[{"id":"g2","targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":""}]}]},"variations":[
      {"id":"x","allocation":50},{"id":"y","allocation":50}]}]}]})";
  const std::string swapped = R"({"campaigns":[
    {"id":"c2","type":"ab","variation_groups":[{"id":"g2","targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":""}]}]},"variations":[
      {"id":"x","allocation":50},{"id":"y","allocation":50}]}]},
    {"id":"c1","type":"ab","variation_groups":[{"id":"g1","targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":""}]}]},"variations":[
      {"id":"x","allocation":50},{"id":"y","allocation":50}]}]}]})";
  auto first = Load(two_groups);
  auto second = Load(swapped);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  VisitorContext ctx;
  DecisionList list;
  auto reasons = [&](const CompiledConfig& config) {
    EXPECT_TRUE(config.DecideAll(ctx, kNow, &list).ok());
    std::map<std::string, std::string> out;
    for (size_t i = 0; i < list.size(); ++i) {
      out[std::string(list.campaign_id(i))] =
          std::string(DecisionReasonName(list[i].reason)) + ":" +
          std::string(list.variation_id(i));
    }
    return out;
  };
  for (int round = 0; round < 2; ++round) {
    for (const CompiledConfig* config : {first.get(), second.get()}) {
      ctx.Reset("visitor-7");
      ctx.SetSticky("g1", "y");
      auto r = reasons(*config);
      EXPECT_EQ(r["c1"], "sticky:y");
      EXPECT_NE(r["c2"].substr(0, 6), "sticky");
      ctx.Reset("visitor-7");
      ctx.SetSticky("g2", "x");  // same position, another group
      r = reasons(*config);
      EXPECT_NE(r["c1"].substr(0, 6), "sticky");
      EXPECT_EQ(r["c2"], "sticky:x");
      ctx.Reset("visitor-7");
      ctx.SetSticky("g9", "x");  // unknown: kept out
      r = reasons(*config);
      EXPECT_NE(r["c1"].substr(0, 6), "sticky");
      EXPECT_NE(r["c2"].substr(0, 6), "sticky");
    }
  }
}

}  // namespace
}  // namespace allot
