// The candidate index (DESIGN §11): a campaign whose targeting an EQUALS on
// a string attribute rules out is decided without evaluating it; and the
// campaigns that nothing but targeting can stop have their trees tested
// together (CompiledTargetingSet::MatchingOf). Whatever the config and the
// visitor (with or without forced and sticky inputs), the decisions are the
// ones made without the index, and those of each campaign decided alone,
// also when one list is reused across visitors that take different paths.
#include <functional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "allocation/hash.h"
#include "core/compiled_config.h"
#include "core/internal/runtime_state.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

const char* const kCountries[] = {"FR", "DE", "US", "JP", "fr"};
const char* const kPlans[] = {"pro", "free", "enterprise"};

std::string Targeting(const std::vector<std::string>& targetings) {
  return absl::StrCat(R"({"targeting_groups":[{"targetings":[)",
                      absl::StrJoin(targetings, ","), "]}]}");
}

// A targeting of one of the shapes the index files (or must not file).
std::string RandomTargeting(std::mt19937& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::string country = kCountries[pick(5)];
  const std::string plan = kPlans[pick(3)];
  switch (pick(9)) {
    case 0:  // indexed on country
      return Targeting({absl::StrCat(R"({"key":"country","operator":"EQUALS","value":")", country, R"("})")});
    case 1:  // indexed on a list of values
      return Targeting({absl::StrCat(R"({"key":"country","operator":"EQUALS","value":[")", country,
                                     R"(","US"]})")});
    case 2:  // indexed (country has more distinct values than plan), with more to test
      return Targeting({absl::StrCat(R"({"key":"plan","operator":"EQUALS","value":")", plan, R"("})"),
                        absl::StrCat(R"({"key":"country","operator":"EQUALS","value":")", country, R"("})"),
                        absl::StrCat(R"({"key":"age","operator":"GREATER_THAN_OR_EQUALS","value":)",
                                     pick(60), "}")});
    case 3:  // not indexable: IN
      return Targeting({absl::StrCat(R"({"key":"country","operator":"IN","value":[")", country,
                                     R"(","JP"]})")});
    case 4:  // not indexable: two groups
      return absl::StrCat(R"({"targeting_groups":[{"targetings":[{"key":"country","operator":"EQUALS","value":")",
                          country, R"("}]},{"targetings":[{"key":"plan","operator":"EQUALS","value":")", plan,
                          R"("}]}]})");
    case 5:  // not indexable: a number
      return Targeting({absl::StrCat(R"({"key":"age","operator":"EQUALS","value":)", pick(90), "}")});
    case 6:  // not indexable: NOT_EQUALS holds for a missing attribute
      return Targeting({absl::StrCat(R"({"key":"country","operator":"NOT_EQUALS","value":")", country, R"("})")});
    case 7:  // not indexable: everyone
      return Targeting({R"({"key":"fs_all_users","operator":"EQUALS","value":true})"});
    default:  // indexed on plan
      return Targeting({absl::StrCat(R"({"key":"plan","operator":"EQUALS","value":")", plan, R"("})")});
  }
}

// Flagship bucket ranges (percent), of the shapes a config may give: one
// range, two apart, two that overlap, one between two buckets (no bucket).
const char* const kRanges[] = {
    R"([{"r":[0,50]}])",  R"([{"r":[50,100]}])",
    R"([{"r":[20,30]}])", R"([{"r":[0,10]},{"r":[60,70]}])",
    R"([{"r":[0,40]},{"r":[30,60]}])", R"([{"r":[30,30.5]}])"};

// In Flagship mode, a campaign in three has bucket ranges (the sparse path
// keeps them, see CompiledConfig::ranged_offsets_); in XXH3 mode one in
// ten has [0, 50) (decided one by one: its range bucket is the campaign's).
std::string RandomConfig(std::mt19937& rng, int campaigns, bool flagship) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  std::vector<std::string> out;
  for (int i = 0; i < campaigns; ++i) {
    const std::string id = absl::StrCat("c", i);
    std::vector<std::string> groups;
    const int num_groups = pick(6) == 0 ? 2 : 1;
    for (int g = 0; g < num_groups; ++g) {
      const std::string gid = absl::StrCat(id, "-g", g);
      groups.push_back(absl::StrCat(
          R"({"id":")", gid, R"(",)",
          pick(4) == 0 ? R"("sticky_version":1,)" : "", R"("targeting":)",
          RandomTargeting(rng), R"(,"variations":[{"id":")", gid,
          R"(-a","allocation":)", pick(3) == 0 ? 30 : 50, R"(},{"id":")", gid,
          R"(-b","allocation":50}]})"));
    }
    std::string extra;
    if (pick(8) == 0) extra += R"(,"status":"paused")";
    if (flagship) {
      if (pick(3) == 0) absl::StrAppend(&extra, R"(,"bucket_ranges":)", kRanges[pick(6)]);
    } else if (pick(10) == 0) {
      extra += R"(,"bucket_ranges":[{"r":[0,50]}])";
    }
    // A live window: open at the second instant the test decides at, not
    // at the first.
    if (pick(5) == 0) {
      extra +=
          R"(,"scheduler":{"start_date":"2001-01-01T00:00:00","timezone":"UTC"})";
    }
    out.push_back(absl::StrCat(R"({"id":")", id, R"(","type":")", pick(4) == 0 ? "toggle" : "ab",
                               R"(")", extra, R"(,"variation_groups":[)", absl::StrJoin(groups, ","),
                               "]}"));
  }
  return absl::StrCat(R"({"settings":{"bucketing":")", flagship ? "flagship" : "xxh3",
                      R"(","single_assignment":)",
                      pick(2) ? "true" : "false", R"(},"campaigns":[)", absl::StrJoin(out, ","), "]}");
}

