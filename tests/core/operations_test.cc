// Campaign operations (DESIGN §13): fingerprints, reload reports, no-op and
// payload-only reloads, locked campaigns.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "core/config_diff.h"
#include "core/engine.h"
#include "core/fingerprint.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

using ::testing::HasSubstr;

// Two campaigns: c1 (a 50/50 test with a flag) and c2 (a toggle), with
// `extra` inserted into c1's object and `c1_alloc` as its A allocation.
std::string Doc(const std::string& extra = "", int c1_alloc = 50,
                const std::string& flag = "\"blue\"") {
  return absl::StrCat(R"({"campaigns":[
    {"id":"c1","name":"Checkout test","type":"ab",)", extra, R"(
     "variation_groups":[{"id":"g1","name":"All",
       "targeting":{"targeting_groups":[{"targetings":[
         {"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
       "variations":[
         {"id":"a","name":"A","reference":true,"allocation":)", c1_alloc,
                      R"(,"modifications":{"type":"FLAG","value":{"color":)", flag,
                      R"(}}},
         {"id":"b","name":"B","allocation":)", 100 - c1_alloc, R"(}]}]},
    {"id":"c2","type":"toggle","variation_groups":[{"id":"g2",
       "targeting":{"targeting_groups":[{"targetings":[
         {"key":"country","operator":"EQUALS","value":"FR"}]}]},
       "variations":[{"id":"on","allocation":100}]}]}]})");
}

std::shared_ptr<const CompiledConfig> Load(const std::string& json) {
  auto config = LoadConfig(json);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : nullptr;
}

const CompiledConfig::Campaign& C1(const CompiledConfig& config) {
  return config.campaigns()[config.FindCampaign("c1")];
}

// Do not change these values: they are what every running allot computed
// for this content, and a change would make every reload after an upgrade
// look like a change (and refuse it for locked campaigns).
TEST(Fingerprint, FrozenValues) {
  auto config = Load(Doc());
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(C1(*config).assignment_fingerprint, 0x386bfa023f9fe0c9ULL);
  EXPECT_EQ(C1(*config).payload_fingerprint, 0x3292bc217d497ebfULL);
  EXPECT_EQ(config->campaigns()[1].assignment_fingerprint,
            0xde58e7d08e478b47ULL);
  EXPECT_EQ(config->content_fingerprint(), 0x0c7ca87b1bdbae99ULL);
}

TEST(Fingerprint, KeyOrderWhitespaceAndNamesChangeNoAssignment) {
  auto base = Load(Doc());
  // The same content written differently: keys reordered, spaces added.
  std::string reordered = Doc();
  absl::StrReplaceAll({{R"("id":"c1","name":"Checkout test","type":"ab",)",
                        R"("type" : "ab",  "name":"Checkout test", "id":"c1",)"}},
                      &reordered);
  auto same = Load(reordered);
  ASSERT_NE(same, nullptr);
  EXPECT_EQ(C1(*same).assignment_fingerprint, C1(*base).assignment_fingerprint);
  EXPECT_EQ(C1(*same).payload_fingerprint, C1(*base).payload_fingerprint);
  EXPECT_EQ(same->content_fingerprint(), base->content_fingerprint());

  std::string renamed = Doc();
  absl::StrReplaceAll({{"Checkout test", "Checkout test, round 2"},
                       {R"("name":"A")", R"("name":"Control")"}},
                      &renamed);
  auto named = Load(renamed);
  ASSERT_NE(named, nullptr);
  EXPECT_EQ(C1(*named).assignment_fingerprint, C1(*base).assignment_fingerprint);
  EXPECT_EQ(C1(*named).payload_fingerprint, C1(*base).payload_fingerprint);
  // ... but a name is content: a reload to it is not a no-op.
  EXPECT_NE(named->content_fingerprint(), base->content_fingerprint());
}

TEST(Fingerprint, EveryAssignmentInputChangesIt) {
  auto base = Load(Doc());
  const uint64_t fp = C1(*base).assignment_fingerprint;
  struct Case {
    const char* name;
    std::string json;
  };
  std::string targeting = Doc(), variation_id = Doc(), reference = Doc(),
              type = Doc();
  absl::StrReplaceAll({{R"("fs_all_users","operator":"EQUALS","value":true)",
                        R"("fs_all_users","operator":"EQUALS","value":false)"}},
                      &targeting);
  absl::StrReplaceAll({{R"({"id":"b","name":"B")", R"({"id":"b2","name":"B")"}},
                      &variation_id);
  absl::StrReplaceAll({{R"("reference":true,)", ""}}, &reference);
  absl::StrReplaceAll({{R"("type":"ab",)", R"("type":"perso",)"}}, &type);
  const std::vector<Case> cases = {
      {"allocation", Doc("", 60)},
      {"targeting value", targeting},
      {"variation id", variation_id},
      {"reference", reference},
      {"type", type},
      {"window", Doc(R"("scheduler":{"start_date":"2026-01-01T00:00:00Z"},)")},
      {"bucket range", Doc(R"("bucket_ranges":[{"r":[0,50]}],)")},
      {"sticky version", [] {
         std::string j = Doc();
         absl::StrReplaceAll({{R"({"id":"g1",)", R"({"id":"g1","sticky_version":1,)"}},
                             &j);
         return j;
       }()},
      {"forced list", [] {
         std::string j = Doc();
         absl::StrReplaceAll(
             {{R"({"id":"g1",)",
               R"({"id":"g1","forced_assignments":[{"variation_id":"b","visitor_ids":["qa-1"]}],)"}},
             &j);
         return j;
       }()},
      {"rollout", [] {
         std::string j = Doc();
         absl::StrReplaceAll(
             {{R"({"id":"g1",)",
               R"({"id":"g1","allocation_config":{"start_date":"2026-01-01T00:00:00Z","start_allocation":10,"periodic_steps":{"allocation_step":10,"step":1,"step_type":"day"}},)"}},
             &j);
         return j;
       }()},
  };
  for (const Case& c : cases) {
    auto changed = Load(c.json);
    ASSERT_NE(changed, nullptr) << c.name;
    EXPECT_NE(C1(*changed).assignment_fingerprint, fp) << c.name;
    EXPECT_NE(changed->content_fingerprint(), base->content_fingerprint()) << c.name;
    // c2 is untouched by every case.
    EXPECT_EQ(changed->campaigns()[1].assignment_fingerprint,
              base->campaigns()[1].assignment_fingerprint)
        << c.name;
  }
  // The bucketing mode decides every bucket.
  LoadOptions flagship;
  flagship.bucketing = BucketingChoice::kFlagship;
  auto other_mode = LoadConfig(Doc(), flagship);
  ASSERT_TRUE(other_mode.ok());
  EXPECT_NE(C1(**other_mode).assignment_fingerprint, fp);
}

TEST(Fingerprint, PayloadAndStatusAreNotAssignment) {
  auto base = Load(Doc());
  auto payload = Load(Doc("", 50, "\"green\""));
  ASSERT_NE(payload, nullptr);
  EXPECT_EQ(C1(*payload).assignment_fingerprint, C1(*base).assignment_fingerprint);
  EXPECT_NE(C1(*payload).payload_fingerprint, C1(*base).payload_fingerprint);
  auto paused = Load(Doc(R"("status":"paused",)"));
  ASSERT_NE(paused, nullptr);
  EXPECT_EQ(C1(*paused).assignment_fingerprint, C1(*base).assignment_fingerprint);
  EXPECT_NE(paused->content_fingerprint(), base->content_fingerprint());
}

TEST(Fingerprint, SingleAssignmentChainsAbCampaigns) {
  // With single assignment, c3 (ab) only gets who c1 (ab) left: a change
  // in c1 changes who gets c3. Without it, c3 is independent.
  auto doc = [](bool single, int c1_alloc) {
    std::string j = Doc("", c1_alloc);
    j.pop_back();  // "]}" -> add c3, then the settings
    j.pop_back();
    absl::StrAppend(&j, R"(,{"id":"c3","type":"ab","variation_groups":[{"id":"g3",
        "targeting":{"targeting_groups":[{"targetings":[
          {"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
        "variations":[{"id":"x","allocation":50},{"id":"y","allocation":50}]}]}])",
                    single ? R"(,"settings":{"single_assignment":true}})" : "}");
    return j;
  };
  for (bool single : {false, true}) {
    auto a = Load(doc(single, 50));
    auto b = Load(doc(single, 60));
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    const int32_t c3 = a->FindCampaign("c3");
    EXPECT_EQ(a->campaigns()[c3].assignment_fingerprint !=
                  b->campaigns()[c3].assignment_fingerprint,
              single);
    // c2 is a toggle: never chained.
    EXPECT_EQ(a->campaigns()[1].assignment_fingerprint,
              b->campaigns()[1].assignment_fingerprint);
  }
}

TEST(ReloadReport, SortsCampaignsIntoCategories) {
  auto from = Load(Doc());
  std::string to_json = Doc("", 60, "\"green\"");
  // c2 gets a new payload only; c9 is added; nothing removed yet.
  absl::StrReplaceAll({{R"([{"id":"on","allocation":100}])",
                        R"([{"id":"on","allocation":100,"modifications":{"value":{"x":1}}}])"}},
                      &to_json);
  to_json.pop_back();
  to_json.pop_back();
  absl::StrAppend(&to_json, R"(,{"id":"c9","variation_groups":[{"id":"g9",
      "variations":[{"id":"v","allocation":100}]}]}]})");
  auto to = Load(to_json);
  ASSERT_NE(to, nullptr);
  ReloadReport r = CompareConfigs(*from, *to);
  EXPECT_FALSE(r.identical);
  EXPECT_EQ(r.added, std::vector<std::string>{"c9"});
  EXPECT_TRUE(r.removed.empty());
  EXPECT_EQ(r.changed, std::vector<std::string>{"c1"});
  EXPECT_EQ(r.payload_only, std::vector<std::string>{"c2"});
  EXPECT_TRUE(r.unchanged.empty());

  ReloadReport back = CompareConfigs(*to, *from);
  EXPECT_EQ(back.removed, std::vector<std::string>{"c9"});
  EXPECT_EQ(ReloadReportJson(back),
            R"({"added":[],"removed":["c9"],"changed":["c1"],)"
            R"("payload_only":["c2"],"unchanged":[]})");
  EXPECT_EQ(ReloadReportText(CompareConfigs(*from, *from)),
            "identical content: nothing changes\nadded (0):\nremoved (0):\n"
            "changed (0):\npayload only (0):\nunchanged (2): c1 c2\n");
  // Pausing is a change of who gets what, though not of the fingerprint.
  auto paused = Load(Doc(R"("status":"paused",)"));
  EXPECT_EQ(CompareConfigs(*from, *paused).changed, std::vector<std::string>{"c1"});
}

