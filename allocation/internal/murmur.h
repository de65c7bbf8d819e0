// File: allocation/internal/murmur.h
//
// MurmurHash3 x86_32's steps, inline, the ASCII fast path of
// FlagshipHasher::FinishWith, and MurmurSuffix, a visitor id prepared once
// for the hashes of many groups: Flagship's split and traffic buckets are
// hashed on the decision path, once per campaign decided, where two calls
// (GroupBucketer, then FlagshipHasher) cost a third of the hash. Internal:
// include only from allocation/*.cc and from .cc files that decide (and
// their tests).
#ifndef ALLOT_ALLOCATION_INTERNAL_MURMUR_H_
#define ALLOT_ALLOCATION_INTERNAL_MURMUR_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "allocation/hash.h"

namespace allot::internal {

inline constexpr uint32_t kMurmurC1 = 0xcc9e2d51;
inline constexpr uint32_t kMurmurC2 = 0x1b873593;

[[gnu::always_inline]] inline uint32_t Rotl32(uint32_t x, int r) {
  return (x << r) | (x >> (32 - r));
}

[[gnu::always_inline]] inline uint32_t MixK1(uint32_t k1) {
  k1 *= kMurmurC1;
  k1 = Rotl32(k1, 15);
  return k1 * kMurmurC2;
}

// One block's step, its word already through MixK1.
[[gnu::always_inline]] inline uint32_t MixMixedBlock(uint32_t h1,
                                                     uint32_t mixed_k1) {
  h1 ^= mixed_k1;
  h1 = Rotl32(h1, 13);
  return h1 * 5 + 0xe6546b64;
}

[[gnu::always_inline]] inline uint32_t MixBlock(uint32_t h1, uint32_t k1) {
  return MixMixedBlock(h1, MixK1(k1));
}

// MurmurHash3's finalization mix (fmix32).
[[gnu::always_inline]] inline uint32_t Avalanche(uint32_t h1) {
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6b;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35;
  h1 ^= h1 >> 16;
  return h1;
}

[[gnu::always_inline]] inline uint32_t FinalMix(uint32_t h1, uint32_t tail,
                                                uint32_t length) {
  if ((length & 3) != 0) h1 ^= MixK1(tail);
  return Avalanche(h1 ^ length);
}

// Little-endian load, whatever the host order (MurmurHash3 is defined on
// little-endian blocks; compilers turn this into one load on x86).
[[gnu::always_inline]] inline uint32_t Load32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 |
         uint32_t{p[3]} << 24;
}

// The ids whose bytes WalkAfter takes: 4 to 48 bytes.
inline constexpr size_t kWalkMinBytes = 4;
inline constexpr size_t kWalkMaxBytes = 48;

