// KPI definitions (DESIGN §14): the top-level `kpis` of campaign documents
// and LoadOptions::kpis_json, their load errors, goals naming a KPI, mean
// rollbacks fed by Engine::UpdateKpiMetrics, and the KPI members of the
// run-time state document.
#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "core/engine.h"
#include "core/kpi_definitions.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

using ::allot::testing::At;
using ::allot::testing::ReadTestFile;

const absl::Time kNow = At("2026-06-01T12:00:00Z");

constexpr char kKpis[] = R"([
  {"id":"aov","name":"Average order value","unit":"EUR","value_type":"number","required":true,"sort_order":2},
  {"id":"items","name":"Items per order","unit":"items","value_type":"integer","sort_order":1},
  {"id":"checkout_rate","name":"Checkout rate","unit":"%","value_type":"percentage","required":true},
  {"id":"signup","name":"aov_name_clash","value_type":"boolean"}
])";

// Campaign "c" (with `campaign_extra` members, e.g. a deadline) has group
// "g" guarded by a rollback on `goal`; campaign "d" has group "plain"
// without one. `top` is spliced into the top level (e.g. a "kpis" member).
std::string Config(const std::string& goal, const std::string& op = "LOWER_THAN",
                   double value = 40, int64_t min_visitors = 200,
                   const std::string& top = "", const std::string& campaign_extra = "") {
  return absl::StrCat(R"({)", top, R"("campaigns":[
  {"id":"c","type":"ab",)", campaign_extra, R"("variation_groups":[{"id":"g",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"g-ref","reference":true,"allocation":50},{"id":"g-new","allocation":50}],
    "allocation_config":{"start_date":"2026-01-01T00:00:00Z","start_allocation":100,
      "rollback_condition":{"goal":)", goal, R"(,"operator":")", op, R"(","value":)", value,
                      R"(,"min_visitors":)", min_visitors, R"(}}}]},
  {"id":"d","type":"ab","variation_groups":[{"id":"plain",
    "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
    "variations":[{"id":"plain-a","allocation":100}]}]}]})");
}

std::string WithKpis(const std::string& goal, const std::string& op = "LOWER_THAN",
                     double value = 40, int64_t min_visitors = 200,
                     const std::string& campaign_extra = "") {
  return Config(goal, op, value, min_visitors, absl::StrCat(R"("kpis":)", kKpis, ","),
                campaign_extra);
}

std::shared_ptr<const CompiledConfig> Load(const std::string& json,
                                           const LoadOptions& options = LoadOptions()) {
  auto config = LoadConfig(json, options);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *std::move(config) : nullptr;
}

std::unique_ptr<Engine> MakeEngine(const std::string& json,
                                   const LoadOptions& options = LoadOptions()) {
  auto engine = Engine::Create(json, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *std::move(engine) : nullptr;
}

void ExpectLoadError(const std::string& json, const std::string& message_start,
                     const LoadOptions& options = LoadOptions()) {
  auto config = LoadConfig(json, options);
  ASSERT_FALSE(config.ok()) << "loaded: " << json;
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message().substr(0, message_start.size()), message_start)
      << config.status().message();
}

const char kPlainGoal[] = R"({"type":"transaction","id":"checkout"})";
const char kAovGoal[] = R"({"type":"transaction","id":"order-value","kpi":"aov"})";

TEST(KpiDefinitions, TopLevelArrayIsReadInDeclarationOrder) {
  auto config = Load(WithKpis(kAovGoal));
  ASSERT_NE(config, nullptr);
  ASSERT_EQ(config->kpis().size(), 4u);
  const KpiDefinition& aov = config->kpis()[0];
  EXPECT_EQ(aov.id, "aov");
  EXPECT_EQ(aov.name, "Average order value");
  EXPECT_EQ(aov.unit, "EUR");
  EXPECT_EQ(aov.value_type, KpiValueType::kNumber);
  EXPECT_TRUE(aov.required);
  EXPECT_EQ(aov.sort_order, 2);
  EXPECT_EQ(aov.path, "kpis[0]");
  EXPECT_EQ(config->kpis()[1].value_type, KpiValueType::kInteger);
  EXPECT_FALSE(config->kpis()[1].required);
  EXPECT_EQ(config->kpis()[2].value_type, KpiValueType::kPercentage);
  EXPECT_EQ(config->kpis()[3].value_type, KpiValueType::kBoolean);
  EXPECT_EQ(config->kpis()[3].sort_order, 0);  // absent
}