TEST(EngineReload, IdenticalContentKeepsTheSnapshotAndTheState) {
  auto engine = Engine::Create(Doc());
  ASSERT_TRUE(engine.ok());
  Engine& e = **engine;
  ASSERT_TRUE(e.SetCampaignActive("c2", false).ok());
  const auto before = e.snapshot();
  std::string spaced = Doc();
  absl::StrReplaceAll({{",", " ,\n "}}, &spaced);
  auto report = e.Reload(spaced);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->identical);
  EXPECT_EQ(report->unchanged, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(e.snapshot(), before);  // the same snapshot keeps serving
  VisitorContext ctx("v1");
  ctx.Set("country", "FR");
  DecisionList list;
  ASSERT_TRUE(e.DecideAll(ctx, absl::Now(), &list).ok());
  EXPECT_EQ(list[1].reason, DecisionReason::kCampaignInactive);  // toggle kept
  // A real change swaps.
  report = e.Reload(Doc("", 60));
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->identical);
  EXPECT_NE(e.snapshot(), before);
}

TEST(EngineReload, PayloadOnlyChangeMovesNobody) {
  auto engine = Engine::Create(Doc());
  ASSERT_TRUE(engine.ok());
  Engine& e = **engine;
  const absl::Time now = absl::Now();
  constexpr int kVisitors = 100000;
  std::vector<int32_t> before(kVisitors);
  VisitorContext ctx;
  DecisionList list;
  for (int i = 0; i < kVisitors; ++i) {
    ctx.Reset(absl::StrCat("visitor-", i));
    ASSERT_TRUE(e.DecideAll(ctx, now, &list).ok());
    before[i] = list[0].variation;
  }
  auto report = e.Reload(Doc("", 50, "\"green\""));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->payload_only, std::vector<std::string>{"c1"});
  int moved = 0, green = 0;
  std::vector<ResolvedFlag> flags;
  for (int i = 0; i < kVisitors; ++i) {
    ctx.Reset(absl::StrCat("visitor-", i));
    ASSERT_TRUE(e.DecideAll(ctx, now, &list).ok());
    moved += list[0].variation != before[i];
    e.config()->ResolveFlags(list, &flags);
    green += !flags.empty() && flags[0].json_value == "\"green\"";
  }
  EXPECT_EQ(moved, 0);
  EXPECT_GT(green, kVisitors / 3);  // variation a's visitors see the new value
  EXPECT_LT(green, 2 * kVisitors / 3);
}

