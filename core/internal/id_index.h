// File: core/internal/id_index.h
//
// A compiled config's campaign and group ids -> their indices
// (CompiledConfig::FindCampaign, FindGroup). Binding a visitor's sticky
// record looks its group up here whenever the record names another group
// than the context's last one (W3 with a record per visitor): a binary
// search of 1,000 sorted ids with string compares took ~500 instructions,
// a StringTable lookup takes ~30.
#ifndef ALLOT_CORE_INTERNAL_ID_INDEX_H_
#define ALLOT_CORE_INTERNAL_ID_INDEX_H_

#include <cstdint>

#include "targeting/internal/string_table.h"

namespace allot::internal {

// Keyed by the ids' bytes in the config's campaigns and groups, which
// outlive it. Ids are distinct within each (a repeated one is a load error).
struct IdIndex {
  StringTable<int32_t> campaigns;
  StringTable<int32_t> groups;
};

}  // namespace allot::internal

#endif  // ALLOT_CORE_INTERNAL_ID_INDEX_H_