// A config of `n` campaigns c0, c1, ..., each of one group targeted by
// `country EQUALS` kCountries[i % 5], with two variations of `allocation` %
// each; `extra(i)` adds members to campaign i (each ending with a comma),
// `group_extra(i)` to its group; `settings`: the settings object's members.
std::string CountryCampaigns(
    int n, int allocation, const std::function<std::string(int)>& extra,
    const std::function<std::string(int)>& group_extra,
    const std::string& settings = "") {
  std::vector<std::string> campaigns;
  for (int i = 0; i < n; ++i) {
    const std::string id = absl::StrCat("c", i);
    campaigns.push_back(absl::StrCat(
        R"({"id":")", id, R"(","type":"ab",)", extra(i),
        R"("variation_groups":[{"id":")", id, R"(-g0",)", group_extra(i),
        R"("targeting":)",
        Targeting({absl::StrCat(R"({"key":"country","operator":"EQUALS","value":")",
                                kCountries[i % 5], R"("})")}),
        R"(,"variations":[{"id":")", id, R"(-g0-a","allocation":)", allocation,
        R"(},{"id":")", id, R"(-g0-b","allocation":)", allocation, "}]}]}"));
  }
  return absl::StrCat(R"({"settings":{)", settings, R"(},"campaigns":[)",
                      absl::StrJoin(campaigns, ","), "]}");
}

std::string None(int) { return ""; }