TEST(LockedCampaigns, RefusesAnAssignmentChangeOrARemoval) {
  auto engine = Engine::Create(Doc(R"("locked":true,)"));
  ASSERT_TRUE(engine.ok());
  Engine& e = **engine;
  const auto serving = e.snapshot();

  auto changed = e.Reload(Doc(R"("locked":true,)", 60));
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(changed.status().message()),
              HasSubstr(R"(campaigns[0]: locked campaign "c1" would change who gets what)"));
  EXPECT_EQ(e.snapshot(), serving);  // the old config keeps serving

  // Unlocking and changing in one step is refused too.
  EXPECT_FALSE(e.Reload(Doc("", 60)).ok());

  // Only c2 left.
  std::string removed = Doc(R"("locked":true,)");
  removed = absl::StrCat(R"({"campaigns":[)",
                         removed.substr(removed.find(R"({"id":"c2")")));
  auto gone = e.Reload(removed);
  ASSERT_FALSE(gone.ok());
  EXPECT_THAT(std::string(gone.status().message()),
              HasSubstr(R"(campaigns[0]: locked campaign "c1" would be removed)"));
  EXPECT_EQ(e.snapshot(), serving);
}

TEST(LockedCampaigns, AllowsPausePayloadRenameAndUnlock) {
  auto engine = Engine::Create(Doc(R"("locked_at":"2026-05-01T09:00:00Z",)"));
  ASSERT_TRUE(engine.ok());
  Engine& e = **engine;
  EXPECT_TRUE(e.config()->campaigns()[0].locked);
  const std::string lock = R"("locked_at":"2026-05-01T09:00:00Z",)";
  auto paused = e.Reload(Doc(lock + R"("status":"paused",)"));
  ASSERT_TRUE(paused.ok()) << paused.status();
  EXPECT_EQ(paused->changed, std::vector<std::string>{"c1"});
  ASSERT_TRUE(e.Reload(Doc(lock)).ok());  // resumed
  auto payload = e.Reload(Doc(lock, 50, "\"green\""));
  ASSERT_TRUE(payload.ok()) << payload.status();
  EXPECT_EQ(payload->payload_only, std::vector<std::string>{"c1"});
  std::string renamed = Doc(lock, 50, "\"green\"");
  absl::StrReplaceAll({{"Checkout test", "Checkout (locked)"}}, &renamed);
  ASSERT_TRUE(e.Reload(renamed).ok());
  // Unlocking with otherwise identical content, then changing: both fine.
  std::string unlocked = renamed;
  absl::StrReplaceAll({{lock, ""}}, &unlocked);
  auto unlock = e.Reload(unlocked);
  ASSERT_TRUE(unlock.ok()) << unlock.status();
  EXPECT_FALSE(unlock->identical);
  EXPECT_FALSE(e.config()->campaigns()[0].locked);
  EXPECT_TRUE(e.Reload(Doc("", 60)).ok());
}

