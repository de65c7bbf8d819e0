// File: allocation/internal/xxh3.h
//
// The one place that compiles xxHash inline. XXH_INLINE_ALL makes XXH3 a set
// of static inline functions, which is what xxHash recommends for short keys:
// visitor ids are a few dozen bytes, so call overhead would dominate.
// Internal: include only from .cc files that hash on a decision's path
// (allocation/*.cc, core/exposure_logger.cc, core/structure.cc's layer and
// holdout buckets, and through core/internal/lifecycle.h the forced lists'
// Bloom filter) and from
// benchmarks that measure that path.
#ifndef ALLOT_ALLOCATION_INTERNAL_XXH3_H_
#define ALLOT_ALLOCATION_INTERNAL_XXH3_H_

#include <cstdint>

// XXH3's final mix, which xxHash declares plain `static`: in a function
// with many hashes inline (DecideAll with traffic ramps: a traffic and a
// split hash per campaign) GCC 12 stopped inlining it and called it, 22
// calls of ~17 instructions where the inline mix takes 6. Declared here
// first as always inline; xxHash's definition below keeps the attribute.
extern "C" {
static inline std::uint64_t XXH3_avalanche(std::uint64_t h64)
    __attribute__((always_inline, unused));
}

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#include <bit>
#include <cstring>
#include <string_view>

namespace allot::internal {

// Keys of up to 16 bytes through xxHash's own short-key function, which
// XXH3_64bits_withSeed would pick for them (with the same default secret):
// that one is always inline, where GCC keeps XXH3_64bits_withSeed (which
// also holds the long-key code) a call.
[[gnu::always_inline]] inline uint64_t InlineXxh3WithSeed(std::string_view data,
                                                          uint64_t seed) {
  if (data.size() <= 16) {
    return XXH3_len_0to16_64b(reinterpret_cast<const xxh_u8*>(data.data()),
                              data.size(), XXH3_kSecret, seed);
  }
  return XXH3_64bits_withSeed(data.data(), data.size(), seed);
}

[[gnu::always_inline]] inline uint64_t InlineXxh3(std::string_view data) {
  return InlineXxh3WithSeed(data, 0);  // XXH3_64bits is the seed-0 hash
}

// h % 10000 through a multiply by the reciprocal (exact for every 64-bit
// h: the quotient is the high word of h * ceil(2^75 / 10000), shifted by
// 11). GCC emits this for `% 10000` only where it optimises for speed; in
// the inlined copies it judged cold it emitted a 64-bit `div` (tens of
// cycles), which on W2 ran for every campaign the index marked.
[[gnu::always_inline]] inline uint32_t Mod10000(uint64_t h) {
  const uint64_t q =
      static_cast<uint64_t>(
          (static_cast<unsigned __int128>(h) * 0x346DC5D63886594BULL) >> 64) >>
      11;
  return static_cast<uint32_t>(h - q * 10000);
}

// The 128-bit product of a and b, its two halves xored (XXH3's fold).
// On x86-64, one `mul` written out: GCC 12 keeps an unsigned __int128
// product of a large function (DecideAll) in a stack slot, a store and a
// load between the multiply and the xor.
[[gnu::always_inline]] inline uint64_t MultiplyFold64(uint64_t a, uint64_t b) {
#if defined(__x86_64__) && defined(__GNUC__)
  uint64_t high;
  __asm__("mulq %[b]" : "+a"(a), "=d"(high) : [b] "r"(b) : "cc");
  return a ^ high;
#else
  const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
#endif
}

// XXH3_64bits_withSeed of a key of 9 to 16 bytes, written out from
// xxHash's specification (the 9-to-16-byte case, default secret): the
// key's first and last 8 bytes, each xored with two words of the secret
// and the seed, go through one 64 x 64 -> 128-bit multiply folded to 64
// bits, then XXH3's final mix. xxHash's own function returns the product
// as a two-word struct, which GCC 12 stores to the stack and loads back
// (three instructions on every campaign a decision hashes): see
// MultiplyFold64. The same value on every key
// and seed (tests/allocation/hash_test.cc checks it against xxHash).
// REQUIRES: 9 <= key.size() <= 16.
[[gnu::always_inline]] inline uint64_t Xxh3Of9To16(std::string_view key,
                                                   uint64_t seed) {
  if constexpr (std::endian::native != std::endian::little) {
    return XXH3_len_9to16_64b(reinterpret_cast<const xxh_u8*>(key.data()),
                              key.size(), XXH3_kSecret, seed);
  }
  // The default secret's words at bytes 24 and 32, xored, and at 40 and 48.
  constexpr uint64_t kFlipLow = 0x6782737BEA4239B9ULL;
  constexpr uint64_t kFlipHigh = 0xAF56BC3B0996523AULL;
  uint64_t low;
  uint64_t high;
  std::memcpy(&low, key.data(), 8);
  std::memcpy(&high, key.data() + key.size() - 8, 8);
  low ^= kFlipLow + seed;
  high ^= kFlipHigh - seed;
  uint64_t h =
      key.size() + __builtin_bswap64(low) + high + MultiplyFold64(low, high);
  h ^= h >> 37;  // XXH3's avalanche
  h *= 0x165667919E3779F9ULL;
  return h ^ (h >> 32);
}

// XXH3_64bits_withSeed on a decision's path: a key of 9 to 16 bytes (W1's
// and W2's visitor ids) through Xxh3Of9To16 after one length test, others
// through xxHash. (Xxh3Hash, allocation/hash.h, and so the benchmarks'
// floors, keep xxHash's own code.)
[[gnu::always_inline]] inline uint64_t Xxh3WithSeed(std::string_view data,
                                                    uint64_t seed) {
  if (data.size() - 9 <= 16 - 9) return Xxh3Of9To16(data, seed);
  return InlineXxh3WithSeed(data, seed);
}

// The bucket in [0, 10000) of allot's XXH3 mode (DESIGN §4): the seeded
// hash of the visitor id modulo 10,000.
[[gnu::always_inline]] inline uint32_t Xxh3Bucket(std::string_view visitor_id,
                                                  uint64_t seed) {
  return Mod10000(Xxh3WithSeed(visitor_id, seed));
}

// Xxh3Bucket of an id of 9 to 16 bytes, without the length test.
// REQUIRES: 9 <= visitor_id.size() <= 16.
[[gnu::always_inline]] inline uint32_t Xxh3BucketOf9To16(
    std::string_view visitor_id, uint64_t seed) {
  return Mod10000(Xxh3Of9To16(visitor_id, seed));
}

}  // namespace allot::internal

#endif  // ALLOT_ALLOCATION_INTERNAL_XXH3_H_
