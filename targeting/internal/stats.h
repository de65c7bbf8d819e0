// File: targeting/internal/stats.h
//
// Counters a TargetingScratch keeps about its own work, for tests and
// diagnostics (e.g. to check that a predicate shared by many trees is
// evaluated once per visitor). Reading them is not thread-safe with respect
// to the thread using the scratch.
#ifndef ALLOT_TARGETING_INTERNAL_STATS_H_
#define ALLOT_TARGETING_INTERNAL_STATS_H_

#include <cstdint>

#include "targeting/compiled_targeting_set.h"

namespace allot::internal {

struct TargetingStats {
  uint64_t evaluations = 0;    // predicates actually evaluated
  uint64_t regex_matches = 0;  // of which MATCHES_REGEX / NOT_MATCHES_REGEX
  uint64_t memo_hits = 0;      // predicates answered from the memo
};

struct ScratchAccess {
  static TargetingStats Stats(const TargetingScratch& scratch);
};

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_STATS_H_
