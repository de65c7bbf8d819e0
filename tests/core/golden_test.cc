// Golden decisions: a fixed config and 1,000 visitors against a checked-in
// expected output (tests/testdata/golden/expected.jsonl). Do not regenerate
// the expected file to make this pass: a difference is a change of behaviour
// that moves live visitors, and must be deliberate.
#include <sstream>
#include <string>
#include <vector>

#include "core/compiled_config.h"
#include "core/json_text.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "tests/core/test_util.h"

namespace allot {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string IdOrEmpty(simdjson::dom::element e) {
  return e.is_null() ? "" : std::string(e.get_string().value());
}

TEST(Golden, ThousandVisitorsMatchCheckedInDecisions) {
  auto config = LoadConfig(testing::TestData("golden/config.json"));
  ASSERT_TRUE(config.ok()) << config.status();
  const std::vector<std::string> visitors = Lines(testing::TestData("golden/visitors.jsonl"));
  const std::vector<std::string> expected = Lines(testing::TestData("golden/expected.jsonl"));
  ASSERT_EQ(visitors.size(), 1000u);
  ASSERT_EQ(expected.size(), visitors.size());
  const absl::Time at = testing::At("2026-06-01T12:00:00Z");
  VisitorParser parser;
  VisitorContext ctx;
  DecisionList list;
  std::vector<ResolvedFlag> flags;
  simdjson::dom::parser json;
  int mismatches = 0;
  for (size_t n = 0; n < visitors.size(); ++n) {
    ASSERT_TRUE(parser.Parse(visitors[n], &ctx).ok()) << visitors[n];
    ASSERT_TRUE((*config)->DecideAll(ctx, at, &list).ok());
    (*config)->ResolveFlags(list, &flags);
    simdjson::dom::element want = json.parse(expected[n]);
    ASSERT_EQ(std::string(want["id"].get_string().value()), ctx.visitor_id());
    size_t i = 0;
    for (simdjson::dom::element d : want["decisions"].get_array()) {
      ASSERT_LT(i, list.size());
      const bool same = list.campaign_id(i) == IdOrEmpty(d["campaign_id"]) &&
                        list.group_id(i) == IdOrEmpty(d["variation_group_id"]) &&
                        list.variation_id(i) == IdOrEmpty(d["variation_id"]) &&
                        DecisionReasonName(list[i].reason) == IdOrEmpty(d["reason"]);
      if (!same && ++mismatches <= 10) {
        ADD_FAILURE() << "line " << n + 1 << " campaign " << list.campaign_id(i) << ": got "
                      << list.variation_id(i) << "/" << DecisionReasonName(list[i].reason)
                      << ", expected " << simdjson::minify(d);
      }
      ++i;
    }
    EXPECT_EQ(i, list.size());
    simdjson::dom::object want_flags = want["flags"].get_object();
    EXPECT_EQ(want_flags.size(), flags.size()) << "line " << n + 1;
    for (const ResolvedFlag& f : flags) {
      simdjson::dom::element v;
      ASSERT_EQ(want_flags.at_key(f.key).get(v), simdjson::SUCCESS) << f.key;
      EXPECT_EQ(simdjson::minify(v), f.json_value) << "line " << n + 1;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace allot
