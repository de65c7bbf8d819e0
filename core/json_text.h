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
// Instants (`--at`, Python's `at`, state documents) are read with
// ParseInstant from allocation/date_time.h, included here for them.
//
// VisitorParser is not thread-safe (it reuses its parse buffers).
#ifndef ALLOT_CORE_JSON_TEXT_H_
#define ALLOT_CORE_JSON_TEXT_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "allocation/date_time.h"  // ParseInstant: the one RFC 3339 parser
#include "core/visitor_context.h"
#include "targeting/json_string.h"  // AppendJsonString: the one JSON string writer

namespace allot {

// Appends an id as a JSON string, or null when it is empty (no group, no
// variation).
void AppendJsonIdOrNull(std::string* out, std::string_view id);

class VisitorParser {
 public:
  VisitorParser();
  ~VisitorParser();

  // Fills `ctx` from one visitor object. The id must be a non-empty string;
  // `context`, when present, an object whose string, number and boolean
  // values become attributes (other JSON types are dropped, as Flagship
  // does); `force`, when present, {campaign id: variation id} overrides;
  // `sticky`, when present, {group id: variation id | {"variation_id",
  // "version"}} assignment records (DESIGN §12). InvalidArgument with a
  // short reason otherwise; `ctx` is then unspecified.
  [[nodiscard]] absl::Status Parse(std::string_view json, VisitorContext* ctx);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace allot

#endif  // ALLOT_CORE_JSON_TEXT_H_