TEST(LockedCampaigns, NamesEveryLockedCampaignItWouldChange) {
  std::string both = Doc(R"("locked":true,)");
  absl::StrReplaceAll({{R"({"id":"c2","type":"toggle",)",
                        R"({"id":"c2","type":"toggle","locked":true,)"}},
                      &both);
  auto from = Load(both);
  std::string to = Doc(R"("locked":true,)", 70);
  absl::StrReplaceAll({{R"({"id":"c2","type":"toggle",)",
                        R"({"id":"c2","type":"toggle","locked":true,)"},
                       {R"("value":"FR")", R"("value":"DE")"}},
                      &to);
  auto next = Load(to);
  ASSERT_NE(from, nullptr);
  ASSERT_NE(next, nullptr);
  absl::Status s = CheckLockedCampaigns(*from, *next);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr(R"(campaigns[0]: locked campaign "c1")"));
  EXPECT_THAT(std::string(s.message()), HasSubstr(R"(campaigns[1]: locked campaign "c2")"));
}

TEST(LockedCampaigns, BucketingFilesLockToo) {
  const std::string file = R"({"campaigns":[{"id":"c1","type":"ab","locked":true,
      "variationGroups":[{"id":"g1","targeting":{"targetingGroups":[{"targetings":[
        {"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
      "variations":[{"id":"a","allocation":50},{"id":"b","allocation":50}]}]}]})";
  auto engine = Engine::Create(file);
  ASSERT_TRUE(engine.ok()) << engine.status();
  EXPECT_TRUE((*engine)->config()->campaigns()[0].locked);
  std::string moved = file;
  absl::StrReplaceAll({{R"("allocation":50},{"id":"b","allocation":50})",
                        R"("allocation":40},{"id":"b","allocation":60})"}},
                      &moved);
  EXPECT_EQ((*engine)->Reload(moved).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(LockedCampaigns, LoadErrorsNameThePath) {
  auto bad_instant = LoadConfig(Doc(R"("locked_at":"yesterday",)"));
  ASSERT_FALSE(bad_instant.ok());
  EXPECT_THAT(std::string(bad_instant.status().message()),
              HasSubstr("campaigns[0].locked_at: "));
  auto contradiction =
      LoadConfig(Doc(R"("locked":false,"locked_at":"2026-05-01T09:00:00Z",)"));
  ASSERT_FALSE(contradiction.ok());
  EXPECT_THAT(std::string(contradiction.status().message()),
              HasSubstr("campaigns[0].locked: is false but locked_at is set"));
  auto not_bool = LoadConfig(Doc(R"("locked":"yes",)"));
  ASSERT_FALSE(not_bool.ok());
  EXPECT_THAT(std::string(not_bool.status().message()),
              HasSubstr("campaigns[0].locked"));
}

}  // namespace
}  // namespace allot

namespace allot {
namespace {

// One ab campaign `id` over everyone, split a/b in percent.
std::string AbCampaign(const std::string& id, int a, int b) {
  return absl::StrCat(R"({"id":")", id, R"(","type":"ab","variation_groups":[{"id":")", id,
                      R"(-g","targeting":{"targeting_groups":[{"targetings":[)",
                      R"({"key":"fs_all_users","operator":"EQUALS","value":true}]}]},)",
                      R"("variations":[{"id":")", id, R"(-a","allocation":)", a, R"(},)",
                      R"({"id":")", id, R"(-b","allocation":)", b, R"(}]}]})");
}

std::string Campaigns(const std::vector<std::string>& campaigns,
                      const std::string& settings = "") {
  std::string out = R"({"campaigns":[)";
  for (size_t i = 0; i < campaigns.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", campaigns[i]);
  }
  absl::StrAppend(&out, "]", settings.empty() ? "" : ",", settings, "}");
  return out;
}

std::vector<CampaignDiff> DiffOver(const std::string& from, const std::string& to,
                                   int visitors, const LoadOptions& options = {},
                                   ReloadReport* report = nullptr) {
  auto a = LoadConfig(from, options);
  auto b = LoadConfig(to, options);
  EXPECT_TRUE(a.ok() && b.ok());
  if (!a.ok() || !b.ok()) return {};
  ConfigDiff diff(*a, *b);
  VisitorContext ctx;
  const absl::Time at = absl::FromUnixSeconds(1780000000);
  for (int i = 0; i < visitors; ++i) {
    ctx.Reset(absl::StrCat("visitor-", i));
    EXPECT_TRUE(diff.Add(ctx, at).ok());
  }
  if (report != nullptr) *report = diff.report();
  return diff.Campaigns();
}

TEST(ConfigDiff, SixtyFortyMovesAboutTenPercentFromTheShrunkToTheGrown) {
  for (BucketingChoice mode : {BucketingChoice::kXxh3, BucketingChoice::kFlagship}) {
    LoadOptions options;
    options.bucketing = mode;
    constexpr int kVisitors = 100000;
    std::vector<CampaignDiff> d =
        DiffOver(Campaigns({AbCampaign("c1", 50, 50)}),
                 Campaigns({AbCampaign("c1", 40, 60)}), kVisitors, options);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].campaign_id, "c1");
    EXPECT_EQ(d[0].visitors, kVisitors);
    EXPECT_GT(d[0].moved, kVisitors * 9 / 100);
    EXPECT_LT(d[0].moved, kVisitors * 11 / 100);
    int64_t sum = 0;
    for (const VariationTransition& t : d[0].transitions) {
      sum += t.visitors;
      if (t.from != t.to) {  // every mover goes from a (shrunk) to b (grown)
        EXPECT_EQ(t.from, "c1-a");
        EXPECT_EQ(t.to, "c1-b");
        EXPECT_EQ(t.visitors, d[0].moved);
      }
    }
    EXPECT_EQ(sum, kVisitors);
  }
}

TEST(ConfigDiff, AddingACampaignAtTheEndMovesNobody) {
  ReloadReport report;
  const std::string single = R"("settings":{"single_assignment":true})";
  std::vector<CampaignDiff> d = DiffOver(
      Campaigns({AbCampaign("c1", 30, 30), AbCampaign("c2", 50, 50)}, single),
      Campaigns({AbCampaign("c1", 30, 30), AbCampaign("c2", 50, 50),
                 AbCampaign("c3", 50, 50)},
                single),
      20000, {}, &report);
  EXPECT_EQ(report.added, std::vector<std::string>{"c3"});
  EXPECT_EQ(report.unchanged, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_TRUE(d.empty());  // no changed campaign: nobody to move
}

TEST(ConfigDiff, ReorderingUnderSingleAssignmentMovesVisitors) {
  ReloadReport report;
  const std::string single = R"("settings":{"single_assignment":true})";
  constexpr int kVisitors = 20000;
  std::vector<CampaignDiff> d = DiffOver(
      Campaigns({AbCampaign("c1", 30, 30), AbCampaign("c2", 50, 50)}, single),
      Campaigns({AbCampaign("c2", 50, 50), AbCampaign("c1", 30, 30)}, single),
      kVisitors, {}, &report);
  // c2 now comes first: it takes visitors c1 had, and c1 loses them.
  EXPECT_EQ(report.changed, (std::vector<std::string>{"c2", "c1"}));
  ASSERT_EQ(d.size(), 2u);
  for (const CampaignDiff& c : d) {
    EXPECT_GT(c.moved, kVisitors / 5) << c.campaign_id;
    bool from_none = false, to_none = false;
    for (const VariationTransition& t : c.transitions) {
      from_none |= t.from_none && !t.to_none;
      to_none |= !t.from_none && t.to_none;
    }
    // c2 gains visitors who had none; c1 loses visitors to none.
    EXPECT_EQ(from_none, c.campaign_id == "c2");
    EXPECT_EQ(to_none, c.campaign_id == "c1");
  }
  // Without single assignment the order does not matter.
  std::vector<CampaignDiff> free = DiffOver(
      Campaigns({AbCampaign("c1", 30, 30), AbCampaign("c2", 50, 50)}),
      Campaigns({AbCampaign("c2", 50, 50), AbCampaign("c1", 30, 30)}), 1000, {},
      &report);
  EXPECT_TRUE(free.empty());
  EXPECT_EQ(report.unchanged.size(), 2u);
}

TEST(ConfigDiff, MergeAddsUpAndJsonHasTheDocumentedShape) {
  auto a = LoadConfig(Campaigns({AbCampaign("c1", 50, 50)}));
  auto b = LoadConfig(Campaigns({AbCampaign("c1", 0, 100)}));
  ASSERT_TRUE(a.ok() && b.ok());
  ConfigDiff one(*a, *b), two(*a, *b);
  VisitorContext ctx;
  for (int i = 0; i < 100; ++i) {
    ctx.Reset(absl::StrCat("v", i));
    ASSERT_TRUE((i % 2 ? one : two).Add(ctx, absl::Now()).ok());
  }
  ctx.Reset("");
  EXPECT_FALSE(one.Add(ctx, absl::Now()).ok());
  one.Merge(two);
  std::vector<CampaignDiff> d = one.Campaigns();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].visitors, 100);
  const std::string json = ConfigDiffJson(one.report(), &d);
  EXPECT_THAT(json, HasSubstr(R"({"added":[],"removed":[],"changed":["c1"],)"
                              R"("payload_only":[],"unchanged":[],"campaigns":[)"
                              R"({"campaign_id":"c1","visitors":100,"moved":)"));
  EXPECT_THAT(json, HasSubstr(R"({"from":"c1-a","to":"c1-b","visitors":)"));
  EXPECT_EQ(ConfigDiffJson(one.report(), nullptr).find("campaigns\":["),
            std::string::npos);
}

}  // namespace
}  // namespace allot
