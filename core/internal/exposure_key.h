// File: core/internal/exposure_key.h
//
// The parts of an exposure's de-duplication key (core/exposure_logger.cc)
// that depend on the config only, computed once per id when a config is
// compiled (CompiledConfig::IdRef::key) rather than once per exposure.
// A key is the visitor id's XXH3 xor its group's part (or, for an exposure
// without a group, its campaign's). The parts are bijective mixes of the
// ids' XXH3, so that they are no longer the plain XXH3 of a string: that
// keeps (visitor x, group y) and (visitor y, group x) apart, and one mix per
// kind keeps a campaign and a group of the same id apart.
#ifndef ALLOT_CORE_INTERNAL_EXPOSURE_KEY_H_
#define ALLOT_CORE_INTERNAL_EXPOSURE_KEY_H_

#include <cstdint>

namespace allot::internal {

// A group id's part: odd multiply, xor-shift.
inline uint64_t GroupKeyPart(uint64_t id_hash) {
  id_hash *= 0x9e3779b97f4a7c15ULL;
  return id_hash ^ (id_hash >> 29);
}

// A campaign id's part (an exposure without a group, such as a holdout's).
inline uint64_t CampaignKeyPart(uint64_t id_hash) {
  id_hash ^= id_hash >> 31;
  id_hash *= 0xc2b2ae3d27d4eb4fULL;
  return id_hash ^ (id_hash >> 29);
}

}  // namespace allot::internal

#endif  // ALLOT_CORE_INTERNAL_EXPOSURE_KEY_H_
