#include "core/json_text.h"


#include "absl/strings/str_cat.h"
#include "core/internal/json_reader.h"
#include "simdjson.h"

namespace allot {

void AppendJsonIdOrNull(std::string* out, std::string_view id) {
  if (id.empty()) {
    out->append("null");
  } else {
    AppendJsonString(out, id);
  }
}

namespace {

absl::string_view Sv(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// "force": {"<campaign id>": "<variation id>", ...}
absl::Status ReadForce(const simdjson::dom::object& obj, VisitorContext* ctx) {
  simdjson::dom::element force;
  if (obj.at_key("force").get(force) || force.is_null()) return absl::OkStatus();
  simdjson::dom::object members;
  if (force.get_object().get(members)) {
    return absl::InvalidArgumentError(
        "\"force\" must be an object {\"<campaign id>\": \"<variation id>\"}");
  }
  for (auto field : members) {
    std::string_view variation;
    if (field.value.get_string().get(variation) || variation.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"force\".\"", Sv(field.key),
                       "\" must be a non-empty variation id string"));
    }
    ctx->Force(field.key, variation);
  }
  return absl::OkStatus();
}

// "sticky": {"<group id>": "<variation id>" | {"variation_id": "...",
// "version": N}, ...}
absl::Status ReadSticky(const simdjson::dom::object& obj, VisitorContext* ctx) {
  simdjson::dom::element sticky;
  if (obj.at_key("sticky").get(sticky) || sticky.is_null()) {
    return absl::OkStatus();
  }
  simdjson::dom::object members;
  if (sticky.get_object().get(members)) {
    return absl::InvalidArgumentError(
        "\"sticky\" must be an object {\"<group id>\": \"<variation id>\" | "
        "{\"variation_id\": \"...\", \"version\": N}}");
  }
  for (auto field : members) {
    std::string_view variation;
    int64_t version = 0;
    simdjson::dom::object record;
    bool ok = false;
    if (field.value.get_string().get(variation) == simdjson::SUCCESS) {
      ok = true;
    } else if (field.value.get_object().get(record) == simdjson::SUCCESS) {
      simdjson::dom::element v;
      ok = record.at_key("variation_id").get(v) == simdjson::SUCCESS &&
           v.get_string().get(variation) == simdjson::SUCCESS;
      if (ok && record.at_key("version").get(v) == simdjson::SUCCESS) {
        ok = v.get_int64().get(version) == simdjson::SUCCESS && version >= 0;
      }
    }
    if (!ok || variation.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"sticky\".\"", Sv(field.key),
          "\" must be a variation id string or {\"variation_id\": \"...\", "
          "\"version\": N} with an integer N >= 0"));
    }
    ctx->SetSticky(field.key, variation, version);
  }
  return absl::OkStatus();
}

}  // namespace

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
    if (e == simdjson::NUMBER_ERROR) {
      // Valid JSON all the same: name the number and why it is refused.
      if (auto bad = internal::FindUnreadableNumber(json)) {
        return absl::InvalidArgumentError(absl::StrCat(
            bad->first, ": the number ", bad->second,
            " is out of range (a number must be a finite double, an integer "
            "must fit 64 bits)"));
      }
    }
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
  if (absl::Status s = ReadForce(obj, ctx); !s.ok()) return s;
  if (absl::Status s = ReadSticky(obj, ctx); !s.ok()) return s;
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
