// Evaluation of compiled predicates. Flagship's operators follow the JS SDK
// (flagship-compat.md §Targeting); the extensions are allot's own.
#include <cmath>

#include "base/date_time_text.h"
#include "targeting/internal/js_semantics.h"
#include "targeting/internal/predicate.h"

namespace allot::internal {
namespace {

bool StartsWithFolded(std::string_view s, std::string_view prefix, bool fold) {
  return s.size() >= prefix.size() &&
         EqualsFolded(s.substr(0, prefix.size()), prefix, fold);
}

bool EndsWithFolded(std::string_view s, std::string_view suffix, bool fold) {
  return s.size() >= suffix.size() &&
         EqualsFolded(s.substr(s.size() - suffix.size()), suffix, fold);
}

bool ContainsFolded(std::string_view s, std::string_view needle, bool fold) {
  if (!fold) return s.find(needle) != std::string_view::npos;
  if (needle.size() > s.size()) return false;
  for (size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (EqualsFolded(s.substr(i, needle.size()), needle, true)) return true;
  }
  return false;
}

// JavaScript `===` (with ASCII case folding for strings on request).
bool StrictEquals(const AttributeValue& a, const Operand& b, bool fold) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case ValueType::kString:
      return EqualsFolded(a.string, b.string, fold);
    case ValueType::kNumber:
      return a.number == b.number;
    case ValueType::kBool:
      return a.boolean == b.boolean;
  }
  return false;
}

// The "positive" form of a Flagship operator on one element: NOT_EQUALS and
// NOT_CONTAINS are evaluated as EQUALS and CONTAINS and negated by the
// caller, which turns "for every element" into "not for any element".
class FlagshipTest {
 public:
  FlagshipTest(Op op, const AttributeValue& a, bool fold)
      : op_(op), a_(a), fold_(fold) {
    if (op == Op::kContains || op == Op::kNotContains ||
        op == Op::kStartsWith || op == Op::kEndsWith) {
      form_ = JsToString(a, buf_);
    }
  }

  bool operator()(const Operand& b) {
    switch (op_) {
      case Op::kEquals:
      case Op::kNotEquals:
        return StrictEquals(a_, b, fold_);
      case Op::kContains:
      case Op::kNotContains:
        return ContainsFolded(form_, b.form, fold_);
      case Op::kStartsWith:
        return StartsWithFolded(form_, b.form, fold_);
      case Op::kEndsWith:
        return EndsWithFolded(form_, b.form, fold_);
      case Op::kGreaterThan:
      case Op::kGreaterThanOrEquals:
      case Op::kLowerThan:
      case Op::kLowerThanOrEquals:
        return Relational(b);
      default:
        return false;
    }
  }

 private:
  // JavaScript's abstract relational comparison on primitives.
  bool Relational(const Operand& b) {
    if (a_.type == ValueType::kString && b.type == ValueType::kString) {
      const int c = CompareUtf16(a_.string, b.string);
      switch (op_) {
        case Op::kGreaterThan:
          return c > 0;
        case Op::kGreaterThanOrEquals:
          return c >= 0;
        case Op::kLowerThan:
          return c < 0;
        default:
          return c <= 0;
      }
    }
    if (!have_number_) {
      number_ = JsToNumber(a_);
      have_number_ = true;
    }
    const double x = number_, y = b.number;  // NaN compares false
    switch (op_) {
      case Op::kGreaterThan:
        return x > y;
      case Op::kGreaterThanOrEquals:
        return x >= y;
      case Op::kLowerThan:
        return x < y;
      default:
        return x <= y;
    }
  }

  Op op_;
  const AttributeValue& a_;
  bool fold_;
  char buf_[kJsNumberBufferSize];
  std::string_view form_;
  bool have_number_ = false;
  double number_ = 0;
};

bool EvaluateFlagship(const Predicate& p, const AttributeValue& a,
                      const PredicateTables& t) {
  FlagshipTest test(p.op, a, p.ignore_case);
  bool any = false;
  const Operand* operands = t.operands.data() + p.begin;
  for (uint32_t i = 0; i < p.count && !any; ++i) any = test(operands[i]);
  return IsAllOfOperator(p.op) ? !any : any;
}

bool EvaluateSemver(const Predicate& p, const AttributeValue& a,
                    const PredicateTables& t) {
  SemVer v;
  if (a.type != ValueType::kString || !ParseSemVer(a.string, &v)) {
    return false;
  }
  return EvaluateParsedSemver(p, v, t);
}

}  // namespace