// Whether two decisions agree in every field.
::testing::AssertionResult SameDecision(const Decision& x, const Decision& y) {
  if (std::tie(x.campaign, x.group, x.variation, x.reason, x.new_assignment) ==
      std::tie(y.campaign, y.group, y.variation, y.reason, y.new_assignment)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "(campaign, group, variation, reason, new) (" << x.campaign << ", "
         << x.group << ", " << x.variation << ", " << static_cast<int>(x.reason)
         << ", " << x.new_assignment << ") against (" << y.campaign << ", "
         << y.group << ", " << y.variation << ", " << static_cast<int>(y.reason)
         << ", " << y.new_assignment << ")";
}

// `json` compiled with the candidate index and without it (the reference);
// null for a config that does not load.
std::pair<std::shared_ptr<const CompiledConfig>,
          std::shared_ptr<const CompiledConfig>>
IndexedAndReference(const std::string& json) {
  LoadOptions plain;
  plain.targeting.candidate_index = false;
  auto indexed = LoadConfig(json);
  auto reference = LoadConfig(json, plain);
  EXPECT_TRUE(indexed.ok()) << indexed.status();
  EXPECT_TRUE(reference.ok()) << reference.status();
  if (!indexed.ok() || !reference.ok()) return {};
  return {*indexed, *reference};
}

void CheckDecisionsAreTheSameWithoutIt(bool flagship, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  LoadOptions plain;
  plain.targeting.candidate_index = false;
  long compared = 0, targeted = 0, single_assignment = 0, inactive = 0,
       outside = 0, outside_range = 0, rolled_back = 0, sticky = 0, forced = 0;
  for (int round = 0; round < 40; ++round) {
    const std::string json = RandomConfig(rng, 40, flagship);
    auto indexed = LoadConfig(json);
    auto reference = LoadConfig(json, plain);
    ASSERT_TRUE(indexed.ok()) << indexed.status() << "\n" << json;
    ASSERT_TRUE(reference.ok()) << reference.status();
    const CompiledConfig& a = **indexed;
    const CompiledConfig& b = **reference;
    RuntimeState runtime(a.campaigns().size(), a.groups().size());
    bool any_off = false;
    for (size_t c = 0; c < a.campaigns().size(); ++c) {
      const bool off = pick(10) == 0;
      runtime.set_campaign_off(c, off);
      runtime.set_campaign_off(c, off);  // twice: counted once
      any_off = any_off || off;
    }
    EXPECT_EQ(runtime.any_campaign_off(), any_off);
    // A runtime with every campaign on (one toggled off and back) and a
    // group in five rolled back: the sparse path serves it, and decides the
    // campaigns it matched through their groups' rollback.
    RuntimeState quiet(a.campaigns().size(), a.groups().size());
    quiet.set_campaign_off(0, true);
    EXPECT_TRUE(quiet.any_campaign_off());
    quiet.set_campaign_off(0, false);
    EXPECT_FALSE(quiet.any_campaign_off());
    for (size_t g = 0; g < a.groups().size(); ++g) {
      quiet.set_group_rolled_back(g, pick(5) == 0);
    }
    VisitorContext ctx;
    DecisionList list_a, list_b;
    for (int v = 0; v < 200; ++v) {
      ctx.Reset(absl::StrCat("visitor-", round, "-", v));
      switch (pick(4)) {
        case 0:
          break;  // no country at all
        case 1:
          ctx.Set("country", static_cast<double>(pick(3)));  // not a string
          break;
        default:
          ctx.Set("country", kCountries[pick(5)]);
      }
      if (pick(5) != 0) ctx.Set("plan", kPlans[pick(3)]);
      ctx.Set("age", static_cast<double>(pick(90)));
      // Some visitors carry lifecycle inputs: sticky records alone take the
      // plain path (sparse) and then step 11, except under single
      // assignment with a record for an `ab` campaign; forcing takes every
      // campaign in order. Records name a group that may not exist (g1),
      // a variation of it or of another group, and version 0 or 1.
      const auto add_record = [&] {
        const int c = pick(40);
        const std::string group = absl::StrCat("c", c, "-g", pick(4) == 0);
        const int other = pick(5) == 0 ? pick(40) : c;
        ctx.SetSticky(group,
                      pick(8) == 0 ? std::string("unknown")
                                   : absl::StrCat("c", other, "-g0-",
                                                  pick(2) ? "a" : "b"),
                      pick(2));
      };
      switch (pick(8)) {
        case 0:
          add_record();
          break;
        case 1:
          for (int k = 2 + pick(12); k > 0; --k) add_record();
          break;
        case 2: {
          const int c = pick(40);
          ctx.Force(absl::StrCat("c", c), absl::StrCat("c", c, "-g0-a"));
          if (pick(2)) add_record();
          break;
        }
        default:
          break;
      }
      const RuntimeState* rt = v % 3 == 0 ? nullptr : v % 3 == 1 ? &runtime : &quiet;
      const absl::Time now =
          v % 2 == 0 ? absl::UnixEpoch() : absl::FromUnixSeconds(1100000000);
      ASSERT_TRUE(a.DecideAll(ctx, now, &list_a, rt).ok());
      ASSERT_TRUE(b.DecideAll(ctx, now, &list_b, rt).ok());
      ASSERT_EQ(list_a.size(), list_b.size());
      for (size_t i = 0; i < list_a.size(); ++i) {
        const Decision& x = list_a[i];
        const Decision& y = list_b[i];
        ASSERT_EQ(std::tie(x.campaign, x.group, x.variation, x.reason, x.new_assignment),
                  std::tie(y.campaign, y.group, y.variation, y.reason, y.new_assignment))
            << "campaign " << i << " of round " << round << ", visitor " << v << "\n"
            << json;
        // One campaign through Decide, which tests its targeting alone
        // (no index, no MatchingOf of the campaigns' trees together),
        // gives the same too.
        Decision one;
        ASSERT_TRUE(a.Decide(a.campaigns()[i].id, ctx, now, &one, rt).ok());
        // With lifecycle inputs, Decide takes the campaigns in order
        // through every step (DecideCampaign<true>), where DecideAll may
        // apply sticky records after the plain path.
        ASSERT_EQ(std::tie(one.campaign, one.group, one.variation, one.reason,
                           one.new_assignment),
                  std::tie(x.campaign, x.group, x.variation, x.reason,
                           x.new_assignment))
            << "Decide of campaign " << i << " of round " << round
            << ", visitor " << v;
        ++compared;
        targeted += x.reason != DecisionReason::kNotTargeted;
        single_assignment += x.reason == DecisionReason::kSingleAssignment;
        inactive += x.reason == DecisionReason::kCampaignInactive;
        outside += x.reason == DecisionReason::kOutsideSchedule;
        outside_range += x.reason == DecisionReason::kOutsideBucketRange;
        rolled_back += x.reason == DecisionReason::kRolledBack;
        sticky += x.reason == DecisionReason::kSticky;
        forced += x.reason == DecisionReason::kForced;
      }
    }
  }
  EXPECT_EQ(compared, 40L * 200 * 40);
  // The rounds went through every step the shortcut writes.
  EXPECT_GT(targeted, compared / 20);
  EXPECT_GT(single_assignment, 0);
  EXPECT_GT(inactive, 0);
  EXPECT_GT(outside, 0);
  EXPECT_GT(outside_range, flagship ? compared / 20 : 0);
  EXPECT_GT(rolled_back, compared / 200);
  EXPECT_GT(sticky, 150);
  EXPECT_GT(forced, 0);
}

TEST(CandidateIndex, DecisionsAreTheSameWithoutIt) {
  CheckDecisionsAreTheSameWithoutIt(/*flagship=*/false, 20261202);
}

// Flagship mode, where campaigns with bucket ranges stay on the sparse path.
TEST(CandidateIndex, FlagshipRangedDecisionsAreTheSameWithoutIt) {
  CheckDecisionsAreTheSameWithoutIt(/*flagship=*/true, 20261205);
}

// A config of many campaigns of which a visitor matches few (W3's shape):
// a reused list is restored entry by entry where the previous sparse
// decision changed it, rather than copied whole from the template. Visitors
// that match different campaigns, or carry lifecycle inputs, follow one
// another on the same list.
// In Flagship mode every campaign also has a bucket range of 30 % (as a
// config that keeps each visitor in a few tests has): the entries a range
// turned back to not targeted are restored too, and each decision is also
// checked against Decide of its campaign alone.
void CheckSparseListsRestore(bool flagship, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  std::vector<std::string> campaigns;
  for (int i = 0; i < 300; ++i) {
    const std::string id = absl::StrCat("s", i);
    const int low = (7 * i) % 70;
    const std::string ranges =
        flagship ? absl::StrCat(R"("bucket_ranges":[{"r":[)", low, ",", low + 30, "]}],")
                 : "";
    campaigns.push_back(absl::StrCat(
        R"({"id":")", id, R"(","type":"ab",)", ranges, R"("variation_groups":[{"id":")", id,
        R"(-g0","targeting":)",
        Targeting({absl::StrCat(R"({"key":"country","operator":"EQUALS","value":")",
                                kCountries[i % 5], R"("})"),
                   absl::StrCat(R"({"key":"plan","operator":"EQUALS","value":")",
                                kPlans[(i / 5) % 3], R"("})"),
                   absl::StrCat(R"({"key":"age","operator":"GREATER_THAN_OR_EQUALS","value":)",
                                (7 * i) % 60, "}")}),
        R"(,"variations":[{"id":")", id, R"(-g0-a","allocation":50},{"id":")", id,
        R"(-g0-b","allocation":50}]}]})"));
  }
  const std::string json =
      absl::StrCat(R"({"settings":{"bucketing":")", flagship ? "flagship" : "xxh3",
                   R"("},"campaigns":[)", absl::StrJoin(campaigns, ","), "]}");
  const auto [indexed, reference] = IndexedAndReference(json);
  ASSERT_TRUE(indexed != nullptr && reference != nullptr);
  VisitorContext ctx;
  DecisionList list_a;
  long allocated = 0, outside_range = 0;
  for (int v = 0; v < 3000; ++v) {
    ctx.Reset(absl::StrCat("visitor-", v));
    ctx.Set("country", kCountries[pick(5)]);
    ctx.Set("plan", kPlans[pick(3)]);
    ctx.Set("age", static_cast<double>(pick(90)));
    if (pick(10) == 0) {
      const int c = pick(300);
      ctx.Force(absl::StrCat("s", c), absl::StrCat("s", c, "-g0-b"));
    }
    ASSERT_TRUE(indexed->DecideAll(ctx, absl::UnixEpoch(), &list_a).ok());
    // The reference decides into a new list each time: copied whole.
    DecisionList list_b;
    ASSERT_TRUE(reference->DecideAll(ctx, absl::UnixEpoch(), &list_b).ok());
    ASSERT_EQ(list_a.size(), 300u);
    ASSERT_EQ(list_b.size(), 300u);
    for (size_t i = 0; i < list_a.size(); ++i) {
      const Decision& x = list_a[i];
      ASSERT_TRUE(SameDecision(x, list_b[i]))
          << "campaign " << i << ", visitor " << v;
      if (flagship && v % 10 == 0) {
        Decision one;
        ASSERT_TRUE(indexed->Decide(indexed->campaigns()[i].id, ctx,
                                       absl::UnixEpoch(), &one).ok());
        ASSERT_EQ(std::tie(one.campaign, one.group, one.variation, one.reason),
                  std::tie(x.campaign, x.group, x.variation, x.reason))
            << "Decide of campaign " << i << ", visitor " << v;
      }
      allocated += x.reason == DecisionReason::kAllocated;
      outside_range += x.reason == DecisionReason::kOutsideBucketRange;
    }
  }
  // About 300 / 15 campaigns share a visitor's country and plan, and the
  // age test passes about two thirds of them: a dozen decided per visitor;
  // in Flagship mode, the 30 % whose range holds the visitor of those.
  EXPECT_GT(allocated, 3000L * (flagship ? 1 : 5));
  EXPECT_LT(allocated, 3000L * (flagship ? 10 : 30));
  EXPECT_GT(outside_range, flagship ? 3000L * 300 / 2 : -1);
  EXPECT_EQ(outside_range == 0, !flagship);
}

