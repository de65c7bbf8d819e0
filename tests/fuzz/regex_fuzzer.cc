// Differential fuzzing of the simple-regex matcher against RE2: input is
// a flags byte, then the pattern, a NUL, and the text. Wherever the matcher
// compiles the pattern and answers for the text, its answer must be RE2's
// unanchored search (what MATCHES_REGEX asks).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "re2/re2.h"
#include "targeting/internal/simple_regex.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool case_sensitive = (data[0] & 1) == 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1),
                              size - 1);
  const size_t nul = rest.find('\0');
  if (nul == std::string_view::npos || nul > 256) return 0;
  const std::string_view pattern = rest.substr(0, nul);
  const std::string_view text = rest.substr(nul + 1);
  RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(case_sensitive);
  options.set_max_mem(1 << 20);  // as targeting compiles them (regex_max_mem)
  const RE2 re(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re.ok()) return 0;
  const auto simple =
      allot::internal::SimpleRegex::Compile(pattern, case_sensitive);
  if (!simple.has_value()) return 0;
  const auto result = simple->Search(text);
  if (result == allot::internal::SimpleRegex::Result::kNotAscii) {
    for (const char c : text) {
      if (static_cast<unsigned char>(c) >= 0x80) return 0;
    }
    __builtin_trap();  // "not ASCII" on ASCII text
  }
  const bool re2 = re.Match(re2::StringPiece(text.data(), text.size()), 0,
                            text.size(), RE2::UNANCHORED, nullptr, 0);
  if ((result == allot::internal::SimpleRegex::Result::kMatch) != re2) {
    __builtin_trap();
  }
  return 0;
}
