#include "targeting/bytes.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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

// Line-isolated blocks: each starts on a cache line and whole lines are
// reserved, so two blocks (two threads' buffers) never share a line.
bool OnLine(const void* p) {
  return reinterpret_cast<uintptr_t>(p) % kCacheLine == 0;
}

TEST(LineVector, BlocksStartOnALineAndNeverShareOne) {
  std::vector<LineVector<uint32_t>> small(64);
  std::vector<const char*> starts;
  for (LineVector<uint32_t>& v : small) {
    v.assign(3, 7u);  // 12 bytes: malloc would pack several in one line
    ASSERT_TRUE(OnLine(v.data()));
    starts.push_back(reinterpret_cast<const char*>(v.data()));
  }
  std::sort(starts.begin(), starts.end());
  for (size_t i = 1; i < starts.size(); ++i) {
    EXPECT_GE(starts[i] - starts[i - 1], static_cast<ptrdiff_t>(kCacheLine));
  }
  LineVector<uint64_t> grown;
  for (uint64_t i = 0; i < 1000; ++i) {
    grown.push_back(i);
    ASSERT_TRUE(OnLine(grown.data())) << i;
  }
  EXPECT_EQ(grown[999], 999u);
}

TEST(ByteBuffer, StorageStartsOnALineAndKeepsItsBytesWhenItGrows) {
  ByteBuffer b;
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    const std::string piece(static_cast<size_t>(i % 7 + 1),
                            static_cast<char>('a' + i % 26));
    EXPECT_EQ(b.Append(piece), expected.size());
    expected += piece;
    ASSERT_TRUE(OnLine(b.data())) << i;
  }
  EXPECT_EQ(b.view(), expected);
}

}  // namespace
}  // namespace allot::internal
