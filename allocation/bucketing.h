// File: allocation/bucketing.h
//
// Turns a visitor id into the buckets a decision needs: the split bucket
// (which variation), the traffic bucket (inside the progressive-rollout share
// or not) and the campaign range bucket. Each hashing state is prepared once
// per group or campaign when a config is compiled; a decision only hashes the
// visitor id.
//
//   GroupBucketer b = GroupBucketer::Create(BucketingMode::kXxh3, "vg-1");
//   uint32_t split = b.SplitBucket("visitor-7");        // in [0, b.scale())
//
// Formulas (DESIGN §4; frozen):
//   xxh3:     s = XXH3(group_id)
//             split   = XXH3_withSeed(visitor, s) % 10000
//             traffic = XXH3_withSeed(visitor, s ^ 0x9E3779B97F4A7C15) % 10000
//             range   = XXH3_withSeed(visitor, XXH3(campaign_id)) % 10000
//   flagship: split   = Murmur3(group_id + visitor) % 100
//             traffic = Murmur3("traffic:" + group_id + visitor) % 100
//             range   = Murmur3(visitor) % 100
//   (Murmur3 over UTF-16 low bytes, see hash.h.)
//
// All types here are immutable after creation and thread-safe.
#ifndef ALLOT_ALLOCATION_BUCKETING_H_
#define ALLOT_ALLOCATION_BUCKETING_H_

#include <cstdint>
#include <string_view>

#include "allocation/hash.h"

namespace allot {

enum class BucketingMode : uint8_t {
  kXxh3,      // 10,000 buckets; allocations in basis points.
  kFlagship,  // 100 buckets; bit-compatible with Flagship's JS SDK.
};

inline constexpr uint64_t kTrafficSeedMask = 0x9E3779B97F4A7C15ULL;

// Number of buckets of a mode: 10000 for xxh3, 100 for flagship.
constexpr uint32_t BucketScale(BucketingMode mode) {
  return mode == BucketingMode::kXxh3 ? 10000u : 100u;
}

// The percent a range bucket stands for, as a campaign's bucket ranges
// (percent, [low, high)) are compared with it: bucket * 100 / scale.
inline double RangeBucketPercent(uint32_t bucket, uint32_t scale) {
  return bucket * 100.0 / scale;
}

// The buckets of [0, scale) whose RangeBucketPercent lies in [low, high),
// as [first, end) (first >= end: none). The percent grows with the bucket,
// so they are one interval; its bounds are found by evaluating that
// expression, so an integer test on them decides exactly as the test in
// doubles does.
struct BucketInterval {
  uint32_t first = 0;
  uint32_t end = 0;
};
BucketInterval BucketsInPercentRange(double low, double high, uint32_t scale);

// Per-variation-group hashing state.
class GroupBucketer {
 public:
  GroupBucketer() = default;
  static GroupBucketer Create(BucketingMode mode, std::string_view group_id);

  BucketingMode mode() const { return mode_; }
  uint32_t scale() const { return BucketScale(mode_); }

  // REQUIRES: visitor_id is non-empty.
  uint32_t SplitBucket(std::string_view visitor_id) const;
  uint32_t TrafficBucket(std::string_view visitor_id) const;
  // The same, inline; defined in allocation/internal/group_buckets.h, for
  // the decision path.
  uint32_t SplitBucketInline(std::string_view visitor_id) const;
  uint32_t TrafficBucketInline(std::string_view visitor_id) const;
  // Flagship mode only: the same two from an id prepared once for every
  // group a decision hashes it for (FlagshipAlignment() is the bit of
  // internal::MurmurSuffix::Prepare's `alignments` they need). Defined in
  // allocation/internal/group_buckets.h.
  uint32_t FlagshipSplitBucket(const internal::MurmurSuffix& id) const;
  uint32_t FlagshipTrafficBucket(const internal::MurmurSuffix& id) const;
  // The length of the group id's hashed prefix, in UTF-16 code units, % 4
  // (the traffic prefix "traffic:" + group id has the same), or -1 when
  // the id ends inside a UTF-8 sequence (FlagshipSplitBucket cannot
  // continue it).
  int FlagshipAlignment() const;
  // Flagship mode: the split bucket's prefix (the group id hashed), for
  // callers that keep its state beside other hot data.
  const FlagshipHasher& flagship_split_prefix() const { return split_prefix_; }
  // The seeds of the XXH3 mode, for callers that hash inline
  // (internal::Xxh3Bucket gives the same buckets as the two above).
  uint64_t split_seed() const { return split_seed_; }
  uint64_t traffic_seed() const { return traffic_seed_; }

 private:
  BucketingMode mode_ = BucketingMode::kXxh3;
  uint64_t split_seed_ = 0;
  uint64_t traffic_seed_ = 0;
  FlagshipHasher split_prefix_;
  FlagshipHasher traffic_prefix_;
};

// Per-campaign hashing state for bucket ranges.
class CampaignBucketer {
 public:
  CampaignBucketer() = default;
  static CampaignBucketer Create(BucketingMode mode,
                                 std::string_view campaign_id);

  uint32_t scale() const { return BucketScale(mode_); }

  // REQUIRES: visitor_id is non-empty.
  uint32_t RangeBucket(std::string_view visitor_id) const;

 private:
  BucketingMode mode_ = BucketingMode::kXxh3;
  uint64_t seed_ = 0;
};

}  // namespace allot

#endif  // ALLOT_ALLOCATION_BUCKETING_H_
