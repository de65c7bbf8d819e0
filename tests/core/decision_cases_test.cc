// Runs the language-neutral cases of tests/testdata/decision_cases.json (the
// Python tests run the same file through the bindings).
#include <string>

#include "core/compiled_config.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

std::string Str(simdjson::dom::element e) { return std::string(e.get_string().value()); }

std::string IdOrEmpty(simdjson::dom::element e) {
  if (e.is_null()) return "";
  return std::string(std::string_view(e));
}

TEST(DecisionCases, AllSuitesMatch) {
  const std::string text = testing::TestData("decision_cases.json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(text);
  size_t checked = 0;
  for (simdjson::dom::element suite : doc.get_array()) {
    const std::string name = Str(suite["name"]);
    SCOPED_TRACE(name);
    LoadOptions options;
    options.bucketing = *ParseBucketingChoice(Str(suite["bucketing"]));
    auto config = LoadConfig(simdjson::minify(suite["config"]), options);
    ASSERT_TRUE(config.ok()) << config.status();
    for (simdjson::dom::element c : suite["cases"].get_array()) {
      VisitorContext ctx(Str(c["visitor"]));
      for (auto field : c["context"].get_object()) {
        switch (field.value.type()) {
          case simdjson::dom::element_type::STRING:
            ctx.Set(field.key, std::string_view(field.value));
            break;
          case simdjson::dom::element_type::BOOL:
            ctx.Set(field.key, bool(field.value));
            break;
          default:
            ctx.Set(field.key, double(field.value));
        }
      }
      DecisionList list;
      ASSERT_TRUE(
          (*config)->DecideAll(ctx, testing::At(Str(c["at"])), &list)
              .ok());
      simdjson::dom::array expected = c["decisions"].get_array();
      ASSERT_EQ(list.size(), expected.size());
      size_t i = 0;
      for (simdjson::dom::element e : expected) {
        SCOPED_TRACE(Str(c["visitor"]) + " / " +
                     std::string(list.campaign_id(i)));
        EXPECT_EQ(list.campaign_id(i), IdOrEmpty(e["campaign_id"]));
        EXPECT_EQ(list.group_id(i), IdOrEmpty(e["variation_group_id"]));
        EXPECT_EQ(list.variation_id(i), IdOrEmpty(e["variation_id"]));
        EXPECT_EQ(DecisionReasonName(list[i].reason), IdOrEmpty(e["reason"]));
        ++i;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 40u);
}

}  // namespace
}  // namespace allot
