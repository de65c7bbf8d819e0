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
      AppendJsonString(out, v.string);
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

std::string RenderJson(const TargetingValueSpec& v) {
  std::string out;
  Append(v, &out);
  return out;
}

std::string RenderJson(const AttributeValue& v) {
  std::string out;
  switch (v.type) {
    case ValueType::kString:
      AppendJsonString(&out, v.string);
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
