// File: targeting/compiled_targeting_set.h
//
// All the targeting trees of one config, validated and compiled together, so
// that attribute names are interned to slots once, identical predicates
// (same key, operator, value, options) are shared and evaluated at most once
// per visitor, and a decision never parses, allocates or compiles.
//
//   std::vector<TargetingTreeSpec> trees = ...;           // tree i = group i
//   auto set = CompiledTargetingSet::Create(trees);      // StatusOr
//   TargetingScratch scratch;                            // one per thread
//   (*set)->Bind("visitor-7", attributes, &scratch);     // once per visitor
//   bool hit = (*set)->Matches(0, &scratch);             // per tree
//
// Semantics: DESIGN §7 and flagship-compat.md §Targeting (Flagship's twelve
// operators with JavaScript coercions, plus allot's regex, semver, set and
// date extensions, and `ignore_case`). Choices where those documents are
// silent:
//   - EXISTS / NOT_EXISTS ignore their value entirely (even null), as the JS
//     SDK does; `fs_all_users` is true whatever the operator and value, and
//     its value is not validated; `fs_users` is always present.
//   - MATCHES_REGEX / NOT_MATCHES_REGEX: partial match (RE2 syntax) on string
//     attributes only. A present non-string never matches, so NOT_MATCHES
//     holds for it; a missing attribute makes both false. A list of patterns
//     means "any of them".
//   - SEMVER_*: a context value that is not a string SemVer is false for
//     every SEMVER_ operator. A list means any-of (all-of for NOT_EQUALS).
//   - IN / NOT_IN: strict by type like EQUALS ("42" is not in [42]); NOT_IN
//     is true on a missing attribute.
//   - BEFORE / AFTER: strictly before / after; the context value is an
//     RFC 3339 string with offset or epoch seconds; anything else is false.
//   - ignore_case folds ASCII letters only (RE2's case-insensitive mode for
//     the regex operators, which also folds non-ASCII letters).
//
// CompiledTargetingSet is immutable and thread-safe. TargetingScratch is not:
// use one per thread (it holds that thread's own copies of compiled regexes,
// so threads never contend on a shared RE2).
#ifndef ALLOT_TARGETING_COMPILED_TARGETING_SET_H_
#define ALLOT_TARGETING_COMPILED_TARGETING_SET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "targeting/attributes.h"
#include "targeting/targeting_spec.h"

namespace allot {

struct TargetingOptions {
  // Memory budget of each compiled regex (RE2::Options::max_mem).
  // Default: 1 MiB.
  int64_t regex_max_mem = 1 << 20;
  // Build the candidate index (see Candidates): trees that an EQUALS on a
  // string attribute rules out are false without evaluation. Off only to
  // compare against (the decisions are the same either way).
  // Default: true.
  bool candidate_index = true;
};

// Why one targeting matched or not; produced by the slow Explain path.
struct TargetingExplanation {
  size_t group = 0;  // index of the AND group within the tree
  std::string path;  // JSON path of the targeting
  std::string key;
  std::string op;
  std::string expected;  // the targeting value rendered as JSON
  std::string actual;    // the visitor's value rendered as JSON, or "missing"
  bool matched = false;
};

class CompiledTargetingSet;
namespace internal {
struct ScratchAccess;  // test and diagnostics access (internal/stats.h)
struct Predicate;
struct PredicateTables;
struct SemVer;
}  // namespace internal

// Per-thread evaluation state for one visitor at a time. Reusable: after the
// first few visitors it allocates nothing. Movable, not copyable.
class TargetingScratch {
 public:
  TargetingScratch();
  ~TargetingScratch();
  TargetingScratch(TargetingScratch&&) noexcept;
  TargetingScratch& operator=(TargetingScratch&&) noexcept;
  TargetingScratch(const TargetingScratch&) = delete;
  TargetingScratch& operator=(const TargetingScratch&) = delete;

