// End-to-end parity of `bucketing: flagship` with Flagship's JS SDK 5.2.0
// (flagship-compat.md): the example bucketing file decided for 2,400
// visitors must give exactly the decisions and flags that the independent
// reference implementation (tests/flagship/reference.py) worked out from the
// specification and checked in as examples/flagship/expected.jsonl, with
// each flag's campaign, group, variation and reference bit as in
// tests/flagship/expected_flag_sources.jsonl.
#include <algorithm>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_replace.h"
#include "core/compiled_config.h"
#include "core/json_text.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "test_util.h"

namespace allot {
namespace {

using testing::At;
using testing::ReadTestFile;

struct ExpectedDecision {
  std::string campaign;
  std::string group;      // "" for null
  std::string variation;  // "" for null
  std::string reason;
};

struct ExpectedFlag {
  std::string key;
  std::string json_value;  // minified
  std::string campaign;    // from the flag sources file
  bool reference = false;
};

struct ExpectedVisitor {
  std::string line;  // the visitor's input line
  std::string id;
  std::vector<ExpectedDecision> decisions;
  std::vector<ExpectedFlag> flags;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::string StringOrEmpty(simdjson::dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return "";
  return std::string(s);
}

class FlagshipParity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = ALLOT_EXAMPLES_DIR "/flagship/";
    config_text_ = new std::string(ReadTestFile(dir + "bucketing.json"));
    visitors_ = new std::vector<ExpectedVisitor>();
    const std::vector<std::string> inputs =
        Lines(ReadTestFile(dir + "visitors.jsonl"));
    const std::vector<std::string> expected =
        Lines(ReadTestFile(dir + "expected.jsonl"));
    const std::vector<std::string> sources = Lines(ReadTestFile(
        ALLOT_EXAMPLES_DIR "/../tests/flagship/expected_flag_sources.jsonl"));
    ASSERT_EQ(inputs.size(), expected.size());
    ASSERT_EQ(inputs.size(), sources.size());
    simdjson::dom::parser parser;
    for (size_t i = 0; i < inputs.size(); ++i) {
      ExpectedVisitor& v = visitors_->emplace_back();
      v.line = inputs[i];
      simdjson::dom::element doc;
      ASSERT_EQ(parser.parse(expected[i]).get(doc), simdjson::SUCCESS) << i;
      v.id = StringOrEmpty(doc["id"]);
      for (simdjson::dom::element d : doc["decisions"].get_array()) {
        v.decisions.push_back({StringOrEmpty(d["campaign_id"]),
                               StringOrEmpty(d["variation_group_id"]),
                               StringOrEmpty(d["variation_id"]),
                               StringOrEmpty(d["reason"])});
      }
      for (auto field : doc["flags"].get_object()) {
        v.flags.push_back(
            {std::string(field.key), simdjson::minify(field.value), "", false});
      }
      ASSERT_EQ(parser.parse(sources[i]).get(doc), simdjson::SUCCESS) << i;
      ASSERT_EQ(StringOrEmpty(doc["id"]), v.id) << i;
      size_t k = 0;
      for (auto field : doc["flags"].get_object()) {
        ASSERT_LT(k, v.flags.size()) << v.id;
        ASSERT_EQ(field.key, v.flags[k].key) << v.id;
        v.flags[k].campaign = StringOrEmpty(field.value.at(0));
        v.flags[k].reference = bool(field.value.at(1));
        ++k;
      }
      ASSERT_EQ(k, v.flags.size()) << v.id;
    }
  }

  static void TearDownTestSuite() {
    delete config_text_;
    delete visitors_;
  }

  static std::shared_ptr<const CompiledConfig> Load(
      const std::string& text, LoadOptions options = LoadOptions()) {
    auto config = LoadConfig(text, options);
    EXPECT_TRUE(config.ok()) << config.status();
    return config.ok() ? *config : nullptr;
  }

