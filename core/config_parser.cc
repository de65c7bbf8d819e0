#include "core/config_parser.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "core/internal/config_limits.h"
#include "core/internal/json_reader.h"
#include "core/internal/kpi_reader.h"
#include "core/internal/spec_readers.h"
#include "simdjson.h"

namespace allot {
namespace {

using internal::ObjectReader;
using internal::MalformedJsonError;

absl::Status ReadCampaignList(const ObjectReader& in, std::string_view key,
                              const internal::FormatKeys& keys,
                              ConfigSpec* out) {
  internal::array items;
  bool present = false;
  absl::Status s = in.Array(key, &items, &present, /*required=*/true);
  if (!s.ok()) return s;
  out->campaigns.reserve(items.size());
  return internal::ForEachObjectIn(
      items, in.PathOf(key), [&](const ObjectReader& r, size_t) {
        return internal::ReadCampaign(r, keys, &out->campaigns.emplace_back());
      });
}

absl::Status ReadDocuments(const ObjectReader& root, ConfigSpec* out) {
  out->format = ConfigFormat::kCampaignDocuments;
  // DESIGN §14: KPI definitions sit at the top level of every document
  // shape (a lone campaign ignores unknown fields, so it may carry them too).
  if (std::optional<internal::element> kpis = root.Get("kpis")) {
    if (absl::Status s =
            internal::ReadKpiList(*kpis, root.PathOf("kpis"), &out->kpis);
        !s.ok()) {
      return s;
    }
  }
  if (root.Has("items")) {
    return ReadCampaignList(root, "items", internal::kDocumentKeys, out);
  }
  if (!root.Has("campaigns")) {
    return internal::ReadCampaign(root, internal::kDocumentKeys,
                                  &out->campaigns.emplace_back());
  }
  std::optional<ObjectReader> settings;
  absl::Status s = root.Object("settings", &settings);
  if (s.ok() && settings) {
    s = settings->String("bucketing", &out->settings.bucketing);
    out->settings.bucketing_path = settings->PathOf("bucketing");
    if (s.ok()) {
      s = settings->Bool("single_assignment", &out->settings.single_assignment);
    }
    if (s.ok()) s = settings->Bool("panic", &out->settings.panic);
    if (s.ok()) s = internal::ReadStructureSettings(*settings, &out->settings);
  }
  if (!s.ok()) return s;
  return ReadCampaignList(root, "campaigns", internal::kDocumentKeys, out);
}

absl::Status ReadBucketingFile(const ObjectReader& root, ConfigSpec* out) {
  out->format = ConfigFormat::kBucketingFile;
  absl::Status s = root.Bool("panic", &out->settings.panic);
  if (!s.ok()) return s;
  std::optional<ObjectReader> account;
  if (s = root.Object("accountSettings", &account); !s.ok()) return s;
  if (account) {
    s = account->Bool("enabled1V1T", &out->settings.single_assignment);
    if (!s.ok()) return s;
  }
  if (out->settings.panic && !root.Has("campaigns")) return absl::OkStatus();
  return ReadCampaignList(root, "campaigns", internal::kBucketingKeys, out);
}

bool LooksLikeBucketingFile(const ObjectReader& root) {
  if (root.Has("accountSettings") || root.Has("panic")) return true;
  std::optional<internal::element> campaigns = root.Get("campaigns");
  internal::array list;
  if (!campaigns || campaigns->get_array().get(list) != simdjson::SUCCESS) {
    return false;
  }
  for (internal::element c : list) {
    internal::object obj;
    if (c.get_object().get(obj) != simdjson::SUCCESS) return false;
    internal::element unused;
    return obj.at_key("variationGroups").get(unused) == simdjson::SUCCESS;
  }
  return false;
}

}  // namespace

absl::StatusOr<ConfigSpec> ParseConfigJson(std::string_view json,
                                           const ParseOptions& options) {
  simdjson::padded_string text(json);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (simdjson::error_code e = parser.parse(text).get(doc)) {
    return MalformedJsonError(text, e);
  }
  if (absl::Status s = internal::CheckConfigLimits(doc); !s.ok()) return s;
  std::optional<ObjectReader> root;
  if (absl::Status s = ObjectReader::Make(doc, "", &root); !s.ok()) return s;

  ConfigSpec spec;
  ConfigFormat format;
  if (options.format) {
    format = *options.format;
  } else if (LooksLikeBucketingFile(*root)) {
    format = ConfigFormat::kBucketingFile;
  } else if (root->Has("items") || root->Has("campaigns") ||
             root->Has("variation_groups")) {
    format = ConfigFormat::kCampaignDocuments;
  } else {
    return absl::InvalidArgumentError(
        "(document): not a recognized config; expected a campaign (with "
        "\"variation_groups\"), a page of campaigns (\"items\"), a campaigns "
        "file (\"campaigns\" and \"settings\") or a Flagship bucketing file "
        "(\"campaigns\" with \"variationGroups\")");
  }
  absl::Status s = format == ConfigFormat::kBucketingFile
                       ? ReadBucketingFile(*root, &spec)
                       : ReadDocuments(*root, &spec);
  if (!s.ok()) return s;
  return spec;
}

}  // namespace allot
