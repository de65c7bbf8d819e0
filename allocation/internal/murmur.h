// File: allocation/internal/murmur.h
//
// MurmurHash3 x86_32's steps, inline, and the ASCII fast path of
// FlagshipHasher::FinishWith: Flagship's split and traffic buckets are
// hashed on the decision path, once per campaign decided, where two calls
// (GroupBucketer, then FlagshipHasher) cost a third of the hash. Internal:
// include only from allocation/*.cc and from .cc files that decide.
#ifndef ALLOT_ALLOCATION_INTERNAL_MURMUR_H_
#define ALLOT_ALLOCATION_INTERNAL_MURMUR_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "allocation/hash.h"

namespace allot::internal {

inline constexpr uint32_t kMurmurC1 = 0xcc9e2d51;
inline constexpr uint32_t kMurmurC2 = 0x1b873593;

inline uint32_t Rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

inline uint32_t MixK1(uint32_t k1) {
  k1 *= kMurmurC1;
  k1 = Rotl32(k1, 15);
  return k1 * kMurmurC2;
}

inline uint32_t MixBlock(uint32_t h1, uint32_t k1) {
  h1 ^= MixK1(k1);
  h1 = Rotl32(h1, 13);
  return h1 * 5 + 0xe6546b64;
}

inline uint32_t FinalMix(uint32_t h1, uint32_t tail, uint32_t length) {
  if ((length & 3) != 0) h1 ^= MixK1(tail);
  h1 ^= length;
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6b;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35;
  h1 ^= h1 >> 16;
  return h1;
}

// Little-endian load, whatever the host order (MurmurHash3 is defined on
// little-endian blocks; compilers turn this into one load on x86).
inline uint32_t Load32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 |
         uint32_t{p[3]} << 24;
}

// Appends one byte (one UTF-16 code unit's low byte) to the running state.
inline void PushByte(uint32_t& h1, uint32_t& tail, uint32_t& length,
                     uint8_t b) {
  tail |= uint32_t{b} << (8 * (length & 3));
  ++length;
  if ((length & 3) == 0) {
    h1 = MixBlock(h1, tail);
    tail = 0;
  }
}

// Appends the ASCII bytes at the start of [p, end) to a MurmurHash3 state,
// one code unit per byte, four bytes at a time whatever the alignment:
// `tail` holds the length % 4 bytes of the block in progress, and each ASCII
// word completes it and leaves its last bytes as the next one's start.
// Returns where it stopped: `end`, or the first non-ASCII byte.
[[gnu::always_inline]] inline const unsigned char* PushAscii(
    uint32_t& h1, uint32_t& tail, uint32_t& length, const unsigned char* p,
    const unsigned char* end) {
  const unsigned shift = 8 * (length & 3);  // bits of tail in use
  if (shift == 0) {
    while (end - p >= 4) {
      const uint32_t w = Load32(p);
      if ((w & 0x80808080u) != 0) break;
      h1 = MixBlock(h1, w);
      length += 4;
      p += 4;
    }
  } else {
    while (end - p >= 4) {
      const uint32_t w = Load32(p);
      if ((w & 0x80808080u) != 0) break;
      h1 = MixBlock(h1, tail | (w << shift));
      tail = w >> (32 - shift);
      length += 4;
      p += 4;
    }
  }
  if (const size_t r = static_cast<size_t>(end - p); r > 0 && r < 4) {
    // The last 1 to 3 bytes, when ASCII, in one step.
    uint32_t v = p[0];
    if (r > 1) v |= uint32_t{p[1]} << 8;
    if (r > 2) v |= uint32_t{p[2]} << 16;
    if ((v & 0x808080u) == 0) {
      uint64_t bits = tail | uint64_t{v} << shift;
      if (shift + 8 * r >= 32) {
        h1 = MixBlock(h1, static_cast<uint32_t>(bits));
        bits >>= 32;
      }
      tail = static_cast<uint32_t>(bits);
      length += static_cast<uint32_t>(r);
      return end;
    }
  }
  // A word with a non-ASCII byte: its ASCII bytes one by one.
  while (p < end && *p < 0x80) PushByte(h1, tail, length, *p++);
  return p;
}

}  // namespace allot::internal

namespace allot {

[[gnu::always_inline]] inline uint32_t FlagshipHasher::FinishWithInline(
    std::string_view utf8) const {
  if (utf8_need_ == 0) {
    // The usual ASCII id after a complete prefix: no copy of the state.
    uint32_t h1 = h1_, tail = tail_, length = length_;
    const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
    const auto* const end = p + utf8.size();
    if (internal::PushAscii(h1, tail, length, p, end) == end) {
      return internal::FinalMix(h1, tail, length);
    }
  }
  return FinishWithSlow(utf8);
}

}  // namespace allot

#endif  // ALLOT_ALLOCATION_INTERNAL_MURMUR_H_
