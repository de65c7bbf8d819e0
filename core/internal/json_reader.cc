#include "core/internal/json_reader.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace allot::internal {
namespace {

namespace ondemand = simdjson::ondemand;

// simdjson's DOM parser reports what is wrong but not where. Walk the text
// again with the on-demand parser, which stops at the first bad token and can
// say where it is.
simdjson::error_code WalkValue(ondemand::value v, int depth) {
  if (depth > 1024) return simdjson::DEPTH_ERROR;
  ondemand::json_type type;
  if (auto e = v.type().get(type)) return e;
  switch (type) {
    case ondemand::json_type::object: {
      ondemand::object obj;
      if (auto e = v.get_object().get(obj)) return e;
      for (auto field : obj) {
        ondemand::value child;
        if (auto e = field.value().get(child)) return e;
        if (auto e = WalkValue(child, depth + 1)) return e;
      }
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::array: {
      ondemand::array arr;
      if (auto e = v.get_array().get(arr)) return e;
      for (auto item : arr) {
        ondemand::value child;
        if (auto e = item.get(child)) return e;
        if (auto e = WalkValue(child, depth + 1)) return e;
      }
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::number: {
      double d;
      return v.get_double().get(d);
    }
    case ondemand::json_type::string: {
      std::string_view s;
      return v.get_string().get(s);
    }
    case ondemand::json_type::boolean: {
      bool b;
      return v.get_bool().get(b);
    }
    case ondemand::json_type::null: {
      // is_null() yields a simdjson_result<bool>: read it through get(), a
      // broken atom such as `nul` is an error code, not an exception.
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return e;
      return is_null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
    }
  }
  return simdjson::SUCCESS;
}

// The path and token of the first number under `v` that the DOM parser
// cannot read (beyond a double's range, or an integer beyond 64 bits).
bool FindUnreadableNumber(ondemand::value v, const std::string& path, int depth,
                          std::string* where, std::string* token) {
  if (depth > 1024) return false;
  ondemand::json_type type;
  if (v.type().get(type)) return false;
  switch (type) {
    case ondemand::json_type::object: {
      ondemand::object obj;
      if (v.get_object().get(obj)) return false;
      for (auto field : obj) {
        std::string_view key;
        ondemand::value child;
        if (field.unescaped_key().get(key) || field.value().get(child)) {
          return false;
        }
        std::string child_path(path);
        if (!child_path.empty()) child_path += '.';
        child_path.append(key.data(), key.size());
        if (FindUnreadableNumber(child, child_path, depth + 1, where, token)) {
          return true;
        }
      }
      return false;
    }
    case ondemand::json_type::array: {
      ondemand::array arr;
      if (v.get_array().get(arr)) return false;
      size_t i = 0;
      for (auto item : arr) {
        ondemand::value child;
        if (item.get(child)) return false;
        if (FindUnreadableNumber(child, absl::StrCat(path, "[", i++, "]"),
                                 depth + 1, where, token)) {
          return true;
        }
      }
      return false;
    }
    case ondemand::json_type::number: {
      std::string_view raw = v.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' ||
                              raw.back() == '\n' || raw.back() == '\r')) {
        raw.remove_suffix(1);
      }
      // An integer is read as 64-bit (the DOM parser's way: one beyond that
      // is an error even when a double could hold it), anything else as a
      // double.
      const bool integer =
          raw.find_first_of(".eE") == std::string_view::npos;
      int64_t i;
      uint64_t u;
      double d;
      const bool readable =
          integer ? (!v.get_int64().get(i) || !v.get_uint64().get(u))
                  : !v.get_double().get(d);
      if (!readable) {
        *where = path.empty() ? "(document)" : path;
        token->assign(raw.data(), raw.size());
        return true;
      }
      return false;
    }
    default:
      return false;
  }
}

}  // namespace

std::optional<std::pair<std::string, std::string>> FindUnreadableNumber(
    std::string_view json) {
  const simdjson::padded_string text(json);
  ondemand::parser parser;
  ondemand::document doc;
  ondemand::value root;
  if (parser.iterate(text).get(doc) || doc.get_value().get(root)) {
    return std::nullopt;
  }
  std::string where, token;
  if (!FindUnreadableNumber(root, "", 0, &where, &token)) return std::nullopt;
  return std::make_pair(where, token);
}

absl::Status MalformedJsonError(const simdjson::padded_string& text,
                                simdjson::error_code dom_error) {
  ondemand::parser parser;
  ondemand::document doc;
  long offset = -1;
  if (parser.iterate(text).get(doc) == simdjson::SUCCESS) {
    ondemand::value root;
    simdjson::error_code e = doc.get_value().get(root);
    if (!e) e = WalkValue(root, 0);
    const char* where = nullptr;
    if (e && doc.current_location().get(where) == simdjson::SUCCESS) {
      offset = where - text.data();
    }
  }
  std::string msg = absl::StrCat("(document): malformed JSON: ",
                                 simdjson::error_message(dom_error));
  if (offset >= 0) absl::StrAppend(&msg, " near byte offset ", offset);
  return absl::InvalidArgumentError(msg);
}

