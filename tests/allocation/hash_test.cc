#include "allocation/hash.h"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "allocation/internal/murmur.h"
#include "allocation/internal/xxh3.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

struct FlagshipVector {
  const char* input;
  uint32_t hash;
  uint32_t bucket;
};

// flagship-compat.md §Hash and split. Do not change: a change moves live
// visitors.
constexpr FlagshipVector kFlagshipVectors[] = {
    {"hello", 613153351u, 51},
    {"123visitor_1", 3635969351u, 51},
    {"9273BKSDJtoto123456", 2207745127u, 27},
    {"vgidflagship@abtast.com", 1551214225u, 25},
    {"vgid\u00e9\u00e9\u00e9\u00e0\u00eb\u00e9\u00e9\u00e9\u00e9\u00e9",
     1027180842u, 42},
    {"c20j8bk3fk9hdphqtd2gvisitor_1", 1558043948u, 48},
    {"vgAlloc\u7528\u62377", 3582074234u, 34},
};

TEST(FlagshipHash, MatchesFlagshipVectors) {
  for (const auto& v : kFlagshipVectors) {
    SCOPED_TRACE(v.input);
    EXPECT_EQ(FlagshipHash(v.input), v.hash);
    EXPECT_EQ(FlagshipHash(v.input) % 100, v.bucket);
  }
}

TEST(FlagshipHash, DiffersFromUtf8BytesForNonAscii) {
  // The UTF-8-byte hashes quoted in flagship-compat.md: what a naive port
  // would compute. Pins MurmurHash3X86_32 on non-ASCII bytes, too.
  EXPECT_EQ(MurmurHash3X86_32(
                "vgid\u00e9\u00e9\u00e9\u00e0\u00eb\u00e9\u00e9\u00e9\u00e9"
                "\u00e9",
                0),
            1846876870u);
  EXPECT_EQ(MurmurHash3X86_32("vgAlloc\u7528\u62377", 0), 1897967942u);
}

TEST(FlagshipHash, PrefixPlusVisitorMatchesConcatenation) {
  FlagshipHasher prefix;
  prefix.Update("c20j8bk3fk9hdphqtd2g");
  FlagshipHasher h = prefix;
  h.Update("visitor_1");
  EXPECT_EQ(h.Finish(), 1558043948u);
  // The prefix state is a value: reusing it gives the same answer.
  FlagshipHasher h2 = prefix;
  h2.Update("visitor_1");
  EXPECT_EQ(h2.Finish(), 1558043948u);

  FlagshipHasher alloc;
  alloc.Update("vgAlloc");
  alloc.Update("\u7528\u62377");
  EXPECT_EQ(alloc.Finish(), 3582074234u);
}

struct MurmurVector {
  std::string_view input;
  uint32_t seed;
  uint32_t hash;
};

// Reference MurmurHash3_x86_32 vectors (SMHasher's implementation). Do not
// change: a change moves live visitors.
const MurmurVector kMurmurVectors[] = {
    {std::string_view("", 0), 0, 0},
    {std::string_view("", 0), 1, 0x514E28B7u},
    {std::string_view("", 0), 0xffffffffu, 0x81F16F39u},
    {std::string_view("\0\0\0\0", 4), 0, 0x2362F9DEu},
    {std::string_view("\0\0\0", 3), 0, 0x85F0B427u},
    {std::string_view("\0\0", 2), 0, 0x30F4C306u},
    {std::string_view("\0", 1), 0, 0x514E28B7u},
    {"\xff\xff\xff\xff", 0, 0x76293B50u},
    {"\x21\x43\x65\x87", 0, 0xF55B516Bu},
    {"\x21\x43\x65", 0, 0x7E4A8634u},
    {"\x21\x43", 0, 0xA0F7B07Au},
    {"\x21", 0, 0x72661CF4u},
    {"aaaa", 0x9747b28cu, 0x5A97808Au},
    {"aaa", 0x9747b28cu, 0x283E0130u},
    {"aa", 0x9747b28cu, 0x5D211726u},
    {"a", 0x9747b28cu, 0x7FA09EA6u},
    {"abcd", 0x9747b28cu, 0xF0478627u},
    {"abc", 0x9747b28cu, 0xC84A62DDu},
    {"ab", 0x9747b28cu, 0x74875592u},
    {"Hello, world!", 0x9747b28cu, 0x24884CBAu},
    {"The quick brown fox jumps over the lazy dog", 0x9747b28cu, 0x2FA826CDu},
};