 private:
  friend class CompiledTargetingSet;
  friend struct internal::ScratchAccess;
  struct State;
  std::unique_ptr<State> state_;
};

class CompiledTargetingSet {
 public:
  // Validates and compiles `trees`; tree i is later addressed as index i.
  // Every bad key, operator, value type, regex, semver or date is an
  // InvalidArgument whose message starts with the JSON path at fault (the
  // spec's path plus ".operator", ".value[1]", ...).
  [[nodiscard]] static absl::StatusOr<
      std::shared_ptr<const CompiledTargetingSet>>
  Create(const std::vector<TargetingTreeSpec>& trees,
         const TargetingOptions& options = TargetingOptions());

  ~CompiledTargetingSet();
  CompiledTargetingSet(const CompiledTargetingSet&) = delete;
  CompiledTargetingSet& operator=(const CompiledTargetingSet&) = delete;

  size_t size() const;  // number of trees

  // Names of the attributes some targeting reads (interned slots, in order).
  const std::vector<std::string>& attribute_names() const;

  // Prepares `scratch` to evaluate this set's trees for one visitor. Cheap:
  // resolves each attribute name to its slot (names no targeting reads are
  // ignored) and resets the per-visitor memo. No allocation after warm-up.
  // `visitor_id` and `attributes` must outlive the Matches calls that follow
  // and stay unchanged until then: values are read from them in place, or
  // copied when first read.
  void Bind(std::string_view visitor_id, const Attributes& attributes,
            TargetingScratch* scratch) const;

  // Which trees can still match the visitor last bound to a scratch: a tree
  // filed in the candidate index (see IsIndexed) is false unless Bind found
  // the visitor's value among its values. Valid until the next Bind.
  struct Candidates {
    const uint8_t* indexed = nullptr;  // by tree; null: every tree may match
    const uint32_t* tree_epoch = nullptr;
    uint32_t epoch = 0;
    // The indexed trees that may match, once each, in no particular order
    // (the indexed trees not listed are false).
    const uint32_t* marked = nullptr;
    size_t num_marked = 0;
    bool MayMatch(size_t tree) const {
      return indexed == nullptr || indexed[tree] == 0 ||
             tree_epoch[tree] == epoch;
    }
  };
  Candidates CandidatesOf(const TargetingScratch& scratch) const;
  // Candidates' `marked` trees alone, for a caller that asks MayMatch of
  // none (cheaper: the per-tree epochs MayMatch reads are left unwritten).
  struct Marked {
    const uint32_t* marked = nullptr;
    size_t num_marked = 0;
  };
  Marked MarkedOf(const TargetingScratch& scratch) const;
  // Whether Matches(tree, ...) is false, without evaluating anything, for
  // every visitor whose value Bind does not find in the tree's index entry.
  bool IsIndexed(size_t tree) const;

  // Whether tree `tree` matches the visitor last bound to `scratch`; false
  // for a scratch bound to another set, or a tree this set does not have.
  // REQUIRES: Bind(..., scratch) on this set since the attributes last changed.
  bool Matches(size_t tree, TargetingScratch* scratch) const;
  // Matches without its checks, for a decision's own campaigns.
  // REQUIRES: `scratch` was bound by this set's Bind, and tree < size().
  bool MatchesBound(size_t tree, TargetingScratch* scratch) const;
  // MatchesBound with a tree of one predicate in compact form decided
  // without a call (targeting/internal/matches_inline.h defines it, for a
  // caller deciding many campaigns).
  inline bool MatchesInline(size_t tree, TargetingScratch* scratch) const;
  // Bind, inline (defined there too).
  inline void BindInline(std::string_view visitor_id,
                         const Attributes& attributes,
                         TargetingScratch* scratch) const;

  // Which of the trees trees[0, n) match the visitor last bound to
  // `scratch`: their positions in `trees`, ascending, each answer the same
  // as Matches'. Together, for a decision's many campaigns: the index and
  // the eager masks of every tree first, without a branch per tree, then
  // the rest of the trees still standing. The positions stay valid until
  // the next MatchingOf or Bind on `scratch`; none for a scratch bound to
  // another set. A tree this set does not have is false.
  // REQUIRES: n <= size().
  struct Matching {
    const uint32_t* positions = nullptr;
    size_t count = 0;
  };
  Matching MatchingOf(const uint32_t* trees, size_t n,
                      TargetingScratch* scratch) const;

