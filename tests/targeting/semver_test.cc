#include "targeting/internal/semver.h"

#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace allot::internal {
namespace {

SemVer P(std::string_view s) {
  SemVer v;
  EXPECT_TRUE(ParseSemVer(s, &v)) << s;
  return v;
}

TEST(SemVer, PrecedenceFollowsSemVer2) {
  // The example chain of semver.org §11.
  const std::vector<std::string> ordered = {
      "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
      "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
      "1.0.0-rc.1",  "1.0.0",         "1.9.0",
      "1.10.0",      "2.0.0",
  };
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      const int c = CompareSemVer(P(ordered[i]), P(ordered[j]));
      EXPECT_EQ(c < 0, i < j) << ordered[i] << " vs " << ordered[j];
      EXPECT_EQ(c == 0, i == j) << ordered[i] << " vs " << ordered[j];
    }
  }
}

TEST(SemVer, IgnoresBuildMetadataAndAcceptsLeadingV) {
  EXPECT_EQ(CompareSemVer(P("1.2.3+build.5"), P("1.2.3")), 0);
  EXPECT_EQ(CompareSemVer(P("v1.2.3"), P("1.2.3")), 0);
  EXPECT_EQ(CompareSemVer(P("1.2.3-rc.1+001"), P("1.2.3-rc.1")), 0);
  EXPECT_EQ(P("v10.20.30").major, 10u);
  EXPECT_EQ(P("1.2.3-x.7.z.92").prerelease, "x.7.z.92");
}

TEST(SemVer, RejectsMalformedVersions) {
  for (const char* bad :
       {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-",
        "1.2.3-01", "1.2.3-a..b", "1.2.3+", "1.2.3+a..b", "1.2.3-a_b",
        "vv1.2.3", " 1.2.3", "1.2.3 ", "a.b.c", "99999999999999999999.0.0"}) {
    SemVer v;
    EXPECT_FALSE(ParseSemVer(bad, &v)) << bad;
  }
}

// PackSemVer's keys order versions as CompareSemVer does whenever one of
// the two has no prerelease (two prereleases of the same numbers share a
// key), and numbers from 2^21 on do not pack.
TEST(SemVer, PackedKeysOrderAsPrecedence) {
  std::vector<std::string> texts = {
      "0.0.0",       "0.0.1",        "2097151.2097151.2097151",
      "1.0.0-alpha", "1.0.0-rc.1+b", "1.0.0",
      "1.0.0+build", "v1.0.0"};
  std::mt19937 rng(5);
  const char* prereleases[] = {"", "", "-rc.1", "-alpha", "-0"};
  for (int i = 0; i < 300; ++i) {
    const uint32_t top[] = {3, 21, 300, 2097151};
    auto number = [&] { return std::to_string(rng() % (top[rng() % 4] + 1)); };
    texts.push_back(number() + "." + number() + "." + number() +
                    prereleases[rng() % 5]);
  }
  int compared = 0;
  for (const std::string& x : texts) {
    for (const std::string& y : texts) {
      const SemVer a = P(x), b = P(y);
      uint64_t ka = 0, kb = 0;
      ASSERT_TRUE(PackSemVer(a, &ka)) << x;
      ASSERT_TRUE(PackSemVer(b, &kb)) << y;
      if (!a.prerelease.empty() && !b.prerelease.empty()) continue;
      const int c = CompareSemVer(a, b);
      EXPECT_EQ(c < 0, ka < kb) << x << " vs " << y;
      EXPECT_EQ(c == 0, ka == kb) << x << " vs " << y;
      ++compared;
    }
  }
  EXPECT_GT(compared, 50000);
  uint64_t key = 7;
  for (const char* wide : {"2097152.0.0", "0.2097152.0", "0.0.2097152",
                           "18446744073709551615.0.0"}) {
    EXPECT_FALSE(PackSemVer(P(wide), &key)) << wide;
    EXPECT_EQ(key, 7u) << wide;
  }
}

// Each of major, minor and patch holds up to 2^64 - 1, and one more is
// malformed, as is any value past it.
TEST(SemVer, NumbersUpToTheLargest64BitValue) {
  const SemVer top =
      P("18446744073709551615.18446744073709551615.18446744073709551615");
  EXPECT_EQ(top.major, UINT64_MAX);
  EXPECT_EQ(top.minor, UINT64_MAX);
  EXPECT_EQ(top.patch, UINT64_MAX);
  EXPECT_EQ(P("18446744073709551614.0.7").major, UINT64_MAX - 1);
  for (const char* bad :
       {"18446744073709551616.0.0", "0.18446744073709551616.0",
        "0.0.18446744073709551616", "18446744073709551620.0.0",
        "28446744073709551615.0.0", "184467440737095516150.0.0"}) {
    SemVer v;
    EXPECT_FALSE(ParseSemVer(bad, &v)) << bad;
  }
}

TEST(SemVer, LargeNumericPrereleaseIdentifiersCompareNumerically) {
  EXPECT_LT(CompareSemVer(P("1.0.0-9"), P("1.0.0-10")), 0);
  EXPECT_LT(CompareSemVer(P("1.0.0-99999999999999999999"),
                          P("1.0.0-100000000000000000000")),
            0);
  EXPECT_LT(CompareSemVer(P("1.0.0-999"), P("1.0.0-a")), 0);
}

}  // namespace
}  // namespace allot::internal

namespace allot::internal {
namespace {

// The inline reading of the usual "MAJOR.MINOR.PATCH" gives what the full
// parser gives on every text, the usual ones and every near miss (a "v",
// a prerelease or build part, leading zeros, 18 to 21 digits, empty parts,
// a stray byte).
TEST(SemVer, InlineParseAgreesWithTheFullParser) {
  std::mt19937 rng(20261205);
  const std::string pieces[] = {"0",  "1",  "7",   "10", "01", "123",
                                "999999999999999999", "1000000000000000000",
                                "18446744073709551615", "18446744073709551616",
                                ".", ".", ".",  "-rc.1", "+b5", "v", "x", ""};
  int usual = 0, other = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    if (n % 2 == 0) {
      // Mostly the usual shape.
      for (int k = 0; k < 3; ++k) {
        if (k > 0) text += '.';
        text += std::to_string(rng() % (k == 0 ? 4 : 25));
      }
      if (rng() % 4 == 0) text.insert(rng() % (text.size() + 1), pieces[rng() % 18]);
    } else {
      for (int k = 1 + rng() % 6; k > 0; --k) text += pieces[rng() % 18];
    }
    SemVer full, fast;
    const bool full_ok = ParseSemVer(text, &full);
    const bool fast_ok = ParseSemVerInline(text, &fast);
    ASSERT_EQ(fast_ok, full_ok) << "\"" << text << "\"";
    if (full_ok) {
      ASSERT_EQ(std::tie(fast.major, fast.minor, fast.patch, fast.prerelease),
                std::tie(full.major, full.minor, full.patch, full.prerelease))
          << "\"" << text << "\"";
      ++(full.prerelease.empty() && text.find_first_of("v+") == std::string::npos ? usual : other);
    }
  }
  EXPECT_GT(usual, 8000);
  EXPECT_GT(other, 50);
}

}  // namespace
}  // namespace allot::internal
