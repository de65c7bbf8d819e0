#include "allocation/bucketing.h"

#include <xxhash.h>  // the shared library's XXH3, to cross-check ours

#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "allocation/hash.h"
#include "allocation/internal/group_buckets.h"
#include "allocation/split.h"
#include "allocation/traffic_schedule.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

struct Xxh3Golden {
  const char* group;
  const char* campaign;
  const char* visitor;
  uint32_t split;
  uint32_t traffic;
  uint32_t range;
};

// Do not change: a change moves live visitors. Computed once from the
// formulas in bucketing.h and cross-checked below against libxxhash.
constexpr Xxh3Golden kXxh3Goldens[] = {
    {"vg-1", "campaign-1", "visitor-0", 8, 859, 4262},
    {"vg-1", "campaign-1", "visitor-1", 9705, 7240, 2152},
    {"vg-1", "campaign-1", "visitor-2", 8916, 1532, 6521},
    {"vg-1", "campaign-1", "visitor-42", 7785, 1359, 7479},
    {"vg-1", "campaign-1", "visitor-999999", 8414, 8235, 2398},
    {"vg-2", "campaign-2", "visitor-0", 8532, 5470, 8704},
    {"vg-2", "campaign-2", "visitor-7", 1509, 5665, 166},
    {"c20j8bk3fk9hdphqtd2g", "c20j8bk3fk9hdphqtd10", "visitor_1", 576, 991, 57},
    {"c20j8bk3fk9hdphqtd2g", "c20j8bk3fk9hdphqtd10", "visitor-123456", 7243,
     852, 5510},
    {"exp-0-group", "exp-0", "visitor-31337", 5803, 8201, 112},
    {"exp-49-group", "exp-49", "visitor-500000", 1505, 5221, 720},
    {"groupe-\u00e9t\u00e9", "campagne-\u00e9t\u00e9",
     "visiteur-\u00e9\U0001F600", 4442, 2278, 7423},
};

TEST(Xxh3Bucketing, MatchesGoldenVectors) {
  for (const auto& g : kXxh3Goldens) {
    SCOPED_TRACE(absl::StrCat(g.group, " / ", g.campaign, " / ", g.visitor));
    const GroupBucketer b =
        GroupBucketer::Create(BucketingMode::kXxh3, g.group);
    const CampaignBucketer c =
        CampaignBucketer::Create(BucketingMode::kXxh3, g.campaign);
    EXPECT_EQ(b.SplitBucket(g.visitor), g.split);
    EXPECT_EQ(b.TrafficBucket(g.visitor), g.traffic);
    EXPECT_EQ(c.RangeBucket(g.visitor), g.range);
    EXPECT_EQ(b.scale(), 10000u);
    EXPECT_EQ(c.scale(), 10000u);
  }
}

TEST(Xxh3Bucketing, AgreesWithLibxxhash) {
  for (const auto& g : kXxh3Goldens) {
    SCOPED_TRACE(absl::StrCat(g.group, " / ", g.visitor));
    const std::string group = g.group, campaign = g.campaign, v = g.visitor;
    const uint64_t s = XXH3_64bits(group.data(), group.size());
    EXPECT_EQ(Xxh3Hash(group), s);
    EXPECT_EQ(Xxh3HashWithSeed(v, s),
              XXH3_64bits_withSeed(v.data(), v.size(), s));
    EXPECT_EQ(g.split, XXH3_64bits_withSeed(v.data(), v.size(), s) % 10000);
    EXPECT_EQ(g.traffic, XXH3_64bits_withSeed(v.data(), v.size(),
                                              s ^ 0x9E3779B97F4A7C15ULL) %
                             10000);
    EXPECT_EQ(g.range, XXH3_64bits_withSeed(
                           v.data(), v.size(),
                           XXH3_64bits(campaign.data(), campaign.size())) %
                           10000);
  }
  // Lengths across XXH3's internal code paths (0-3, 4-8, 9-16, 17-128,
  // 129-240, long).
  std::string s;
  for (int len = 0; len <= 300; ++len) {
    EXPECT_EQ(Xxh3Hash(s), XXH3_64bits(s.data(), s.size())) << len;
    EXPECT_EQ(Xxh3HashWithSeed(s, 12345),
              XXH3_64bits_withSeed(s.data(), s.size(), 12345))
        << len;
    s.push_back(static_cast<char>('0' + len % 43));
  }
}

