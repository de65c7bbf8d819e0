// Benchmarks of the targeting module: compiled evaluation (Bind + Matches)
// against what an uncompiled SDK does per evaluation (operator names
// compared as strings, attributes looked up by name, numbers and string
// forms rebuilt, regexes and semvers parsed each time, lists scanned).
// Results of both are checked against each other before timing.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "targeting/attributes.h"
#include "targeting/compiled_targeting_set.h"
#include "targeting/internal/js_semantics.h"

namespace allot {
namespace {

TargetingValueSpec S(std::string s) {
  return TargetingValueSpec::String(std::move(s));
}
TargetingValueSpec N(double d) { return TargetingValueSpec::Number(d); }
TargetingValueSpec B(bool b) { return TargetingValueSpec::Bool(b); }

TargetingSpec T(std::string key, std::string op, TargetingValueSpec value) {
  TargetingSpec t;
  t.key = std::move(key);
  t.op = std::move(op);
  t.value = std::move(value);
  t.path = "bench";
  return t;
}

struct Family {
  std::vector<TargetingSpec> targetings;  // one AND group
  std::vector<Attributes> visitors;
};

Family Equals() {
  Family f;
  f.targetings = {T("country", "EQUALS", S("FR")),
                  T("plan", "NOT_EQUALS", S("free")),
                  T("beta", "EQUALS", B(true))};
  const char* countries[] = {"FR", "DE", "FR", "FR"};
  for (int i = 0; i < 8; ++i) {
    Attributes& a = f.visitors.emplace_back();
    a.Set("country", countries[i % 4]);
    a.Set("plan", i % 3 ? "pro" : "free");
    a.Set("beta", i % 2 == 0);
    a.Set("age", 20 + i);
  }
  return f;
}

Family Relational() {
  Family f;
  f.targetings = {T("age", "GREATER_THAN", N(18)),
                  T("score", "LOWER_THAN_OR_EQUALS", N(100.5)),
                  T("name", "GREATER_THAN_OR_EQUALS", S("M"))};
  const char* names[] = {"Zoe", "Adam", "Marc", "Nina"};
  for (int i = 0; i < 8; ++i) {
    Attributes& a = f.visitors.emplace_back();
    a.Set("age", 15 + 2 * i);
    a.Set("score", i % 2 ? "99.5" : "120");  // a string, JS-coerced
    a.Set("name", names[i % 4]);
  }
  return f;
}

Family StringOps() {
  Family f;
  f.targetings = {T("email", "ENDS_WITH", S("@example.com")),
                  T("url", "CONTAINS", S("/checkout")),
                  T("zip", "STARTS_WITH", N(75))};
  for (int i = 0; i < 8; ++i) {
    Attributes& a = f.visitors.emplace_back();
    a.Set("email", i % 3 ? "someone.long.name@example.com" : "x@other.org");
    a.Set("url", i % 2 ? "https://shop.example.com/cart/checkout?step=2"
                       : "https://shop.example.com/products/42");
    a.Set("zip", i % 4 ? 75001 : 69002);
  }
  return f;
}

Family In() {
  Family f;
  std::vector<TargetingValueSpec> ids;
  for (int i = 0; i < 1000; ++i)
    ids.push_back(S("user-" + std::to_string(i * 7)));
  f.targetings = {T("user", "IN", TargetingValueSpec::List(ids))};
  for (int i = 0; i < 8; ++i) {
    Attributes& a = f.visitors.emplace_back();
    a.Set("user", "user-" + std::to_string(i * 901));
  }
  return f;
}

Family Regex() {
  Family f;
  f.targetings = {
      T("ua", "MATCHES_REGEX", S("(Chrome|Chromium)/1[0-9]{2}\\.[0-9]+"))};
  const char* uas[] = {
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:121.0) Gecko/20100101 "
      "Firefox/121.0",
      "Mozilla/5.0 (Linux; Android 10) Chrome/99.0.4844.88 Mobile",
      "curl/8.4.0"};
  for (int i = 0; i < 8; ++i) f.visitors.emplace_back().Set("ua", uas[i % 4]);
  return f;
}

// W2's e-mail pattern: an anchored class run and a literal ending.
Family EmailRegex() {
  Family f;
  f.targetings = {T("email", "MATCHES_REGEX", S("^[a-z0-9.+-]+@acme\\.com$"))};
  const char* emails[] = {"visitor-48213@acme.com", "visitor-7@example.org",
                          "visitor-901344@acme.com", "Visitor-12@acme.com"};
  for (int i = 0; i < 8; ++i) {
    f.visitors.emplace_back().Set("email", emails[i % 4]);
  }
  return f;
}

Family Semver() {
  Family f;
  f.targetings = {T("app", "SEMVER_GREATER_THAN_OR_EQUALS", S("2.1.0-beta.2")),
                  T("app", "SEMVER_LOWER_THAN", S("3.0.0"))};
  const char* versions[] = {"2.1.0",       "2.0.9",          "2.1.0-beta.11",
                            "v3.0.0-rc.1", "2.10.3+build.7", "1.0.0",
                            "2.1.0-alpha", "4.0.0"};
  for (int i = 0; i < 8; ++i) f.visitors.emplace_back().Set("app", versions[i]);
  return f;
}

// ---- The naive interpreter ------------------------------------------------

double NaiveToNumber(const AttributeValue& v) {
  if (v.type == ValueType::kBool) return v.boolean;
  if (v.type == ValueType::kNumber) return v.number;
  return internal::JsStringToNumber(std::string(v.string));
}

std::string NaiveToString(const AttributeValue& v) {
  if (v.type == ValueType::kString) return std::string(v.string);
  if (v.type == ValueType::kBool) return v.boolean ? "true" : "false";
  char buf[internal::kJsNumberBufferSize];
  return std::string(internal::JsNumberToString(v.number, buf));
}

AttributeValue FromSpec(const TargetingValueSpec& v) {
  switch (v.kind) {
    case TargetingValueSpec::Kind::kString:
      return AttributeValue::String(v.string);
    case TargetingValueSpec::Kind::kNumber:
      return AttributeValue::Number(v.number);
    default:
      return AttributeValue::Bool(v.boolean);
  }
}

// Parses "[v]1.2.3[-pre][+build]" into owned pieces, every time.
struct NaiveSemver {
  std::vector<uint64_t> core;
  std::vector<std::string> pre;
  bool ok = false;
};

NaiveSemver ParseNaive(std::string s) {
  NaiveSemver v;
  if (!s.empty() && s[0] == 'v') s.erase(0, 1);
  if (const size_t plus = s.find('+'); plus != std::string::npos)
    s.resize(plus);
  std::string pre;
  if (const size_t dash = s.find('-'); dash != std::string::npos) {
    pre = s.substr(dash + 1);
    s.resize(dash);
  }
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const std::string part = s.substr(start, dot - start);
    if (part.empty() ||
        part.find_first_not_of("0123456789") != std::string::npos)
      return v;
    v.core.push_back(std::strtoull(part.c_str(), nullptr, 10));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  start = 0;
  while (!pre.empty()) {
    const size_t dot = pre.find('.', start);
    v.pre.push_back(pre.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  v.ok = v.core.size() == 3;
  return v;
}

int CompareNaive(const NaiveSemver& a, const NaiveSemver& b) {
  for (int i = 0; i < 3; ++i) {
    if (a.core[i] != b.core[i]) return a.core[i] < b.core[i] ? -1 : 1;
  }
  if (a.pre.empty() || b.pre.empty()) {
    return a.pre.size() == b.pre.size() ? 0 : (a.pre.empty() ? 1 : -1);
  }
  for (size_t i = 0; i < a.pre.size() && i < b.pre.size(); ++i) {
    const bool na =
        a.pre[i].find_first_not_of("0123456789") == std::string::npos;
    const bool nb =
        b.pre[i].find_first_not_of("0123456789") == std::string::npos;
    if (na && nb) {
      const uint64_t x = std::stoull(a.pre[i]), y = std::stoull(b.pre[i]);
      if (x != y) return x < y ? -1 : 1;
    } else if (na != nb) {
      return na ? -1 : 1;
    } else if (a.pre[i] != b.pre[i]) {
      return a.pre[i] < b.pre[i] ? -1 : 1;
    }
  }
  return a.pre.size() == b.pre.size() ? 0
                                      : (a.pre.size() < b.pre.size() ? -1 : 1);
}

bool NaiveTest(const std::string& op, const AttributeValue& a,
               const TargetingValueSpec& v) {
  if (v.kind == TargetingValueSpec::Kind::kList) {
    for (const TargetingValueSpec& item : v.list) {  // linear scan
      if (NaiveTest(op, a, item)) return true;
    }
    return false;
  }
  const AttributeValue b = FromSpec(v);
  if (op == "EQUALS" || op == "IN" || op == "NOT_EQUALS") {
    bool eq = a.type == b.type &&
              (a.type == ValueType::kString   ? a.string == b.string
               : a.type == ValueType::kNumber ? a.number == b.number
                                              : a.boolean == b.boolean);
    return op == "NOT_EQUALS" ? !eq : eq;
  }
  if (op == "CONTAINS") {
    return NaiveToString(a).find(NaiveToString(b)) != std::string::npos;
  }
  if (op == "STARTS_WITH")
    return NaiveToString(a).rfind(NaiveToString(b), 0) == 0;
  if (op == "ENDS_WITH") {
    const std::string x = NaiveToString(a), y = NaiveToString(b);
    return x.size() >= y.size() &&
           x.compare(x.size() - y.size(), y.size(), y) == 0;
  }
  if (op.rfind("SEMVER_", 0) == 0) {
    const NaiveSemver x = ParseNaive(NaiveToString(a));
    const NaiveSemver y = ParseNaive(NaiveToString(b));
    if (!x.ok || !y.ok) return false;
    const int c = CompareNaive(x, y);
    if (op == "SEMVER_GREATER_THAN_OR_EQUALS") return c >= 0;
    if (op == "SEMVER_LOWER_THAN") return c < 0;
    return c == 0;
  }
  if (op == "MATCHES_REGEX") {
    if (a.type != ValueType::kString) return false;
    const std::regex re(NaiveToString(b));  // compiled per evaluation
    return std::regex_search(std::string(a.string), re);
  }
  int c;
  if (a.type == ValueType::kString && b.type == ValueType::kString) {
    c = std::string(a.string).compare(std::string(b.string));  // ASCII data
  } else {
    const double x = NaiveToNumber(a), y = NaiveToNumber(b);
    if (x != x || y != y) return false;
    c = x < y ? -1 : (x > y ? 1 : 0);
  }
  if (op == "GREATER_THAN") return c > 0;
  if (op == "GREATER_THAN_OR_EQUALS") return c >= 0;
  if (op == "LOWER_THAN") return c < 0;
  return c <= 0;
}

bool NaiveMatches(const std::vector<TargetingSpec>& group,
                  const Attributes& a) {
  for (const TargetingSpec& t : group) {
    AttributeValue v;
    if (!a.Find(t.key, &v)) {
      if (t.op == "NOT_EQUALS") continue;
      return false;
    }
    if (!NaiveTest(t.op, v, *t.value)) return false;
  }
  return true;
}

// ---- Benchmarks -------------------------------------------------------------

void RunCompiled(benchmark::State& state, const Family& f) {
  TargetingTreeSpec tree;
  tree.groups.emplace_back().targetings = f.targetings;
  auto set = CompiledTargetingSet::Create({tree});
  if (!set.ok()) {
    state.SkipWithError(std::string(set.status().message()).c_str());
    return;
  }
  TargetingScratch scratch;
  int hits = 0;
  for (const Attributes& a : f.visitors) {
    (*set)->Bind("visitor", a, &scratch);
    const bool compiled = (*set)->Matches(0, &scratch);
    if (compiled != NaiveMatches(f.targetings, a)) {
      state.SkipWithError("compiled and naive results differ");
      return;
    }
    hits += compiled;
  }
  if (hits == 0 || hits == static_cast<int>(f.visitors.size())) {
    state.SkipWithError("visitors should give mixed results");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    const Attributes& a = f.visitors[i++ & 7];
    (*set)->Bind("visitor", a, &scratch);
    bool hit = (*set)->Matches(0, &scratch);
    benchmark::DoNotOptimize(hit);
  }
}

void RunNaive(benchmark::State& state, const Family& f) {
  size_t i = 0;
  for (auto _ : state) {
    bool hit = NaiveMatches(f.targetings, f.visitors[i++ & 7]);
    benchmark::DoNotOptimize(hit);
  }
}

#define ALLOT_TARGETING_BENCH(Name)                              \
  void BM_Targeting_##Name##_Compiled(benchmark::State& state) { \
    static const Family f = Name();                              \
    RunCompiled(state, f);                                       \
  }                                                              \
  BENCHMARK(BM_Targeting_##Name##_Compiled);                     \
  void BM_Targeting_##Name##_Naive(benchmark::State& state) {    \
    static const Family f = Name();                              \
    RunNaive(state, f);                                          \
  }                                                              \
  BENCHMARK(BM_Targeting_##Name##_Naive)

ALLOT_TARGETING_BENCH(Equals);
ALLOT_TARGETING_BENCH(Relational);
ALLOT_TARGETING_BENCH(StringOps);
ALLOT_TARGETING_BENCH(In);
ALLOT_TARGETING_BENCH(Regex);
ALLOT_TARGETING_BENCH(EmailRegex);
ALLOT_TARGETING_BENCH(Semver);

// Compiling apart from deciding: a config's worth of targetings.
void BM_Targeting_Compile(benchmark::State& state) {
  std::vector<TargetingTreeSpec> trees;
  for (const Family& f :
       {Equals(), Relational(), StringOps(), Regex(), Semver()}) {
    for (int i = 0; i < 20; ++i) {
      TargetingTreeSpec& tree = trees.emplace_back();
      tree.groups.emplace_back().targetings = f.targetings;
      tree.groups.back().targetings.push_back(T("n", "EQUALS", N(i)));
    }
  }
  for (auto _ : state) {
    auto set = CompiledTargetingSet::Create(trees);
    benchmark::DoNotOptimize(set);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(trees.size()));
}
BENCHMARK(BM_Targeting_Compile);

}  // namespace
}  // namespace allot

BENCHMARK_MAIN();