TEST(CandidateIndex, SparseListsRestoreWhatThePreviousVisitorChanged) {
  CheckSparseListsRestore(/*flagship=*/false, 20261204);
}

TEST(CandidateIndex, FlagshipRangedSparseListsRestoreWhatThePreviousVisitorChanged) {
  CheckSparseListsRestore(/*flagship=*/true, 20261206);
}

// Plain campaigns on the index beside layered ones whose trees the index
// files too (a layered campaign is not fast: its layer range gates it). The
// sparse path finds the plain ones among the marked trees and must skip the
// layered ones' marks: every decision is what the config decides without
// the index.
TEST(CandidateIndex, LayeredCampaignsOnTheIndexDecideAsWithoutIt) {
  const std::string json = CountryCampaigns(
      35, 50,
      [](int i) {
        return i < 30 ? std::string()
                      : absl::StrCat(R"("layer":{"id":"L0","range":[)",
                                     20 * (i - 30), ",", 20 * (i - 29), "]},");
      },
      None, R"("layers":[{"id":"L0"}])");
  const auto [indexed, reference] = IndexedAndReference(json);
  ASSERT_TRUE(indexed != nullptr && reference != nullptr);
  VisitorContext ctx;
  DecisionList list_a, list_b;
  int plain_allocated = 0, layered_allocated = 0;
  for (int v = 0; v < 2000; ++v) {
    ctx.Reset(absl::StrCat("visitor-", v));
    ctx.Set("country", kCountries[v % 5]);
    ASSERT_TRUE(indexed->DecideAll(ctx, absl::UnixEpoch(), &list_a).ok());
    ASSERT_TRUE(reference->DecideAll(ctx, absl::UnixEpoch(), &list_b).ok());
    ASSERT_EQ(list_a.size(), 35u);
    for (size_t i = 0; i < list_a.size(); ++i) {
      const Decision& x = list_a[i];
      ASSERT_TRUE(SameDecision(x, list_b[i]))
          << "campaign " << i << ", visitor " << v;
      if (x.reason == DecisionReason::kAllocated) {
        ++(i >= 30 ? layered_allocated : plain_allocated);
      }
    }
  }
  // Six plain campaigns share each country; one visitor in five meets the
  // layered campaign of its country in its layer range.
  EXPECT_EQ(plain_allocated, 2000 * 6);
  EXPECT_GT(layered_allocated, 2000 / 5 / 2);
  EXPECT_LT(layered_allocated, 2000 / 5 * 2);
}

