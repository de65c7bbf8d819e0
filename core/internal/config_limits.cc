#include "core/internal/config_limits.h"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/internal/json_reader.h"

namespace allot::internal {
namespace {

// The path to the value being checked, kept as keys and indices and
// rendered only for an error.
class Walker {
 public:
  absl::Status Walk(const simdjson::dom::element& e, int value_depth) {
    switch (e.type()) {
      case simdjson::dom::element_type::STRING: {
        std::string_view s;
        if (e.get_string().get(s) == simdjson::SUCCESS &&
            s.size() > kMaxStringBytes) {
          return Error(absl::StrCat("a string of ", s.size(),
                                    " bytes; at most ", kMaxStringBytes,
                                    " bytes per id or string value"));
        }
        return absl::OkStatus();
      }
      case simdjson::dom::element_type::ARRAY:
      case simdjson::dom::element_type::OBJECT:
        break;
      default:
        return absl::OkStatus();
    }
    if (path_.size() >= static_cast<size_t>(kMaxDocumentDepth)) {
      return Error(absl::StrCat("nested deeper than ", kMaxDocumentDepth,
                                " arrays and objects"));
    }
    if (value_depth >= 0 && value_depth >= kMaxValueDepth) {
      return Error(absl::StrCat("a targeting value nested deeper than ",
                                kMaxValueDepth, " arrays and objects"));
    }
    const int inner = value_depth >= 0 ? value_depth + 1 : -1;
    if (e.type() == simdjson::dom::element_type::ARRAY) {
      simdjson::dom::array items;
      if (e.get_array().get(items) != simdjson::SUCCESS) return absl::OkStatus();
      size_t i = 0;
      for (simdjson::dom::element item : items) {
        path_.push_back(i++);
        absl::Status s = Walk(item, inner);
        path_.pop_back();
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    simdjson::dom::object fields;
    if (e.get_object().get(fields) != simdjson::SUCCESS) return absl::OkStatus();
    for (simdjson::dom::key_value_pair field : fields) {
      path_.push_back(field.key);
      if (field.key.size() > kMaxStringBytes) {
        return Error(absl::StrCat("a key of ", field.key.size(),
                                  " bytes; at most ", kMaxStringBytes,
                                  " bytes"));
      }
      // A targeting's "value" starts the count (in both formats).
      const int depth =
          value_depth < 0 && field.key == "value" ? 0 : inner;
      absl::Status s = Walk(field.value, depth);
      path_.pop_back();
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Error(std::string_view what) const {
    std::string path;
    for (const auto& step : path_) {
      if (const size_t* i = std::get_if<size_t>(&step)) {
        path = IndexPath(path, *i);
      } else {
        std::string_view key = std::get<std::string_view>(step);
        // A key too long to repeat is shortened in the path.
        if (key.size() > 64) key = key.substr(0, 64);
        path = JoinPath(path, key);
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat(path.empty() ? "(document)" : path, ": ",
                     absl::string_view(what.data(), what.size())));
  }

  std::vector<std::variant<std::string_view, size_t>> path_;
};

}  // namespace

absl::Status CheckConfigLimits(const simdjson::dom::element& root) {
  return Walker().Walk(root, -1);
}

}  // namespace allot::internal