TEST(FlagshipBucketing, UsesPrefixedMurmur) {
  const GroupBucketer split =
      GroupBucketer::Create(BucketingMode::kFlagship, "c20j8bk3fk9hdphqtd2g");
  EXPECT_EQ(split.SplitBucket("visitor_1"), 48u);  // flagship-compat.md
  EXPECT_EQ(split.scale(), 100u);
  const GroupBucketer alloc =
      GroupBucketer::Create(BucketingMode::kFlagship, "vgAlloc");
  EXPECT_EQ(alloc.SplitBucket("\u7528\u62377"), 34u);

  for (const char* visitor :
       {"visitor_1", "v", "\u00e9t\u00e9", "\U0001F600"}) {
    SCOPED_TRACE(visitor);
    const std::string group = "c20j8bk3fk9hdphqtd2g";
    EXPECT_EQ(split.SplitBucket(visitor), FlagshipHash(group + visitor) % 100);
    EXPECT_EQ(split.TrafficBucket(visitor),
              FlagshipHash("traffic:" + group + visitor) % 100);
    const CampaignBucketer c =
        CampaignBucketer::Create(BucketingMode::kFlagship, "any-campaign");
    EXPECT_EQ(c.RangeBucket(visitor), FlagshipHash(visitor) % 100);
    EXPECT_EQ(c.scale(), 100u);
  }
  // Do not change: a change moves live visitors.
  EXPECT_EQ(split.TrafficBucket("visitor_1"),
            FlagshipHash("traffic:c20j8bk3fk9hdphqtd2gvisitor_1") % 100);
  EXPECT_EQ(CampaignBucketer::Create(BucketingMode::kFlagship, "x")
                .RangeBucket("123visitor_1"),
            51u);
}

// The split and traffic buckets from an id prepared once are the ones
// hashed from its bytes, for group ids of each length % 4; a group id
// ending inside a UTF-8 sequence has no alignment (it cannot be continued).
TEST(FlagshipBucketing, PreparedIdGivesTheSameBuckets) {
  std::vector<GroupBucketer> groups;
  unsigned alignments = 0;
  for (const char* id :
       {"vg", "vg-", "vg-1", "vg-17", "\u00e9t\u00e9", "vgAlloc"}) {
    groups.push_back(GroupBucketer::Create(BucketingMode::kFlagship, id));
    ASSERT_GE(groups.back().FlagshipAlignment(), 0) << id;
    alignments |= 1u << groups.back().FlagshipAlignment();
  }
  EXPECT_EQ(alignments, 0xfu);
  for (int n = 0; n < 2000; ++n) {
    const std::string visitor = absl::StrCat("visitor-", n * 7919);
    internal::MurmurSuffix id;
    ASSERT_TRUE(id.Prepare(visitor, alignments));
    for (const GroupBucketer& g : groups) {
      EXPECT_EQ(g.FlagshipSplitBucket(id), g.SplitBucket(visitor)) << visitor;
      EXPECT_EQ(g.FlagshipTrafficBucket(id), g.TrafficBucket(visitor))
          << visitor;
    }
  }
  EXPECT_EQ(GroupBucketer::Create(BucketingMode::kFlagship, "vg\xe4\xb8")
                .FlagshipAlignment(),
            -1);
}

constexpr int kVisitors = 100000;

std::string VisitorId(int n) { return absl::StrCat("visitor-", n); }

class BucketingStats : public testing::TestWithParam<BucketingMode> {};