// In Flagship mode a group with an inline split (up to four variations) is
// picked from its hot line on the sparse path; one with more keeps its
// split table on the heap and is picked through its Group. Campaigns of six
// variations, two matching each visitor: every decision is what Decide
// gives for the campaign alone, and every variation is reached.
TEST(CandidateIndex, FlagshipGroupsOfSixVariationsDecideAsEachAlone) {
  std::vector<std::string> campaigns;
  for (int i = 0; i < 10; ++i) {
    std::vector<std::string> variations;
    for (int v = 0; v < 6; ++v) {
      variations.push_back(absl::StrCat(R"({"id":"c)", i, "-v", v,
                                        R"(","allocation":)", v < 5 ? 16 : 20,
                                        "}"));
    }
    campaigns.push_back(absl::StrCat(
        R"({"id":"c)", i, R"(","type":"ab","variation_groups":[{"id":"g)", i,
        R"(","targeting":)",
        Targeting(
            {absl::StrCat(R"({"key":"country","operator":"EQUALS","value":")",
                          kCountries[i % 5], R"("})")}),
        R"(,"variations":[)", absl::StrJoin(variations, ","), "]}]}"));
  }
  auto config = LoadConfig(
      absl::StrCat(R"({"settings":{"bucketing":"flagship"},"campaigns":[)",
                   absl::StrJoin(campaigns, ","), "]}"));
  ASSERT_TRUE(config.ok()) << config.status();
  VisitorContext ctx;
  DecisionList list;
  std::vector<std::vector<int>> seen(10, std::vector<int>(6, 0));
  for (int v = 0; v < 3000; ++v) {
    ctx.Reset(absl::StrCat("visitor-", v));
    ctx.Set("country", kCountries[v % 5]);
    ASSERT_TRUE((*config)->DecideAll(ctx, absl::UnixEpoch(), &list).ok());
    int allocated = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      Decision one;
      ASSERT_TRUE((*config)
                      ->Decide((*config)->campaigns()[i].id, ctx,
                               absl::UnixEpoch(), &one)
                      .ok());
      ASSERT_TRUE(SameDecision(list[i], one))
          << "campaign " << i << ", visitor " << v;
      if (list[i].reason == DecisionReason::kAllocated) {
        ++allocated;
        ++seen[i][list[i].variation -
                  (*config)->groups()[list[i].group].first_variation];
      }
    }
    EXPECT_EQ(allocated, 2) << v;
  }
  for (int i = 0; i < 10; ++i) {
    for (int k = 0; k < 6; ++k) EXPECT_GT(seen[i][k], 30) << i << " " << k;
  }
}

// The sparse path hashes the usual id of 9 to 16 bytes without XXH3's
// length tests, any other length through them: ids of 1 to 40 bytes decide
// as Decide decides each campaign alone (its own path), and the reference
// without the index agrees.
TEST(CandidateIndex, SparseDecisionsHashIdsOfEveryLength) {
  const std::string json = CountryCampaigns(30, 30, None, None);
  auto config = LoadConfig(json);
  ASSERT_TRUE(config.ok()) << config.status();
  VisitorContext ctx;
  DecisionList list;
  std::vector<int> allocated(41, 0);
  for (int length = 1; length <= 40; ++length) {
    for (int v = 0; v < 50; ++v) {
      std::string id = absl::StrCat(v, "-");
      while (static_cast<int>(id.size()) < length) id += static_cast<char>('a' + id.size() % 26);
      id.resize(length);
      ctx.Reset(id);
      ctx.Set("country", kCountries[v % 5]);
      ASSERT_TRUE((*config)->DecideAll(ctx, absl::UnixEpoch(), &list).ok());
      for (size_t i = 0; i < list.size(); ++i) {
        Decision one;
        ASSERT_TRUE((*config)->Decide((*config)->campaigns()[i].id, ctx,
                                      absl::UnixEpoch(), &one).ok());
        ASSERT_EQ(std::tie(list[i].group, list[i].variation, list[i].reason),
                  std::tie(one.group, one.variation, one.reason))
            << "campaign " << i << ", id \"" << id << "\"";
        allocated[length] += list[i].reason == DecisionReason::kAllocated;
      }
    }
  }
  // Six campaigns per country, 60 % allocated: about 180 of 300 per length.
  for (int length = 1; length <= 40; ++length) {
    EXPECT_GT(allocated[length], 120) << length;
    EXPECT_LT(allocated[length], 240) << length;
  }
}