bool EvaluateParsedSemver(const Predicate& p, const SemVer& v,
                          const PredicateTables& t) {
  bool any = false;
  for (uint32_t i = 0; i < p.count && !any; ++i) {
    const int c = CompareSemVer(v, t.semvers[p.begin + i]);
    switch (p.op) {
      case Op::kSemverEquals:
      case Op::kSemverNotEquals:
        any = c == 0;
        break;
      case Op::kSemverGreaterThan:
        any = c > 0;
        break;
      case Op::kSemverGreaterThanOrEquals:
        any = c >= 0;
        break;
      case Op::kSemverLowerThan:
        any = c < 0;
        break;
      default:
        any = c <= 0;
        break;
    }
  }
  return p.op == Op::kSemverNotEquals ? !any : any;
}

namespace {

// An instant from seconds since the Unix epoch; false for NaN.
bool TimeFromEpochSeconds(double seconds, absl::Time* out) {
  if (std::isnan(seconds)) return false;
  if (std::isinf(seconds)) {
    *out = seconds > 0 ? absl::InfiniteFuture() : absl::InfinitePast();
    return true;
  }
  *out = absl::UnixEpoch() + absl::Seconds(seconds);
  return true;
}

bool EvaluateDate(const Predicate& p, const AttributeValue& a,
                  const PredicateTables& t) {
  absl::Time when;
  if (a.type == ValueType::kString) {
    if (!base::ParseRfc3339Instant(a.string, &when)) return false;
  } else if (a.type == ValueType::kNumber) {
    if (!TimeFromEpochSeconds(a.number, &when)) return false;
  } else {
    return false;
  }
  for (uint32_t i = 0; i < p.count; ++i) {
    const absl::Time bound = t.instants[p.begin + i];
    if (p.op == Op::kBefore ? when < bound : when > bound) return true;
  }
  return false;
}

}  // namespace

bool EvaluatePredicate(const Predicate& p, const AttributeValue* a,
                       const PredicateTables& t, const RE2* regex) {
  if (p.op == Op::kAlwaysTrue) return true;
  // "Every element" of no element holds, "any element" does not, even on a
  // missing attribute (NOT_CONTAINS [] is true there, EXISTS [] false).
  if (p.empty_list) return IsAllOfOperator(p.op);
  if (a == nullptr) {
    return p.op == Op::kNotEquals || p.op == Op::kNotExists ||
           p.op == Op::kNotIn;
  }
  switch (p.op) {
    case Op::kExists:
      return true;
    case Op::kNotExists:
      return false;
    case Op::kMatchesRegex:
    case Op::kNotMatchesRegex: {
      // Only strings can match; a present non-string never does, so
      // NOT_MATCHES_REGEX holds for it.
      // PartialMatch without captures, minus its argument handling: an
      // unanchored search that asks for no submatch (the DFA alone).
      const bool match =
          a->type == ValueType::kString &&
          regex->Match(re2::StringPiece(a->string.data(), a->string.size()), 0,
                       a->string.size(), RE2::UNANCHORED, nullptr, 0);
      return p.op == Op::kMatchesRegex ? match : !match;
    }
    case Op::kSemverEquals:
    case Op::kSemverNotEquals:
    case Op::kSemverGreaterThan:
    case Op::kSemverGreaterThanOrEquals:
    case Op::kSemverLowerThan:
    case Op::kSemverLowerThanOrEquals:
      return EvaluateSemver(p, *a, t);
    case Op::kIn:
      return t.sets[p.aux].Contains(*a);
    case Op::kNotIn:
      return !t.sets[p.aux].Contains(*a);
    case Op::kBefore:
    case Op::kAfter:
      return EvaluateDate(p, *a, t);
    case Op::kEquals:
    case Op::kNotEquals: {
      // The most common operator, without FlagshipTest's set-up.
      bool any = false;
      const Operand* operands = t.operands.data() + p.begin;
      for (uint32_t i = 0; i < p.count && !any; ++i) {
        any = StrictEquals(*a, operands[i], p.ignore_case);
      }
      return p.op == Op::kEquals ? any : !any;
    }
    default:
      return EvaluateFlagship(p, *a, t);
  }
}

}  // namespace allot::internal