TEST_P(BucketingStats, FourWaySplitIsUniform) {
  const BucketingMode mode = GetParam();
  const GroupBucketer b = GroupBucketer::Create(mode, "vg-uniform");
  auto table = SplitTable::Create(mode, {25, 25, 25, 25});
  ASSERT_TRUE(table.ok());
  std::array<int, 4> counts{};
  for (int n = 0; n < kVisitors; ++n) {
    const int v = table->Pick(b.SplitBucket(VisitorId(n)));
    ASSERT_GE(v, 0);
    ++counts[v];
  }
  // Bound: each share within 25 % ± 1 % (absolute). For a fair hash the
  // share's standard deviation is sqrt(0.25 * 0.75 / 100000) ≈ 0.14 %, so
  // ±1 % is a 7-sigma band: a failure means a biased hash, not bad luck.
  for (int v = 0; v < 4; ++v) {
    const double share = 100.0 * counts[v] / kVisitors;
    EXPECT_NEAR(share, 25.0, 1.0) << "variation " << v;
  }
}

// Chi-square statistic of a 10 x 10 table of (first decile, second decile)
// counts against independence with uniform margins.
template <typename F, typename G>
double JointChiSquare(F first, G second, uint32_t scale) {
  std::array<std::array<int, 10>, 10> table{};
  for (int n = 0; n < kVisitors; ++n) {
    const std::string id = VisitorId(n);
    ++table[first(id) * 10 / scale][second(id) * 10 / scale];
  }
  const double expected = kVisitors / 100.0;
  double chi2 = 0;
  for (const auto& row : table) {
    for (int count : row)
      chi2 += (count - expected) * (count - expected) / expected;
  }
  return chi2;
}

// Critical value of chi-square with (10-1)(10-1) = 81 degrees of freedom at
// p = 0.001. Independent buckets exceed it once in a thousand seeds; the ids
// here are fixed, so the test is deterministic.
constexpr double kChiSquare81Dof_p001 = 124.84;

TEST_P(BucketingStats, TrafficAndSplitBucketsAreIndependent) {
  const BucketingMode mode = GetParam();
  const GroupBucketer b = GroupBucketer::Create(mode, "vg-independence");
  const double chi2 = JointChiSquare(
      [&](const std::string& id) { return b.SplitBucket(id); },
      [&](const std::string& id) { return b.TrafficBucket(id); }, b.scale());
  EXPECT_LT(chi2, kChiSquare81Dof_p001);
}

TEST_P(BucketingStats, GroupsAreIndependent) {
  const BucketingMode mode = GetParam();
  const GroupBucketer a = GroupBucketer::Create(mode, "exp-1-group");
  const GroupBucketer b = GroupBucketer::Create(mode, "exp-2-group");
  const double chi2 = JointChiSquare(
      [&](const std::string& id) { return a.SplitBucket(id); },
      [&](const std::string& id) { return b.SplitBucket(id); }, a.scale());
  EXPECT_LT(chi2, kChiSquare81Dof_p001);
}

TEST_P(BucketingStats, RangeAndSplitBucketsAreIndependent) {
  const BucketingMode mode = GetParam();
  const GroupBucketer g = GroupBucketer::Create(mode, "vg-range");
  const CampaignBucketer c = CampaignBucketer::Create(mode, "campaign-range");
  const double chi2 = JointChiSquare(
      [&](const std::string& id) { return g.SplitBucket(id); },
      [&](const std::string& id) { return c.RangeBucket(id); }, g.scale());
  EXPECT_LT(chi2, kChiSquare81Dof_p001);
}

