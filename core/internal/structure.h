// One decision call's view of the experiment structure (DESIGN §15), read by
// CompiledConfig::CheckStructure.
#ifndef ALLOT_CORE_INTERNAL_STRUCTURE_H_
#define ALLOT_CORE_INTERNAL_STRUCTURE_H_

#include <cstdint>
#include <string_view>

#include "core/compiled_config.h"

namespace allot {

struct CompiledConfig::Structure {
  Structure()
      : earlier(nullptr), held_out(0), layers_known(0), range_bucket(-1) {}
  // Fields left to BindStructure, which sets them all: DecideAll builds
  // one per call, and most configs never bind it.
  struct Unset {};
  explicit Structure(Unset) {}
  // The decisions of this call by campaign index: every campaign before the
  // one being decided is final there (prerequisites name earlier campaigns
  // only). Null when no campaign decided in this call has prerequisites.
  const Decision* earlier;
  // Bit h: holdout h holds the visitor out (hashed up front: one hash per
  // holdout, and a visitor held out by none takes the fast paths).
  uint64_t held_out;
  // Bit l: the visitor's bucket of layer l is in layer_bucket[l].
  uint64_t layers_known;
  uint16_t layer_bucket[CompiledConfig::kMaxLayers];  // read once known
  // Flagship mode: the visitor's range bucket, the same for every campaign
  // (the hash of the visitor id alone), once a campaign with bucket ranges
  // needed it; -1 before.
  int32_t range_bucket;
};

// Inline: DecideCampaign calls it for every campaign with bucket ranges.
inline uint32_t CompiledConfig::RangeBucketOf(int32_t c,
                                             std::string_view visitor_id,
                                             Structure* st) const {
  const CampaignBucketer& bucketer = campaigns_[c].bucketer;
  if (mode_ != BucketingMode::kFlagship) return bucketer.RangeBucket(visitor_id);
  if (st->range_bucket < 0) {
    st->range_bucket = static_cast<int32_t>(bucketer.RangeBucket(visitor_id));
  }
  return static_cast<uint32_t>(st->range_bucket);
}

}  // namespace allot

#endif  // ALLOT_CORE_INTERNAL_STRUCTURE_H_
