// W1, W2 and the hash floor (bench-workloads.md) in one program, so that the
// ratio of W1 to the floor comes from a single run. The visitor context is
// rebuilt inside the timed loop, once per decision (W1) or per visitor (W2).
#include <benchmark/benchmark.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "allocation/hash.h"
#include "bench/workloads.h"
#include "core/compiled_config.h"
#include "core/engine.h"
#include "core/exposure_logger.h"

namespace allot::bench {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1780000000);

std::shared_ptr<const CompiledConfig> MustLoad(const std::string& json) {
  auto config = LoadConfig(json);
  if (!config.ok()) {
    std::fprintf(stderr, "config: %s\n", std::string(config.status().message()).c_str());
    std::abort();
  }
  return *config;
}

const std::vector<std::string>& W1Ids() {
  static const auto* ids = new std::vector<std::string>(VisitorIds(1000000));
  return *ids;
}

const std::vector<W2Visitor>& W2Population() {
  static const auto* visitors = new std::vector<W2Visitor>(W2Visitors());
  return *visitors;
}

void BM_Floor_Xxh3Bucket(benchmark::State& state) {
  const auto& ids = W1Ids();
  size_t i = state.thread_index() * 7919;
  for (auto _ : state) {
    uint64_t bucket = Xxh3Hash(ids[i]) % 10000;
    benchmark::DoNotOptimize(bucket);
    if (++i == ids.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Floor_Xxh3Bucket)->Threads(1)->Threads(2);

// Checks W1 before timing: everyone is targeted, the split is near 50/50;
// with the ramp, `share` of them are in the traffic.
bool CheckW1(const CompiledConfig& config, double share = 1.0) {
  VisitorContext ctx;
  DecisionList list;
  int a = 0, b = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    ctx.Reset(W1Ids()[i]);
    ctx.Set("country", "FR");
    if (!config.DecideAll(ctx, kNow, &list).ok()) return false;
    if (list[0].reason != DecisionReason::kAllocated &&
        list[0].reason != DecisionReason::kNotInTraffic) {
      return false;
    }
    a += list.variation_id(0) == "w1-a";
    b += list.variation_id(0) == "w1-b";
  }
  const double in = double(a + b) / n;
  return std::abs(in - share) < 0.01 && std::abs(double(a) / (a + b) - 0.5) < 0.01;
}

struct NoExtraInputs {
  void operator()(VisitorContext*, size_t) const {}
};

// Times `decider(ctx, list)` on W1 visitors, rebuilding the context each time
// (`extra(&ctx, i)` adds what a variant needs, e.g. a sticky record).
template <typename Decider, typename Extra = NoExtraInputs>
void RunW1(benchmark::State& state, const Decider& decider,
           const Extra& extra = Extra()) {
  const auto& ids = W1Ids();
  VisitorContext ctx;
  DecisionList list;
  size_t i = state.thread_index() * 7919;
  for (auto _ : state) {
    ctx.Reset(ids[i]);
    ctx.Set("country", "FR");
    ctx.Set("plan", "pro");
    ctx.Set("age", static_cast<double>(i % 90));
    extra(&ctx, i);
    decider(ctx, &list).IgnoreError();
    benchmark::DoNotOptimize(list[0]);
    if (++i == ids.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

// Times W1 against `config` once its reference check (`checked`) passed.
void RunCheckedW1(benchmark::State& state, const CompiledConfig& config,
                  bool checked) {
  if (!checked) {
    state.SkipWithError("W1 reference check failed");
    return;
  }
  RunW1(state, [&](const VisitorContext& ctx, DecisionList* list) {
    return config.DecideAll(ctx, kNow, list);
  });
}

void BM_W1_DecideAll(benchmark::State& state) {
  static const auto config = MustLoad(W1Config());
  static const bool checked = CheckW1(*config);
  RunCheckedW1(state, *config, checked);
}
BENCHMARK(BM_W1_DecideAll)->Threads(1)->Threads(2);

// W1 with a progressive rollout in mid-ramp on its group (DESIGN §5): one
// more hash (the traffic bucket) and the share-span check.
void BM_W1_DecideAllWithRamp(benchmark::State& state) {
  static const auto config = MustLoad(WithRampOnEveryGroup(W1Config()));
  static const bool checked = CheckW1(*config, kRampShareAtBenchInstant);
  RunCheckedW1(state, *config, checked);
}
BENCHMARK(BM_W1_DecideAllWithRamp)->Threads(1)->Threads(2);

// Every campaign live on weekdays only (DESIGN §14): from 00:00 UTC for 24
// hours, Monday to Friday, since 2026-01-05 and for the five-year horizon,
// so about 260 merged windows each. kNow is a Thursday: the decisions are
// the plain ones'. A decision list keeps the window states it found until
// the next window opens or closes, so the searches happen once per list and
// span, not per decision.
constexpr char kWeekdayScheduler[] =
    R"("scheduler":{"start_date":"2026-01-05T00:00:00","timezone":"UTC",)"
    R"("recurrence":"RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR","duration":"24h"},)";

// The same start_date without the recurrence: a plain scheduler window.
// Both keep their campaigns on the candidate index's sparse path.
constexpr char kStartScheduler[] =
    R"("scheduler":{"start_date":"2026-01-05T00:00:00","timezone":"UTC"},)";

// `json` with member(i) (a member and its comma) in its i-th campaign.
template <typename MemberOf>
std::string WithMemberPerCampaign(std::string json, const MemberOf& member) {
  const std::string anchor = R"("type":"ab",)";
  int i = 0;
  for (size_t at = json.find(anchor); at != std::string::npos;
       at = json.find(anchor, at + anchor.size())) {
    json.insert(at + anchor.size(), member(i++));
  }
  return json;
}

// `json` with `member` (a member and its comma) in every campaign.
std::string WithMemberOnEveryCampaign(std::string json,
                                      const std::string& member) {
  return WithMemberPerCampaign(std::move(json),
                               [&](int) -> const std::string& { return member; });
}

std::string WithRecurrenceOnEveryCampaign(std::string json) {
  return WithMemberOnEveryCampaign(std::move(json), kWeekdayScheduler);
}

// Whether every campaign of `config` has recurring windows.
bool AllRecurring(const CompiledConfig& config) {
  return std::all_of(config.campaigns().begin(), config.campaigns().end(),
                     [](const CompiledConfig::Campaign& c) {
                       return c.windows.size() > 250;
                     });
}

void BM_W1_Recurring(benchmark::State& state) {
  static const auto config =
      MustLoad(WithRecurrenceOnEveryCampaign(W1Config()));
  static const bool checked = AllRecurring(*config) && CheckW1(*config);
  RunCheckedW1(state, *config, checked);
}
BENCHMARK(BM_W1_Recurring)->Threads(1)->Threads(2);

void BM_W1_Scheduled(benchmark::State& state) {
  static const auto config =
      MustLoad(WithMemberOnEveryCampaign(W1Config(), kStartScheduler));
  static const bool checked =
      config->campaigns()[0].has_window && CheckW1(*config);
  RunCheckedW1(state, *config, checked);
}
BENCHMARK(BM_W1_Scheduled)->Threads(1)->Threads(2);

void BM_W1_EngineDecideAll(benchmark::State& state) {
  static const auto engine = Engine::FromConfig(MustLoad(W1Config()));
  RunW1(state, [&](const VisitorContext& ctx, DecisionList* list) {
    return engine->DecideAll(ctx, kNow, list);
  });
}
BENCHMARK(BM_W1_EngineDecideAll)->Threads(1)->Threads(2);

// W1 with a sticky record for its group on every visitor (DESIGN §12): the
// record binds once per refill and the decision skips the split hash.
void BM_W1_Sticky(benchmark::State& state) {
  static const auto config = MustLoad(W1Config());
  static const bool checked = CheckW1(*config);
  if (!checked) {
    state.SkipWithError("W1 reference check failed");
    return;
  }
  DecisionReason last = DecisionReason::kUnknownCampaign;
  RunW1(
      state,
      [&](const VisitorContext& ctx, DecisionList* list) {
        absl::Status s = config->DecideAll(ctx, kNow, list);
        last = (*list)[0].reason;
        return s;
      },
      [](VisitorContext* ctx, size_t i) {
        ctx->SetSticky("w1-group", (i & 1) ? "w1-a" : "w1-b");
      });
  if (last != DecisionReason::kSticky) state.SkipWithError("not sticky");
}
BENCHMARK(BM_W1_Sticky)->Threads(1)->Threads(2);

// W1 through an Engine with an exposure logger (default capacity 100,000)
// over the 1,000,000 distinct W1 visitors: nearly every decision is a new
// exposure that evicts an old one. Compare with BM_W1_EngineDecideAll.
void BM_W1_Exposures(benchmark::State& state) {
  static std::atomic<size_t> exposures{0};
  static const auto engine = [] {
    auto e = Engine::FromConfig(MustLoad(W1Config()));
    auto logger = ExposureLogger::Create(
        [](std::span<const Exposure> batch) { exposures += batch.size(); });
    e->SetExposureLogger(std::shared_ptr<ExposureLogger>(*std::move(logger)));
    return e;
  }();
  RunW1(state, [&](const VisitorContext& ctx, DecisionList* list) {
    return engine->DecideAll(ctx, kNow, list);
  });
  if (state.thread_index() == 0) {
    const ExposureLogger::Counters n = engine->exposure_logger()->counters();
    state.counters["deduplicated_pct"] =
        100.0 * n.deduplicated / std::max<uint64_t>(1, n.logged + n.deduplicated);
  }
}
BENCHMARK(BM_W1_Exposures)->Threads(1)->Threads(2);

// The logger alone: one W1 exposure per call, 1,000,000 distinct visitors
// cycling through a table of 100,000 entries (every call a new key).
void BM_ExposureLoggerLog(benchmark::State& state) {
  static std::atomic<size_t> exposures{0};
  static const auto config = MustLoad(W1Config());
  static const auto logger = [] {
    auto l = ExposureLogger::Create(
        [](std::span<const Exposure> batch) { exposures += batch.size(); });
    return std::shared_ptr<ExposureLogger>(*std::move(l));
  }();
  VisitorContext ctx;
  ctx.Reset("anyone");
  ctx.Set("country", "FR");
  DecisionList list;
  if (!config->DecideAll(ctx, kNow, &list).ok() || !list[0].has_variation()) {
    state.SkipWithError("W1 gives no exposure");
    return;
  }
  const auto& ids = W1Ids();
  size_t i = state.thread_index() * 7919;
  for (auto _ : state) {
    logger->Log(ids[i], list, kNow);
    if (++i == ids.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExposureLoggerLog)->Threads(1)->Threads(2);

// W1 whose group force-lists 100,000 other visitors (QA lists, DESIGN §12):
// one hash probe per visitor for the whole config.
void BM_W1_Forced100k(benchmark::State& state) {
  static const auto config = [] {
    std::string ids;
    for (int i = 0; i < 100000; ++i) absl::StrAppend(&ids, i ? "," : "", "\"qa-", i, "\"");
    std::string json = W1Config();
    const std::string anchor = R"("variations":[{"id":"w1-a")";
    json.replace(json.find(anchor), anchor.size(),
                 absl::StrCat(R"("forced_assignments":[{"variation_id":"w1-b","visitor_ids":[)",
                              ids, "]}],", anchor));
    return MustLoad(json);
  }();
  static const bool checked = CheckW1(*config) && config->num_forced() == 100000;
  RunCheckedW1(state, *config, checked);
}
BENCHMARK(BM_W1_Forced100k)->Threads(1)->Threads(2);

void FillW2(const W2Visitor& v, VisitorContext* ctx) {
  ctx->Reset(v.id);
  ctx->Set("plan", v.plan);
  ctx->Set("country", v.country);
  ctx->Set("age", v.age);
  ctx->Set("email", v.email);
  ctx->Set("version", v.version);
}

// Checks W2 before timing: about 38 % of pairs targeted, 30 % allocated
// (times `share` with the ramp).
bool CheckW2(const CompiledConfig& config, double share = 1.0) {
  VisitorContext ctx;
  DecisionList list;
  long targeted = 0, allocated = 0, pairs = 0;
  for (const W2Visitor& v : W2Population()) {
    FillW2(v, &ctx);
    if (!config.DecideAll(ctx, kNow, &list).ok()) return false;
    for (const Decision& d : list) {
      targeted += d.reason != DecisionReason::kNotTargeted;
      allocated += d.reason == DecisionReason::kAllocated;
      ++pairs;
    }
  }
  const double t = double(targeted) / pairs, a = double(allocated) / pairs;
  std::fprintf(stderr, "W2 check: %.1f %% targeted, %.1f %% allocated\n", 100 * t, 100 * a);
  return t > 0.33 && t < 0.43 && a > 0.26 * share && a < 0.34 * share;
}

// Times W2 visitors against `config` (W2's or W3's) once its reference
// check (`checked`) passed, rebuilding the context each time.
template <typename Extra = NoExtraInputs>
void RunW2(benchmark::State& state, const CompiledConfig& config, bool checked,
           const Extra& extra = Extra()) {
  if (!checked) {
    state.SkipWithError("reference check failed");
    return;
  }
  const size_t campaigns = config.campaigns().size();
  const auto& visitors = W2Population();
  VisitorContext ctx;
  DecisionList list;
  size_t i = state.thread_index() * 7919 % visitors.size();
  for (auto _ : state) {
    FillW2(visitors[i], &ctx);
    extra(&ctx, i);
    config.DecideAll(ctx, kNow, &list).IgnoreError();
    benchmark::DoNotOptimize(list[campaigns - 1]);
    if (++i == visitors.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ns_per_campaign"] = benchmark::Counter(
      state.iterations() * static_cast<double>(campaigns),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_W2_DecideAll(benchmark::State& state) {
  static const auto config = MustLoad(W2Config());
  static const bool checked = CheckW2(*config);
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W2_DecideAll)->Threads(1)->Threads(2);

// W2 with the mid-ramp progressive rollout on all 50 groups.
void BM_W2_DecideAllWithRamp(benchmark::State& state) {
  static const auto config = MustLoad(WithRampOnEveryGroup(W2Config()));
  static const bool checked = CheckW2(*config, kRampShareAtBenchInstant);
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W2_DecideAllWithRamp)->Threads(1)->Threads(2);

// W2 with the weekday recurrence on all 50 campaigns.
void BM_W2_Recurring(benchmark::State& state) {
  static const auto config =
      MustLoad(WithRecurrenceOnEveryCampaign(W2Config()));
  static const bool checked =
      AllRecurring(*config) && config->campaigns().size() == 50 &&
      CheckW2(*config);
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W2_Recurring)->Threads(1)->Threads(2);

void BM_W2_Scheduled(benchmark::State& state) {
  static const auto config =
      MustLoad(WithMemberOnEveryCampaign(W2Config(), kStartScheduler));
  static const bool checked =
      config->campaigns()[0].has_window && CheckW2(*config);
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W2_Scheduled)->Threads(1)->Threads(2);

// Checks W2 under WithLayersAndHoldout against layer and holdout buckets
// computed here with XXH3 itself (DESIGN §15 formulas), for 20,000 W2
// visitors: a campaign whose range leaves the visitor out of its layer says
// outside_layer_range, a held-out visitor in range gets holdout (no
// variation), and any other decision is the one plain W2 gives. The holdout
// keeps about 5 % of visitors out, and each campaign's range about 10 % of
// its layer's visitors.
bool CheckW2Layered(const CompiledConfig& layered, bool layers = true) {
  const auto plain = MustLoad(W2Config());
  const size_t n = plain->campaigns().size();
  const int num_layers = static_cast<int>(n) / kCampaignsPerLayer;
  const auto seed_of = [](const std::string& name) {
    return XXH3_64bits(name.data(), name.size());
  };
  const auto bucket = [](const std::string& id, uint64_t seed) {
    return static_cast<int>(XXH3_64bits_withSeed(id.data(), id.size(), seed) % 10000);
  };
  std::vector<uint64_t> layer_seeds;
  for (int l = 0; l < num_layers; ++l) layer_seeds.push_back(seed_of("layer:" + LayerId(l)));
  const uint64_t holdout_seed = seed_of(std::string("holdout:") + kHoldoutId);
  const int visitors = 20000;
  VisitorContext ctx;
  DecisionList expected, list;
  std::vector<int> layer_bucket(num_layers);
  std::vector<long> in_range(n);
  long held_out = 0;
  for (int i = 0; i < visitors; ++i) {
    const W2Visitor& v = W2Population()[i];
    FillW2(v, &ctx);
    if (!plain->DecideAll(ctx, kNow, &expected).ok() ||
        !layered.DecideAll(ctx, kNow, &list).ok() || list.size() != n) {
      return false;
    }
    for (int l = 0; l < num_layers; ++l) layer_bucket[l] = bucket(v.id, layer_seeds[l]);
    const bool held = bucket(v.id, holdout_seed) < kHoldoutPercent * 100;
    held_out += held;
    for (size_t c = 0; c < n; ++c) {
      const int low = static_cast<int>(c) % kCampaignsPerLayer * kLayerRangePercent * 100;
      const int b = layer_bucket[c / kCampaignsPerLayer];
      const bool inside = !layers || (low <= b && b < low + kLayerRangePercent * 100);
      in_range[c] += inside;
      const DecisionReason want = !inside ? DecisionReason::kOutsideLayerRange
                                  : held  ? DecisionReason::kHoldout
                                          : expected[c].reason;
      const Decision& d = list[c];
      const bool same_ids = inside && !held
                                ? list.campaign_id(c) == expected.campaign_id(c) &&
                                      list.group_id(c) == expected.group_id(c) &&
                                      list.variation_id(c) == expected.variation_id(c)
                                : !d.has_variation();
      if (d.reason != want || !same_ids) {
        std::fprintf(stderr, "W2 layered check: %s, %s: %s / %s, expected %s / %s\n",
                     v.id.c_str(), std::string(expected.campaign_id(c)).c_str(),
                     std::string(DecisionReasonName(d.reason)).c_str(),
                     std::string(list.variation_id(c)).c_str(),
                     std::string(DecisionReasonName(want)).c_str(),
                     inside && !held ? std::string(expected.variation_id(c)).c_str() : "");
        return false;
      }
    }
  }
  const auto [fewest, most] = std::minmax_element(in_range.begin(), in_range.end());
  const double held_share = double(held_out) / visitors;
  const double low_share = double(*fewest) / visitors, high_share = double(*most) / visitors;
  std::fprintf(stderr,
               "W2 layered check: %.2f %% held out, %.2f to %.2f %% of visitors per campaign\n",
               100 * held_share, 100 * low_share, 100 * high_share);
  const double range_share = layers ? kLayerRangePercent / 100.0 : 1.0;
  return std::abs(held_share - kHoldoutPercent / 100.0) < 0.005 &&
         std::abs(low_share - range_share) < 0.01 && std::abs(high_share - range_share) < 0.01;
}

// W2 with its 50 campaigns in 5 layers of 10 campaigns (10 % ranges) and a
// 5 % holdout over all of them: 5 layer hashes and 1 holdout hash per
// visitor, and 45 of the 50 campaigns stop at their layer range, before
// targeting. Compare with BM_W2_DecideAll.
void BM_W2_Layered(benchmark::State& state) {
  static const auto config = MustLoad(WithLayersAndHoldout(W2Config()));
  static const bool checked = CheckW2Layered(*config);
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W2_Layered)->Threads(1)->Threads(2);

// W2 with the 5 % holdout over all 50 campaigns and no layer: every campaign
// still reaches targeting, so this one measures what the structure step
// adds (one holdout hash per visitor, a check per campaign, no campaign on
// the sparse path). Compare with BM_W2_DecideAll.
void BM_W2_Holdout(benchmark::State& state) {
  static const auto config =
      MustLoad(WithLayersAndHoldout(W2Config(), /*layers_too=*/false));
  static const bool checked = CheckW2Layered(*config, /*layers=*/false);
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W2_Holdout)->Threads(1)->Threads(2);

// W1 and W2 with Flagship's bucketing (MurmurHash3 of UTF-16 ids, the
// visitor's range hash, DESIGN §4) instead of XXH3.
void BM_W1_Flagship(benchmark::State& state) {
  static const auto config = MustLoad(WithFlagshipBucketing(W1Config()));
  static const bool checked = CheckW1(*config);
  RunCheckedW1(state, *config, checked);
}
BENCHMARK(BM_W1_Flagship)->Threads(1)->Threads(2);

void BM_W2_Flagship(benchmark::State& state) {
  static const auto config = MustLoad(WithFlagshipBucketing(W2Config()));
  static const bool checked = CheckW2(*config);
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W2_Flagship)->Threads(1)->Threads(2);

// W2 in Flagship mode with bucket ranges [0, 50) and [50, 100) on every
// campaign (DESIGN §3 step 5): every visitor is inside, so the decisions are
// BM_W2_Flagship's; Flagship's range bucket hashes the visitor id alone,
// once per visitor however many campaigns have ranges.
void BM_W2_FlagshipRanges(benchmark::State& state) {
  static const auto config = MustLoad(WithMemberOnEveryCampaign(
      WithFlagshipBucketing(W2Config()),
      R"("bucket_ranges":[{"r":[0,50]},{"r":[50,100]}],)"));
  static const bool checked =
      CheckW2(*config) &&
      std::all_of(config->campaigns().begin(), config->campaigns().end(),
                  [](const CompiledConfig::Campaign& c) {
                    return c.ranges.size() == 2;
                  });
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W2_FlagshipRanges)->Threads(1);

// Checks W3 before timing: a visitor is targeted by about 9 of the 1,000
// campaigns, and every targeted one allocates (50 / 50, 100 %).
bool CheckW3(const CompiledConfig& config) {
  VisitorContext ctx;
  DecisionList list;
  long targeted = 0, allocated = 0, visitors = 0;
  for (const W2Visitor& v : W2Population()) {
    if (visitors == 20000) break;
    FillW2(v, &ctx);
    if (!config.DecideAll(ctx, kNow, &list).ok() || list.size() != 1000) return false;
    for (const Decision& d : list) {
      targeted += d.reason != DecisionReason::kNotTargeted;
      allocated += d.reason == DecisionReason::kAllocated;
    }
    ++visitors;
  }
  const double per_visitor = double(targeted) / visitors;
  std::fprintf(stderr, "W3 check: %.2f campaigns targeted per visitor, %.1f %% of them allocated\n",
               per_visitor, 100.0 * allocated / std::max(1L, targeted));
  return per_visitor > 7.5 && per_visitor < 10.5 && allocated == targeted;
}

// W3: all 1,000 sparse campaigns per W2 visitor.
void BM_W3_DecideAll(benchmark::State& state) {
  static const auto config = MustLoad(W3Config());
  static const bool checked = CheckW3(*config);
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W3_DecideAll)->Threads(1)->Threads(2);

// W3 with a sticky record per visitor (DESIGN §12), for the first group
// that allocates the visitor, naming the variation its hash does not give:
// every decision keeps ~9 campaigns to decide, one of them sticky.
struct W3StickyRecord {
  std::string group;
  std::string variation;
};

std::vector<W3StickyRecord> W3StickyRecords(const CompiledConfig& config) {
  std::vector<W3StickyRecord> out;
  VisitorContext ctx;
  DecisionList list;
  for (const W2Visitor& v : W2Population()) {
    FillW2(v, &ctx);
    W3StickyRecord r;
    if (config.DecideAll(ctx, kNow, &list).ok()) {
      for (const Decision& d : list) {
        if (d.reason != DecisionReason::kAllocated) continue;
        const CompiledConfig::Group& g = config.groups()[d.group];
        const int32_t other =
            g.first_variation + (d.variation == g.first_variation);
        r = W3StickyRecord{g.id, config.variations()[other].id};
        break;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

// The first 10,000 visitors with their records: the record's group decides
// sticky for every visitor that has one, and nothing else changes.
bool CheckW3Sticky(const CompiledConfig& config,
                   const std::vector<W3StickyRecord>& records) {
  VisitorContext ctx;
  DecisionList plain, sticky;
  long with_record = 0, changed = 0;
  for (size_t i = 0; i < 10000 && i < records.size(); ++i) {
    FillW2(W2Population()[i], &ctx);
    if (!config.DecideAll(ctx, kNow, &plain).ok()) return false;
    if (records[i].group.empty()) continue;
    ++with_record;
    ctx.SetSticky(records[i].group, records[i].variation);
    if (!config.DecideAll(ctx, kNow, &sticky).ok()) return false;
    for (size_t c = 0; c < plain.size(); ++c) {
      if (sticky[c].reason == DecisionReason::kSticky) {
        ++changed;
        if (sticky.variation_id(c) != records[i].variation) return false;
      } else if (sticky[c].variation != plain[c].variation ||
                 sticky[c].reason != plain[c].reason) {
        return false;
      }
    }
  }
  std::fprintf(stderr,
               "W3 sticky check: %ld of 10000 visitors with a record, %ld "
               "sticky decisions\n",
               with_record, changed);
  return with_record > 8000 && changed == with_record;
}

void BM_W3_Sticky(benchmark::State& state) {
  static const auto config = MustLoad(W3Config());
  static const std::vector<W3StickyRecord> records = W3StickyRecords(*config);
  static const bool checked =
      CheckW3(*config) && CheckW3Sticky(*config, records);
  RunW2(state, *config, checked, [](VisitorContext* ctx, size_t i) {
    const W3StickyRecord& r = records[i];
    if (!r.group.empty()) ctx->SetSticky(r.group, r.variation);
  });
}
BENCHMARK(BM_W3_Sticky)->Threads(1);

// W3 in Flagship mode (MurmurHash3 instead of XXH3 for the ~9 targeted).
void BM_W3_Flagship(benchmark::State& state) {
  static const auto config = MustLoad(WithFlagshipBucketing(W3Config()));
  static const bool checked = CheckW3(*config);
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W3_Flagship)->Threads(1);

// W3 in Flagship mode with the visitors shared out by bucket ranges (each
// visitor inside the ranges of a tenth of the campaigns): campaign i covers the
// range [10 (i % 10), 10 (i % 10) + 10) of the visitor's range bucket.
std::string WithTenthRanges(std::string json) {
  return WithMemberPerCampaign(std::move(json), [](int i) {
    return absl::StrCat(R"("bucket_ranges":[{"r":[)", 10 * (i % 10), ",",
                        10 * (i % 10) + 10, "]}],");
  });
}

// Checks BM_W3_FlagshipRanges's config against W3 in Flagship mode: per
// visitor, the 100 campaigns of one tenth are decided as there, and the 900
// others say outside_bucket_range.
bool CheckW3Ranges(const CompiledConfig& ranged, const CompiledConfig& plain) {
  VisitorContext ctx;
  DecisionList a, b;
  long visitors = 0, targeted = 0;
  std::vector<long> per_tenth(10, 0);
  for (const W2Visitor& v : W2Population()) {
    if (visitors == 20000) break;
    FillW2(v, &ctx);
    if (!ranged.DecideAll(ctx, kNow, &a).ok() || !plain.DecideAll(ctx, kNow, &b).ok() ||
        a.size() != 1000 || b.size() != 1000) {
      return false;
    }
    int tenth = -1;
    for (int i = 0; i < 1000; ++i) {
      const bool outside = a[i].reason == DecisionReason::kOutsideBucketRange;
      if (!outside && tenth < 0) tenth = i % 10;
      if (outside != (i % 10 != tenth)) return false;
      if (!outside) {
        if (a[i].reason != b[i].reason || a[i].variation != b[i].variation) return false;
        targeted += a[i].reason != DecisionReason::kNotTargeted;
      }
    }
    ++per_tenth[tenth];
    ++visitors;
  }
  const auto [fewest, most] = std::minmax_element(per_tenth.begin(), per_tenth.end());
  std::fprintf(stderr,
               "W3 ranges check: %.2f campaigns targeted inside the ranges per visitor, "
               "%.1f to %.1f %% of visitors per tenth\n",
               double(targeted) / visitors, 100.0 * *fewest / visitors,
               100.0 * *most / visitors);
  return *fewest > visitors / 20 && *most < visitors / 5;
}

void BM_W3_FlagshipRanges(benchmark::State& state) {
  static const auto plain = MustLoad(WithFlagshipBucketing(W3Config()));
  static const auto config = MustLoad(WithTenthRanges(WithFlagshipBucketing(W3Config())));
  static const bool checked = CheckW3Ranges(*config, *plain);
  RunW2(state, *config, checked);
}
BENCHMARK(BM_W3_FlagshipRanges)->Threads(1);

// W2's floor: 50 hash + bucket per visitor, no targeting.
void BM_Floor_W2FiftyBuckets(benchmark::State& state) {
  const auto& visitors = W2Population();
  size_t i = 0;
  for (auto _ : state) {
    uint64_t sum = 0;
    for (uint64_t c = 0; c < 50; ++c) sum += Xxh3HashWithSeed(visitors[i].id, c) % 10000;
    benchmark::DoNotOptimize(sum);
    if (++i == visitors.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Floor_W2FiftyBuckets);

}  // namespace
}  // namespace allot::bench

BENCHMARK_MAIN();
