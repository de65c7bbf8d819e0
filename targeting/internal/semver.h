// File: targeting/internal/semver.h
//
// Semantic Versioning 2.0.0: parsing (with an optional leading "v") and
// precedence. Parsing does not allocate: the prerelease part is a view into
// the parsed text, which must outlive the SemVer.
#ifndef ALLOT_TARGETING_INTERNAL_SEMVER_H_
#define ALLOT_TARGETING_INTERNAL_SEMVER_H_

#include <cstdint>
#include <string_view>

namespace allot::internal {

struct SemVer {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::string_view prerelease;  // without the '-'; empty when none
};

// Parses "[v]MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]" strictly (no leading
// zeros in numeric identifiers, no empty identifiers). Build metadata is
// checked and dropped.
bool ParseSemVer(std::string_view text, SemVer* out);

// ParseSemVer, with the usual version ("MAJOR.MINOR.PATCH" of digits alone,
// each up to 18 digits without a leading zero) read inline; anything else
// (a "v", a prerelease or build part, a longer number, an invalid text)
// goes to ParseSemVer, which reads it from the start.
[[gnu::always_inline]] inline bool ParseSemVerInline(std::string_view text,
                                                     SemVer* out) {
  const char* p = text.data();
  const char* const end = p + text.size();
  uint64_t parts[3];
  // Unrolled: each number's branches of its own (the last one's "is there
  // a second byte" differs from the others').
#pragma GCC unroll 3
  for (int k = 0; k < 3; ++k) {
    const char* const start = p;
    if (p == end) return ParseSemVer(text, out);
    const unsigned d0 = static_cast<unsigned char>(*p) - unsigned{'0'};
    if (d0 > 9) return ParseSemVer(text, out);
    // The second digit without a branch on whether there is one: a number
    // of one or two digits (a version's minor, say) would make a loop's
    // exit mispredict on about every other visitor.
    unsigned d1 = 10;
    if (p + 1 != end) d1 = static_cast<unsigned char>(p[1]) - unsigned{'0'};
    const unsigned two = d1 <= 9;
    if ((two & (d0 == 0)) != 0) return ParseSemVer(text, out);  // "0d"
    uint64_t v = d0 + two * (9 * d0 + d1);
    p += 1 + two;
    unsigned d;
    while (p != end &&
           (d = static_cast<unsigned char>(*p) - unsigned{'0'}) <= 9) {
      v = v * 10 + d;
      ++p;
    }
    if (p - start > 18) return ParseSemVer(text, out);
    parts[k] = v;
    if (k < 2) {
      if (p == end || *p != '.') return ParseSemVer(text, out);
      ++p;
    }
  }
  if (p != end) return ParseSemVer(text, out);
  out->major = parts[0];
  out->minor = parts[1];
  out->patch = parts[2];
  out->prerelease = std::string_view();
  return true;
}

// SemVer precedence: < 0, 0 or > 0. Build metadata never matters.
int CompareSemVer(const SemVer& a, const SemVer& b);

// An integer that orders versions as CompareSemVer does, for the versions
// whose numbers are below 2^21: MAJOR, MINOR and PATCH in 21 bits each,
// then 1 for a release and 0 for a prerelease (which ranks below the
// release of its numbers). Two prereleases of the same numbers get the
// same key: compare them as integers only when one has no prerelease.
// False (and *key untouched) when a number does not fit.
inline bool PackSemVer(const SemVer& v, uint64_t* key) {
  constexpr uint64_t kLimit = uint64_t{1} << 21;
  if (v.major >= kLimit || v.minor >= kLimit || v.patch >= kLimit) {
    return false;
  }
  *key = v.major << 43 | v.minor << 22 | v.patch << 1 |
         uint64_t{v.prerelease.empty()};
  return true;
}

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_SEMVER_H_