// A third of the groups roll out progressively (40 % of the traffic): the
// sparse path decides their traffic as Decide does, and the plain groups
// beside them as before (their loop leaves the rollouts out only when no
// group of the config has one).
TEST(CandidateIndex, SparseRolloutsDecideAsEachAlone) {
  const std::string json = CountryCampaigns(30, 50, None, [](int i) {
    return i % 3 == 0
               ? R"("allocation_config":{"start_date":"2026-01-01T00:00:00Z","start_allocation":40},)"
               : "";
  });
  auto config = LoadConfig(json);
  ASSERT_TRUE(config.ok()) << config.status();
  const absl::Time now = absl::FromUnixSeconds(1780000000);  // 2026-05-28
  VisitorContext ctx;
  DecisionList list;
  int not_in_traffic = 0, allocated = 0;
  for (int v = 0; v < 2000; ++v) {
    ctx.Reset(absl::StrCat("visitor-", v));
    ctx.Set("country", kCountries[v % 5]);
    ASSERT_TRUE((*config)->DecideAll(ctx, now, &list).ok());
    for (size_t i = 0; i < list.size(); ++i) {
      Decision one;
      ASSERT_TRUE(
          (*config)->Decide((*config)->campaigns()[i].id, ctx, now, &one).ok());
      ASSERT_EQ(std::tie(list[i].group, list[i].variation, list[i].reason),
                std::tie(one.group, one.variation, one.reason))
          << "campaign " << i << ", visitor " << v;
      not_in_traffic += list[i].reason == DecisionReason::kNotInTraffic;
      allocated += list[i].reason == DecisionReason::kAllocated;
    }
  }
  // Six campaigns per country, two of them rolled out to 40 %.
  EXPECT_GT(not_in_traffic, 2000 * 2 * 6 / 10 * 8 / 10);
  EXPECT_GT(allocated, 2000 * 4);
}

// Flagship mode: the sparse path prepares a visitor's id once for the
// murmur hash of every group it decides (allocation/internal/murmur.h).
// Group ids of every length % 4 (two not ASCII), a third of them rolled out
// to 40 %, and visitor ids of 1 to 60 bytes, ASCII or not: every decision
// is the one Decide makes for its campaign alone, and each allocated
// variation is the one Flagship's hash of group id + visitor id picks.
TEST(CandidateIndex, FlagshipSparseDecisionsHashIdsOfEveryLengthAndKind) {
  const std::vector<std::string> group_ids = {"g",
                                              "gr",
                                              "grp",
                                              "grou",
                                              "group",
                                              "\u00e9t\u00e9",
                                              "\u7528\u6237-7",
                                              "vg-long-11",
                                              "a",
                                              "bb",
                                              "ccc",
                                              "dddd"};
  std::vector<std::string> campaigns;
  for (size_t i = 0; i < group_ids.size(); ++i) {
    const std::string& g = group_ids[i];
    const std::string rollout =
        i % 3 == 2
            ? R"("allocation_config":{"start_date":"2026-01-01T00:00:00Z","start_allocation":40},)"
            : "";
    campaigns.push_back(absl::StrCat(
        R"({"id":"k)", i, R"(","type":"ab","variation_groups":[{"id":")", g,
        R"(",)", rollout, R"("targeting":)",
        Targeting(
            {R"({"key":"fs_all_users","operator":"EQUALS","value":true})"}),
        R"(,"variations":[{"id":")", g, R"(-a","allocation":30},{"id":")", g,
        R"(-b","allocation":30},{"id":")", g, R"(-c","allocation":25}]}]})"));
  }
  const std::string json =
      absl::StrCat(R"({"settings":{"bucketing":"flagship"},"campaigns":[)",
                   absl::StrJoin(campaigns, ","), "]}");
  auto config = LoadConfig(json);
  ASSERT_TRUE(config.ok()) << config.status();
  const absl::Time now = absl::FromUnixSeconds(1780000000);  // 2026-05-28
  std::vector<std::string> ids;
  for (int length = 1; length <= 60; ++length) {
    for (int v = 0; v < 40; ++v) {
      std::string id = absl::StrCat(v, "-");
      while (static_cast<int>(id.size()) < length)
        id += static_cast<char>('a' + id.size() % 26);
      id.resize(length);
      ids.push_back(id);
    }
  }
  for (int v = 0; v < 200; ++v) {
    ids.push_back(absl::StrCat("\u00e9", v));
    ids.push_back(absl::StrCat("visitor-", v, "\u7528"));
    ids.push_back(absl::StrCat("\U0001F600", v, "-abc"));
  }
  VisitorContext ctx;
  DecisionList list;
  int allocated = 0, not_in_traffic = 0, not_allocated = 0;
  for (const std::string& id : ids) {
    ctx.Reset(id);
    ASSERT_TRUE((*config)->DecideAll(ctx, now, &list).ok());
    ASSERT_EQ(list.size(), group_ids.size());
    for (size_t i = 0; i < list.size(); ++i) {
      Decision one;
      ASSERT_TRUE(
          (*config)->Decide((*config)->campaigns()[i].id, ctx, now, &one).ok());
      ASSERT_TRUE(SameDecision(list[i], one))
          << "campaign " << i << ", id \"" << id << "\"";
      if (list[i].reason == DecisionReason::kAllocated) {
        const uint32_t bucket = FlagshipHash(group_ids[i] + id) % 100;
        const char* expected = bucket < 30 ? "-a" : bucket < 60 ? "-b" : "-c";
        ASSERT_EQ(list.variation_id(i), group_ids[i] + expected)
            << "campaign " << i << ", id \"" << id << "\"";
        ++allocated;
      } else if (i % 3 != 2) {
        ASSERT_EQ(list[i].reason, DecisionReason::kNotAllocated);
        ASSERT_GE(FlagshipHash(group_ids[i] + id) % 100, 85u) << id;
      }
      not_in_traffic += list[i].reason == DecisionReason::kNotInTraffic;
      not_allocated += list[i].reason == DecisionReason::kNotAllocated;
    }
  }
  // 3,000 visitors, 12 campaigns: 85 % allocated, four of them rolled out
  // to 40 %.
  const int decisions = static_cast<int>(ids.size() * group_ids.size());
  EXPECT_GT(allocated, decisions * 6 / 10);
  EXPECT_GT(not_in_traffic, static_cast<int>(ids.size()) * 4 / 2);
  EXPECT_GT(not_allocated, decisions / 20);
}

