#include "allocation/split.h"

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

using ::testing::HasSubstr;

TEST(PercentToBasisPoints, AcceptsTwoDecimals) {
  EXPECT_EQ(*PercentToBasisPoints(0), 0);
  EXPECT_EQ(*PercentToBasisPoints(0.01), 1);
  EXPECT_EQ(*PercentToBasisPoints(0.29), 29);  // 28.999999999999996 scaled
  EXPECT_EQ(*PercentToBasisPoints(26.67), 2667);
  EXPECT_EQ(*PercentToBasisPoints(33.5), 3350);
  EXPECT_EQ(*PercentToBasisPoints(99.99), 9999);
  EXPECT_EQ(*PercentToBasisPoints(100), 10000);
}

TEST(PercentToBasisPoints, RejectsOutOfRangeAndThirdDecimal) {
  struct Case {
    double percent;
    const char* message;
  };
  const Case cases[] = {
      {-1,
       "percent -1 is out of range; expected a percent in [0, 100] with "
       "at most 2 decimals"},
      {100.01, "percent 100.01 is out of range"},
      {26.675,
       "percent 26.675 has more than 2 decimals; expected a percent "
       "in [0, 100] with at most 2 decimals"},
      {0.001, "percent 0.001 has more than 2 decimals"},
      // Below a basis point is not 0 (it was once accepted as 0 %).
      {1e-300, "has more than 2 decimals"},
      {1e-9, "has more than 2 decimals"},
      {50.000001, "has more than 2 decimals"},
      {std::nan(""), "is not a finite number"},
      {std::numeric_limits<double>::infinity(), "is not a finite number"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<int32_t> bp = PercentToBasisPoints(c.percent);
    ASSERT_FALSE(bp.ok()) << c.percent;
    EXPECT_EQ(bp.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(bp.status().message()), HasSubstr(c.message));
  }
}

TEST(SplitTable, Xxh3ComparesBasisPoints) {
  auto table = SplitTable::Create(BucketingMode::kXxh3, {26.67, 26.67, 26.66});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->total_basis_points(), 8000);
  EXPECT_EQ(table->Pick(0), 0);
  EXPECT_EQ(table->Pick(2666), 0);
  EXPECT_EQ(table->Pick(2667), 1);
  EXPECT_EQ(table->Pick(5333), 1);
  EXPECT_EQ(table->Pick(5334), 2);
  EXPECT_EQ(table->Pick(7999), 2);
  EXPECT_EQ(table->Pick(8000), -1);
  EXPECT_EQ(table->Pick(9999), -1);
}

// Every bucket of tables of 1 to 9 variations (some at 0 %), in both
// modes, picks what the running-sum walk picks: tables of up to four
// non-zero allocations keep their thresholds inline, larger ones on the
// heap, and both answer alike.
TEST(SplitTable, PicksLikeTheRunningSumWalk) {
  std::mt19937 rng(17);
  int inline_tables = 0, heap_tables = 0;
  for (int round = 0; round < 300; ++round) {
    const BucketingMode mode =
        round % 2 == 0 ? BucketingMode::kXxh3 : BucketingMode::kFlagship;
    const int n = 1 + round % 9;
    std::vector<double> percents;
    int left = 10000;  // basis points
    for (int i = 0; i < n; ++i) {
      const int bp =
          rng() % 4 == 0 ? 0 : static_cast<int>(rng() % (left / 2 + 1));
      percents.push_back(bp / 100.0);
      left -= bp;
    }
    auto table = SplitTable::Create(mode, percents);
    ASSERT_TRUE(table.ok()) << table.status();
    int nonzero = 0;
    for (double p : percents) nonzero += p > 0;
    (nonzero <= 4 ? inline_tables : heap_tables) += 1;
    const uint32_t scale = mode == BucketingMode::kXxh3 ? 10000 : 100;
    for (uint32_t bucket = 0; bucket < scale; ++bucket) {
      int want = -1;
      double flagship_sum = 0;
      int64_t bp_sum = 0;
      for (int i = 0; i < n && want < 0; ++i) {
        if (percents[i] == 0) continue;
        bp_sum += std::llround(percents[i] * 100);
        flagship_sum += percents[i];
        const double threshold = mode == BucketingMode::kXxh3
                                     ? static_cast<double>(bp_sum)
                                     : std::ceil(flagship_sum);
        if (bucket < threshold) want = i;
      }
      ASSERT_EQ(table->Pick(bucket), want)
          << "round " << round << " bucket " << bucket;
    }
    // Past any threshold, the top bit set too (the inline compare is signed
    // on biased values): not allocated, as for the running-sum walk.
    for (const uint32_t far : {scale, 0x7fffffffu, 0x80000000u, UINT32_MAX}) {
      ASSERT_EQ(table->Pick(far), -1) << "round " << round << " bucket " << far;
    }
  }
  EXPECT_GT(inline_tables, 50);
  EXPECT_GT(heap_tables, 20);
}

