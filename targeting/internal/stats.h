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

// Only what costs nothing next to the work it counts: a regex match, a
// version comparison made on its own (a call, where an eager run compares
// a slot's versions together). (A counter per predicate or memo hit was a
// store on every test of the decision path; these show the memo and the
// eager bits working just as well.)
struct TargetingStats {
  uint64_t regex_matches = 0;  // MATCHES_REGEX / NOT_MATCHES_REGEX run
  uint64_t version_comparisons = 0;  // SEMVER_* evaluated one by one
};

struct ScratchAccess {
  static TargetingStats Stats(const TargetingScratch& scratch);
  // The epoch of the visitor last bound (tests of the epochs' wrap).
  static uint32_t Epoch(const TargetingScratch& scratch);
  static void SetEpoch(TargetingScratch* scratch, uint32_t epoch);
  static uint32_t MaxEpoch();
};

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_STATS_H_