  // A fixed list of trees outside the index, prepared once (a config's
  // batched campaigns): MatchingOfList then reads each tree's first test in
  // list order, without looking it up by tree.
  struct TreeList {
    struct Test {
      uint64_t mask = 0;  // the bits of eager word `word` the tree needs
      uint16_t word = 0;
      uint16_t complete = 0;  // the test is the tree's whole answer
      uint32_t tree = 0;
    };
    std::vector<Test> tests;
    bool complete = true;  // every test is complete: no second look
    uint64_t set_id = 0;   // the set that prepared it
    // A list of at most 64 tests (a config's usual batched campaigns) also
    // transposed: for each eager word some test reads, the bits they need
    // and, by bit, the tests that need it (needers[first + bit], bit i for
    // tests[i]). MatchingOfList then costs the visitor's missing bits and
    // the trees that hold, not one test per tree (see MatchingOfSieve).
    // Empty for a longer list, tested one by one.
    struct SieveWord {
      uint64_t needed = 0;  // the bits of eager word `word` some test needs
      uint32_t word = 0;
      uint32_t first = 0;  // into needers: 64 entries, by bit
    };
    std::vector<SieveWord> sieve;
    std::vector<uint64_t> needers;
    uint64_t all = 0;       // bit i for each tests[i]
    uint64_t complete_bits = 0;  // bit i when tests[i] is complete
  };
  // A tree the set does not have is false.
  // REQUIRES: every tree the set has is outside the index.
  TreeList PrepareList(const uint32_t* trees, size_t n) const;
  // MatchingOf over the list's trees, without the index test; none for a
  // list another set prepared. The positions come in two ascending parts,
  // not one: first the trees whose eager masks are their whole answer,
  // then those that needed more.
  Matching MatchingOfList(const TreeList& list,
                          TargetingScratch* scratch) const;
  // MatchingOf over the trees the last Bind marked (Candidates' `marked`,
  // in that order; they passed the index), reading the tests Bind copied
  // beside them; positions in two parts, as MatchingOfList's.
  Matching MatchingOfMarked(TargetingScratch* scratch) const;
  // MatchingOfList and MatchingOfMarked writing, for each tree that holds
  // in their order, value_of_tree[tree] to out; return how many.
  // REQUIRES: out has room for every tree of the list (or marked).
  uint32_t MatchingValuesOfList(const TreeList& list,
                                const int32_t* value_of_tree, int32_t* out,
                                TargetingScratch* scratch) const;
  uint32_t MatchingValuesOfMarked(const int32_t* value_of_tree, int32_t* out,
                                  TargetingScratch* scratch) const;

  // Slow path: every targeting of the tree with its outcome, in order (all
  // groups, no short-circuit).
  std::vector<TargetingExplanation> Explain(size_t tree,
                                            std::string_view visitor_id,
                                            const Attributes& attributes) const;

