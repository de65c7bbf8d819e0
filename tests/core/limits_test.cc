// Hard limits of a config (DESIGN §17): each a load error naming the JSON
// path (the linear load time is in tests/timing/load_time_test.cc).
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "core/engine.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

constexpr char kAll[] =
    R"({"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]})";

// One campaign whose group carries `targeting` and `extra` members.
std::string Campaign(const std::string& id, const std::string& targeting = kAll,
                     const std::string& extra = "") {
  // Group and variation ids derive from a short campaign id only.
  const std::string base = id.size() > 100 ? "long" : id;
  return absl::StrCat(R"({"id":")", id, R"(","type":"ab","variation_groups":[{"id":")", base,
                      R"(-g","targeting":)", targeting, extra,
                      R"(,"variations":[{"id":")", base, R"(-a","allocation":50},{"id":")",
                      base, R"(-b","allocation":50}]}]})");
}

std::string Config(const std::string& campaigns) {
  return absl::StrCat(R"({"settings":{"bucketing":"xxh3"},"campaigns":[)", campaigns, "]}");
}

std::string LoadError(const std::string& json) {
  auto config = LoadConfig(json);
  return config.ok() ? "(loaded)" : std::string(config.status().message());
}

TEST(ConfigLimits, StringsUpTo64KiB) {
  const std::string at_limit(64 * 1024, 'c');
  const std::string over(64 * 1024 + 1, 'c');
  EXPECT_EQ(LoadError(Config(Campaign("c0") + "," + Campaign(at_limit))), "(loaded)");
  EXPECT_EQ(LoadError(Config(Campaign("c0") + "," + Campaign(over))),
            "campaigns[1].id: a string of 65537 bytes; at most 65536 bytes per id or "
            "string value");
  // A targeting value, and a key.
  const std::string long_value = absl::StrCat(
      R"({"targeting_groups":[{"targetings":[{"key":"email","operator":"EQUALS","value":")",
      over, R"("}]}]})");
  EXPECT_EQ(LoadError(Config(Campaign("c0", long_value))),
            "campaigns[0].variation_groups[0].targeting.targeting_groups[0].targetings[0]"
            ".value: a string of 65537 bytes; at most 65536 bytes per id or string value");
  const std::string long_key = absl::StrCat(R"({")", over, R"(":1,"targeting_groups":[]})");
  EXPECT_NE(LoadError(Config(Campaign("c0", long_key))).find(": a key of 65537 bytes"),
            std::string::npos);
}

std::string Nested(int depth, const std::string& inner) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "[";
  s += inner;
  for (int i = 0; i < depth; ++i) s += "]";
  return s;
}

TEST(ConfigLimits, TargetingValuesNestAtMost32Deep) {
  auto targeting = [](int depth) {
    return absl::StrCat(
        R"({"targeting_groups":[{"targetings":[{"key":"country","operator":"IN","value":)",
        Nested(depth, R"("FR")"), "}]}]}");
  };
  // 32 levels pass the limit (the operator then refuses nested lists).
  const std::string at_limit = LoadError(Config(Campaign("c0", targeting(32))));
  EXPECT_EQ(at_limit.find("nested deeper"), std::string::npos) << at_limit;
  EXPECT_NE(at_limit, "(loaded)");
  const std::string over = LoadError(Config(Campaign("c0", targeting(33))));
  EXPECT_EQ(over.rfind("campaigns[0].variation_groups[0].targeting.targeting_groups[0]."
                       "targetings[0].value",
                       0),
            0u)
      << over;
  EXPECT_NE(over.find("a targeting value nested deeper than 32 arrays and objects"),
            std::string::npos)
      << over;
}

TEST(ConfigLimits, DocumentsNestAtMost64Deep) {
  // An unknown member, ignored by the reader, still may not nest too deep:
  // 100,000 brackets are refused as fast as any other error, no stack used.
  const std::string deep = Campaign("c0", kAll, absl::StrCat(R"(,"notes":)", Nested(100000, "1")));
  const std::string error = LoadError(Config(deep));
  EXPECT_NE(error.find("nested"), std::string::npos) << error.substr(0, 200);
  const std::string fine = Campaign("c0", kAll, absl::StrCat(R"(,"notes":)", Nested(20, "1")));
  EXPECT_EQ(LoadError(Config(fine)), "(loaded)");
}

std::string Schedule(int custom_steps) {
  std::string steps;
  for (int i = 0; i < custom_steps; ++i) {
    absl::StrAppend(&steps, i ? "," : "",
                    R"({"allocation_step":0.01,"step":1,"step_type":"minute"})");
  }
  return absl::StrCat(
      R"(,"allocation_config":{"start_date":"2026-01-01T00:00:00Z","start_allocation":0,)",
      R"("custom_steps":[)", steps, "]}");
}

TEST(ConfigLimits, AtMost100000StepsPerGroup) {
  EXPECT_EQ(LoadError(Config(Campaign("c0", kAll, Schedule(100000)))), "(loaded)");
  EXPECT_EQ(LoadError(Config(Campaign("c0", kAll, Schedule(100001)))),
            "campaigns[0].variation_groups[0].allocation_config.custom_steps: 100001 steps; "
            "at most 100000 per variation group");
}

TEST(ConfigLimits, AtMostAMillionBreakpointsPerConfig) {
  // A 1-basis-point step every minute: 10,001 breakpoints per group.
  const std::string periodic =
      R"(,"allocation_config":{"start_date":"2026-01-01T00:00:00Z","start_allocation":0,)"
      R"("periodic_steps":{"allocation_step":0.01,"step":1,"step_type":"minute"}})";
  std::string campaigns;
  for (int i = 0; i < 99; ++i) absl::StrAppend(&campaigns, i ? "," : "", Campaign(absl::StrCat("c", i), kAll, periodic));
  auto ninety_nine = LoadConfig(Config(campaigns));
  ASSERT_TRUE(ninety_nine.ok()) << ninety_nine.status();
  EXPECT_EQ((*ninety_nine)->groups()[98].schedule->breakpoints().size(), 10001u);
  absl::StrAppend(&campaigns, ",", Campaign("c99", kAll, periodic), ",",
                  Campaign("c100", kAll, periodic));
  EXPECT_EQ(LoadError(Config(campaigns)),
            "campaigns[99].variation_groups[0].allocation_config: this schedule takes the "
            "config past 1000000 schedule breakpoints in all; split the config");
}

// An Engine refused a config over a limit and keeps serving the previous one.
TEST(ConfigLimits, EngineKeepsItsConfig) {
  auto engine = Engine::Create(Config(Campaign("c0")));
  ASSERT_TRUE(engine.ok()) << engine.status();
  const absl::Status s =
      (*engine)->Reload(Config(Campaign(std::string(70000, 'x')))).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE((*engine)->config()->FindCampaign("c0"), -1);
}


}  // namespace
}  // namespace allot
