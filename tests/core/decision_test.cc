// Focused tests of the decision path (DESIGN §3) beyond the shared JSON cases.
#include <algorithm>
#include <string>
#include <vector>

#include "core/compiled_config.h"
#include "core/internal/runtime_state.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

constexpr char kTwoCampaigns[] = R"({"campaigns":[
  {"id":"first","type":"ab","variation_groups":[{"id":"g1",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"g1-ref","reference":true,"allocation":0,"modifications":{"type":"FLAG","value":{"color":"blue","size":1}}},
                  {"id":"g1-new","allocation":100,"modifications":{"type":"FLAG","value":{"color":"red","size":2}}}]}]},
  {"id":"second","type":"ab","variation_groups":[{"id":"g2",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"g2-only","allocation":100,"modifications":{"type":"FLAG","value":{"color":"green","shape":"round"}}}]}]}
 ],"settings":{"single_assignment":false}})";

std::shared_ptr<const CompiledConfig> Load(const std::string& json,
                                           LoadOptions options = LoadOptions()) {
  auto config = LoadConfig(json, options);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : nullptr;
}

TEST(Decision, RolledBackGroupGivesReferenceVariation) {
  auto config = Load(kTwoCampaigns);
  RuntimeState runtime(config->campaigns().size(), config->groups().size());
  runtime.set_group_rolled_back(config->FindGroup("g1"), true);
  VisitorContext ctx("v");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, absl::Now(), &list, &runtime).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kRolledBack);
  EXPECT_EQ(list.variation_id(0), "g1-ref");
  EXPECT_EQ(list[1].reason, DecisionReason::kAllocated);
  std::vector<ResolvedFlag> flags;
  config->ResolveFlags(list, &flags);
  ASSERT_EQ(flags.size(), 3u);
  EXPECT_EQ(flags[0].key, "color");
  EXPECT_EQ(flags[0].json_value, "\"green\"");  // the later campaign wins
  EXPECT_EQ(flags[1].key, "size");
  EXPECT_EQ(flags[1].json_value, "1");  // the reference variation's value
  EXPECT_TRUE(flags[1].reference);
}

TEST(Decision, RolledBackWithoutReferenceGivesNoVariation) {
  auto config = Load(kTwoCampaigns);
  RuntimeState runtime(config->campaigns().size(), config->groups().size());
  runtime.set_group_rolled_back(config->FindGroup("g2"), true);
  VisitorContext ctx("v");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, absl::Now(), &list, &runtime).ok());
  EXPECT_EQ(list[1].reason, DecisionReason::kRolledBack);
  EXPECT_EQ(list.group_id(1), "g2");
  EXPECT_EQ(list.variation_id(1), "");
  EXPECT_FALSE(list[1].has_variation());
}

TEST(Decision, FlagsLaterCampaignOverridesAndKeepsMetadata) {
  auto config = Load(kTwoCampaigns);
  VisitorContext ctx("v");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, absl::Now(), &list).ok());
  std::vector<ResolvedFlag> flags;
  config->ResolveFlags(list, &flags);
  ASSERT_EQ(flags.size(), 3u);
  EXPECT_EQ(flags[0].json_value, "\"green\"");
  EXPECT_EQ(config->campaigns()[flags[0].campaign].id, "second");
  EXPECT_EQ(flags[1].json_value, "2");
  EXPECT_EQ(config->variations()[flags[1].variation].id, "g1-new");
  EXPECT_FALSE(flags[1].reference);
  EXPECT_EQ(flags[2].key, "shape");
}

TEST(Decision, DecideOneCampaignAndUnknownCampaign) {
  auto config = Load(kTwoCampaigns);
  VisitorContext ctx("v");
  Decision d;
  ASSERT_TRUE(config->Decide("second", ctx, absl::Now(), &d).ok());
  EXPECT_EQ(d.reason, DecisionReason::kAllocated);
  EXPECT_EQ(config->variations()[d.variation].id, "g2-only");
  ASSERT_TRUE(config->Decide("nope", ctx, absl::Now(), &d).ok());
  EXPECT_EQ(d.reason, DecisionReason::kUnknownCampaign);
  EXPECT_EQ(DecisionReasonName(d.reason), "unknown_campaign");
}

