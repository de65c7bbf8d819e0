#include "allocation/bucketing.h"

#include "allocation/internal/group_buckets.h"
#include "allocation/internal/xxh3.h"

namespace allot {

GroupBucketer GroupBucketer::Create(BucketingMode mode,
                                    std::string_view group_id) {
  GroupBucketer b;
  b.mode_ = mode;
  if (mode == BucketingMode::kXxh3) {
    b.split_seed_ = internal::InlineXxh3(group_id);
    b.traffic_seed_ = b.split_seed_ ^ kTrafficSeedMask;
  } else {
    // Flagship hashes the concatenation; hashing the prefix once here leaves
    // only the visitor id for each decision.
    b.split_prefix_.Update(group_id);
    b.traffic_prefix_.Update("traffic:");
    b.traffic_prefix_.Update(group_id);
  }
  return b;
}

uint32_t GroupBucketer::SplitBucket(std::string_view visitor_id) const {
  return SplitBucketInline(visitor_id);
}

uint32_t GroupBucketer::TrafficBucket(std::string_view visitor_id) const {
  return TrafficBucketInline(visitor_id);
}

int GroupBucketer::FlagshipAlignment() const {
  // (The traffic prefix ends as the split prefix does: "traffic:" is
  // whole characters.)
  return split_prefix_.EndsOnWholeCharacter()
             ? static_cast<int>(split_prefix_.length() & 3)
             : -1;
}

namespace {

// The first bucket of [0, scale) whose percent satisfies `holds` (false for
// lower buckets, true from there on), or scale when none does.
template <typename Predicate>
uint32_t FirstBucketWhere(uint32_t scale, Predicate holds) {
  uint32_t lo = 0;
  uint32_t hi = scale;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (holds(RangeBucketPercent(mid, scale))) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

}  // namespace

BucketInterval BucketsInPercentRange(double low, double high, uint32_t scale) {
  BucketInterval interval;
  interval.first =
      FirstBucketWhere(scale, [low](double percent) { return low <= percent; });
  interval.end = FirstBucketWhere(
      scale, [high](double percent) { return !(percent < high); });
  return interval;
}

CampaignBucketer CampaignBucketer::Create(BucketingMode mode,
                                          std::string_view campaign_id) {
  CampaignBucketer b;
  b.mode_ = mode;
  // Flagship's range bucket hashes the visitor id alone: no per-campaign state.
  if (mode == BucketingMode::kXxh3) b.seed_ = internal::InlineXxh3(campaign_id);
  return b;
}

uint32_t CampaignBucketer::RangeBucket(std::string_view visitor_id) const {
  if (mode_ == BucketingMode::kXxh3) {
    return internal::Xxh3Bucket(visitor_id, seed_);
  }
  return FlagshipHash(visitor_id) % 100;
}

}  // namespace allot
