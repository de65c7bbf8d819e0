#include "targeting/internal/json_render.h"

#include "targeting/internal/js_semantics.h"

namespace allot::internal {
namespace {

void AppendNumber(double d, std::string* out) {
  char buf[kJsNumberBufferSize];
  out->append(JsNumberToString(d, buf));
}

void Append(const TargetingValueSpec& v, std::string* out) {
  switch (v.kind) {
    case TargetingValueSpec::Kind::kNull:
      out->append("null");
      return;
    case TargetingValueSpec::Kind::kString:
      AppendJsonString(v.string, out);
      return;
    case TargetingValueSpec::Kind::kNumber:
      AppendNumber(v.number, out);
      return;
    case TargetingValueSpec::Kind::kBool:
      out->append(v.boolean ? "true" : "false");
      return;
    case TargetingValueSpec::Kind::kList:
      out->push_back('[');
      for (size_t i = 0; i < v.list.size(); ++i) {
        if (i > 0) out->push_back(',');
        Append(v.list[i], out);
      }
      out->push_back(']');
      return;
  }
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
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
        if (u < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[u >> 4]);
          out->push_back(kHex[u & 0xF]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

std::string RenderJson(const TargetingValueSpec& v) {
  std::string out;
  Append(v, &out);
  return out;
}

std::string RenderJson(const AttributeValue& v) {
  std::string out;
  switch (v.type) {
    case ValueType::kString:
      AppendJsonString(v.string, &out);
      break;
    case ValueType::kNumber:
      AppendNumber(v.number, &out);
      break;
    case ValueType::kBool:
      out = v.boolean ? "true" : "false";
      break;
  }
  return out;
}

}  // namespace allot::internal
