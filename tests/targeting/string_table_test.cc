// The frozen string table Bind looks visitors' values up in: every key
// finds its value and nothing else does, whatever the lengths (0 to 40
// bytes, through each of its ways of reading a key), the bytes (NUL, high
// bytes) or the near misses (a key's prefix, suffix, one byte changed, the
// same bytes at another length).
#include "targeting/internal/string_table.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace allot::internal {
namespace {

constexpr uint32_t kMissing = 0xdeadbeef;

std::string RandomString(std::mt19937& rng, size_t length) {
  // Few distinct bytes, so that keys often share their words.
  const std::string alphabet = std::string("ab\0\xff", 4) + "Z";
  std::string s;
  for (size_t i = 0; i < length; ++i) s += alphabet[rng() % alphabet.size()];
  return s;
}

TEST(StringTable, FindsEveryKeyAndNothingElse) {
  std::mt19937 rng(20261205);
  int lookups = 0, hits = 0, perfect = 0;
  for (int round = 0; round < 200; ++round) {
    // 0 to 60 keys of 0 to 40 bytes.
    std::map<std::string, uint32_t> keys;
    const int n = static_cast<int>(rng() % 61);
    while (static_cast<int>(keys.size()) < n) {
      keys.emplace(RandomString(rng, rng() % 41),
                   static_cast<uint32_t>(keys.size()));
    }
    std::vector<std::pair<std::string_view, uint32_t>> entries(keys.begin(),
                                                                keys.end());
    StringTable<uint32_t> table;
    table.Build(entries);
    EXPECT_GE(table.size(), 2 * keys.size());
    perfect += table.perfect();
    auto expect = [&](const std::string& probe) {
      const auto it = keys.find(probe);
      const uint32_t want = it == keys.end() ? kMissing : it->second;
      ASSERT_EQ(table.Find(probe, kMissing), want)
          << "round " << round << ", a probe of " << probe.size() << " bytes";
      ++lookups;
      hits += it != keys.end();
    };
    for (const auto& [key, value] : keys) {
      expect(key);
      // Near misses.
      if (!key.empty()) {
        expect(key.substr(1));
        expect(key.substr(0, key.size() - 1));
        std::string changed = key;
        changed[rng() % key.size()] ^= 1;
        expect(changed);
      }
      expect(key + key.substr(0, key.size() % 3));
      expect(std::string(1, '\0') + key);
    }
    for (int k = 0; k < 50; ++k) expect(RandomString(rng, rng() % 41));
    if (HasFailure()) return;
  }
  EXPECT_GT(hits, 5000);
  EXPECT_GT(lookups - hits, 5000);
  // Up to 60 keys: a slot per key, nearly always (a few keys whose words
  // mix to the same value could force probing).
  EXPECT_GE(perfect, 195);
}

// Too many keys for a slot each: linear probing, with the same answers.
TEST(StringTable, ManyKeysProbe) {
  std::mt19937 rng(7);
  std::map<std::string, uint32_t> keys;
  while (keys.size() < 3000) {
    keys.emplace(RandomString(rng, 1 + rng() % 24),
                 static_cast<uint32_t>(keys.size()));
  }
  std::vector<std::pair<std::string_view, uint32_t>> entries(keys.begin(),
                                                              keys.end());
  StringTable<uint32_t> table;
  table.Build(entries);
  EXPECT_FALSE(table.perfect());
  EXPECT_GE(table.size(), 6000u);
  for (const auto& [key, value] : keys) {
    ASSERT_EQ(table.Find(key, kMissing), value) << key.size() << " bytes";
    ASSERT_EQ(table.Find(key + "Z", kMissing),
              keys.count(key + "Z") ? keys.at(key + "Z") : kMissing);
  }
  for (int k = 0; k < 20000; ++k) {
    const std::string probe = RandomString(rng, rng() % 30);
    const auto it = keys.find(probe);
    ASSERT_EQ(table.Find(probe, kMissing),
              it == keys.end() ? kMissing : it->second);
  }
}

// The values W2 and W3 look up per visitor: a slot each, so one read.
TEST(StringTable, CountryCodesGetASlotEach) {
  const std::vector<std::string> codes = {
      "FR", "DE", "US", "GB", "ES", "IT", "NL", "BE", "CH", "AT", "SE", "NO", "DK",
      "FI", "PL", "PT", "IE", "CZ", "GR", "HU", "RO", "CA", "AU", "JP", "BR"};
  std::vector<std::pair<std::string_view, uint32_t>> entries;
  for (size_t i = 0; i < codes.size(); ++i) {
    entries.emplace_back(codes[i], static_cast<uint32_t>(i));
  }
  StringTable<uint32_t> table;
  table.Build(entries);
  EXPECT_TRUE(table.perfect());
  EXPECT_LE(table.size(), 256u);
  for (size_t i = 0; i < codes.size(); ++i) {
    EXPECT_EQ(table.Find(codes[i], kMissing), i);
  }
  EXPECT_EQ(table.Find("XX", kMissing), kMissing);
  EXPECT_EQ(table.Find("F", kMissing), kMissing);
  EXPECT_EQ(table.Find("FRA", kMissing), kMissing);
  EXPECT_EQ(table.Find("", kMissing), kMissing);
}

// A table built from nothing (or never built) finds nothing.
TEST(StringTable, EmptyFindsNothing) {
  StringTable<uint32_t> never_built;
  EXPECT_EQ(never_built.Find("FR", kMissing), kMissing);
  EXPECT_EQ(never_built.Find("", kMissing), kMissing);
  StringTable<uint32_t> empty;
  empty.Build({});
  EXPECT_EQ(empty.Find("pro", kMissing), kMissing);
  StringTable<uint32_t> one;
  one.Build({{"", 7}});
  EXPECT_EQ(one.Find("", kMissing), 7u);
  EXPECT_EQ(one.Find(std::string_view("\0", 1), kMissing), kMissing);
}

}  // namespace
}  // namespace allot::internal
