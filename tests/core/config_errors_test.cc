// Every invalid config under tests/testdata/bad_configs.json must be refused
// with an InvalidArgument whose message starts with the JSON path at fault.
#include <string>
#include <vector>

#include "core/compiled_config.h"
#include "core/engine.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

struct BadConfig {
  std::string name;
  std::string path;
  std::string text;
};

std::vector<BadConfig> LoadBadConfigs() {
  static const std::string text = testing::TestData("bad_configs.json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(text);
  std::vector<BadConfig> out;
  for (simdjson::dom::element c : doc.get_array()) {
    BadConfig b;
    b.name = std::string(std::string_view(c["name"]));
    b.path = std::string(std::string_view(c["path"]));
    simdjson::dom::element config;
    if (c["config"].get(config) == simdjson::SUCCESS) {
      b.text = simdjson::minify(config);
    } else {
      b.text = std::string(std::string_view(c["config_text"]));
    }
    out.push_back(b);
  }
  return out;
}

TEST(ConfigErrors, AtLeastFortyCases) { EXPECT_GE(LoadBadConfigs().size(), 40u); }

TEST(ConfigErrors, EachNamesItsJsonPath) {
  for (const BadConfig& b : LoadBadConfigs()) {
    SCOPED_TRACE(b.name);
    absl::StatusOr<std::shared_ptr<const CompiledConfig>> config = LoadConfig(b.text);
    ASSERT_FALSE(config.ok()) << "accepted: " << b.text;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(config.status().message());
    EXPECT_EQ(message.rfind(b.path + ": ", 0), 0u)
        << "expected the message to start with \"" << b.path << ": \", got: " << message;
    EXPECT_GT(message.size(), b.path.size() + 10) << "message says too little";
  }
}

TEST(ConfigErrors, MalformedJsonGivesByteOffset) {
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> config =
      LoadConfig("{\"campaigns\": [{\"id\": \"a\",, }]}");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(std::string(config.status().message()).find("byte offset"), std::string::npos)
      << config.status().message();
}

TEST(ConfigErrors, DuplicateCampaignMessageExplainsFlagshipDifference) {
  absl::StatusOr<std::shared_ptr<const CompiledConfig>> config = LoadConfig(
      R"({"campaigns":[{"id":"x","variationGroups":[]},{"id":"x","variationGroups":[]}]})");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(std::string(config.status().message()).find("Flagship"), std::string::npos);
}

TEST(ConfigErrors, EngineKeepsServingAfterEveryBadReload) {
  const std::string good = R"({"campaigns":[{"id":"c","variation_groups":[{"id":"g",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"v","allocation":100}]}]}]})";
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(good);
  ASSERT_TRUE(engine.ok()) << engine.status();
  const CompiledConfig* before = (*engine)->config().get();
  for (const BadConfig& b : LoadBadConfigs()) {
    EXPECT_FALSE((*engine)->Reload(b.text).ok()) << b.name;
  }
  EXPECT_EQ((*engine)->config().get(), before);
  VisitorContext ctx("visitor");
  DecisionList decisions;
  ASSERT_TRUE((*engine)->DecideAll(ctx, absl::Now(), &decisions).ok());
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions.variation_id(0), "v");
}

// Broken JSON atoms once threw out of simdjson's error-offset walk and aborted
// the process: each must now be an InvalidArgument from every entry point.
constexpr const char* kBrokenAtoms[] = {
    "[n]",           "{\"a\":nul}",  "[t]",          "{\"a\":tru}",
    "[f]",           "{\"a\":fals}", "nul",          "[nulll]",
    "{\"a\":[1,n]}", "[1e]",         "{\"a\":\"\\u12\"}", "[-]",
    "{\"campaigns\":[{\"id\":nul}]}",
};

TEST(ConfigErrors, BrokenAtomsAreErrorsNotCrashes) {
  for (const char* text : kBrokenAtoms) {
    SCOPED_TRACE(text);
    absl::StatusOr<std::shared_ptr<const CompiledConfig>> config = LoadConfig(text);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(config.status().message()).rfind("(document): malformed JSON", 0), 0u)
        << config.status().message();
    EXPECT_FALSE(Engine::Create(text).ok());
  }
}

TEST(ConfigErrors, BrokenAtomsLeaveTheEngineServing) {
  const std::string good = R"({"campaigns":[{"id":"c","variation_groups":[{"id":"g",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"v","allocation":100}]}]}]})";
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(good);
  ASSERT_TRUE(engine.ok()) << engine.status();
  ASSERT_TRUE((*engine)->SetCampaignActive("c", false).ok());
  const std::string state = (*engine)->ExportState();
  const CompiledConfig* before = (*engine)->config().get();
  for (const char* text : kBrokenAtoms) {
    SCOPED_TRACE(text);
    absl::Status reload = (*engine)->Reload(text).status();
    EXPECT_EQ(reload.code(), absl::StatusCode::kInvalidArgument) << reload;
    absl::Status import = (*engine)->ImportState(text);
    EXPECT_EQ(import.code(), absl::StatusCode::kInvalidArgument) << import;
  }
  EXPECT_EQ((*engine)->config().get(), before);
  EXPECT_EQ((*engine)->ExportState(), state);
}

}  // namespace
}  // namespace allot