TEST(KpiDefinitions, DcycleDatasetObjectIsReadInAConfig) {
  auto config = Load(Config(kAovGoal, "LOWER_THAN", 40, 200,
                            absl::StrCat(R"("kpis":{"name":"Shop","description":"d","kpis":)",
                                         kKpis, "},")));
  ASSERT_NE(config, nullptr);
  ASSERT_EQ(config->kpis().size(), 4u);
  EXPECT_EQ(config->kpis()[1].path, "kpis.kpis[1]");
  EXPECT_EQ(config->groups()[0].rollback_kpi, 0);
}

TEST(KpiDefinitions, LoadOptionShapesAreMergedAfterTheConfigs) {
  const std::string config_kpis =
      R"("kpis":[{"id":"aov","name":"Average order value","unit":"EUR","value_type":"number"}],)";
  const std::string shapes[] = {
      R"([{"id":"rate","value_type":"percentage"}])",
      R"({"name":"Shop","description":"dcycle dataset","kpis":[{"id":"rate","value_type":"percentage"}]})",
      R"({"kpis":{"name":"Shop","kpis":[{"id":"rate","value_type":"percentage"}]}})",
  };
  for (const std::string& shape : shapes) {
    SCOPED_TRACE(shape);
    LoadOptions options;
    options.kpis_json = shape;
    auto config = Load(Config(kAovGoal, "LOWER_THAN", 40, 200, config_kpis), options);
    ASSERT_NE(config, nullptr);
    ASSERT_EQ(config->kpis().size(), 2u);
    EXPECT_EQ(config->kpis()[0].id, "aov");
    EXPECT_EQ(config->kpis()[1].id, "rate");
    EXPECT_EQ(config->kpis()[1].value_type, KpiValueType::kPercentage);
  }
  // A goal may name a KPI that only the separate definitions declare.
  LoadOptions options;
  options.kpis_json = kKpis;
  auto config = Load(Config(R"({"kpi":"checkout_rate"})"), options);
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->kpis()[config->groups()[0].rollback_kpi].id, "checkout_rate");
}

TEST(KpiDefinitions, ParseKpiDefinitionsReadsTheExampleDataset) {
  auto kpis = ParseKpiDefinitions(ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) + "/kpis.json"));
  ASSERT_TRUE(kpis.ok()) << kpis.status();
  ASSERT_EQ(kpis->size(), 4u);
  EXPECT_EQ((*kpis)[0].id, "avg_order_value");
  EXPECT_EQ((*kpis)[0].unit, "EUR");
  EXPECT_EQ((*kpis)[0].value_type, KpiValueType::kNumber);
  EXPECT_EQ((*kpis)[2].id, "checkout_rate");
  EXPECT_EQ((*kpis)[2].value_type, KpiValueType::kPercentage);

  LoadOptions options;
  options.kpis_json = ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) + "/kpis.json");
  auto config = Load(ReadTestFile(std::string(ALLOT_EXAMPLES_DIR) + "/kpi_rollout.json"),
                     options);
  ASSERT_NE(config, nullptr);
  ASSERT_EQ(config->groups().size(), 2u);
  EXPECT_EQ(config->kpis()[config->groups()[0].rollback_kpi].id, "avg_order_value");
  // The second group names its KPI by name.
  EXPECT_EQ(config->kpis()[config->groups()[1].rollback_kpi].id, "checkout_rate");
}

struct LoadErrorCase {
  std::string kpis;  // the value of the top-level "kpis"
  std::string message_start;
};

