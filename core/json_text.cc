#include "core/json_text.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "simdjson.h"

namespace allot {

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

struct VisitorParser::Impl {
  simdjson::dom::parser parser;
};

VisitorParser::VisitorParser() : impl_(std::make_unique<Impl>()) {}
VisitorParser::~VisitorParser() = default;

absl::Status VisitorParser::Parse(std::string_view json, VisitorContext* ctx) {
  using simdjson::dom::element;
  using simdjson::dom::element_type;
  element doc;
  if (auto e = impl_->parser.parse(json.data(), json.size(), true).get(doc)) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed JSON: ", simdjson::error_message(e)));
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    return absl::InvalidArgumentError(
        "expected an object {\"id\": \"...\", \"context\": {...}}");
  }
  std::string_view id;
  element id_el;
  if (obj.at_key("id").get(id_el) || id_el.get_string().get(id)) {
    return absl::InvalidArgumentError("\"id\" must be a string");
  }
  if (id.empty()) {
    return absl::InvalidArgumentError("\"id\" must be a non-empty string");
  }
  ctx->Reset(id);
  element context;
  if (obj.at_key("context").get(context) || context.is_null()) {
    return absl::OkStatus();
  }
  simdjson::dom::object attrs;
  if (context.get_object().get(attrs)) {
    return absl::InvalidArgumentError("\"context\" must be an object");
  }
  Attributes& out = ctx->attributes();
  for (auto field : attrs) {
    const element& v = field.value;
    switch (v.type()) {
      case element_type::STRING: {
        std::string_view text;
        if (v.get_string().get(text) == simdjson::SUCCESS) {
          out.SetString(field.key, text);
        }
        break;
      }
      case element_type::BOOL: {
        bool b = false;
        if (v.get_bool().get(b) == simdjson::SUCCESS) out.SetBool(field.key, b);
        break;
      }
      case element_type::INT64:
      case element_type::UINT64:
      case element_type::DOUBLE: {
        // get_double() converts every numeric kind.
        double d = 0;
        if (v.get_double().get(d) == simdjson::SUCCESS) {
          out.SetNumber(field.key, d);
        }
        break;
      }
      default:
        break;  // null, arrays and objects are dropped
    }
  }
  return absl::OkStatus();
}

}  // namespace allot