// Campaign and group ids of every length class the id index keys
// differently (empty-free, 1-3, 4-7, 8-16 and longer bytes), found at their
// own index, and near misses (a byte more, a byte less, the last byte
// changed, the campaign's id asked of the groups) not found. `n` campaigns:
// up to 256 ids the index has a slot per id, beyond it probes.
void ExpectIdsFound(int n) {
  SCOPED_TRACE(n);
  const std::vector<std::string> stems = {"c",
                                          "cam",
                                          "camp",
                                          "campaig",
                                          "campaign",
                                          "campaign-0123456",
                                          "a-campaign-id-longer-than-16"};
  std::string json = R"({"campaigns":[)";
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    ids.push_back(stems[i % stems.size()] + std::to_string(i));
    if (i > 0) json += ",";
    json += R"({"id":")" + ids.back() +
            R"(","type":"ab","variation_groups":[)" + R"({"id":"g-)" +
            ids.back() + R"(","variations":[)" +
            R"({"id":"v","allocation":100}]}]})";
  }
  json += "]}";
  auto config = Load(json);
  ASSERT_NE(config, nullptr);
  ASSERT_EQ(config->campaigns().size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const std::string& id = ids[static_cast<size_t>(i)];
    const int32_t c = config->FindCampaign(id);
    ASSERT_GE(c, 0) << id;
    EXPECT_EQ(config->campaigns()[c].id, id);
    const int32_t g = config->FindGroup("g-" + id);
    ASSERT_GE(g, 0) << id;
    EXPECT_EQ(config->groups()[g].id, "g-" + id);
    EXPECT_EQ(config->groups()[g].campaign, c);
    std::string changed = id;
    changed.back() = changed.back() == '0' ? '1' : '0';
    if (std::find(ids.begin(), ids.end(), changed) == ids.end()) {
      EXPECT_EQ(config->FindCampaign(changed), -1) << changed;
    }
    EXPECT_EQ(config->FindCampaign(id + "x"), -1) << id;
    EXPECT_EQ(config->FindCampaign(id.substr(0, id.size() - 1) + "_"), -1);
    EXPECT_EQ(config->FindGroup(id), -1) << id;
  }
  EXPECT_EQ(config->FindCampaign(""), -1);
  EXPECT_EQ(config->FindGroup(""), -1);
}

TEST(Decision, FindsCampaignsAndGroupsById) {
  ExpectIdsFound(3);
  ExpectIdsFound(200);
  ExpectIdsFound(700);
}

TEST(Decision, DecideOneCampaignHonoursSingleAssignment) {
  std::string json = kTwoCampaigns;
  json.replace(json.find("\"single_assignment\":false"), 25, "\"single_assignment\":true ");
  auto config = Load(json);
  VisitorContext ctx("v");
  Decision d;
  ASSERT_TRUE(config->Decide("second", ctx, absl::Now(), &d).ok());
  EXPECT_EQ(d.reason, DecisionReason::kSingleAssignment);
}

TEST(Decision, EmptyVisitorIdIsRejected) {
  auto config = Load(kTwoCampaigns);
  VisitorContext ctx;
  DecisionList list;
  EXPECT_EQ(config->DecideAll(ctx, absl::Now(), &list).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Decision, ExplainSaysWhyTargetingFailed) {
  auto config = Load(R"({"campaigns":[{"id":"c","variation_groups":[{"id":"g",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"country","operator":"EQUALS","value":"FR"}]}]},
    "variations":[{"id":"v","allocation":100}]}]}]})");
  VisitorContext ctx("v");
  ctx.Set("country", "DE");
  std::vector<CampaignExplanation> why = config->Explain(ctx, absl::Now());
  ASSERT_EQ(why.size(), 1u);
  EXPECT_EQ(why[0].reason, DecisionReason::kNotTargeted);
  ASSERT_EQ(why[0].groups.size(), 1u);
  ASSERT_EQ(why[0].groups[0].targetings.size(), 1u);
  EXPECT_FALSE(why[0].groups[0].targetings[0].matched);
  EXPECT_EQ(why[0].groups[0].targetings[0].actual, "\"DE\"");
}

