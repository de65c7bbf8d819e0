// Errors that name the JSON path at fault, shared by the compile steps.
#ifndef ALLOT_CORE_INTERNAL_PATH_ERROR_H_
#define ALLOT_CORE_INTERNAL_PATH_ERROR_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace allot::internal {

// InvalidArgument "<path>: <message>".
inline absl::Status PathError(std::string_view path,
                              absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(
      absl::string_view(path.data(), path.size()), ": ", message));
}

// The path of member `field` of the object at `path` ("" is the document).
inline std::string Field(std::string_view path, std::string_view field) {
  std::string out(path);
  if (!out.empty()) out += '.';
  out.append(field.data(), field.size());
  return out;
}

// `s` between double quotes, as error messages name ids and values.
inline std::string Quoted(std::string_view s) {
  return absl::StrCat("\"", absl::string_view(s.data(), s.size()), "\"");
}

}  // namespace allot::internal

#endif  // ALLOT_CORE_INTERNAL_PATH_ERROR_H_
