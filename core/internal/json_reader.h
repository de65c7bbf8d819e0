// Path-aware accessors over simdjson DOM values, for the config parsers.
// Every error is an InvalidArgument that starts with the JSON path at fault.
#ifndef ALLOT_CORE_INTERNAL_JSON_READER_H_
#define ALLOT_CORE_INTERNAL_JSON_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "simdjson.h"

namespace allot::internal {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// "number", "string", ... for error messages.
const char* JsonTypeName(const element& e);

// `base.key` (or `key` when base is empty).
std::string JoinPath(std::string_view base, std::string_view key);
// `base[i]`.
std::string IndexPath(std::string_view base, size_t i);

absl::Status TypeError(std::string_view path, std::string_view expected,
                       const element& got);

// A JSON object with its path. Field readers: absent (or null) fields leave
// the output untouched and return OK; a field of the wrong type is an error.
class ObjectReader {
 public:
  ObjectReader(object obj, std::string path)
      : obj_(obj), path_(std::move(path)) {}

  // Reads `value` as an object (InvalidArgument naming `path` otherwise).
  static absl::Status Make(const element& value, std::string path,
                           std::optional<ObjectReader>* out);

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const {
    return JoinPath(path_, key);
  }

  // The raw field, or nullopt when absent or null.
  std::optional<element> Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key).has_value(); }
  // The raw field, null included; nullopt only when absent.
  std::optional<element> GetRaw(std::string_view key) const;

  absl::Status String(std::string_view key, std::string* out,
                      bool required = false) const;
  absl::Status Number(std::string_view key, double* out,
                      bool required = false) const;
  absl::Status Integer(std::string_view key, int64_t* out,
                       bool required = false) const;
  absl::Status Bool(std::string_view key, bool* out) const;
  // Array field; `*present` tells whether it was there.
  absl::Status Array(std::string_view key, array* out, bool* present,
                     bool required = false) const;
  absl::Status Object(std::string_view key, std::optional<ObjectReader>* out,
                      bool required = false) const;

 private:
  object obj_;
  std::string path_;
};

// Calls read(reader, i) for each item i of `items`, an array at `path`
// whose items must be objects (a TypeError naming "path[i]" otherwise);
// stops at the first error.
template <typename F>
absl::Status ForEachObjectIn(array items, std::string_view path, F&& read) {
  size_t i = 0;
  for (element item : items) {
    std::optional<ObjectReader> r;
    if (absl::Status s = ObjectReader::Make(item, IndexPath(path, i), &r);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = read(*r, i); !s.ok()) return s;
    ++i;
  }
  return absl::OkStatus();
}

// Number of any JSON numeric type as a double; false when not a number.
bool AsDouble(const element& e, double* out);

// For text the DOM parser refused with NUMBER_ERROR: the
// JSON path ("context.age") and the token of the first number it cannot
// read as a double (1e400, 18446744073709551616), or nothing.
std::optional<std::pair<std::string, std::string>> FindUnreadableNumber(
    std::string_view json);

// InvalidArgument "(document): malformed JSON: <what> near byte offset N"
// for text the DOM parser rejected with `dom_error`.
absl::Status MalformedJsonError(const simdjson::padded_string& text,
                                simdjson::error_code dom_error);

// Minified JSON text of `e`.
std::string Minify(const element& e);

}  // namespace allot::internal

#endif  // ALLOT_CORE_INTERNAL_JSON_READER_H_