// Splits an id of kWalkMinBytes or more bytes, hashed after a prefix whose
// length % 4 is `a`, into MurmurHash3's blocks: head(word) for its first
// 4 - a bytes at their place in the prefix's last block (at alignment 0,
// its first block: every alignment starts with a block mix), block(word)
// for each later whole block, in order; returns the 0 to 3 bytes left (the
// tail) and sets *high to the words' high bits, ORed (0x80808080 & *high is
// 0 when the id is ASCII: the words cover every byte).
template <typename Head, typename Block>
[[gnu::always_inline]] inline uint32_t WalkAfter(unsigned a,
                                                 const unsigned char* p,
                                                 size_t n, uint32_t* high,
                                                 Head&& head, Block&& block) {
  const uint32_t first = Load32(p);
  head(first << (8 * a));
  uint32_t bits = first;
  size_t i = a == 0 ? 4 : 4 - a;
  for (; i + 4 <= n; i += 4) {
    const uint32_t w = Load32(p + i);
    bits |= w;
    block(w);
  }
  // The last n - i bytes, as the top of the id's last word.
  const uint32_t last = Load32(p + n - 4);
  *high = bits | last;
  const size_t left = n - i;
  return left == 0 ? 0 : last >> (32 - 8 * left);
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

// A visitor id prepared once for MurmurHash3 after many prefixes
// (Flagship's split bucket of every group a visitor is decided in, each
// the hash of the group id followed by the visitor id). A prefix of length
// P leaves the id's bytes at alignment a = P % 4: its first 4 - a bytes
// (none when a = 0) complete the prefix's last block, and the rest fall in
// whole blocks and a tail of their own. Prepare mixes those blocks and that
// tail (MixK1) once per alignment asked for; FinishAfter then costs each
// prefix one block mix with its tail, one step per later block and the
// final mix, where FinishWithInline loads and mixes every block again.
// Only ASCII ids of kMinBytes to kMaxBytes bytes are prepared (others hash as
// before, through FinishWithInline).
class MurmurSuffix {
 public:
  static constexpr size_t kMinBytes = kWalkMinBytes;
  static constexpr size_t kMaxBytes = kWalkMaxBytes;

  MurmurSuffix() = default;
  // Holds pointers into itself.
  MurmurSuffix(const MurmurSuffix&) = delete;
  MurmurSuffix& operator=(const MurmurSuffix&) = delete;

  // Prepares `id` for the alignments whose bit is set in `alignments`
  // (bit a for a prefix length % 4 of a; REQUIRES: some bit set). False,
  // with nothing usable prepared, when `id` has fewer than kMinBytes or
  // more than kMaxBytes bytes or is not ASCII.
  [[gnu::always_inline]] bool Prepare(std::string_view id,
                                      unsigned alignments) {
    const size_t n = id.size();
    if (n - kMinBytes > kMaxBytes - kMinBytes) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(id.data());
    length_ = static_cast<uint32_t>(n);
    uint32_t high = 0;
    for (unsigned a = 0; a < 4; ++a) {
      if ((alignments >> a) & 1) high = PrepareAt(a, p, n);
    }
    return (high & 0x80808080u) == 0;
  }

  // The hash of `prefix`'s bytes followed by the id's, as
  // prefix.FinishWithInline(id) gives it.
  // REQUIRES: prefix.EndsOnWholeCharacter(), and Prepare returned true with
  // prefix.length() % 4's bit set.
  [[gnu::always_inline]] uint32_t FinishAfter(
      const FlagshipHasher& prefix) const {
    return FinishAfter(prefix.h1_, prefix.tail_, prefix.length_);
  }
  // The same from a prefix's state (FlagshipHasher::ContinueFrom).
  [[gnu::always_inline]] uint32_t FinishAfter(uint32_t prefix_h1,
                                              uint32_t prefix_tail,
                                              uint32_t prefix_length) const {
    const Aligned& al = aligned_[prefix_length & 3];
    // The head completes the prefix's block (an id has 4 bytes or more).
    uint32_t h1 = MixBlock(prefix_h1, prefix_tail | al.head);
    for (const uint32_t* b = al.blocks; b != al.blocks_end; ++b) {
      h1 = MixMixedBlock(h1, *b);
    }
    return Avalanche(h1 ^ al.tail_k ^ (prefix_length + length_));
  }

 private:
  struct Aligned {
    uint32_t head;    // the head's bytes, at their place in the block
    uint32_t tail_k;  // MixK1 of the id's tail (0: none; MixK1(0) = 0)
    const uint32_t* blocks_end;
    uint32_t blocks[kMaxBytes / 4];  // MixK1 of each later whole block
  };

  // Returns WalkAfter's high bits.
  [[gnu::always_inline]] uint32_t PrepareAt(unsigned a, const unsigned char* p,
                                            size_t n) {
    Aligned& al = aligned_[a];
    uint32_t* b = al.blocks;
    uint32_t high;
    const uint32_t tail = WalkAfter(
        a, p, n, &high,
        [&](uint32_t head) __attribute__((always_inline)) { al.head = head; },
        [&](uint32_t block)
            __attribute__((always_inline)) { *b++ = MixK1(block); });
    al.blocks_end = b;
    al.tail_k = MixK1(tail);
    return high;
  }

  uint32_t length_ = 0;
  Aligned aligned_[4];
};

}  // namespace allot::internal

namespace allot {

[[gnu::always_inline]] inline uint32_t FlagshipHasher::FinishWithInline(
    std::string_view utf8) const {
  const auto* const id = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t n = utf8.size();
  if (utf8_need_ == 0 && utf8_pending_ == 0 &&
      n - internal::kWalkMinBytes <=
          internal::kWalkMaxBytes - internal::kWalkMinBytes) {
    // The usual id: hashed block by block, the ASCII test made once on the
    // words loaded (the hash is dropped when it fails).
    uint32_t h1 = h1_;
    uint32_t high;
    const uint32_t tail = internal::WalkAfter(
        length_ & 3, id, n, &high,
        [&](uint32_t head) __attribute__((always_inline)) {
          h1 = internal::MixBlock(h1, tail_ | head);
        },
        [&](uint32_t block) __attribute__((always_inline)) {
          h1 = internal::MixBlock(h1, block);
        });
    if ((high & 0x80808080u) == 0) {
      return internal::FinalMix(h1, tail, length_ + static_cast<uint32_t>(n));
    }
  }
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
