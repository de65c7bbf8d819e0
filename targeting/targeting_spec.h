// File: targeting/targeting_spec.h
//
// Plain, copyable descriptions of targeting as loaded from a config, before
// validation. CompiledTargetingSet::Create (compiled_targeting_set.h) validates
// and compiles them.
//
//   TargetingTreeSpec tree;                       // OR of groups
//   tree.path = "campaigns[0].variation_groups[0].targeting";
//   TargetingGroupSpec& g = tree.groups.emplace_back();   // AND of targetings
//   g.path = tree.path + ".targeting_groups[0]";
//   TargetingSpec& t = g.targetings.emplace_back();
//   t.path = g.path + ".targetings[0]";
//   t.key = "country"; t.op = "EQUALS";
//   t.value = TargetingValueSpec::String("FR");
#ifndef ALLOT_TARGETING_TARGETING_SPEC_H_
#define ALLOT_TARGETING_TARGETING_SPEC_H_

#include <optional>
#include <string>
#include <vector>

namespace allot {

// A JSON-like targeting value: null, string, number, bool or a (nested) list.
struct TargetingValueSpec {
  enum class Kind : unsigned char { kNull, kString, kNumber, kBool, kList };
  Kind kind = Kind::kNull;
  std::string string;
  double number = 0;
  bool boolean = false;
  std::vector<TargetingValueSpec> list;

  static TargetingValueSpec Null() { return {}; }
  static TargetingValueSpec String(std::string s) {
    TargetingValueSpec v;
    v.kind = Kind::kString;
    v.string = std::move(s);
    return v;
  }
  static TargetingValueSpec Number(double d) {
    TargetingValueSpec v;
    v.kind = Kind::kNumber;
    v.number = d;
    return v;
  }
  static TargetingValueSpec Bool(bool b) {
    TargetingValueSpec v;
    v.kind = Kind::kBool;
    v.boolean = b;
    return v;
  }
  static TargetingValueSpec List(std::vector<TargetingValueSpec> items) {
    TargetingValueSpec v;
    v.kind = Kind::kList;
    v.list = std::move(items);
    return v;
  }
};

// One `{key, operator, value}` condition.
struct TargetingSpec {
  std::string key;
  std::string op;  // operator name as written, e.g. "EQUALS"
  std::optional<TargetingValueSpec> value;  // absent when the JSON had none
  bool ignore_case = false;
  // JSON path of this targeting object; errors append ".operator", ".value",
  // ".value[2]", ".key" or ".ignore_case" to it.
  std::string path;
};

// AND of targetings. An empty group is false.
struct TargetingGroupSpec {
  std::vector<TargetingSpec> targetings;
  std::string path;
};

// OR of groups. An empty tree (no groups) is false.
struct TargetingTreeSpec {
  std::vector<TargetingGroupSpec> groups;
  std::string path;
  // A hint that changes no answer: about which share of visitors have this
  // tree evaluated (0 to 1; a campaign in a layer: its range's share). A
  // costly predicate that trees share is evaluated for every visitor, once,
  // when those trees are about once per visitor or more evaluated in all.
  double evaluated_share = 1.0;
};

}  // namespace allot

#endif  // ALLOT_TARGETING_TARGETING_SPEC_H_