TEST(KpiDefinitions, LoadErrorsNameTheJsonPath) {
  const LoadErrorCase cases[] = {
      {R"([{"name":"x","value_type":"number"}])", "kpis[0].id: required field is missing"},
      {R"([{"id":"","value_type":"number"}])", "kpis[0].id: must not be empty"},
      {R"([{"id":"a","value_type":"number"},{"id":"a","value_type":"integer"}])",
       "kpis[1].id: duplicate KPI id \"a\" (first declared at kpis[0]"},
      {R"([{"id":"a","name":"N","value_type":"number"},{"id":"b","name":"N","value_type":"number"}])",
       "kpis[1].name: duplicate KPI name \"N\" (first declared at kpis[0]"},
      {R"([{"id":"a","value_type":"number"},{"id":"b","value_type":"number"},{"id":"c","value_type":"float"}])",
       "kpis[2].value_type: expected number, integer, percentage or boolean, got \"float\""},
      {R"([{"id":"a"}])", "kpis[0].value_type: required field is missing"},
      {R"([{"id":"a","value_type":"Number"}])", "kpis[0].value_type: expected number, integer"},
      {R"("aov")", "kpis: expected an array of KPI definitions or an object"},
      {R"({"name":"Shop"})", "kpis.kpis: required field is missing"},
      {R"({"kpis":"aov"})", "kpis.kpis: expected an array of KPI definitions"},
      {R"(["aov"])", "kpis[0]: expected an object"},
      {R"([{"id":7,"value_type":"number"}])", "kpis[0].id: expected a string"},
      {R"([{"id":"a","value_type":"number","required":"yes"}])", "kpis[0].required: expected a boolean"},
      {R"([{"id":"a","value_type":"number","sort_order":"1"}])", "kpis[0].sort_order: expected an integer"},
      {R"([{"id":"a","value_type":"number","sort_order":1.5}])", "kpis[0].sort_order: expected an integer"},
      {R"([{"id":"a","value_type":"number","unit":5}])", "kpis[0].unit: expected a string"},
  };
  for (const LoadErrorCase& c : cases) {
    SCOPED_TRACE(c.kpis);
    ExpectLoadError(Config(kPlainGoal, "LOWER_THAN", 40, 200, absl::StrCat(R"("kpis":)", c.kpis, ",")),
                    c.message_start);
  }
}

TEST(KpiDefinitions, SeparateDefinitionErrorsSaySo) {
  const std::string config =
      Config(kPlainGoal, "LOWER_THAN", 40, 200,
             R"("kpis":[{"id":"aov","name":"Average order value","value_type":"number"}],)");
  LoadOptions options;
  options.kpis_json = R"({"name":"Shop","kpis":[{"id":"x","value_type":"number"},{"id":"aov","value_type":"integer"}]})";
  ExpectLoadError(config,
                  "kpis[1].id: duplicate KPI id \"aov\" (first declared at kpis[0] of the config)"
                  " (in the separate KPI definitions)",
                  options);
  options.kpis_json = R"([{"id":"b","name":"Average order value","value_type":"number"}])";
  ExpectLoadError(config, "[0].name: duplicate KPI name \"Average order value\"", options);
  options.kpis_json = R"([{"id":"b","value_type":"float"}])";
  ExpectLoadError(config,
                  "[0].value_type: expected number, integer, percentage or boolean, got \"float\""
                  " (in the separate KPI definitions)",
                  options);
  options.kpis_json = "[{";
  ExpectLoadError(config, "(document): malformed JSON", options);
  options.kpis_json = R"("aov")";
  ExpectLoadError(config, "(document): expected an array of KPI definitions", options);

  // Alone, the same document reports its own paths without the suffix.
  auto alone = ParseKpiDefinitions(R"({"kpis":[{"id":"b","value_type":"float"}]})");
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.status().message(),
            "kpis[0].value_type: expected number, integer, percentage or boolean, got \"float\"");
}

TEST(KpiGoal, ResolvesByIdFirstThenByName) {
  // "signup" is named "aov_name_clash"; an id match wins over a name match.
  auto by_id = Load(WithKpis(R"({"kpi":"aov"})"));
  ASSERT_NE(by_id, nullptr);
  EXPECT_EQ(by_id->kpis()[by_id->groups()[0].rollback_kpi].id, "aov");
  auto by_name = Load(WithKpis(R"({"kpi":"Items per order"})"));
  ASSERT_NE(by_name, nullptr);
  EXPECT_EQ(by_name->kpis()[by_name->groups()[0].rollback_kpi].id, "items");
  auto clash = Load(WithKpis(R"({"kpi":"aov_name_clash"})"));
  ASSERT_NE(clash, nullptr);
  EXPECT_EQ(clash->kpis()[clash->groups()[0].rollback_kpi].id, "signup");
  // Without "id" or "label", the KPI as written keys the goal.
  EXPECT_EQ(by_name->groups()[0].rollback->goal_kpi, "Items per order");
  EXPECT_EQ(by_id->groups()[1].rollback_kpi, -1);  // no rollback at all
}

