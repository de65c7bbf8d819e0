// File: targeting/internal/predicate_compiler.h
//
// Validates one TargetingSpec and compiles it into PredicateTables:
// attribute names interned to slots, numbers pre-parsed, string forms
// precomputed, regexes compiled, semvers and dates parsed, IN lists turned
// into sets, and identical targetings (same key, operator, value and
// ignore_case) folded into one predicate. Not thread-safe; used by
// CompiledTargetingSet::Create only.
#ifndef ALLOT_TARGETING_INTERNAL_PREDICATE_COMPILER_H_
#define ALLOT_TARGETING_INTERNAL_PREDICATE_COMPILER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "targeting/compiled_targeting_set.h"
#include "targeting/internal/predicate.h"
#include "targeting/targeting_spec.h"

namespace allot::internal {

class PredicateCompiler {
 public:
  PredicateCompiler(const TargetingOptions& options, PredicateTables* tables)
      : options_(options), tables_(tables) {}

  // Returns the index of the (possibly shared) predicate for `spec`, or an
  // InvalidArgument whose message starts with spec.path plus a suffix.
  [[nodiscard]] absl::StatusOr<uint32_t> Compile(const TargetingSpec& spec);

  // Attribute names read by the compiled predicates, by slot.
  const std::vector<std::string>& attribute_names() const { return names_; }

  // How many targetings share predicate i.
  const std::vector<uint32_t>& use_counts() const { return uses_; }

 private:
  using Strings =
      std::vector<std::pair<std::string, std::string>>;  // value, path

  uint32_t Intern(const std::string& key);
  absl::Status CompileFlagship(const TargetingSpec& spec, Predicate* p);
  absl::Status AddOperands(const TargetingValueSpec& v,
                           const std::string& path);
  absl::Status CompileRegex(const TargetingSpec& spec, Predicate* p);
  absl::Status CompileSemver(const TargetingSpec& spec, Predicate* p);
  absl::Status CompileSet(const TargetingSpec& spec, Predicate* p);
  absl::Status CompileDate(const TargetingSpec& spec, Predicate* p);
  // Collects a string or non-empty flat list of strings; `expected` names
  // what each string must be, for error messages.
  absl::Status CollectStrings(const TargetingSpec& spec,
                              const std::string& expected, Strings* out);

  TargetingOptions options_;
  PredicateTables* tables_;
  absl::flat_hash_map<std::string, uint32_t> dedup_;
  absl::flat_hash_map<std::string, uint32_t> slots_;
  std::vector<std::string> names_;
  std::vector<uint32_t> uses_;
};

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_PREDICATE_COMPILER_H_
