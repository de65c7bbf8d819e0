// The benchmark workloads W1 and W2 of bench-workloads.md, built exactly as
// specified, shared by the decision and load benchmarks.
#ifndef ALLOT_BENCH_WORKLOADS_H_
#define ALLOT_BENCH_WORKLOADS_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace allot::bench {

inline const char* const kCountries[25] = {
    "FR", "DE", "US", "GB", "ES", "IT", "NL", "BE", "CH", "AT", "SE", "NO", "DK",
    "FI", "PL", "PT", "IE", "CZ", "GR", "HU", "RO", "CA", "AU", "JP", "BR"};

// W1: one campaign, one group targeted by country EQUALS "FR", 50/50.
inline std::string W1Config() {
  return R"({"settings":{"bucketing":"xxh3"},"campaigns":[{"id":"w1","type":"ab",
    "variation_groups":[{"id":"w1-group","targeting":{"targeting_groups":[{"targetings":[
    {"key":"country","operator":"EQUALS","value":"FR"}]}]},
    "variations":[{"id":"w1-a","allocation":50},{"id":"w1-b","allocation":50}]}]}]})";
}

inline std::vector<std::string> VisitorIds(int n) {
  std::vector<std::string> ids;
  ids.reserve(n);
  for (int i = 0; i < n; ++i) ids.push_back(absl::StrCat("visitor-", i));
  return ids;
}

// One W2 campaign (index i) as campaign-document JSON, with `suffix`
// appended to ids so that larger generated configs stay unique.
inline std::string W2Campaign(int i, const std::string& suffix = "") {
  static const int kCombos[10][3] = {{0, 1, 2}, {0, 1, 3}, {0, 1, 4}, {0, 2, 3},
                                     {0, 2, 4}, {0, 3, 4}, {1, 2, 3}, {1, 2, 4},
                                     {1, 3, 4}, {2, 3, 4}};
  static const char* const kVersions[5] = {"1.0.0", "1.5.0", "2.0.0", "1.10.0", "2.3.1"};
  std::vector<std::string> targetings;
  for (int kind : kCombos[i % 10]) {
    switch (kind) {
      case 0:
        targetings.push_back(absl::StrCat(R"({"key":"plan","operator":"EQUALS","value":")",
                                          i % 4 == 3 ? "enterprise" : "pro", "\"}"));
        break;
      case 1: {
        std::vector<std::string> codes;
        for (int k = 0; k < 20; ++k) {
          codes.push_back(absl::StrCat("\"", kCountries[(i % 25 + k) % 25], "\""));
        }
        targetings.push_back(absl::StrCat(R"({"key":"country","operator":"IN","value":[)",
                                          absl::StrJoin(codes, ","), "]}"));
        break;
      }
      case 2:
        targetings.push_back(absl::StrCat(
            R"({"key":"age","operator":"GREATER_THAN_OR_EQUALS","value":)", (7 * i) % 40, "}"));
        break;
      case 3:
        targetings.push_back(
            R"({"key":"email","operator":"MATCHES_REGEX","value":"^[a-z0-9.+-]+@acme\\.com$"})");
        break;
      case 4:
        targetings.push_back(absl::StrCat(
            R"({"key":"version","operator":"SEMVER_GREATER_THAN_OR_EQUALS","value":")",
            kVersions[i % 5], "\"}"));
        break;
    }
  }
  const std::string id = absl::StrCat("exp-", i, suffix);
  return absl::StrCat(R"({"id":")", id, R"(","type":"ab","variation_groups":[{"id":")", id,
                      R"(-group","targeting":{"targeting_groups":[{"targetings":[)",
                      absl::StrJoin(targetings, ","), R"(]}]},"variations":[{"id":")", id,
                      R"(-control","allocation":26.67},{"id":")", id,
                      R"(-v1","allocation":26.67},{"id":")", id,
                      R"(-v2","allocation":26.66}]}]})");
}

// `n` W2-style campaigns (n = 50 is W2 itself).
inline std::string W2Config(int n = 50) {
  std::vector<std::string> campaigns;
  for (int i = 0; i < n; ++i) {
    campaigns.push_back(W2Campaign(i % 50, i < 50 ? "" : absl::StrCat("-", i / 50)));
  }
  return absl::StrCat(R"({"settings":{"bucketing":"xxh3"},"campaigns":[)",
                      absl::StrJoin(campaigns, ","), "]}");
}

// W3: 1,000 sparse campaigns, each targeted by country EQUALS, plan EQUALS
// and age >=; a W2 visitor is targeted by about 9 of them.
inline std::string W3Config() {
  static const char* const kPlans[3] = {"pro", "free", "enterprise"};
  std::vector<std::string> campaigns;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = absl::StrCat("sparse-", i);
    campaigns.push_back(absl::StrCat(
        R"({"id":")", id, R"(","type":"ab","variation_groups":[{"id":")", id,
        R"(-group","targeting":{"targeting_groups":[{"targetings":[)",
        R"({"key":"country","operator":"EQUALS","value":")", kCountries[i % 25], R"("},)",
        R"({"key":"plan","operator":"EQUALS","value":")", kPlans[(i / 25) % 3], R"("},)",
        R"({"key":"age","operator":"GREATER_THAN_OR_EQUALS","value":)", (7 * i) % 60,
        R"(}]}]},"variations":[{"id":")", id, R"(-a","allocation":50},{"id":")", id,
        R"(-b","allocation":50}]}]})"));
  }
  return absl::StrCat(R"({"settings":{"bucketing":"xxh3"},"campaigns":[)",
                      absl::StrJoin(campaigns, ","), "]}");
}

