// File: targeting/json_string.h
//
// The one JSON string writer of the project: targeting renders values with
// it, and core (core/json_text.h) writes decisions, states, diffs and
// configs with it.
//
//   std::string out;
//   AppendJsonString(&out, "a \"quoted\" id");   // "a \"quoted\" id"
#ifndef ALLOT_TARGETING_JSON_STRING_H_
#define ALLOT_TARGETING_JSON_STRING_H_

#include <string>
#include <string_view>

namespace allot {

// Appends `s` as a JSON string literal, quotes included: `"` and `\` are
// escaped, \n \r \t by name, other control characters as \u00XX; every other
// byte is copied as is (the caller passes UTF-8).
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace allot

#endif  // ALLOT_TARGETING_JSON_STRING_H_
