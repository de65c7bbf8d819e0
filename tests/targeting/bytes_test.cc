#include "targeting/bytes.h"

#include <string>

#include "gtest/gtest.h"

namespace allot::internal {
namespace {

// Every length up to past the memcmp cut-off, equal and differing at each
// position in turn (the overlapping loads must together cover every byte).
TEST(EqualBytes, AgreesWithMemcmpAtEveryLengthAndPosition) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'x');
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + i % 26);
    std::string b = a;
    EXPECT_TRUE(EqualBytes(a.data(), b.data(), n)) << n;
    EXPECT_TRUE(EqualBytes(a, b)) << n;
    for (size_t i = 0; i < n; ++i) {
      b[i] ^= 0x20;
      EXPECT_FALSE(EqualBytes(a.data(), b.data(), n)) << n << " at " << i;
      EXPECT_FALSE(EqualBytes(a, b)) << n << " at " << i;
      b[i] ^= 0x20;
    }
  }
}

TEST(EqualBytes, DifferentSizesDiffer) {
  EXPECT_FALSE(EqualBytes(std::string_view("FR"), std::string_view("FRA")));
  EXPECT_FALSE(EqualBytes(std::string_view(""), std::string_view("a")));
  EXPECT_TRUE(EqualBytes(std::string_view(""), std::string_view("")));
}

}  // namespace
}  // namespace allot::internal