// `json` (a W1, W2 or W3 config) with Flagship's bucketing instead of XXH3.
inline std::string WithFlagshipBucketing(std::string json) {
  const std::string from = R"("bucketing":"xxh3")";
  json.replace(json.find(from), from.size(), R"("bucketing":"flagship")");
  return json;
}

// The progressive rollout put on every group by WithRampOnEveryGroup: 1 % at
// 2026-05-27T00:00Z, +1 % every 30 minutes, so 100 breakpoints; at the
// benchmarks' instant (2026-05-28T20:26:40Z) the share is 89 %.
inline constexpr char kRampAllocationConfig[] =
    R"("allocation_config":{"start_date":"2026-05-27T00:00:00Z","start_allocation":1,)"
    R"("periodic_steps":{"allocation_step":1,"step":30,"step_type":"minute"}},)";
inline constexpr double kRampShareAtBenchInstant = 0.89;

// `json` with kRampAllocationConfig added to every variation group (each
// group of W1 and W2 has one targeting object).
inline std::string WithRampOnEveryGroup(std::string json) {
  const std::string anchor = R"("targeting":{"targeting_groups")";
  const std::string insert = std::string(kRampAllocationConfig) + anchor;
  for (size_t at = json.find(anchor); at != std::string::npos;
       at = json.find(anchor, at + insert.size())) {
    json.replace(at, anchor.size(), insert);
  }
  return json;
}

// The structure WithLayersAndHoldout gives a config (DESIGN §15): campaign k
// of the file is in layer LayerId(k / kCampaignsPerLayer) over the range
// [s, s + kLayerRangePercent) with s = (k % kCampaignsPerLayer) *
// kLayerRangePercent, so the campaigns of a layer split it whole; the
// holdout kHoldoutId of kHoldoutPercent % covers every campaign.
inline constexpr int kCampaignsPerLayer = 10;
inline constexpr int kLayerRangePercent = 10;
inline constexpr int kHoldoutPercent = 5;
inline constexpr char kHoldoutId[] = "holdout";
static_assert(kCampaignsPerLayer * kLayerRangePercent == 100);

inline std::string LayerId(int layer) { return absl::StrCat("layer-", layer); }

// `json` (a W2-style config: campaigns of type "ab", and a "settings"
// object) with every campaign placed in its layer and the layers and the
// holdout declared first in "settings"; without `layers`, the holdout only.
inline std::string WithLayersAndHoldout(const std::string& json,
                                        bool layers_too = true) {
  std::string out = json;
  const std::string anchor = R"("type":"ab",)";
  int campaigns = 0;
  for (size_t at = layers_too ? out.find(anchor) : std::string::npos;
       at != std::string::npos; at = out.find(anchor, at + anchor.size())) {
    const int low = campaigns % kCampaignsPerLayer * kLayerRangePercent;
    out.insert(at + anchor.size(),
               absl::StrCat(R"("layer":{"id":")", LayerId(campaigns / kCampaignsPerLayer),
                            R"(","range":[)", low, ",", low + kLayerRangePercent, "]},"));
    ++campaigns;
  }
  std::vector<std::string> layers;
  for (int l = 0; l * kCampaignsPerLayer < campaigns; ++l) {
    layers.push_back(absl::StrCat(R"({"id":")", LayerId(l), R"("})"));
  }
  const std::string settings = R"("settings":{)";
  out.insert(out.find(settings) + settings.size(),
             absl::StrCat(R"("layers":[)", absl::StrJoin(layers, ","),
                          R"(],"holdouts":[{"id":")", kHoldoutId, R"(","percent":)",
                          kHoldoutPercent, R"(,"campaigns":"all"}],)"));
  return out;
}

struct W2Visitor {
  std::string id;
  const char* plan;
  const char* country;
  double age;
  std::string email;
  std::string version;
};

inline std::vector<W2Visitor> W2Visitors(int n = 100000) {
  std::mt19937_64 rng(20261123);
  std::uniform_int_distribution<int> pct(0, 99), country(0, 24), major(1, 3), minor(0, 19),
      patch(0, 9);
  std::vector<W2Visitor> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    W2Visitor v;
    v.id = absl::StrCat("visitor-", i);
    const int p = pct(rng);
    v.plan = p < 70 ? "pro" : p < 90 ? "free" : "enterprise";
    v.country = kCountries[country(rng)];
    v.age = i % 90;
    v.email = absl::StrCat(v.id, "@", pct(rng) < 75 ? "acme.com" : "example.org");
    v.version = absl::StrCat(major(rng), ".", minor(rng), ".", patch(rng));
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace allot::bench

#endif  // ALLOT_BENCH_WORKLOADS_H_