TEST(KpiGoal, UnknownKpiIsALoadErrorWithThePath) {
  ExpectLoadError(WithKpis(R"({"type":"transaction","kpi":"revenue"})"),
                  "campaigns[0].variation_groups[0].allocation_config.rollback_condition.goal.kpi: "
                  "unknown KPI \"revenue\"; expected the id or name of a KPI definition");
  ExpectLoadError(Config(R"({"kpi":"aov"})"),
                  "campaigns[0].variation_groups[0].allocation_config.rollback_condition.goal.kpi: "
                  "unknown KPI \"aov\"; the config declares no KPIs");
  ExpectLoadError(Config(R"({"kpi":3})"),
                  "campaigns[0].variation_groups[0].allocation_config.rollback_condition.goal.kpi: "
                  "expected a string");
  ExpectLoadError(Config(R"({"type":"transaction"})"),
                  "campaigns[0].variation_groups[0].allocation_config.rollback_condition.goal: "
                  "a goal needs an \"id\", a \"label\" or a \"kpi\"");
}

TEST(KpiRollback, MeanLatchesExactlyAtTheThresholdWithMinVisitors) {
  // LOWER_THAN 40 EUR per visitor, from 200 visitors.
  auto engine = MakeEngine(WithKpis(kAovGoal, "LOWER_THAN", 40, 200));
  ASSERT_NE(engine, nullptr);
  // A mean far below the threshold, but too few visitors.
  EXPECT_FALSE(*engine->UpdateKpiMetrics("g", "aov", 199, 199.0, kNow));
  // Exactly 40.00: not lower than 40.
  EXPECT_FALSE(*engine->UpdateKpiMetrics("g", "aov", 200, 8000.0, kNow));
  // The conversion form would read 100 * 7998 / 200 = 3999 %: the mean is
  // compared as is, so 39.99 trips.
  EXPECT_TRUE(*engine->UpdateKpiMetrics("g", "aov", 200, 7998.0, kNow));
  EXPECT_TRUE(*engine->IsRolledBack("g"));
  // Idempotent; better numbers do not lift the latch.
  const std::string before = engine->ExportState();
  EXPECT_TRUE(*engine->UpdateKpiMetrics("g", "aov", 200, 7998.0, kNow));
  EXPECT_EQ(engine->ExportState(), before);
  EXPECT_TRUE(*engine->UpdateKpiMetrics("g", "aov", 1000, 90000.0, kNow + absl::Hours(1)));
  const std::string after = engine->ExportState();
  EXPECT_NE(after.find(R"("rollback":{"goal":"order-value","kpi":"aov","kind":"mean","unit":"EUR",)"
                       R"("visitors":200,"sum":7998,"at":"2026-06-01T12:00:00+00:00"})"),
            std::string::npos)
      << after;
  EXPECT_NE(after.find(R"("visitors":1000,"sum":90000,"updated_at":"2026-06-01T13:00:00+00:00")"),
            std::string::npos)
      << after;
  VisitorContext ctx("visitor-1");
  DecisionList list;
  ASSERT_TRUE(engine->DecideAll(ctx, kNow, &list).ok());
  EXPECT_EQ(list[0].reason, DecisionReason::kRolledBack);

  // LOWER_THAN_OR_EQUALS trips at exactly 40; a negative mean (refunds)
  // compares as any other.
  auto inclusive = MakeEngine(WithKpis(kAovGoal, "LOWER_THAN_OR_EQUALS", 40, 200));
  ASSERT_NE(inclusive, nullptr);
  EXPECT_TRUE(*inclusive->UpdateKpiMetrics("g", "aov", 200, 8000.0, kNow));
  auto negative = MakeEngine(WithKpis(kAovGoal, "LOWER_THAN", -1, 0));
  ASSERT_NE(negative, nullptr);
  EXPECT_FALSE(*negative->UpdateKpiMetrics("g", "aov", 10, -10.0, kNow));
  EXPECT_TRUE(*negative->UpdateKpiMetrics("g", "aov", 10, -10.5, kNow));
}

