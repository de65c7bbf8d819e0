// File: targeting/internal/json_render.h
//
// JSON renderings of targeting values and attribute values, for Explain and
// for the deduplication key of predicates. Numbers use JavaScript's form
// (so 1 and 1.0 render alike); NaN and infinities, which JSON lacks, render
// as the bare words NaN, Infinity and -Infinity.
#ifndef ALLOT_TARGETING_INTERNAL_JSON_RENDER_H_
#define ALLOT_TARGETING_INTERNAL_JSON_RENDER_H_

#include <string>
#include <string_view>

#include "targeting/attribute_value.h"
#include "targeting/json_string.h"  // AppendJsonString
#include "targeting/targeting_spec.h"

namespace allot::internal {

std::string RenderJson(const TargetingValueSpec& v);
std::string RenderJson(const AttributeValue& v);

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_JSON_RENDER_H_