TEST_P(BucketingStats, RaisingTrafficShareOnlyAddsVisitors) {
  // A visitor is in traffic when its traffic bucket is below the share; the
  // split bucket does not depend on the share. So as a progressive rollout
  // raises the share, breakpoint after breakpoint, nobody leaves and nobody
  // changes variation.
  const BucketingMode mode = GetParam();
  const GroupBucketer b = GroupBucketer::Create(mode, "vg-rollout");
  auto table = SplitTable::Create(mode, {50, 50});
  ASSERT_TRUE(table.ok());
  TrafficScheduleSpec spec;
  spec.start_date = "2026-03-27T09:00:00";
  spec.timezone = "Europe/Paris";
  spec.start_allocation = 2.5;
  spec.periodic_steps = ScheduleStepSpec{7.5, 1, "day"};
  absl::StatusOr<TrafficSchedule> schedule = TrafficSchedule::Create(spec);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  ASSERT_EQ(schedule->breakpoints().size(), 14u);  // 2.5 % + 13 × 7.5 %

  constexpr int kIds = 20000;
  std::vector<int> assigned(kIds, -1);  // -1: not in traffic yet
  int in_traffic = 0;
  for (const TrafficBreakpoint& point : schedule->breakpoints()) {
    // In traffic: bucket < share, compared in basis points so that a
    // fractional percent is exact in the 100-bucket mode too.
    const uint32_t share_bp =
        static_cast<uint32_t>(schedule->ShareAt(point.at));
    const uint32_t bp_per_bucket = 10000 / b.scale();
    int now_in = 0;
    for (int n = 0; n < kIds; ++n) {
      const std::string id = VisitorId(n);
      if (b.TrafficBucket(id) * bp_per_bucket >= share_bp) {
        ASSERT_EQ(assigned[n], -1) << id << " left at " << share_bp << " bp";
        continue;
      }
      ++now_in;
      const int v = table->Pick(b.SplitBucket(id));
      if (assigned[n] != -1) {
        ASSERT_EQ(assigned[n], v) << id << " switched";
      }
      assigned[n] = v;
    }
    EXPECT_GE(now_in, in_traffic);
    in_traffic = now_in;
  }
  EXPECT_EQ(in_traffic, kIds);
}

INSTANTIATE_TEST_SUITE_P(BothModes, BucketingStats,
                         testing::Values(BucketingMode::kXxh3,
                                         BucketingMode::kFlagship),
                         [](const testing::TestParamInfo<BucketingMode>& info) {
                           return info.param == BucketingMode::kXxh3
                                      ? "Xxh3"
                                      : "Flagship";
                         });

// The decision path tests a campaign's bucket ranges in integers, on the
// bounds BucketsInPercentRange finds; every bucket of both scales must fall
// inside or outside as the percent test in doubles says, for ranges as
// configs write them (two decimals), on bucket boundaries, between two
// buckets, and with arbitrary doubles.
TEST(BucketsInPercentRange, AgreesWithThePercentTestOnEveryBucket) {
  std::mt19937_64 rng(20261204);
  std::uniform_real_distribution<double> any(0.0, 100.0);
  std::vector<std::pair<double, double>> ranges = {
      {0, 100}, {0, 50}, {50, 100}, {0, 33.5}, {66, 100}, {33.33, 33.34},
      {0.005, 0.015}, {99.99, 100}, {12.34, 12.35}, {0.01, 0.02}, {49.99, 50.01},
  };
  for (int i = 0; i < 400; ++i) {
    double a = std::round(any(rng) * 100) / 100;  // two decimals
    double b = std::round(any(rng) * 100) / 100;
    if (i % 2 == 1) {  // arbitrary doubles
      a = any(rng);
      b = any(rng);
    }
    if (a > b) std::swap(a, b);
    if (a < b) ranges.emplace_back(a, b);
  }
  size_t inside_somewhere = 0;
  for (const uint32_t scale : {100u, 10000u}) {
    for (const auto& [low, high] : ranges) {
      const BucketInterval in = BucketsInPercentRange(low, high, scale);
      ASSERT_LE(in.first, scale);
      ASSERT_LE(in.end, scale);
      for (uint32_t bucket = 0; bucket < scale; ++bucket) {
        const double percent = RangeBucketPercent(bucket, scale);
        const bool expected = low <= percent && percent < high;
        ASSERT_EQ(in.first <= bucket && bucket < in.end, expected)
            << "bucket " << bucket << " of " << scale << ", range [" << low
            << ", " << high << ")";
        inside_somewhere += expected;
      }
    }
  }
  EXPECT_GT(inside_somewhere, 0u);
  // A range between two buckets holds none of them.
  const BucketInterval none = BucketsInPercentRange(33.33, 33.34, 100);
  EXPECT_GE(none.first, none.end);
  EXPECT_EQ(BucketsInPercentRange(0, 100, 100).first, 0u);
  EXPECT_EQ(BucketsInPercentRange(0, 100, 100).end, 100u);
  EXPECT_EQ(BucketsInPercentRange(0, 50, 10000).end, 5000u);
}

}  // namespace
}  // namespace allot
