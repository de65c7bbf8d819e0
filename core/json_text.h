// File: core/json_text.h
//
// Small JSON text helpers shared by the command-line program and the
// bindings: writing escaped strings, and reading one visitor from a JSON
// object `{"id": "...", "context": {...}}`.
//
//   std::string out;
//   AppendJsonString(&out, "a \"quoted\" id");     // "a \"quoted\" id"
//   VisitorParser parser;
//   VisitorContext ctx;
//   absl::Status s = parser.Parse(line, &ctx);
//
// VisitorParser is not thread-safe (it reuses its parse buffers).
#ifndef ALLOT_CORE_JSON_TEXT_H_
#define ALLOT_CORE_JSON_TEXT_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "core/visitor_context.h"

namespace allot {

// Appends `s` as a JSON string literal (quotes included).
void AppendJsonString(std::string* out, std::string_view s);

class VisitorParser {
 public:
  VisitorParser();
  ~VisitorParser();

  // Fills `ctx` from one visitor object. The id must be a non-empty string;
  // `context`, when present, an object whose string, number and boolean
  // values become attributes (other JSON types are dropped, as Flagship
  // does). InvalidArgument with a short reason otherwise; `ctx` is then
  // unspecified.
  [[nodiscard]] absl::Status Parse(std::string_view json, VisitorContext* ctx);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace allot

#endif  // ALLOT_CORE_JSON_TEXT_H_