// A config of plain campaigns (CompiledConfig::decides_plainly: targeting,
// splits and rollouts only, in XXH3 or Flagship mode) with too few for the
// sparse path takes DecideAll's plain loop. Its decisions are those of each
// campaign decided alone (Decide) and those of the general loop, which a sticky
// record for a group no config has sends the visitor through; also for groups
// without targeting, several groups per campaign, partial and zero allocations,
// missing attributes and ids of every length class the hash reads differently.
TEST(PlainLoop, DecidesAsEachCampaignAloneAndAsTheGeneralLoop) {
  std::mt19937 rng(20261206);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  int plain_configs = 0;
  long compared = 0, targeted = 0, allocated = 0, not_allocated = 0,
       not_in_traffic = 0;
  for (int round = 0; round < 60; ++round) {
    std::vector<std::string> campaigns;
    const int n = 1 + pick(3);
    for (int i = 0; i < n; ++i) {
      const std::string id = absl::StrCat("c", i);
      std::vector<std::string> groups;
      for (int g = 0, num = 1 + pick(2); g < num; ++g) {
        const std::string gid = absl::StrCat(id, "-g", g);
        std::vector<std::string> variations;
        const int num_variations = 1 + pick(4);
        for (int v = 0; v < num_variations; ++v) {
          variations.push_back(
              absl::StrCat(R"({"id":")", gid, "-v", v, R"(","allocation":)",
                           pick(5) == 0 ? 0 : 10 + pick(15), "}"));
        }
        groups.push_back(absl::StrCat(
            R"({"id":")", gid, R"(",)",
            pick(5) == 0
                ? ""
                : absl::StrCat(R"("targeting":)", RandomTargeting(rng), ","),
            // A group in four in mid-ramp at `now` below (30 %).
            pick(4) == 0
                ? R"("allocation_config":{"start_date":"2023-11-01T00:00:00",)"
                  R"("timezone":"UTC","start_allocation":20,"periodic_steps":)"
                  R"({"allocation_step":10,"step":1,"step_type":"week"}},)"
                : "",
            R"("variations":[)", absl::StrJoin(variations, ","), "]}"));
      }
      campaigns.push_back(absl::StrCat(
          R"({"id":")", id, R"(","type":")", pick(2) ? "ab" : "toggle",
          R"(","variation_groups":[)", absl::StrJoin(groups, ","), "]}"));
    }
    const bool flagship = round % 3 == 2;
    const std::string json = absl::StrCat(
        R"({"settings":{"bucketing":")", flagship ? "flagship" : "xxh3",
        R"("},"campaigns":[)", absl::StrJoin(campaigns, ","), "]}");
    auto config = LoadConfig(json);
    ASSERT_TRUE(config.ok()) << config.status() << "\n" << json;
    const CompiledConfig& c = **config;
    plain_configs += c.decides_plainly();
    VisitorContext ctx, general;
    DecisionList list, list_general;
    for (int v = 0; v < 200; ++v) {
      // Ids of 1 to 40 bytes: below, inside and above 9 to 16.
      const std::string id = std::string(1 + pick(40), 'x') + std::to_string(v);
      ctx.Reset(id);
      if (pick(6) != 0) ctx.Set("country", kCountries[pick(5)]);
      if (pick(6) != 0) ctx.Set("plan", kPlans[pick(3)]);
      if (pick(6) != 0) ctx.Set("age", pick(90));
      // The same attributes, and a sticky record that binds to nothing.
      general.Reset(id);
      for (size_t k = 0; k < ctx.attributes().size(); ++k) {
        AttributeValue value = ctx.attributes().value(k);
        if (value.type == ValueType::kString) {
          general.Set(ctx.attributes().name(k), value.string);
        } else {
          general.Set(ctx.attributes().name(k), value.number);
        }
      }
      general.SetSticky("no-such-group", "no-such-variation");
      const absl::Time now = absl::FromUnixSeconds(1700000000);
      ASSERT_TRUE(c.DecideAll(ctx, now, &list).ok());
      ASSERT_TRUE(c.DecideAll(general, now, &list_general).ok());
      ASSERT_EQ(list.size(), static_cast<size_t>(n));
      ASSERT_EQ(list_general.size(), list.size());
      const auto fields = [](const Decision& d) {
        return std::make_tuple(d.campaign, d.group, d.variation, d.reason,
                               d.new_assignment);
      };
      for (size_t i = 0; i < list.size(); ++i) {
        const Decision& x = list[i];
        ASSERT_EQ(fields(x), fields(list_general[i]))
            << "campaign " << i << ", visitor " << id << "\n"
            << json;
        Decision one;
        ASSERT_TRUE(c.Decide(c.campaigns()[i].id, ctx, now, &one).ok());
        ASSERT_EQ(fields(x), fields(one))
            << "Decide of campaign " << i << ", visitor " << id << "\n"
            << json;
        ++compared;
        targeted += x.reason != DecisionReason::kNotTargeted;
        allocated += x.reason == DecisionReason::kAllocated;
        not_allocated += x.reason == DecisionReason::kNotAllocated;
        not_in_traffic += x.reason == DecisionReason::kNotInTraffic;
      }
    }
  }
  // Most of these configs take the plain loop (a few are indexed onto the
  // sparse path), and the rounds reach every outcome it writes.
  EXPECT_GT(plain_configs, 40);
  EXPECT_GT(targeted, compared / 4);
  EXPECT_GT(compared - targeted, compared / 10);
  EXPECT_GT(allocated, compared / 10);
  EXPECT_GT(not_allocated, compared / 20);
  EXPECT_GT(not_in_traffic, compared / 40);
}

