// The forced and sticky inputs of one decision call, bound to a config's
// indices, walked in campaign order by DecideCampaign<true>.
#ifndef ALLOT_CORE_INTERNAL_LIFECYCLE_H_
#define ALLOT_CORE_INTERNAL_LIFECYCLE_H_

#include "core/assignment_inputs.h"
#include "core/compiled_config.h"

namespace allot {

// A fresh CompiledConfig::serial().
uint64_t NextConfigSerial();

// Decisions visit campaigns (and so groups) in increasing index order, even
// Decide with single assignment, so each input is a sorted run read through
// a cursor that only moves forward: no search per campaign.
struct CompiledConfig::Lifecycle {
  const ForcedEntry* overrides = nullptr;  // per-call, by campaign
  const ForcedEntry* overrides_end = nullptr;
  const ForcedEntry* listed = nullptr;  // forced_assignments, by campaign
  const ForcedEntry* listed_end = nullptr;
  const StickyEntry* sticky = nullptr;  // records, by group
  const StickyEntry* sticky_end = nullptr;

  // The forced variation of campaign `c`: a per-call override, else a
  // forced_assignments entry; null when neither.
  const ForcedEntry* ForcedFor(int32_t c) {
    while (overrides != overrides_end && overrides->campaign < c) ++overrides;
    while (listed != listed_end && listed->campaign < c) ++listed;
    if (overrides != overrides_end && overrides->campaign == c) return overrides;
    if (listed != listed_end && listed->campaign == c) return listed;
    return nullptr;
  }
  // The visitor's record for group `g`, or null.
  const StickyEntry* RecordFor(int32_t g) {
    while (sticky != sticky_end && sticky->group < g) ++sticky;
    return sticky != sticky_end && sticky->group == g ? sticky : nullptr;
  }
};

}  // namespace allot

#endif  // ALLOT_CORE_INTERNAL_LIFECYCLE_H_