using simdjson::dom::element_type;

const char* JsonTypeName(const element& e) {
  switch (e.type()) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "an unknown value";
}

std::string JoinPath(std::string_view base, std::string_view key) {
  std::string out(base);
  if (!out.empty()) out += '.';
  out.append(key.data(), key.size());
  return out;
}

std::string IndexPath(std::string_view base, size_t i) {
  return absl::StrCat(absl::string_view(base.data(), base.size()), "[", i, "]");
}

absl::Status TypeError(std::string_view path, std::string_view expected,
                       const element& got) {
  return absl::InvalidArgumentError(
      absl::StrCat(absl::string_view(path.data(), path.size()), ": expected ",
                   absl::string_view(expected.data(), expected.size()),
                   ", got ", JsonTypeName(got)));
}

static absl::Status Missing(std::string_view path, std::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(absl::string_view(path.data(), path.size()),
                   ": required field is missing; expected ",
                   absl::string_view(expected.data(), expected.size())));
}

absl::Status ObjectReader::Make(const element& value, std::string path,
                                std::optional<ObjectReader>* out) {
  object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) {
    return TypeError(path.empty() ? "(document)" : path, "an object", value);
  }
  out->emplace(obj, std::move(path));
  return absl::OkStatus();
}

std::optional<element> ObjectReader::Get(std::string_view key) const {
  element e;
  if (obj_.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  if (e.is_null()) return std::nullopt;
  return e;
}

std::optional<element> ObjectReader::GetRaw(std::string_view key) const {
  element e;
  if (obj_.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  return e;
}

absl::Status ObjectReader::String(std::string_view key, std::string* out,
                                  bool required) const {
  std::optional<element> e = Get(key);
  if (!e) return required ? Missing(PathOf(key), "a string") : absl::OkStatus();
  std::string_view s;
  if (e->get_string().get(s) != simdjson::SUCCESS) {
    return TypeError(PathOf(key), "a string", *e);
  }
  out->assign(s.data(), s.size());
  return absl::OkStatus();
}

bool AsDouble(const element& e, double* out) {
  switch (e.type()) {
    case element_type::INT64: {
      int64_t i = 0;
      if (e.get_int64().get(i) != simdjson::SUCCESS) return false;
      *out = static_cast<double>(i);
      return true;
    }
    case element_type::UINT64: {
      uint64_t u = 0;
      if (e.get_uint64().get(u) != simdjson::SUCCESS) return false;
      *out = static_cast<double>(u);
      return true;
    }
    case element_type::DOUBLE:
      return e.get_double().get(*out) == simdjson::SUCCESS;
    default:
      return false;
  }
}

absl::Status ObjectReader::Number(std::string_view key, double* out,
                                  bool required) const {
  std::optional<element> e = Get(key);
  if (!e) return required ? Missing(PathOf(key), "a number") : absl::OkStatus();
  if (!AsDouble(*e, out)) return TypeError(PathOf(key), "a number", *e);
  return absl::OkStatus();
}

absl::Status ObjectReader::Integer(std::string_view key, int64_t* out,
                                   bool required) const {
  std::optional<element> e = Get(key);
  if (!e) {
    return required ? Missing(PathOf(key), "an integer") : absl::OkStatus();
  }
  double d;
  if (!AsDouble(*e, &d)) return TypeError(PathOf(key), "an integer", *e);
  if (d != std::floor(d) || std::fabs(d) > 9e15) {
    return absl::InvalidArgumentError(
        absl::StrCat(PathOf(key), ": expected an integer, got ", d));
  }
  *out = static_cast<int64_t>(d);
  return absl::OkStatus();
}

absl::Status ObjectReader::Bool(std::string_view key, bool* out) const {
  std::optional<element> e = Get(key);
  if (!e) return absl::OkStatus();
  if (e->get_bool().get(*out) != simdjson::SUCCESS) {
    return TypeError(PathOf(key), "a boolean", *e);
  }
  return absl::OkStatus();
}

absl::Status ObjectReader::Array(std::string_view key, array* out,
                                 bool* present, bool required) const {
  std::optional<element> e = Get(key);
  *present = false;
  if (!e) {
    return required ? Missing(PathOf(key), "an array") : absl::OkStatus();
  }
  if (e->get_array().get(*out) != simdjson::SUCCESS) {
    return TypeError(PathOf(key), "an array", *e);
  }
  *present = true;
  return absl::OkStatus();
}

absl::Status ObjectReader::Object(std::string_view key,
                                  std::optional<ObjectReader>* out,
                                  bool required) const {
  std::optional<element> e = Get(key);
  if (!e) {
    return required ? Missing(PathOf(key), "an object") : absl::OkStatus();
  }
  return Make(*e, PathOf(key), out);
}

std::string Minify(const element& e) { return simdjson::minify(e); }

}  // namespace allot::internal