 private:
  struct Impl;
  explicit CompiledTargetingSet(std::unique_ptr<Impl> impl);
  // Hot-path helpers (compiled_targeting_set.cc).
  static void Attach(const Impl& impl, TargetingScratch::State* s);
  static void BuildIndex(Impl* impl);
  static void BuildInterned(Impl* impl);
  // A predicate through its compact form `f` (an Impl::FastTest): 1 or 0,
  // or -1 when it has none or the visitor's value does not suit it (the
  // general test, Test, then answers).
  template <typename FastTest>
  static int FormResult(const Impl& impl, const FastTest& f,
                        TargetingScratch::State* s);
  // The compact form of `p` into `*f` (an Impl::FastTest); kGeneric when it
  // has none.
  template <typename FastTest>
  static void FormOf(const internal::PredicateTables& t,
                     const internal::Predicate& p, FastTest* f);
  // Builds Impl::eager, the groups' masks and lazy predicates, and the
  // heads' single masks (see Impl::eager).
  static void BuildEager(Impl* impl);
  // Matches' test of a tree past its index check (an Impl::TreeHead), inline
  // into Matches and MatchingOf; kMaskTested: a one-group head's mask is
  // known to hold; kFormTried: the single predicate's compact form had no
  // answer (MatchesInline asked it).
  template <bool kMaskTested, typename TreeHead, bool kFormTried = false>
  static bool HeadMatches(const Impl& impl, const TreeHead& head,
                          TargetingScratch::State* s);
  // MatchesInline's way out: the tree past its index check and compact
  // form.
  bool MatchesPastForm(size_t tree, TargetingScratch* scratch) const;
  // MatchingOfList's and MatchingOfMarked's passes over prepared tests
  // (kComplete: all of them are complete).
  template <bool kComplete>
  Matching MatchingOfTests(const TreeList::Test* tests, size_t n,
                           TargetingScratch::State* s) const;
  // MatchingOfList through the list's sieve: the tests that some missing
  // bit fails are out, the others hold unless incomplete (then their second
  // look answers).
  Matching MatchingOfSieve(const TreeList& list,
                           TargetingScratch::State* s) const;
  // The sieve's pass: the tests that hold by their eager bits.
  static uint64_t SieveHeld(const TreeList& list,
                            const TargetingScratch::State* s);
  // The sieve's answer: for each test i of tree `tree` that holds, in two
  // ascending parts (the complete tests, then the others whose second look
  // holds), answer(i, tree) into out; returns how many.
  template <typename T, typename Answer>
  uint32_t SieveAnswers(const TreeList& list, TargetingScratch::State* s,
                        T* out, const Answer& answer) const;
  // Fills a list's sieve from its tests (at most 64; else leaves it empty).
  static void FillSieve(TreeList* list);
  // Matches' out-of-line parts: a single predicate (ordered[k]) through
  // Test when its compact form has no answer, the lazy predicates of a
  // one-group tree from the first whose memo is not set, and a tree of several
  // groups.
  [[gnu::noinline]] static bool RunSingle(const Impl& impl, uint32_t k,
                                          TargetingScratch::State* s);
  [[gnu::noinline]] static bool LazyFrom(const Impl& impl,
                                         const internal::Predicate* lazy,
                                         uint32_t count,
                                         TargetingScratch::State* s);
  [[gnu::noinline]] static bool MatchesGroups(const Impl& impl, uint32_t first,
                                              uint32_t end,
                                              TargetingScratch::State* s);
  // Bind's cold start: a state for a new scratch, attached to this set,
  // its epochs forgotten before they wrap.
  [[gnu::noinline]] static void Prepare(const Impl& impl,
                                        TargetingScratch* scratch);
  // Bind's plan (State::plan) for `attributes`, whose names moved since
  // the last one.
  [[gnu::noinline]] static void Plan(const Impl& impl,
                                     const Attributes& attributes,
                                     TargetingScratch::State* s);
  // Bind's second half, for a set with interned values, eager predicates
  // or an index (Impl::derives): interns, evaluates the eager predicates,
  // marks the index's candidates.
  [[gnu::noinline]] static void BindDerived(const Impl& impl,
                                            TargetingScratch::State* s);
  // Evaluates the eager predicates for the visitor just bound.
  [[gnu::noinline]] static void BindEager(const Impl& impl,
                                          TargetingScratch::State* s);
  // The version of slot `slot`'s value `a`, parsed once per visitor for
  // every SEMVER_* predicate and eager run on it; null when it is not one.
  static const internal::SemVer* VersionOf(TargetingScratch::State* s,
                                           uint32_t slot,
                                           const AttributeValue& a);
  // The bound visitor's value of attribute slot `slot` (not the visitor
  // id's), copied from the attributes on its first read since Bind (Bind
  // copies them all for a set that derives values from them); null when
  // the visitor has no such attribute.
  static const AttributeValue* BoundValue(TargetingScratch::State* s,
                                          uint32_t slot);
  // Inline into Matches: the memo, interned IN and the common operators.
  static bool Test(const Impl& impl, const internal::Predicate& p,
                   TargetingScratch::State* s);
  // The rest, out of line.
  [[gnu::noinline]] static bool Evaluate(const Impl& impl,
                                         const internal::Predicate& p,
                                         const AttributeValue* a,
                                         TargetingScratch::State* s);
  std::unique_ptr<Impl> impl_;
};

}  // namespace allot

#endif  // ALLOT_TARGETING_COMPILED_TARGETING_SET_H_