TEST(KpiRollback, IntegerKpiNeedsAWholeSum) {
  auto engine = MakeEngine(WithKpis(R"({"kpi":"items"})", "LOWER_THAN", 2, 10));
  ASSERT_NE(engine, nullptr);
  absl::StatusOr<bool> half = engine->UpdateKpiMetrics("g", "items", 10, 25.5, kNow);
  EXPECT_EQ(half.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(half.status().message().find("integer KPI"), std::string::npos) << half.status();
  EXPECT_EQ(engine->UpdateKpiMetrics("g", "items", 10, 1e17, kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine->ExportState(), "{\"allot_state\":1,\"campaigns\":[],\"groups\":[]}\n");
  // 19 items over 10 visitors: 1.9 per visitor < 2.
  EXPECT_TRUE(*engine->UpdateKpiMetrics("g", "items", 10, 19.0, kNow));
}

TEST(KpiRollback, BadFeedsAreErrorsAndChangeNothing) {
  auto engine = MakeEngine(WithKpis(kAovGoal));
  ASSERT_NE(engine, nullptr);
  const std::string before = engine->ExportState();
  auto code = [](const absl::StatusOr<bool>& r) { return r.status().code(); };
  EXPECT_EQ(code(engine->UpdateKpiMetrics("nope", "aov", 10, 1.0, kNow)),
            absl::StatusCode::kNotFound);
  absl::StatusOr<bool> plain = engine->UpdateKpiMetrics("plain", "aov", 10, 1.0, kNow);
  EXPECT_EQ(code(plain), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(plain.status().message().find("has no rollback_condition"), std::string::npos);
  absl::StatusOr<bool> other = engine->UpdateKpiMetrics("g", "items", 10, 1.0, kNow);
  EXPECT_EQ(code(other), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(other.status().message().find("watches KPI \"aov\", not \"items\""),
            std::string::npos)
      << other.status();
  EXPECT_EQ(code(engine->UpdateKpiMetrics("g", "aov", -1, 1.0, kNow)),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(engine->UpdateKpiMetrics("g", "aov", 10, std::nan(""), kNow)),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(engine->UpdateKpiMetrics("g", "aov", 10,
                                          std::numeric_limits<double>::infinity(), kNow)),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine->ExportState(), before);
}

TEST(KpiRollback, WrongKindIsRefusedBothWays) {
  // A mean KPI through UpdateGoalMetrics, by goal key or by KPI id.
  auto mean = MakeEngine(WithKpis(kAovGoal));
  ASSERT_NE(mean, nullptr);
  for (const char* key : {"order-value", "aov"}) {
    absl::StatusOr<bool> r = mean->UpdateGoalMetrics("g", key, 200, 10, kNow);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_NE(r.status().message().find("feed it with UpdateKpiMetrics"), std::string::npos)
        << r.status();
  }
  // A conversion KPI through UpdateKpiMetrics.
  auto rate = MakeEngine(WithKpis(R"({"id":"co","kpi":"checkout_rate"})", "LOWER_THAN", 2.5, 100));
  ASSERT_NE(rate, nullptr);
  absl::StatusOr<bool> r = rate->UpdateKpiMetrics("g", "checkout_rate", 1000, 10.0, kNow);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("percentage KPI"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("feed it with UpdateGoalMetrics"), std::string::npos);
  // ... which takes it as a conversion rate, by goal key or KPI id.
  EXPECT_FALSE(*rate->UpdateGoalMetrics("g", "co", 1000, 30, kNow));
  EXPECT_TRUE(*rate->UpdateGoalMetrics("g", "checkout_rate", 1000, 20, kNow));
  EXPECT_NE(rate->ExportState().find(
                R"("rollback":{"goal":"co","kpi":"checkout_rate","kind":"conversion","unit":"%",)"
                R"("visitors":1000,"conversions":20,"at":)"),
            std::string::npos)
      << rate->ExportState();
  // A plain goal through UpdateKpiMetrics.
  auto plain = MakeEngine(WithKpis(kPlainGoal));
  ASSERT_NE(plain, nullptr);
  r = plain->UpdateKpiMetrics("g", "aov", 10, 1.0, kNow);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("names no KPI"), std::string::npos) << r.status();
}

TEST(KpiRollback, DeadlineClosesKpiFeeds) {
  auto engine = MakeEngine(WithKpis(kAovGoal, "LOWER_THAN", 40, 0, R"("deadline":"2026-06-30",)"));
  ASSERT_NE(engine, nullptr);
  EXPECT_FALSE(*engine->UpdateKpiMetrics("g", "aov", 10, 500.0, At("2026-06-30T23:59:59Z")));
  absl::StatusOr<bool> closed =
      engine->UpdateKpiMetrics("g", "aov", 10, 1.0, At("2026-07-01T00:00:00Z"));
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(closed.status().message().find("deadline 2026-06-30"), std::string::npos)
      << closed.status();
  EXPECT_FALSE(*engine->IsRolledBack("g"));
}

TEST(KpiState, RoundTripsExactlyWithKpiMembers) {
  const std::string config = WithKpis(kAovGoal, "LOWER_THAN", 40, 0);
  auto engine = MakeEngine(config);
  ASSERT_NE(engine, nullptr);
  // A sum that needs all 17 significant digits to read back.
  const double sum = 0.1 + 0.2 + 3999.0;
  ASSERT_TRUE(*engine->UpdateKpiMetrics("g", "aov", 101, sum,
                                        At("2026-06-01T12:34:56.123456789Z")));
  const std::string exported = engine->ExportState();
  auto restored = MakeEngine(config);
  ASSERT_NE(restored, nullptr);
  ASSERT_TRUE(restored->ImportState(exported).ok());
  EXPECT_EQ(restored->ExportState(), exported);
  EXPECT_TRUE(*restored->IsRolledBack("g"));
  absl::StatusOr<GroupRuntime> metrics = restored->GroupMetrics("g");
  ASSERT_TRUE(metrics.ok());
  ASSERT_TRUE(metrics->metrics.has_value());
  EXPECT_EQ(metrics->metrics->sum, sum);
  EXPECT_EQ(metrics->metrics->kind, TotalsKind::kMean);
  EXPECT_EQ(metrics->metrics->unit, "EUR");
  EXPECT_DOUBLE_EQ(TotalsValue(*metrics->metrics), sum / 101);
  EXPECT_FALSE(restored->GroupMetrics("plain")->metrics.has_value());
  EXPECT_EQ(restored->GroupMetrics("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST(KpiState, OldDocumentsStillImport) {
  auto engine = MakeEngine(WithKpis(kPlainGoal, "LOWER_THAN", 2.5, 0));
  ASSERT_NE(engine, nullptr);
  const std::string old =
      "{\"allot_state\":1,\"campaigns\":[],\"groups\":[\n"
      "{\"id\":\"g\",\"metrics\":{\"goal\":\"checkout\",\"visitors\":100,\"conversions\":1,"
      "\"updated_at\":\"2026-06-01T12:00:00+00:00\"},\"rollback\":{\"goal\":\"checkout\","
      "\"visitors\":100,\"conversions\":1,\"at\":\"2026-06-01T12:00:00+00:00\"}}]}\n";
  ASSERT_TRUE(engine->ImportState(old).ok());
  EXPECT_EQ(engine->ExportState(), old);
  EXPECT_TRUE(*engine->IsRolledBack("g"));
  EXPECT_EQ(engine->GroupMetrics("g")->rollback->kind, TotalsKind::kConversion);
  EXPECT_TRUE(engine->GroupMetrics("g")->rollback->kpi.empty());
}

TEST(KpiState, BadKpiMembersAreRejectedWithThePath) {
  auto engine = MakeEngine(WithKpis(kAovGoal));
  ASSERT_NE(engine, nullptr);
  const std::string before = engine->ExportState();
  const auto doc = [](const std::string& totals) {
    return absl::StrCat(R"({"allot_state":1,"groups":[{"id":"g","metrics":{"goal":"order-value",)",
                        totals, R"(,"updated_at":"2026-01-01T00:00:00Z"}}]})");
  };
  const std::pair<std::string, std::string> cases[] = {
      {R"("kpi":"aov","kind":"average","visitors":1,"sum":2)",
       "groups[0].metrics.kind: expected \"mean\" or \"conversion\", got \"average\""},
      {R"("kpi":"aov","visitors":1,"conversions":0)", "groups[0].metrics.kpi: only with \"kind\""},
      {R"("visitors":1,"sum":2)", "groups[0].metrics.sum: only with \"kind\""},
      {R"("kind":"mean","visitors":1,"sum":2)", "groups[0].metrics.kpi: required field is missing"},
      {R"("kpi":"","kind":"mean","visitors":1,"sum":2)", "groups[0].metrics.kpi: must not be empty"},
      {R"("kpi":"aov","kind":"mean","visitors":1)", "groups[0].metrics.sum: required field is missing"},
      {R"("kpi":"aov","kind":"mean","visitors":1,"sum":"2")", "groups[0].metrics.sum: expected a number"},
      {R"("kpi":"aov","kind":"mean","visitors":1,"sum":2,"conversions":1)",
       "groups[0].metrics.conversions: not with \"kind\": \"mean\""},
      {R"("kpi":"aov","kind":"conversion","visitors":1,"conversions":0,"sum":2)",
       "groups[0].metrics.sum: not with \"kind\": \"conversion\""},
      {R"("kpi":"aov","kind":"mean","unit":3,"visitors":1,"sum":2)", "groups[0].metrics.unit: expected a string"},
      {R"("kpi":"aov","kind":"mean","visitors":-1,"sum":2)", "groups[0].metrics: visitors must be >= 0"},
      {R"("kpi":"aov","kind":7,"visitors":1,"sum":2)", "groups[0].metrics.kind: expected a string"},
  };
  for (const auto& [totals, message_start] : cases) {
    SCOPED_TRACE(totals);
    absl::Status s = engine->ImportState(doc(totals));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message().substr(0, message_start.size()), message_start) << s.message();
    EXPECT_EQ(engine->ExportState(), before);
  }
  // The same members, well formed, import.
  EXPECT_TRUE(engine->ImportState(doc(R"("kpi":"aov","kind":"mean","unit":"EUR","visitors":1,"sum":-2.5)")).ok());
}

TEST(KpiDefinitions, ConfigWithoutKpisIsUnchanged) {
  const std::string plain = Config(kPlainGoal, "LOWER_THAN", 2.5, 0);
  auto config = Load(plain);
  ASSERT_NE(config, nullptr);
  EXPECT_TRUE(config->kpis().empty());
  EXPECT_EQ(config->groups()[0].rollback_kpi, -1);
  // An empty list declares nothing: same content, same fingerprints.
  auto empty = Load(Config(kPlainGoal, "LOWER_THAN", 2.5, 0, R"("kpis":[],)"));
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->content_fingerprint(), config->content_fingerprint());
  EXPECT_EQ(empty->campaigns()[0].assignment_fingerprint,
            config->campaigns()[0].assignment_fingerprint);
  // Declared KPIs are content (a reload must install them) but do not
  // change who gets what unless a goal names one.
  auto declared = Load(WithKpis(kPlainGoal, "LOWER_THAN", 2.5, 0));
  ASSERT_NE(declared, nullptr);
  EXPECT_NE(declared->content_fingerprint(), config->content_fingerprint());
  EXPECT_EQ(declared->campaigns()[0].assignment_fingerprint,
            config->campaigns()[0].assignment_fingerprint);
  // Plain goals feed and export exactly as before.
  auto engine = MakeEngine(plain);
  ASSERT_NE(engine, nullptr);
  EXPECT_TRUE(*engine->UpdateGoalMetrics("g", "checkout", 100, 1, kNow));
  EXPECT_EQ(engine->ExportState(),
            "{\"allot_state\":1,\"campaigns\":[],\"groups\":[\n"
            "{\"id\":\"g\",\"metrics\":{\"goal\":\"checkout\",\"visitors\":100,\"conversions\":1,"
            "\"updated_at\":\"2026-06-01T12:00:00+00:00\"},\"rollback\":{\"goal\":\"checkout\","
            "\"visitors\":100,\"conversions\":1,\"at\":\"2026-06-01T12:00:00+00:00\"}}]}\n");
}

TEST(KpiDefinitions, ChangedUnitIsInstalledByAReload) {
  auto engine = MakeEngine(WithKpis(kAovGoal));
  ASSERT_NE(engine, nullptr);
  std::string next = WithKpis(kAovGoal);
  next.replace(next.find("\"EUR\""), 5, "\"USD\"");
  absl::StatusOr<ReloadReport> report = engine->Reload(next);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->identical);
  EXPECT_EQ(engine->config()->kpis()[0].unit, "USD");
}

}  // namespace
}  // namespace allot
