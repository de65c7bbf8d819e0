// Misuse that used to read out of bounds gives a clear error or an empty
// result instead (DESIGN §17).
#include <string>
#include <vector>

#include "core/compiled_config.h"
#include "core/engine.h"
#include "core/internal/runtime_state.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1780000000);

std::string OneCampaign(const std::string& id, int campaigns = 1) {
  std::string out = R"({"campaigns":[)";
  for (int i = 0; i < campaigns; ++i) {
    if (i) out += ",";
    const std::string c = id + std::to_string(i);
    out += R"({"id":")" + c + R"(","variation_groups":[{"id":")" + c +
           R"(-g","targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},"variations":[{"id":")" +
           c + R"(-v","allocation":100,"modifications":{"type":"FLAG","value":{"k":")" + c +
           R"("}}}]}]})";
  }
  return out + "]}";
}

std::shared_ptr<const CompiledConfig> Load(const std::string& json) {
  auto config = LoadConfig(json);
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

TEST(Misuse, ResolveFlagsOfAnotherConfigsDecisionsIsEmpty) {
  auto big = Load(OneCampaign("big", 5));
  auto small = Load(OneCampaign("small"));
  VisitorContext ctx("v");
  DecisionList list;
  ASSERT_TRUE(big->DecideAll(ctx, kNow, &list).ok());
  std::vector<ResolvedFlag> flags;
  big->ResolveFlags(list, &flags);
  EXPECT_EQ(flags.size(), 1u);  // the key "k", overwritten by each campaign
  small->ResolveFlags(list, &flags);
  EXPECT_TRUE(flags.empty());
}

TEST(Misuse, RuntimeStateOfAnotherSizeIsAnError) {
  auto config = Load(OneCampaign("c", 2));
  VisitorContext ctx("v");
  DecisionList list;
  RuntimeState wrong(1, 1);
  absl::Status s = config->DecideAll(ctx, kNow, &list, &wrong);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("sized for another config"), std::string::npos);
  Decision d;
  EXPECT_EQ(config->Decide("c1", ctx, kNow, &d, &wrong).code(),
            absl::StatusCode::kInvalidArgument);
  RuntimeState right(2, 2);
  EXPECT_TRUE(config->DecideAll(ctx, kNow, &list, &right).ok());
}

TEST(Misuse, ScratchBoundToAnotherSetMatchesNothing) {
  std::vector<TargetingTreeSpec> one(1), three(3);
  for (auto* trees : {&one, &three}) {
    for (TargetingTreeSpec& t : *trees) {
      TargetingSpec spec;
      spec.key = "fs_all_users";
      spec.op = "EQUALS";
      spec.value = TargetingValueSpec::Bool(true);
      t.groups.push_back(TargetingGroupSpec{{spec}, ""});
    }
  }
  auto a = CompiledTargetingSet::Create(one);
  auto b = CompiledTargetingSet::Create(three);
  ASSERT_TRUE(a.ok() && b.ok());
  Attributes attrs;
  TargetingScratch scratch;
  EXPECT_FALSE((*b)->Matches(2, &scratch));  // never bound
  (*a)->Bind("v", attrs, &scratch);
  EXPECT_TRUE((*a)->Matches(0, &scratch));
  EXPECT_FALSE((*a)->Matches(1, &scratch));  // no such tree
  EXPECT_FALSE((*b)->Matches(2, &scratch));  // bound to a, not b
  (*b)->Bind("v", attrs, &scratch);
  EXPECT_TRUE((*b)->Matches(2, &scratch));
}

TEST(Misuse, NewEngineIsNeverServedADestroyedEnginesSnapshot) {
  VisitorContext ctx("v");
  DecisionList list;
  for (int round = 0; round < 20; ++round) {
    // Engines of the same size, created right after one is destroyed: the
    // allocator tends to give the same address.
    const std::string prefix = round % 2 ? "odd" : "even";
    auto engine = Engine::Create(OneCampaign(prefix, 1 + round % 3));
    ASSERT_TRUE(engine.ok());
    ASSERT_TRUE((*engine)->DecideAll(ctx, kNow, &list).ok());
    ASSERT_EQ(list.size(), static_cast<size_t>(1 + round % 3));
    EXPECT_EQ(list.campaign_id(0), prefix + "0");
  }
}

}  // namespace
}  // namespace allot
