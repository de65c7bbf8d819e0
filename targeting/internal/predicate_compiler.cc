#include "targeting/internal/predicate_compiler.h"

#include <optional>

#include "targeting/internal/compile_error.h"
#include "targeting/internal/js_semantics.h"
#include "targeting/internal/json_render.h"

namespace allot::internal {
namespace {

constexpr std::string_view kFlagshipExpected =
    "expected a string, number, bool or a (nested) list of them";

// A list with no element once nested lists are flattened (`[]`, `[[], []]`).
bool IsEmptyList(const TargetingValueSpec& v) {
  if (v.kind != TargetingValueSpec::Kind::kList) return false;
  for (const TargetingValueSpec& item : v.list) {
    if (!IsEmptyList(item)) return false;
  }
  return true;
}

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

}  // namespace

uint32_t PredicateCompiler::Intern(const std::string& key) {
  const auto [it, inserted] =
      slots_.try_emplace(key, static_cast<uint32_t>(names_.size()));
  if (inserted) names_.push_back(key);
  return it->second;
}

absl::StatusOr<uint32_t> PredicateCompiler::Compile(const TargetingSpec& spec) {
  const std::optional<Op> op = ParseOperator(spec.op);
  if (!op.has_value()) {
    return InvalidAt(
        spec.path + ".operator",
        "unknown operator " + Quoted(spec.op) +
            "; expected one of EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS, "
            "STARTS_WITH, ENDS_WITH, GREATER_THAN, GREATER_THAN_OR_EQUALS, "
            "LOWER_THAN, LOWER_THAN_OR_EQUALS, EXISTS, NOT_EXISTS, "
            "MATCHES_REGEX, NOT_MATCHES_REGEX, SEMVER_EQUALS, "
            "SEMVER_NOT_EQUALS, SEMVER_GREATER_THAN, "
            "SEMVER_GREATER_THAN_OR_EQUALS, SEMVER_LOWER_THAN, "
            "SEMVER_LOWER_THAN_OR_EQUALS, IN, NOT_IN, BEFORE, AFTER");
  }
  if (spec.key.empty()) {
    return InvalidAt(spec.path + ".key",
                     "empty key; expected the name of a context attribute "
                     "(or fs_users, fs_all_users)");
  }
  if (spec.ignore_case && !IsStringOperator(*op)) {
    return InvalidAt(
        spec.path + ".ignore_case",
        "ignore_case is not valid with " + std::string(OperatorName(*op)) +
            "; it applies only to the string operators EQUALS, NOT_EQUALS, "
            "CONTAINS, NOT_CONTAINS, STARTS_WITH, ENDS_WITH, IN, NOT_IN, "
            "MATCHES_REGEX and NOT_MATCHES_REGEX");
  }

  Predicate p;
  p.op = *op;
  p.ignore_case = spec.ignore_case;
  std::string dedup_key;
  if (spec.key == "fs_all_users") {
    // Flagship: true whatever the operator and value, so the value is not
    // validated either (bucketing files carry all sorts of values here).
    p.op = Op::kAlwaysTrue;
    p.ignore_case = false;
    dedup_key = "fs_all_users";
  } else {
    dedup_key = spec.key;
    dedup_key.push_back('\0');
    dedup_key.append(OperatorName(p.op));
    dedup_key.push_back(spec.ignore_case ? '1' : '0');
    if (p.op != Op::kExists && p.op != Op::kNotExists) {
      dedup_key.append(spec.value ? RenderJson(*spec.value) : "<none>");
    } else if (spec.value && IsEmptyList(*spec.value)) {
      dedup_key.append("[]");
    }
  }
  if (const auto it = dedup_.find(dedup_key); it != dedup_.end()) {
    ++uses_[it->second];
    return it->second;
  }

  absl::Status status;
  switch (p.op) {
    case Op::kAlwaysTrue:
      break;
    case Op::kMatchesRegex:
    case Op::kNotMatchesRegex:
      status = CompileRegex(spec, &p);
      break;
    case Op::kSemverEquals:
    case Op::kSemverNotEquals:
    case Op::kSemverGreaterThan:
    case Op::kSemverGreaterThanOrEquals:
    case Op::kSemverLowerThan:
    case Op::kSemverLowerThanOrEquals:
      status = CompileSemver(spec, &p);
      break;
    case Op::kIn:
    case Op::kNotIn:
      status = CompileSet(spec, &p);
      break;
    case Op::kBefore:
    case Op::kAfter:
      status = CompileDate(spec, &p);
      break;
    default:
      status = CompileFlagship(spec, &p);
      break;
  }
  if (!status.ok()) return status;
  if (p.op != Op::kAlwaysTrue) {
    p.slot = spec.key == "fs_users" ? kVisitorIdSlot : Intern(spec.key);
  }
  const auto index = static_cast<uint32_t>(tables_->predicates.size());
  tables_->predicates.push_back(p);
  uses_.push_back(1);
  dedup_.emplace(std::move(dedup_key), index);
  return index;
}

absl::Status PredicateCompiler::CompileFlagship(const TargetingSpec& spec,
                                                Predicate* p) {
  // EXISTS / NOT_EXISTS ignore a scalar value, as the JS SDK does, so even
  // null is accepted. A list value still means "for any element", as for
  // every operator: an empty one makes them false (flagship-compat.md).
  if (p->op == Op::kExists || p->op == Op::kNotExists) {
    p->empty_list = spec.value && IsEmptyList(*spec.value);
    return absl::OkStatus();
  }
  if (!spec.value.has_value()) {
    return InvalidAt(spec.path + ".value",
                     "missing value; " + std::string(kFlagshipExpected));
  }
  p->begin = static_cast<uint32_t>(tables_->operands.size());
  // Nested lists are flattened: "any of any" is "any of the leaves", and
  // "every one of every" is "every leaf" (empty lists add no leaf).
  if (absl::Status s = AddOperands(*spec.value, spec.path + ".value");
      !s.ok()) {
    return s;
  }
  p->count = static_cast<uint32_t>(tables_->operands.size()) - p->begin;
  p->empty_list = IsEmptyList(*spec.value);
  return absl::OkStatus();
}

absl::Status PredicateCompiler::AddOperands(const TargetingValueSpec& v,
                                            const std::string& path) {
  Operand o;
  char buf[kJsNumberBufferSize];
  switch (v.kind) {
    case TargetingValueSpec::Kind::kNull:
      return InvalidAt(path, "null is not a valid targeting value; " +
                                 std::string(kFlagshipExpected));
    case TargetingValueSpec::Kind::kList:
      for (size_t i = 0; i < v.list.size(); ++i) {
        if (absl::Status s =
                AddOperands(v.list[i], path + "[" + std::to_string(i) + "]");
            !s.ok()) {
          return s;
        }
      }
      return absl::OkStatus();
    case TargetingValueSpec::Kind::kString:
      o.type = ValueType::kString;
      o.string = o.form = tables_->Keep(v.string);
      o.number = JsStringToNumber(v.string);
      break;
    case TargetingValueSpec::Kind::kNumber:
      o.type = ValueType::kNumber;
      o.number = v.number;
      o.form = tables_->Keep(std::string(JsNumberToString(v.number, buf)));
      break;
    case TargetingValueSpec::Kind::kBool:
      o.type = ValueType::kBool;
      o.boolean = v.boolean;
      o.number = v.boolean ? 1 : 0;
      o.form = v.boolean ? "true" : "false";
      break;
  }
  tables_->operands.push_back(o);
  return absl::OkStatus();
}

absl::Status PredicateCompiler::CollectStrings(const TargetingSpec& spec,
                                               const std::string& expected,
                                               Strings* out) {
  const std::string path = spec.path + ".value";
  if (!spec.value.has_value()) {
    return InvalidAt(
        path, "missing value; expected " + expected + " or a list of them");
  }
  const TargetingValueSpec& v = *spec.value;
  if (v.kind == TargetingValueSpec::Kind::kString) {
    out->emplace_back(v.string, path);
    return absl::OkStatus();
  }
  if (v.kind != TargetingValueSpec::Kind::kList) {
    return InvalidAt(path, "got " + std::string(KindName(v)) + "; expected " +
                               expected + " or a list of them");
  }
  if (v.list.empty()) {
    return InvalidAt(path, "empty list; expected at least one " + expected);
  }
  for (size_t i = 0; i < v.list.size(); ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (v.list[i].kind != TargetingValueSpec::Kind::kString) {
      return InvalidAt(item_path, "got " + std::string(KindName(v.list[i])) +
                                      "; expected " + expected);
    }
    out->emplace_back(v.list[i].string, item_path);
  }
  return absl::OkStatus();
}

}  // namespace allot::internal
