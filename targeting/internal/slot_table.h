// File: targeting/internal/slot_table.h
//
// Maps the attribute names a config reads to their slots. Built once from
// the config's own names with a seed chosen so that, as far as possible,
// every name sits in its home cell (one hash, one compare per lookup);
// linear probing keeps it correct when no such seed is found. Names not in
// the table cost one hash and usually one empty-cell test. Immutable after
// construction; lookups never allocate.
#ifndef ALLOT_TARGETING_INTERNAL_SLOT_TABLE_H_
#define ALLOT_TARGETING_INTERNAL_SLOT_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace allot::internal {

class SlotTable {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;

  SlotTable() = default;
  // names[i] gets slot i. REQUIRES: names are distinct.
  explicit SlotTable(std::vector<std::string> names);

  uint32_t Find(std::string_view name) const;

  // Longest probe sequence of a stored name (0 when perfect).
  uint32_t max_probe() const { return max_probe_; }

 private:
  // A cell carries its name's place in chars_, so a hit touches one cache
  // line of cells and one of names.
  struct Cell {
    uint64_t hash = 0;
    uint32_t offset = 0;
    uint32_t size = 0;
    uint32_t slot = kNotFound;
  };
  static uint64_t Hash(std::string_view s, uint64_t seed);
  uint32_t Fill(uint64_t seed);  // returns the longest probe

  std::vector<std::string> names_;
  std::string chars_;  // all names, back to back
  std::vector<uint32_t> offsets_;
  std::vector<Cell> cells_;
  uint64_t seed_ = 0;
  uint64_t mask_ = 0;
  uint32_t max_probe_ = 0;
};

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_SLOT_TABLE_H_
