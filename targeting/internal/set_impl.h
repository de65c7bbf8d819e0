// File: targeting/internal/set_impl.h
//
// The compiled form of a CompiledTargetingSet: the shared predicate tables,
// the slot table, and each tree as a range of AND groups, each group a
// range of predicate indices ordered cheap-first (predicates are pure, so
// the order cannot change a group's result). Explain keeps the targetings
// in their written order, with their paths.
#ifndef ALLOT_TARGETING_INTERNAL_SET_IMPL_H_
#define ALLOT_TARGETING_INTERNAL_SET_IMPL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "targeting/bytes.h"
#include "targeting/compiled_targeting_set.h"
#include "targeting/internal/predicate.h"
#include "targeting/internal/slot_table.h"
#include "targeting/internal/string_table.h"

namespace allot {
namespace internal {

// Hashing and equality for the std::string_view keys of the maps compiling
// builds (Bind looks values up in their frozen StringTable copies). This
// Abseil's string_view is its own type, so a map keyed by std::string_view
// would get std::hash (an out-of-line call per lookup) and memcmp; these
// are Abseil's inline string hash and a compare of a few loads.
struct ViewHash {
  size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>()(
        absl::string_view(s.data(), s.size()));
  }
};
struct ViewEq {
  bool operator()(std::string_view a, std::string_view b) const {
    return EqualBytes(a, b);
  }
};
template <typename Value>
using ViewMap = absl::flat_hash_map<std::string_view, Value, ViewHash, ViewEq>;

}  // namespace internal

struct CompiledTargetingSet::Impl {
  struct Group {
    uint32_t begin = 0;  // into order
    uint32_t count = 0;
    // How Matches evaluates the group (see `eager`): its eager predicates
    // as masks over the visitor's eager bits, masks[mask_begin ...
    // + mask_count), then the others in lazy[lazy_begin ... + lazy_count),
    // cheap first, with short-circuit. A group of a tree filed in the index
    // leaves out the predicate it is filed under: a marked tree has it true.
    uint32_t mask_begin = 0;
    uint32_t mask_count = 0;
    uint32_t lazy_begin = 0;
    uint32_t lazy_count = 0;
  };
  struct ExplainTargeting {
    std::string path;
    std::string key;
    std::string op;
    std::string expected;  // JSON, or "missing"
    uint32_t predicate = 0;
  };

  uint64_t id = 0;  // unique per process, never reused
  // Whether Bind has more to do than copy the values: interned values,
  // eager predicates or an index (Bind then calls BindDerived).
  bool derives = false;
  internal::PredicateTables tables;
  std::vector<std::string> attribute_names;
  internal::SlotTable slots;
  std::vector<uint32_t> tree_groups;  // tree i: groups [t[i], t[i + 1])
  // Whether tree `tree` is one group of one predicate (TreeHead::single).
  bool OnePredicate(size_t tree) const {
    return tree_groups[tree + 1] - tree_groups[tree] == 1 &&
           groups[tree_groups[tree]].count == 1;
  }
  std::vector<Group> groups;
  std::vector<uint32_t> order;                         // predicate indices
  // tables.predicates[order[i]] for every i, copied once compiled (memo
  // cells and bitsets assigned): Matches reads a group's predicates in a
  // row rather than through order (one dependent load fewer per test).
  std::vector<internal::Predicate> ordered;
  // A compact form of the common predicates, which Matches tests in a few
  // instructions once the visitor's value is there and of the type the form
  // needs (string EQUALS / NOT_EQUALS of one case-sensitive value, number
  // EQUALS / NOT_EQUALS and relational operators, interned IN / NOT_IN);
  // anything else, a missing value or another type go through Test, which
  // gives the same answers (predicates are pure). Kept for the tree of one
  // predicate (TreeHead::form) and the eager predicates; inside a group's
  // loop the larger inline code cost more than it saved (W3: +6 %
  // instructions). Memoised predicates keep their memo.
  enum class FastKind : uint8_t {
    kGeneric,   // no compact form
    kString,    // EQUALS / NOT_EQUALS of one case-sensitive string
    kNumber,    // EQUALS / NOT_EQUALS or a relational operator, one number
    kInterned,  // IN / NOT_IN over interned values
    // SEMVER_ relational operators of one release version (no prerelease)
    // whose numbers PackSemVer packs
    kSemVer,
    // kString of 1 to 8 bytes, in a tree's head only (TreeHead::form), on
    // little-endian targets: the value as a word (W1's `country EQUALS
    // "FR"`), compared with a visitor's inline bytes in one go
    // (Attributes::ShortStringEquals) rather than by length class.
    kShortString,
  };
  struct FastTest {
    FastKind kind = FastKind::kGeneric;
    internal::Op op = internal::Op::kAlwaysTrue;
    // kShortString: 64 - 8 x the value's length, the shift that drops the
    // bytes past it.
    uint8_t shift = 0;
    uint32_t slot = 0;
    // kString, kShortString: the value's length; kInterned: the first word
    // of the predicate's bitset in `bits`.
    uint32_t aux = 0;
    union {
      const char* data;  // kString (tables.strings)
      double number;     // kNumber
      uint64_t version;  // kSemVer: the operand's PackSemVer key
      uint64_t word;     // kShortString: its bytes, then zeros
    };
    FastTest() : data(nullptr) {}
  };
  std::vector<std::vector<ExplainTargeting>> explain;  // parallel to groups

