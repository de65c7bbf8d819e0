// Compilation of allot's extension operators (regex, semver, set, date).
#include <memory>

#include "absl/strings/str_cat.h"

#include "base/date_time_text.h"
#include "targeting/internal/compile_error.h"
#include "targeting/internal/json_render.h"
#include "targeting/internal/predicate_compiler.h"

namespace allot::internal {

absl::Status PredicateCompiler::CompileRegex(const TargetingSpec& spec,
                                             Predicate* p) {
  Strings patterns;
  if (absl::Status s =
          CollectStrings(spec, "a regular expression (RE2)", &patterns);
      !s.ok()) {
    return s;
  }
  RegexEntry entry;
  entry.options.set_log_errors(false);
  entry.options.set_max_mem(options_.regex_max_mem);
  entry.options.set_case_sensitive(!spec.ignore_case);
  for (const auto& [pattern, path] : patterns) {
    const RE2 re(pattern, entry.options);
    if (!re.ok()) {
      return InvalidAt(path, "invalid regular expression: " + re.error() +
                                 " (RE2 syntax expected)");
    }
    // A list means "matches any": one alternation, matched once.
    if (patterns.size() > 1) {
      if (!entry.pattern.empty()) entry.pattern.push_back('|');
      entry.pattern.append("(?:").append(pattern).append(")");
    } else {
      entry.pattern = pattern;
    }
  }
  entry.cache_key = absl::StrCat(entry.options.case_sensitive() ? "s" : "i",
                                 entry.options.max_mem(), ":", entry.pattern);
  entry.shared = std::make_unique<RE2>(entry.pattern, entry.options);
  if (!entry.shared->ok()) {
    return InvalidAt(spec.path + ".value",
                     "the alternation of these regular expressions does not "
                     "compile: " +
                         entry.shared->error());
  }
  entry.simple =
      SimpleRegex::Compile(entry.pattern, entry.options.case_sensitive());
  p->aux = static_cast<uint32_t>(tables_->regexes.size());
  tables_->regexes.push_back(std::move(entry));
  return absl::OkStatus();
}

absl::Status PredicateCompiler::CompileSemver(const TargetingSpec& spec,
                                              Predicate* p) {
  Strings versions;
  if (absl::Status s = CollectStrings(spec, "a semantic version", &versions);
      !s.ok()) {
    return s;
  }
  p->begin = static_cast<uint32_t>(tables_->semvers.size());
  for (const auto& [text, path] : versions) {
    SemVer v;
    const std::string_view kept = tables_->Keep(text);
    if (!ParseSemVer(kept, &v)) {
      std::string quoted;
      AppendJsonString(&quoted, text);
      return InvalidAt(path, "invalid semantic version " + quoted +
                                 "; expected MAJOR.MINOR.PATCH[-PRERELEASE]"
                                 "[+BUILD] (SemVer 2.0.0), optionally "
                                 "prefixed with \"v\"");
    }
    tables_->semvers.push_back(v);
  }
  p->count = static_cast<uint32_t>(tables_->semvers.size()) - p->begin;
  return absl::OkStatus();
}

absl::Status PredicateCompiler::CompileSet(const TargetingSpec& spec,
                                           Predicate* p) {
  constexpr std::string_view kExpected =
      "expected a string, number or bool, or a list of them";
  const std::string path = spec.path + ".value";
  if (!spec.value.has_value()) {
    return InvalidAt(path, "missing value; " + std::string(kExpected));
  }
  ValueSet set(spec.ignore_case);
  const auto add = [&](const TargetingValueSpec& v,
                       const std::string& at) -> absl::Status {
    switch (v.kind) {
      case TargetingValueSpec::Kind::kString:
        set.AddString(v.string);
        break;
      case TargetingValueSpec::Kind::kNumber:
        set.AddNumber(v.number);
        break;
      case TargetingValueSpec::Kind::kBool:
        set.AddBool(v.boolean);
        break;
      default:
        return InvalidAt(at, "got " + std::string(KindName(v)) + "; " +
                                 std::string(kExpected) + " (not nested)");
    }
    return absl::OkStatus();
  };
  const TargetingValueSpec& v = *spec.value;
  if (v.kind == TargetingValueSpec::Kind::kList) {
    for (size_t i = 0; i < v.list.size(); ++i) {
      if (absl::Status s = add(v.list[i], path + "[" + std::to_string(i) + "]");
          !s.ok()) {
        return s;
      }
    }
  } else if (absl::Status s = add(v, path); !s.ok()) {
    return s;
  }
  p->aux = static_cast<uint32_t>(tables_->sets.size());
  tables_->sets.push_back(std::move(set));
  return absl::OkStatus();
}

absl::Status PredicateCompiler::CompileDate(const TargetingSpec& spec,
                                            Predicate* p) {
  Strings dates;
  if (absl::Status s = CollectStrings(spec, "an RFC 3339 date-time", &dates);
      !s.ok()) {
    return s;
  }
  p->begin = static_cast<uint32_t>(tables_->instants.size());
  for (const auto& [text, path] : dates) {
    absl::Time t;
    if (!base::ParseRfc3339Instant(text, &t)) {
      std::string quoted;
      AppendJsonString(&quoted, text);
      return InvalidAt(path, "invalid date-time " + quoted +
                                 "; expected RFC 3339 with an offset, e.g. "
                                 "\"2024-05-01T12:00:00Z\" or "
                                 "\"2024-05-01T14:00:00+02:00\"");
    }
    tables_->instants.push_back(t);
  }
  p->count = static_cast<uint32_t>(tables_->instants.size()) - p->begin;
  return absl::OkStatus();
}

}  // namespace allot::internal