// What keeps a config off the plain loop: any check a campaign needs or a
// forced list (a rollout or Flagship's buckets do not); and a config of
// many indexed campaigns takes the sparse path instead.
TEST(PlainLoop, OnlyConfigsOfPlainCampaignsTakeIt) {
  const std::string group =
      R"({"id":"g","targeting":{"targeting_groups":[{"targetings":[{"key":"country","operator":"EQUALS","value":"FR"}]}]},)"
      R"("variations":[{"id":"a","allocation":50},{"id":"b","allocation":50}]})";
  auto with = [&](const std::string& settings,
                  const std::string& campaign_extra,
                  const std::string& group_json) {
    return absl::StrCat(R"({"settings":{"bucketing":"xxh3")", settings,
                        R"(},"campaigns":[{"id":"c","type":"ab")",
                        campaign_extra, R"(,"variation_groups":[)", group_json,
                        "]}]}");
  };
  auto plainly = [](const std::string& json) {
    auto config = LoadConfig(json);
    EXPECT_TRUE(config.ok()) << config.status() << "\n" << json;
    return config.ok() && (*config)->decides_plainly();
  };
  EXPECT_TRUE(plainly(with("", "", group)));
  EXPECT_FALSE(plainly(with(R"(,"single_assignment":true)", "", group)));
  EXPECT_FALSE(plainly(with(R"(,"panic":true)", "", group)));
  EXPECT_FALSE(plainly(with("", R"(,"status":"paused")", group)));
  EXPECT_FALSE(plainly(with("", R"(,"bucket_ranges":[{"r":[0,50]}])", group)));
  EXPECT_FALSE(plainly(with(
      "",
      R"(,"scheduler":{"start_date":"2001-01-01T00:00:00","timezone":"UTC"})",
      group)));
  std::string rollout = group;
  rollout.insert(
      rollout.find(R"("variations")"),
      R"("allocation_config":{"start_date":"2001-01-01T00:00:00","timezone":"UTC",)"
      R"("start_allocation":10,"periodic_steps":{"allocation_step":10,"step":1,"step_type":"day"}},)");
  EXPECT_TRUE(plainly(with("", "", rollout)));
  EXPECT_TRUE(plainly(absl::StrReplaceAll(with("", "", rollout),
                                          {{R"("xxh3")", R"("flagship")"}})));
  std::string forced = group;
  forced.insert(
      forced.find(R"("variations")"),
      R"("forced_assignments":[{"variation_id":"a","visitor_ids":["qa-1"]}],)");
  EXPECT_FALSE(plainly(with("", "", forced)));
  EXPECT_FALSE(plainly(CountryCampaigns(
      40, 50, [](int) { return ""; }, [](int) { return ""; })));
}

}  // namespace
}  // namespace allot