  // The candidate index. A tree of one AND group holding a case-sensitive
  // EQUALS on a string attribute with string values can match only when
  // the visitor's value is one of them: such a tree is filed under one
  // such predicate (the one on the attribute with the most distinct values
  // across trees), and Bind marks the trees the visitor's values name; the
  // others are false without evaluating anything.
  struct SlotIndex {
    uint32_t slot = 0;
    struct Entry {
      std::vector<uint32_t> trees;
      // Their tests, in the same order (list.complete: every test is
      // complete, no second look), and the list's sieve.
      TreeList list;
    };
    // Views into tables.strings.
    internal::ViewMap<Entry> trees;
    // The same, frozen for Bind's lookup once the entries are final.
    internal::StringTable<const Entry*> lookup;
  };
  std::vector<SlotIndex> indexes;
  std::vector<uint8_t> tree_indexed;  // by tree: 1 when filed in an index
  // By tree: the share of visitors its spec says have it evaluated
  // (BuildEager).
  std::vector<float> evaluated_share;
  // By tree: the predicate (into tables.predicates) it is filed under, or
  // kNoPredicate.
  std::vector<uint32_t> index_predicate;
  static constexpr uint32_t kNoPredicate = ~uint32_t{0};

  // Interned values. For each slot read by a case-sensitive IN / NOT_IN,
  // the distinct strings of those lists get ids 0, 1, ...; Bind looks the
  // visitor's string up once, and each such predicate tests one bit of its
  // bitset (Predicate::bits) instead of hashing the string again.
  struct InternedSlot {
    uint32_t slot = 0;
    // Views into the ValueSets' strings (immutable once compiled).
    internal::ViewMap<uint32_t> ids;
    internal::StringTable<uint32_t> lookup;  // `ids`, frozen for Bind
  };
  std::vector<InternedSlot> interned;
  std::vector<uint64_t> bits;  // the predicates' bitsets, back to back