TEST(MurmurHash3X86_32, MatchesReferenceVectors) {
  for (const auto& v : kMurmurVectors) {
    SCOPED_TRACE(testing::Message()
                 << "input of size " << v.input.size() << ", seed " << v.seed);
    EXPECT_EQ(MurmurHash3X86_32(v.input, v.seed), v.hash);
  }
}

TEST(FlagshipHash, AsciiIsPlainMurmur) {
  std::string s;
  for (int len = 0; len <= 100; ++len) {
    EXPECT_EQ(FlagshipHash(s), MurmurHash3X86_32(s, 0)) << "length " << len;
    s.push_back(static_cast<char>('a' + len % 26));
  }
}

// Independent, deliberately plain reference: decode to UTF-16 with the same
// rules (one U+FFFD per bad byte), keep the low bytes, hash them.
std::string Utf16LowBytes(std::string_view utf8) {
  std::vector<uint16_t> units;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t n = utf8.size();
  size_t i = 0;
  auto cont = [&](size_t k, unsigned lo, unsigned hi) {
    return i + k < n && p[i + k] >= lo && p[i + k] <= hi;
  };
  while (i < n) {
    const unsigned b = p[i];
    uint32_t cp = 0;
    size_t len = 0;
    if (b < 0x80) {
      cp = b, len = 1;
    } else if (b >= 0xC2 && b <= 0xDF && cont(1, 0x80, 0xBF)) {
      cp = ((b & 0x1F) << 6) | (p[i + 1] & 0x3F), len = 2;
    } else if (b >= 0xE0 && b <= 0xEF &&
               cont(1, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF) &&
               cont(2, 0x80, 0xBF)) {
      cp = ((b & 0x0F) << 12) | ((p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
      len = 3;
    } else if (b >= 0xF0 && b <= 0xF4 &&
               cont(1, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF) &&
               cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF)) {
      cp = ((b & 0x07) << 18) | ((p[i + 1] & 0x3F) << 12) |
           ((p[i + 2] & 0x3F) << 6) | (p[i + 3] & 0x3F);
      len = 4;
    } else {
      cp = 0xFFFD, len = 1;
    }
    i += len;
    if (cp >= 0x10000) {
      units.push_back(static_cast<uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      units.push_back(static_cast<uint16_t>(cp));
    }
  }
  std::string out;
  for (uint16_t u : units) out.push_back(static_cast<char>(u & 0xff));
  return out;
}

const std::vector<std::string>& Samples() {
  static const auto* samples = new std::vector<std::string>{
      "hello",
      "vgid\u00e9\u00e9\u00e9\u00e0\u00eb\u00e9\u00e9\u00e9\u00e9\u00e9",
      "vgAlloc\u7528\u62377",
      "visitor-\U0001F600-x",                      // astral: a surrogate pair
      "\U0001F600\U0001F601\U00010000\U0010FFFF",  // astral only
      "abc\u00e9\u20ac\U0001F600defghijklmnop",    // 1- to 4-byte mix
      "caf\xc3",                                   // truncated 2-byte at end
      "a\xe4\xb8"
      "A",  // truncated 3-byte mid-text
      "\xff\xfe"
      "ab",                // bytes never valid
      "\xc0\xaf\xc1\xbf",  // overlong encodings
      "\xed\xa0\x80"
      "x",                         // an encoded surrogate
      "\xf4\x90\x80\x80",          // above U+10FFFF
      "\x80\x80\x80\x80\x80",      // lone continuations
      "\xf0\x9f\x98",              // astral, cut short
      "\xe0\x80\x80\xe0\xa0\x80",  // overlong, then valid U+0800
  };
  return *samples;
}

TEST(FlagshipHash, EqualsMurmurOfUtf16LowBytes) {
  for (const std::string& s : Samples()) {
    SCOPED_TRACE(testing::PrintToString(s));
    const std::string low = Utf16LowBytes(s);
    EXPECT_EQ(FlagshipHash(s), MurmurHash3X86_32(low, 0));
  }
}

TEST(FlagshipHash, NonAsciiContributesLowByteOfCodeUnit) {
  EXPECT_EQ(FlagshipHash("\u00e9"), MurmurHash3X86_32("\xe9", 0));
  EXPECT_EQ(FlagshipHash("\u4e2d"), MurmurHash3X86_32("\x2d", 0));
  EXPECT_EQ(FlagshipHash("\u20ac"), MurmurHash3X86_32("\xac", 0));
  // U+1F600 is D83D DE00 in UTF-16.
  EXPECT_EQ(FlagshipHash("\U0001F600"),
            MurmurHash3X86_32(std::string_view("\x3d\x00", 2), 0));
}

TEST(FlagshipHash, InvalidUtf8GivesOneReplacementPerBadByte) {
  // U+FFFD's low byte is FD.
  EXPECT_EQ(FlagshipHash("\xff"), MurmurHash3X86_32("\xfd", 0));
  EXPECT_EQ(FlagshipHash("a\xc3"), MurmurHash3X86_32("a\xfd", 0));
  EXPECT_EQ(FlagshipHash("\xe4\xb8"
                         "A"),
            MurmurHash3X86_32("\xfd\xfd"
                              "A",
                              0));
  EXPECT_EQ(FlagshipHash("\xc0\xaf"), MurmurHash3X86_32("\xfd\xfd", 0));
  EXPECT_EQ(FlagshipHash("\xed\xa0\x80"), MurmurHash3X86_32("\xfd\xfd\xfd", 0));
  EXPECT_EQ(FlagshipHash("\xf4\x90\x80\x80"),
            MurmurHash3X86_32("\xfd\xfd\xfd\xfd", 0));
  FlagshipHasher h;
  h.Update("\xf0\x9f\x98");
  EXPECT_EQ(h.length(), 0u);  // still waiting for the last byte
  EXPECT_EQ(h.Finish(), MurmurHash3X86_32("\xfd\xfd\xfd", 0));
  EXPECT_EQ(h.length(), 0u);  // Finish does not change the state
  h.Update("\x80");
  EXPECT_EQ(h.Finish(), FlagshipHash("\U0001F600"));
}

std::vector<std::string> AllSamples() {
  std::vector<std::string> all = Samples();
  for (const auto& v : kFlagshipVectors) all.emplace_back(v.input);
  return all;
}

TEST(FlagshipHasher, StreamingEqualsOneShotAtEverySplitPoint) {
  for (const std::string& s : AllSamples()) {
    SCOPED_TRACE(testing::PrintToString(s));
    const uint32_t expected = FlagshipHash(s);
    for (size_t i = 0; i <= s.size(); ++i) {
      FlagshipHasher h;
      h.Update(std::string_view(s).substr(0, i));
      h.Update(std::string_view(s).substr(i));
      EXPECT_EQ(h.Finish(), expected) << "split at " << i;
    }
  }
}

TEST(FlagshipHasher, StreamingEqualsOneShotAtEveryPairOfSplitPoints) {
  for (const std::string& s : AllSamples()) {
    SCOPED_TRACE(testing::PrintToString(s));
    const uint32_t expected = FlagshipHash(s);
    const std::string_view v(s);
    for (size_t i = 0; i <= s.size(); ++i) {
      for (size_t j = i; j <= s.size(); ++j) {
        FlagshipHasher h;
        h.Update(v.substr(0, i));
        h.Update(v.substr(i, j - i));
        h.Update(v.substr(j));
        EXPECT_EQ(h.Finish(), expected) << "splits at " << i << ", " << j;
      }
    }
  }
}

TEST(FlagshipHasher, ByteAtATimeEqualsOneShot) {
  for (const std::string& s : AllSamples()) {
    FlagshipHasher h;
    for (char c : s) h.Update(std::string_view(&c, 1));
    EXPECT_EQ(h.Finish(), FlagshipHash(s)) << testing::PrintToString(s);
  }
}

TEST(FlagshipHasher, LengthCountsUtf16CodeUnits) {
  FlagshipHasher h;
  h.Update("ab");
  EXPECT_EQ(h.length(), 2u);
  h.Update("\u00e9\u4e2d");  // two BMP characters: 2 units
  EXPECT_EQ(h.length(), 4u);
  h.Update("\U0001F600");  // one astral character: 2 units
  EXPECT_EQ(h.length(), 6u);
}

// A visitor id prepared once (internal::MurmurSuffix) hashes after any
// prefix as the prefix's own FinishWith does: every prefix length % 4
// (ASCII prefixes and prefixes counting more code units than bytes), ids
// of every length Prepare takes, and every id byte value it takes.
TEST(MurmurSuffix, AgreesWithFinishWithAfterEveryPrefix) {
  // Each prefix with its UTF-16 low bytes, for plain MurmurHash3 (hash.cc's
  // own loop) as a second reference.
  const std::pair<std::string_view, std::string_view> kPrefixes[] = {
      {"", ""},
      {"a", "a"},
      {"ab", "ab"},
      {"abc", "abc"},
      {"abcd", "abcd"},
      {"vg-17", "vg-17"},
      {"c20j8bk3fk9hdphqtd2g", "c20j8bk3fk9hdphqtd2g"},
      {"traffic:vg-1", "traffic:vg-1"},
      {"\u00e9", "\xe9"},
      {"x\u00e9", "x\xe9"},
      {"\U0001F600z", std::string_view("\x3d\x00z", 3)},  // D83D DE00 z
      {"\u4e2d\u00e9\u00e0", "\x2d\xe9\xe0"}};
  std::vector<FlagshipHasher> prefixes;
  for (const auto& [utf8, low] : kPrefixes) {
    FlagshipHasher h;
    h.Update(utf8);
    ASSERT_EQ(h.length(), low.size()) << utf8;
    prefixes.push_back(h);
  }
  unsigned seen_alignments = 0;
  for (const FlagshipHasher& p : prefixes)
    seen_alignments |= 1u << (p.length() & 3);
  EXPECT_EQ(seen_alignments, 0xfu);  // the prefixes cover every alignment
  uint32_t x = 12345;
  int checked = 0;
  for (size_t len = internal::MurmurSuffix::kMinBytes;
       len <= internal::MurmurSuffix::kMaxBytes; ++len) {
    for (int rep = 0; rep < 8; ++rep) {
      std::string id(len, ' ');
      for (char& c : id) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>((x >> 16) % 128);  // any ASCII byte, NUL too
      }
      internal::MurmurSuffix suffix;
      ASSERT_TRUE(suffix.Prepare(id, 0xf)) << len;
      for (size_t k = 0; k < prefixes.size(); ++k) {
        const FlagshipHasher& p = prefixes[k];
        ASSERT_TRUE(p.EndsOnWholeCharacter());
        const uint32_t plain =
            MurmurHash3X86_32(std::string(kPrefixes[k].second) + id, 0);
        EXPECT_EQ(p.FinishWith(id), plain)
            << "length " << len << ", prefix length " << p.length();
        EXPECT_EQ(suffix.FinishAfter(p), plain)
            << "length " << len << ", prefix length " << p.length();
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 45 * 8 * 12);
}

// An id of the lengths the word-at-a-time path takes with one non-ASCII
// character at any place (first, last or middle bytes, after prefixes of
// every alignment) hashes its UTF-16 low bytes, as plain MurmurHash3 of
// them says: the path's ASCII test sees every byte.
TEST(FlagshipHash, NonAsciiAtAnyPlaceOfAnIdIsDecoded) {
  int checked = 0;
  for (const std::string_view prefix : {"", "a", "ab", "abc"}) {
    FlagshipHasher p;
    p.Update(prefix);
    for (size_t len = 2; len <= 50; ++len) {
      for (size_t at = 0; at < len; ++at) {
        // `len` code units: ASCII but for U+00E9 (2 UTF-8 bytes) at `at`.
        std::string utf8, low;
        for (size_t k = 0; k < len; ++k) {
          if (k == at) {
            utf8 += "\u00e9";
            low += '\xe9';
          } else {
            utf8 += static_cast<char>('a' + k % 26);
            low += static_cast<char>('a' + k % 26);
          }
        }
        ASSERT_EQ(p.FinishWith(utf8),
                  MurmurHash3X86_32(std::string(prefix) + low, 0))
            << "prefix " << prefix.size() << ", length " << len << ", at "
            << at;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 4 * (50 * 51 / 2 - 1));
}

// Only the alignments asked for are prepared, and the others are left
// alone: an id prepared for one alignment hashes right after that
// alignment's prefixes.
TEST(MurmurSuffix, PreparesTheAlignmentsAskedFor) {
  for (unsigned a = 0; a < 4; ++a) {
    FlagshipHasher p;
    p.Update(std::string(5 + a, 'g'));  // length % 4 = (1 + a) % 4
    internal::MurmurSuffix suffix;
    ASSERT_TRUE(suffix.Prepare("visitor-123", 1u << ((1 + a) % 4)));
    EXPECT_EQ(suffix.FinishAfter(p), p.FinishWith("visitor-123")) << a;
  }
}

// Ids Prepare does not take: too short, too long, not ASCII. The caller
// then hashes them from their bytes.
TEST(MurmurSuffix, RefusesShortLongAndNonAsciiIds) {
  internal::MurmurSuffix suffix;
  EXPECT_FALSE(suffix.Prepare("abc", 0xf));
  EXPECT_FALSE(suffix.Prepare("", 0xf));
  EXPECT_FALSE(suffix.Prepare(
      std::string(internal::MurmurSuffix::kMaxBytes + 1, 'v'), 0xf));
  EXPECT_TRUE(
      suffix.Prepare(std::string(internal::MurmurSuffix::kMaxBytes, 'v'), 0xf));
  EXPECT_TRUE(suffix.Prepare("abcd", 0xf));
  for (size_t at = 0; at < 9; ++at) {
    std::string id = "visitor-7";
    id[at] = static_cast<char>(0xc3);  // a byte of a multi-byte sequence
    EXPECT_FALSE(suffix.Prepare(id, 0xf)) << at;
  }
  EXPECT_FALSE(suffix.Prepare("visitor-\u00e9", 0xf));
}

// A prefix ending inside a UTF-8 sequence is one FinishAfter cannot
// continue (the id's first byte ends that sequence).
TEST(FlagshipHasher, PrefixEndingInsideACharacterDoesNotEndOnAWholeOne) {
  FlagshipHasher p;
  p.Update("vg\xc3");
  EXPECT_FALSE(p.EndsOnWholeCharacter());
  p.Update("\xa9");
  EXPECT_TRUE(p.EndsOnWholeCharacter());
}

// A prefix's state, taken out with ContinueFrom (the decision path keeps it
// beside a group's hot data), continues as the prefix itself does: a
// prepared id finished after the state equals the prefix's FinishWith, for
// ASCII ids of every length the preparation takes, after prefixes of every
// alignment, non-ASCII ones too. A prefix ending inside a UTF-8 sequence
// gives no state.
TEST(FlagshipHasher, ContinuesFromItsStateAfterAWholeCharacter) {
  const std::string_view kPrefixes[] = {
      "",       "a",           "ab",
      "abc",    "vg-17",       "x\u00e9",
      "\u00e9", "\U0001F600z", "\u4e2d\u00e9\u00e0"};
  uint32_t x = 777;
  unsigned seen_alignments = 0;
  int checked = 0;
  for (const std::string_view prefix : kPrefixes) {
    FlagshipHasher p;
    p.Update(prefix);
    uint32_t h1 = 0, tail = 0, length = 0;
    ASSERT_TRUE(p.ContinueFrom(&h1, &tail, &length)) << prefix;
    EXPECT_EQ(length, p.length());
    seen_alignments |= 1u << (length & 3);
    for (size_t len = internal::MurmurSuffix::kMinBytes;
         len <= internal::MurmurSuffix::kMaxBytes; ++len) {
      std::string id(len, ' ');
      for (char& c : id) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>((x >> 16) % 128);
      }
      internal::MurmurSuffix suffix;
      ASSERT_TRUE(suffix.Prepare(id, 0xf));
      ASSERT_EQ(suffix.FinishAfter(h1, tail, length), p.FinishWith(id))
          << prefix << " + " << len << " bytes";
      ++checked;
    }
  }
  EXPECT_EQ(seen_alignments, 0xfu);
  EXPECT_EQ(checked,
            9 * static_cast<int>(internal::MurmurSuffix::kMaxBytes -
                                 internal::MurmurSuffix::kMinBytes + 1));

  FlagshipHasher split;
  split.Update("vg\xc3");
  uint32_t h1 = 1, tail = 2, length = 3;
  EXPECT_FALSE(split.ContinueFrom(&h1, &tail, &length));
  EXPECT_EQ(std::make_tuple(h1, tail, length), std::make_tuple(1u, 2u, 3u));
  split.Update("\xa9");
  EXPECT_TRUE(split.ContinueFrom(&h1, &tail, &length));
  EXPECT_EQ(length, 3u);
}

// The bucket's modulo by a multiply agrees with `%` at the edges of the
// 64-bit range, around multiples of 10000 and on a long pseudo-random run.
TEST(Mod10000, AgreesWithTheRemainder) {
  std::vector<uint64_t> values = {0,
                                  1,
                                  9999,
                                  10000,
                                  10001,
                                  ~uint64_t{0},
                                  ~uint64_t{0} - 1,
                                  uint64_t{1} << 63};
  for (uint64_t m = 1; m < 40; ++m) {
    const uint64_t base = (~uint64_t{0} / 10000 / m) * 10000;
    values.push_back(base - 1);
    values.push_back(base);
    values.push_back(base + 1);
  }
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 1000000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    values.push_back(x);
  }
  for (const uint64_t v : values) {
    ASSERT_EQ(internal::Mod10000(v), v % 10000) << v;
  }
}

// The inline hashes take xxHash's short-key function directly for keys of
// up to 16 bytes: they must give what xxHash's entry points give, at every
// length on both sides of that bound and of xxHash's own (128, 240).
TEST(InlineXxh3, AgreesWithXxhashAtEveryLength) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) bytes.push_back(static_cast<char>(i * 37 + 11));
  const uint64_t seeds[] = {0, 1, 0x9E3779B97F4A7C15ULL, ~uint64_t{0}};
  for (size_t n = 0; n <= bytes.size(); ++n) {
    const std::string_view key(bytes.data(), n);
    EXPECT_EQ(internal::InlineXxh3(key), XXH3_64bits(key.data(), n)) << n;
    EXPECT_EQ(internal::InlineXxh3(key), Xxh3Hash(key)) << n;
    for (const uint64_t seed : seeds) {
      EXPECT_EQ(internal::InlineXxh3WithSeed(key, seed),
                XXH3_64bits_withSeed(key.data(), n, seed))
          << n << " " << seed;
      EXPECT_EQ(internal::InlineXxh3WithSeed(key, seed),
                Xxh3HashWithSeed(key, seed))
          << n << " " << seed;
      EXPECT_EQ(internal::Xxh3WithSeed(key, seed),
                XXH3_64bits_withSeed(key.data(), n, seed))
          << n << " " << seed;
      EXPECT_EQ(internal::Xxh3Bucket(key, seed),
                XXH3_64bits_withSeed(key.data(), n, seed) % 10000)
          << n << " " << seed;
    }
  }
}

// The decision path's own 9-to-16-byte XXH3 must be xxHash's, bit for bit:
// every length it takes, seeds near the edges of 64 bits and random ones,
// and keys whose bytes cover every value.
TEST(InlineXxh3, OwnShortKeyHashIsXxhashsFromNineToSixteenBytes) {
  std::mt19937_64 rng(42);
  std::vector<uint64_t> seeds = {0, 1, 0x9E3779B97F4A7C15ULL, ~uint64_t{0},
                                 uint64_t{1} << 63};
  for (int i = 0; i < 200; ++i) seeds.push_back(rng());
  for (size_t n = 9; n <= 16; ++n) {
    for (int k = 0; k < 64; ++k) {
      std::string key(n, '\0');
      for (char& c : key) c = static_cast<char>(rng());
      if (k == 0) key.assign(n, '\xff');
      for (const uint64_t seed : seeds) {
        const uint64_t want = XXH3_64bits_withSeed(key.data(), n, seed);
        ASSERT_EQ(internal::Xxh3Of9To16(key, seed), want)
            << n << " " << k << " " << seed;
        ASSERT_EQ(internal::Xxh3BucketOf9To16(key, seed), want % 10000);
      }
    }
  }
}

}  // namespace
}  // namespace allot