  static void Parse(const ExpectedVisitor& v, VisitorContext* ctx) {
    VisitorParser parser;
    ASSERT_TRUE(parser.Parse(v.line, ctx).ok()) << v.line;
  }

  static absl::Time Now() { return At("2026-01-01T00:00:00Z"); }

  static std::string* config_text_;
  static std::vector<ExpectedVisitor>* visitors_;
};

std::string* FlagshipParity::config_text_ = nullptr;
std::vector<ExpectedVisitor>* FlagshipParity::visitors_ = nullptr;

TEST_F(FlagshipParity, BucketingFileIsDetectedAndHashedTheFlagshipWay) {
  auto config = Load(*config_text_);
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->format(), ConfigFormat::kBucketingFile);
  EXPECT_EQ(config->bucketing(), BucketingMode::kFlagship);
  EXPECT_TRUE(config->single_assignment());
  EXPECT_FALSE(config->panic());
  EXPECT_EQ(config->campaigns().size(), 14u);
  LoadOptions explicit_flagship;
  explicit_flagship.bucketing = BucketingChoice::kFlagship;
  auto same = Load(*config_text_, explicit_flagship);
  ASSERT_NE(same, nullptr);
  EXPECT_EQ(same->bucketing(), BucketingMode::kFlagship);
}

TEST_F(FlagshipParity, EveryVisitorGetsTheReferenceDecisionsAndFlags) {
  auto config = Load(*config_text_);
  ASSERT_NE(config, nullptr);
  ASSERT_GE(visitors_->size(), 2000u);
  VisitorContext ctx;
  DecisionList list;
  std::vector<ResolvedFlag> flags;
  int failures = 0;
  for (const ExpectedVisitor& v : *visitors_) {
    Parse(v, &ctx);
    ASSERT_EQ(ctx.visitor_id(), v.id);
    ASSERT_TRUE(config->DecideAll(ctx, Now(), &list).ok());
    ASSERT_EQ(list.size(), v.decisions.size());
    bool same = true;
    for (size_t i = 0; i < list.size(); ++i) {
      const ExpectedDecision& e = v.decisions[i];
      same &= list.campaign_id(i) == e.campaign &&
              list.group_id(i) == e.group &&
              list.variation_id(i) == e.variation &&
              DecisionReasonName(list[i].reason) == e.reason;
      if (!same) {
        ADD_FAILURE() << v.id << ": campaign " << e.campaign << " expected "
                      << e.reason << " " << e.group << " " << e.variation
                      << ", got " << DecisionReasonName(list[i].reason) << " "
                      << list.group_id(i) << " " << list.variation_id(i);
        break;
      }
    }
    config->ResolveFlags(list, &flags);
    bool same_flags = flags.size() == v.flags.size();
    for (size_t k = 0; same_flags && k < flags.size(); ++k) {
      same_flags = flags[k].key == v.flags[k].key &&
                   flags[k].json_value == v.flags[k].json_value;
    }
    if (!same_flags) ADD_FAILURE() << v.id << ": flags differ";
    if ((!same || !same_flags) && ++failures >= 10) {
      FAIL() << "stopping after 10 visitors";
    }
  }
}

