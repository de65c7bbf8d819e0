// File: allocation/split.h
//
// Cumulative traffic splits and percent arithmetic.
//
// A SplitTable holds, for the variations of one group in file order, integer
// thresholds in bucket units; a bucket picks the first variation whose
// threshold it is below, or none past the sum. Zero allocations are skipped.
//
//   auto table = SplitTable::Create(BucketingMode::kXxh3, {26.67, 26.67, 26.66});
//   int v = table->Pick(bucket);   // 0, 1, 2, or -1 (not allocated)
//
// xxh3 mode: allocations are exact basis points, bucket < cumulative bp.
// flagship mode: reproduces the JS SDK's `bucket < runningSum` walk in double
// arithmetic (the running sum is accumulated in file order as doubles, and
// threshold = ceil(sum), which is exact for an integer bucket).
//
// Immutable and thread-safe after creation.
#ifndef ALLOT_ALLOCATION_SPLIT_H_
#define ALLOT_ALLOCATION_SPLIT_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "allocation/bucketing.h"

namespace allot {

// Converts a percent with at most two decimals in [0, 100] to basis points.
// InvalidArgument (message without a path: the caller prefixes it) otherwise.
[[nodiscard]] absl::StatusOr<int32_t> PercentToBasisPoints(double percent);

class SplitTable {
 public:
  SplitTable() = default;

  // `percents[i]` is variation i's allocation; each must be a valid percent
  // (PercentToBasisPoints) and their sum at most 100 (InvalidArgument).
  [[nodiscard]] static absl::StatusOr<SplitTable> Create(
      BucketingMode mode, absl::Span<const double> percents);

  // Index of the variation for `bucket` (in [0, BucketScale(mode))), or -1
  // when the bucket is past the allocated sum.
  int Pick(uint32_t bucket) const {
    // Branch-free: the number of thresholds at or below `bucket` is the
    // position of the first one above it (thresholds are ascending), and
    // the indices end with -1 for "past the sum". Random buckets would make
    // a compare-and-return loop mispredict on most calls.
    if (!on_heap_) return PickInline(inline_biased_, inline_indices_, bucket);
    size_t k = 0;
    for (uint32_t t : thresholds_) k += bucket >= t;
    return indices_[k];
  }

  // Sum of the allocations in basis points.
  int32_t total_basis_points() const { return total_bp_; }

  // The inline form, for a table of at most kInline non-zero allocations
  // (is_inline()): kInline thresholds xor kBias, padded with INT32_MAX, and
  // kInline + 1 indices, padded with -1. A caller may keep copies of both
  // beside its other hot data and pick with PickInline.
  static constexpr size_t kInline = 4;
  static constexpr uint32_t kBias = 0x80000000u;
  bool is_inline() const { return !on_heap_; }
  const int32_t* inline_biased() const { return inline_biased_; }
  const int32_t* inline_indices() const { return inline_indices_; }

  // Pick() on an inline form.
  [[gnu::always_inline]] static int PickInline(const int32_t* biased_thresholds,
                                               const int32_t* indices,
                                               uint32_t bucket) {
    // Up to kInline thresholds, padded with ones no bucket reaches: one
    // vector compare, and no load through a pointer (which a decision would
    // wait for). The thresholds are stored with their top bit flipped, so
    // that a signed compare orders them as unsigned.
    const int32_t biased = static_cast<int32_t>(bucket ^ kBias);
#if defined(__SSE2__)
    // Lanes whose threshold is above the bucket: the high ones, the
    // thresholds ascending. Their lowest is the count of those at or below.
    const __m128i above = _mm_cmpgt_epi32(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(biased_thresholds)),
        _mm_set1_epi32(biased));
    const unsigned mask =
        static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(above)));
    return indices[std::countr_zero(mask | (1u << kInline))];
#else
    size_t k = 0;
    for (size_t i = 0; i < kInline; ++i) k += biased >= biased_thresholds[i];
    return indices[k];
#endif
  }

 private:
  std::vector<uint32_t> thresholds_;  // ascending, only non-zero allocations
  // Variation index per threshold, then -1 (one more entry than thresholds_).
  std::vector<int32_t> indices_ = {-1};
  // The same inline while there are at most kInline thresholds (!on_heap_):
  // thresholds xor kBias (UINT32_MAX for padding), indices padded with -1.
  int32_t inline_biased_[kInline] = {INT32_MAX, INT32_MAX, INT32_MAX,
                                     INT32_MAX};
  int32_t inline_indices_[kInline + 1] = {-1, -1, -1, -1, -1};
  bool on_heap_ = false;
  int32_t total_bp_ = 0;
};

}  // namespace allot

#endif  // ALLOT_ALLOCATION_SPLIT_H_
