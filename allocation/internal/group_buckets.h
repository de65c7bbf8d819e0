// File: allocation/internal/group_buckets.h
//
// GroupBucketer's split and traffic buckets, inline in either mode: the
// decision path computes them once per campaign decided, where a call (and
// in the flagship mode a second one, into FlagshipHasher) cost a third of
// the hash. GroupBucketer::SplitBucket and TrafficBucket are these, out of
// line. Internal: include only from allocation/*.cc and from .cc files
// that decide.
#ifndef ALLOT_ALLOCATION_INTERNAL_GROUP_BUCKETS_H_
#define ALLOT_ALLOCATION_INTERNAL_GROUP_BUCKETS_H_

#include <cstdint>
#include <string_view>

#include "allocation/bucketing.h"
#include "allocation/internal/murmur.h"
#include "allocation/internal/xxh3.h"

namespace allot {

[[gnu::always_inline]] inline uint32_t GroupBucketer::SplitBucketInline(
    std::string_view visitor_id) const {
  return mode_ == BucketingMode::kXxh3
             ? internal::Xxh3Bucket(visitor_id, split_seed_)
             : split_prefix_.FinishWithInline(visitor_id) % 100;
}

[[gnu::always_inline]] inline uint32_t GroupBucketer::TrafficBucketInline(
    std::string_view visitor_id) const {
  return mode_ == BucketingMode::kXxh3
             ? internal::Xxh3Bucket(visitor_id, traffic_seed_)
             : traffic_prefix_.FinishWithInline(visitor_id) % 100;
}

[[gnu::always_inline]] inline uint32_t GroupBucketer::FlagshipSplitBucket(
    const internal::MurmurSuffix& id) const {
  return id.FinishAfter(split_prefix_) % 100;
}

[[gnu::always_inline]] inline uint32_t GroupBucketer::FlagshipTrafficBucket(
    const internal::MurmurSuffix& id) const {
  return id.FinishAfter(traffic_prefix_) % 100;
}

}  // namespace allot

#endif  // ALLOT_ALLOCATION_INTERNAL_GROUP_BUCKETS_H_