// Each merged flag names the campaign that set it last, that campaign's
// group and variation for this visitor, and whether the variation is its
// group's reference.
TEST_F(FlagshipParity, FlagsCarryCampaignGroupVariationAndReference) {
  auto config = Load(*config_text_);
  ASSERT_NE(config, nullptr);
  VisitorContext ctx;
  DecisionList list;
  std::vector<ResolvedFlag> flags;
  size_t overridden = 0, checked = 0;
  for (const ExpectedVisitor& v : *visitors_) {
    Parse(v, &ctx);
    ASSERT_TRUE(config->DecideAll(ctx, Now(), &list).ok());
    config->ResolveFlags(list, &flags);
    ASSERT_EQ(flags.size(), v.flags.size()) << v.id;
    for (size_t k = 0; k < flags.size(); ++k) {
      const ResolvedFlag& f = flags[k];
      const ExpectedFlag& e = v.flags[k];
      ASSERT_GE(f.campaign, 0);
      ASSERT_GE(f.group, 0);
      ASSERT_GE(f.variation, 0);
      const auto it = std::find_if(
          v.decisions.begin(), v.decisions.end(),
          [&](const ExpectedDecision& d) { return d.campaign == e.campaign; });
      ASSERT_NE(it, v.decisions.end()) << v.id << " " << e.key;
      EXPECT_EQ(config->campaigns()[f.campaign].id, e.campaign)
          << v.id << " " << e.key;
      EXPECT_EQ(config->groups()[f.group].id, it->group)
          << v.id << " " << e.key;
      EXPECT_EQ(config->variations()[f.variation].id, it->variation)
          << v.id << " " << e.key;
      EXPECT_EQ(f.reference, e.reference) << v.id << " " << e.key;
      ++checked;
      // A key set by an earlier allocated campaign too was overridden.
      for (auto d = v.decisions.begin(); d != it; ++d) {
        if (d->reason != "allocated") continue;
        const int32_t c = config->FindCampaign(d->campaign);
        const CompiledConfig::Campaign& camp = config->campaigns()[c];
        for (int32_t g = camp.first_group;
             g < camp.first_group + camp.num_groups; ++g) {
          const CompiledConfig::Group& grp = config->groups()[g];
          for (int32_t x = grp.first_variation;
               x < grp.first_variation + grp.num_variations; ++x) {
            if (config->variations()[x].id != d->variation) continue;
            for (const FlagSpec& fs : config->variations()[x].flags) {
              overridden += fs.key == e.key;
            }
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 10000u);
  EXPECT_GT(overridden, 20u);  // hero_color set by two campaigns
}

// Decide(campaign) must agree with DecideAll, including single assignment,
// which makes an `ab` campaign depend on the earlier ones.
TEST_F(FlagshipParity, DecidingOneCampaignAgreesWithTheReference) {
  auto config = Load(*config_text_);
  ASSERT_NE(config, nullptr);
  VisitorContext ctx;
  for (size_t n = 0; n < 400 && n < visitors_->size(); ++n) {
    const ExpectedVisitor& v = (*visitors_)[n];
    Parse(v, &ctx);
    for (const ExpectedDecision& e : v.decisions) {
      Decision d;
      ASSERT_TRUE(config->Decide(e.campaign, ctx, Now(), &d).ok());
      ASSERT_EQ(DecisionReasonName(d.reason), e.reason)
          << v.id << " " << e.campaign;
      const std::string variation =
          d.variation >= 0 ? config->variations()[d.variation].id : "";
      ASSERT_EQ(variation, e.variation) << v.id << " " << e.campaign;
    }
  }
}

// The data set reaches what it claims to cover.
TEST_F(FlagshipParity, ExpectedDecisionsCoverEveryReasonAndKindOfId) {
  std::vector<std::string> reasons;
  size_t non_ascii = 0, astral = 0;
  for (const ExpectedVisitor& v : *visitors_) {
    for (const ExpectedDecision& d : v.decisions) reasons.push_back(d.reason);
    const bool has_high = std::any_of(v.id.begin(), v.id.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x80;
    });
    const bool has_astral = std::any_of(v.id.begin(), v.id.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0xF0;
    });
    non_ascii += has_high && !has_astral;
    astral += has_astral;
  }
  for (const char* r : {"allocated", "not_targeted", "not_allocated",
                        "outside_bucket_range", "single_assignment"}) {
    EXPECT_GT(std::count(reasons.begin(), reasons.end(), r), 50) << r;
  }
  EXPECT_GT(non_ascii, 100u);
  EXPECT_GT(astral, 100u);
}

// `--bucketing xxh3` on a bucketing file loads and re-randomizes everyone:
// the same targeting, but other buckets.
TEST_F(FlagshipParity, Xxh3OnABucketingFileReRandomizes) {
  LoadOptions options;
  options.bucketing = BucketingChoice::kXxh3;
  auto config = Load(*config_text_, options);
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->format(), ConfigFormat::kBucketingFile);
  EXPECT_EQ(config->bucketing(), BucketingMode::kXxh3);
  VisitorContext ctx;
  DecisionList list;
  size_t both_allocated = 0, moved = 0, differing_visitors = 0;
  for (const ExpectedVisitor& v : *visitors_) {
    Parse(v, &ctx);
    ASSERT_TRUE(config->DecideAll(ctx, Now(), &list).ok());
    bool differs = false;
    for (size_t i = 0; i < list.size(); ++i) {
      const ExpectedDecision& e = v.decisions[i];
      const bool allocated = list[i].reason == DecisionReason::kAllocated;
      differs |= list.variation_id(i) != e.variation;
      if (allocated && e.reason == "allocated" && list.group_id(i) == e.group) {
        ++both_allocated;
        moved += list.variation_id(i) != e.variation;
      }
    }
    differing_visitors += differs;
  }
  ASSERT_GT(both_allocated, 1000u);
  // Groups with 2+ variations reshuffle about half their visitors.
  EXPECT_GT(moved * 5, both_allocated);
  EXPECT_GT(differing_visitors * 2, visitors_->size());
}

TEST_F(FlagshipParity, PanicGivesNoCampaignToAnyone) {
  const std::string panic = absl::StrReplaceAll(
      *config_text_, {{"\"panic\": false", "\"panic\": true"}});
  ASSERT_NE(panic, *config_text_);
  auto config = Load(panic);
  ASSERT_NE(config, nullptr);
  EXPECT_TRUE(config->panic());
  VisitorContext ctx;
  DecisionList list;
  std::vector<ResolvedFlag> flags;
  for (size_t n = 0; n < 200; ++n) {
    Parse((*visitors_)[n], &ctx);
    ASSERT_TRUE(config->DecideAll(ctx, Now(), &list).ok());
    ASSERT_EQ(list.size(), 14u);
    for (const Decision& d : list) {
      EXPECT_EQ(d.reason, DecisionReason::kPanic);
      EXPECT_LT(d.variation, 0);
    }
    config->ResolveFlags(list, &flags);
    EXPECT_TRUE(flags.empty());
  }
}

// Without enabled1V1T, only the `ab` campaigns that single assignment
// skipped change; every other decision stays as it was.
TEST_F(FlagshipParity, SingleAssignmentOnlySkipsLaterAbCampaigns) {
  const std::string off = absl::StrReplaceAll(
      *config_text_, {{"\"enabled1V1T\": true", "\"enabled1V1T\": false"}});
  ASSERT_NE(off, *config_text_);
  auto config = Load(off);
  ASSERT_NE(config, nullptr);
  EXPECT_FALSE(config->single_assignment());
  VisitorContext ctx;
  DecisionList list;
  size_t released = 0;
  for (const ExpectedVisitor& v : *visitors_) {
    Parse(v, &ctx);
    ASSERT_TRUE(config->DecideAll(ctx, Now(), &list).ok());
    size_t ab_allocated = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      const ExpectedDecision& e = v.decisions[i];
      ASSERT_NE(list[i].reason, DecisionReason::kSingleAssignment);
      const bool is_ab = config->campaigns()[i].type == "ab";
      if (e.reason == "single_assignment") {
        ASSERT_TRUE(is_ab) << v.id << " " << e.campaign;
        released += list[i].reason == DecisionReason::kAllocated;
      } else {
        EXPECT_EQ(DecisionReasonName(list[i].reason), e.reason)
            << v.id << " " << e.campaign;
        EXPECT_EQ(list.variation_id(i), e.variation)
            << v.id << " " << e.campaign;
      }
      if (is_ab && e.reason == "allocated") ++ab_allocated;
    }
    EXPECT_LE(ab_allocated, 1u) << v.id;  // with 1V1T on: at most one
  }
  EXPECT_GT(released, 100u);
}

}  // namespace
}  // namespace allot