  // Eager predicates. Bind evaluates the cheap predicates (EQUALS,
  // relational, EXISTS, interned IN / NOT_IN, ...) of every group once per
  // visitor, in this fixed order, into one bit each (the scratch's `eager`
  // words); Matches then tests a group's eager part with a mask per word
  // instead of one data-dependent branch per predicate (W2: most of the
  // mispredicted branches of a decision were in that walk), and one run of
  // an attribute's IN lists or thresholds costs about what one predicate
  // did. The predicates of trees outside the index are always eager; those
  // only indexed trees read, while the eager set stays within kMaxEager (an
  // index exists so that a visitor costs what its candidate trees cost). A
  // tree of one predicate makes none eager (its compact test costs what a
  // bit does; W1). Costlier predicates (regex, semver, dates, strings) stay
  // lazy and memoised, unless many trees outside the index share one.
  struct EagerTest {
    FastTest fast;                  // its compact form, if any
    internal::Predicate predicate;  // memo cleared: evaluated once anyway
  };
  static constexpr size_t kMaxEager = 256;
  // Trees outside the index that must share a costly predicate for Bind to
  // evaluate it eagerly (see BuildEager).
  static constexpr uint32_t kSharedEager = 4;
  // Sorted by slot, form and operator; a relational run by operand so that
  // the operands a value satisfies come first (ascending for > and >=,
  // descending for < and <=): its results are then the first k bits, k
  // the number satisfied.
  std::vector<EagerTest> eager;
  // Runs of `eager` with one slot, compact form and operator: Bind reads
  // the visitor's value once per run and tests the run's operands in a
  // tight loop (a run of kGeneric goes through Test one by one, as does
  // any run whose value is missing or of another type).
  struct EagerRun {
    FastKind kind = FastKind::kGeneric;
    internal::Op op = internal::Op::kAlwaysTrue;
    uint32_t slot = 0;
    uint32_t begin = 0;  // into eager
    uint32_t count = 0;  // at most 64
    // kInterned: the run's results for each interned value of the slot,
    // one word per value (bit i for eager[begin + i]), then for a value
    // not interned; first word in run_tables.
    uint32_t table = 0;
  };
  std::vector<EagerRun> runs;
  std::vector<uint64_t> run_tables;
  std::vector<uint32_t> interned_rows;  // by slot: its interned values
  struct WordMask {
    uint32_t word = 0;
    uint64_t mask = 0;
  };
  std::vector<WordMask> masks;            // by group range
  std::vector<internal::Predicate> lazy;  // by group range

  // What Matches reads of a tree, in one place: its groups, whether the
  // index files it, and for a tree of one group of one predicate (W1's
  // shape, and every single-condition campaign) that predicate, tested
  // without walking groups and order (three dependent loads fewer).
  struct TreeHead {
    uint32_t first_group = 0;
    uint32_t end_group = 0;
    uint32_t single = kNoSingle;  // index into `ordered`, or kNoSingle
    uint32_t indexed = 0;         // tree_indexed[tree]
    // A tree of one group whose eager predicates (if any) are in one word,
    // other than a tree of one lazy predicate: that word's mask (the
    // group's eager part holds when every bit of it is set), then the
    // group's lazy predicates, lazy[lazy_begin ... + lazy_count) (W2's
    // shape); single_mask_word is kNoSingle otherwise.
    uint32_t single_mask_word = kNoSingle;
    uint32_t lazy_begin = 0;
    uint32_t lazy_count = 0;
    uint64_t single_mask = 0;
    // The single predicate's compact form (kGeneric for none, and for a
    // memoised predicate), in the head so that Matches reads one line.
    FastTest form;
  };
  static constexpr uint32_t kNoSingle = ~uint32_t{0};
  std::vector<TreeHead> heads;  // by tree; built last
  size_t num_trees = 0;         // heads.size(), without a division
  // MatchingOf's first pass, by tree, then a sentinel that never holds: the
  // tree is false when indexed and not marked, or unless every bit of
  // `mask` is set in eager word `word` (a one-group head's mask, or an
  // empty mask on word 0). `complete`: that test is the tree's whole
  // answer (a one-group head without lazy predicates), so a tree that
  // passes it needs no second look.
  struct BatchTest {
    uint64_t mask = 0;
    uint32_t word = 0;
    uint16_t indexed = 0;
    uint16_t complete = 0;
  };
  std::vector<BatchTest> batch;
  // A tree's batch test as a TreeList::Test (its `tree` set).
  TreeList::Test TestOf(size_t tree) const {
    const BatchTest& b = batch[tree];
    TreeList::Test t;
    t.mask = b.mask;
    t.word = static_cast<uint16_t>(b.word);
    t.complete = b.complete;
    t.tree = static_cast<uint32_t>(tree);
    return t;
  }
};

}  // namespace allot

#endif  // ALLOT_TARGETING_INTERNAL_SET_IMPL_H_