TEST(Formats, DetectsEachShape) {
  const std::string campaign = R"({"id":"c","variation_groups":[{"id":"g","variations":[{"id":"v","allocation":100}]}]})";
  auto single = Load(campaign);
  EXPECT_EQ(single->format(), ConfigFormat::kCampaignDocuments);
  EXPECT_EQ(single->bucketing(), BucketingMode::kXxh3);
  auto page = Load(R"({"items":[)" + campaign + R"(],"current_page":1,"total_count":1})");
  EXPECT_EQ(page->campaigns().size(), 1u);
  auto bucketing = Load(R"({"panic":false,"campaigns":[{"id":"c","type":"ab","variationGroups":[{"id":"g",
      "variations":[{"id":"v","allocation":100}]}]}],"accountSettings":{"enabled1V1T":true}})");
  EXPECT_EQ(bucketing->format(), ConfigFormat::kBucketingFile);
  EXPECT_EQ(bucketing->bucketing(), BucketingMode::kFlagship);
  EXPECT_TRUE(bucketing->single_assignment());
  LoadOptions xxh3;
  xxh3.bucketing = BucketingChoice::kXxh3;
  auto forced = Load(R"({"campaigns":[{"id":"c","variationGroups":[]}]})", xxh3);
  EXPECT_EQ(forced->bucketing(), BucketingMode::kXxh3);
}

TEST(Formats, UnknownFieldsAreIgnored) {
  auto config = Load(R"({"campaigns":[{"id":"c","project_id":"p","future":{"x":[1]},
    "variation_groups":[{"id":"g","weight":3,"variations":[{"id":"v","allocation":100,"color":"x"}]}]}],
    "settings":{"other":true}})");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->variations().size(), 1u);
}

TEST(Formats, SettingsBucketingIsOverriddenByAnExplicitOption) {
  const std::string json = R"({"settings":{"bucketing":"flagship"},"campaigns":[]})";
  EXPECT_EQ(Load(json)->bucketing(), BucketingMode::kFlagship);
  LoadOptions options;
  options.bucketing = BucketingChoice::kXxh3;
  EXPECT_EQ(Load(json, options)->bucketing(), BucketingMode::kXxh3);
}

// The xxh3 split over many visitors follows the allocations (±1 %), and the
// untracked remainder gives not_allocated.
TEST(Decision, SplitSharesFollowAllocations) {
  auto config = Load(R"({"campaigns":[{"id":"c","variation_groups":[{"id":"g",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"a","allocation":26.67},{"id":"b","allocation":26.67},{"id":"c","allocation":26.66}]}]}]})");
  VisitorContext ctx;
  DecisionList list;
  int counts[4] = {0, 0, 0, 0};
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    ctx.Reset("visitor-" + std::to_string(i));
    ASSERT_TRUE(config->DecideAll(ctx, absl::Now(), &list).ok());
    counts[list[0].reason == DecisionReason::kNotAllocated ? 3 : list[0].variation]++;
  }
  EXPECT_NEAR(counts[0] / double(n), 0.2667, 0.01);
  EXPECT_NEAR(counts[1] / double(n), 0.2667, 0.01);
  EXPECT_NEAR(counts[2] / double(n), 0.2666, 0.01);
  EXPECT_NEAR(counts[3] / double(n), 0.20, 0.01);
}

}  // namespace
}  // namespace allot