TEST(SplitTable, FlagshipFractionalAllocation) {
  // Flagship compares the integer bucket with the fractional running sum:
  // bucket 33 < 33.5 picks the first variation.
  auto table = SplitTable::Create(BucketingMode::kFlagship, {33.5, 66.5});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->Pick(32), 0);
  EXPECT_EQ(table->Pick(33), 0);
  EXPECT_EQ(table->Pick(34), 1);
  EXPECT_EQ(table->Pick(99), 1);
  EXPECT_EQ(table->total_basis_points(), 10000);

  auto xxh3 = SplitTable::Create(BucketingMode::kXxh3, {33.5, 66.5});
  ASSERT_TRUE(xxh3.ok());
  EXPECT_EQ(xxh3->Pick(3349), 0);
  EXPECT_EQ(xxh3->Pick(3350), 1);
}

TEST(SplitTable, ZeroAllocationsAreSkipped) {
  for (BucketingMode mode : {BucketingMode::kXxh3, BucketingMode::kFlagship}) {
    const uint32_t scale = BucketScale(mode);
    auto table = SplitTable::Create(mode, {0, 50, 0, 50, 0});
    ASSERT_TRUE(table.ok()) << table.status();
    EXPECT_EQ(table->Pick(0), 1);
    EXPECT_EQ(table->Pick(scale / 2 - 1), 1);
    EXPECT_EQ(table->Pick(scale / 2), 3);
    EXPECT_EQ(table->Pick(scale - 1), 3);
  }
  auto none = SplitTable::Create(BucketingMode::kFlagship, {0, 0});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->Pick(0), -1);
  auto empty = SplitTable::Create(BucketingMode::kXxh3, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->Pick(0), -1);
  EXPECT_EQ(SplitTable().Pick(0), -1);
}

TEST(SplitTable, PastTheSumIsNotAllocated) {
  auto flagship = SplitTable::Create(BucketingMode::kFlagship, {30, 20});
  ASSERT_TRUE(flagship.ok());
  EXPECT_EQ(flagship->Pick(29), 0);
  EXPECT_EQ(flagship->Pick(49), 1);
  EXPECT_EQ(flagship->Pick(50), -1);
  EXPECT_EQ(flagship->Pick(99), -1);
  auto xxh3 = SplitTable::Create(BucketingMode::kXxh3, {30, 20});
  ASSERT_TRUE(xxh3.ok());
  EXPECT_EQ(xxh3->Pick(4999), 1);
  EXPECT_EQ(xxh3->Pick(5000), -1);
  EXPECT_EQ(xxh3->total_basis_points(), 5000);
}

TEST(SplitTable, FlagshipReproducesFloatingPointRunningSum) {
  // In doubles, 0.01 + 16.03 + 0.96 is 17.000000000000004, so Flagship's SDK
  // sends bucket 17 to the third variation (17 < 17.000000000000004), where
  // exact arithmetic would send it to the fourth.
  ASSERT_GT(0.01 + 16.03 + 0.96, 17.0);
  auto flagship =
      SplitTable::Create(BucketingMode::kFlagship, {0.01, 16.03, 0.96, 82});
  ASSERT_TRUE(flagship.ok()) << flagship.status();
  EXPECT_EQ(flagship->Pick(0), 0);
  EXPECT_EQ(flagship->Pick(1), 1);
  EXPECT_EQ(flagship->Pick(16), 1);
  EXPECT_EQ(flagship->Pick(17), 2);
  EXPECT_EQ(flagship->Pick(18), 3);
  EXPECT_EQ(flagship->Pick(98), 3);
  EXPECT_EQ(flagship->Pick(99), -1);

  // 0.1 + 0.2 = 0.30000000000000004: still only bucket 0 below it.
  auto tiny = SplitTable::Create(BucketingMode::kFlagship, {0.1, 0.2});
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->Pick(0), 0);
  EXPECT_EQ(tiny->Pick(1), -1);

  // The xxh3 mode is exact: 1 + 1603 + 96 = 1700 basis points.
  auto xxh3 = SplitTable::Create(BucketingMode::kXxh3, {0.01, 16.03, 0.96, 82});
  ASSERT_TRUE(xxh3.ok());
  EXPECT_EQ(xxh3->Pick(1699), 2);
  EXPECT_EQ(xxh3->Pick(1700), 3);
}

TEST(SplitTable, RejectsInvalidPercents) {
  for (BucketingMode mode : {BucketingMode::kXxh3, BucketingMode::kFlagship}) {
    auto bad = SplitTable::Create(mode, {50, 26.675});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(bad.status().message(),
              "allocation of variation 1: percent 26.675 has more than 2 "
              "decimals; expected a percent in [0, 100] with at most 2 "
              "decimals");

    auto negative = SplitTable::Create(mode, {-5});
    ASSERT_FALSE(negative.ok());
    EXPECT_THAT(std::string(negative.status().message()),
                HasSubstr("allocation of variation 0: percent -5 is out of "
                          "range"));

    auto over = SplitTable::Create(mode, {50, 50.01});
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(over.status().message(),
              "allocations sum to 100.01 %; expected a sum of at most 100 %");
  }
}

TEST(SplitTable, SumOfExactlyHundredIsAccepted) {
  for (BucketingMode mode : {BucketingMode::kXxh3, BucketingMode::kFlagship}) {
    auto table = SplitTable::Create(mode, {33.33, 33.33, 33.34});
    ASSERT_TRUE(table.ok()) << table.status();
    EXPECT_EQ(table->total_basis_points(), 10000);
    EXPECT_EQ(table->Pick(BucketScale(mode) - 1), 2);
  }
}

}  // namespace
}  // namespace allot
