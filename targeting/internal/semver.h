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

// SemVer precedence: < 0, 0 or > 0. Build metadata never matters.
int CompareSemVer(const SemVer& a, const SemVer& b);

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_SEMVER_H_
