#include "allocation/hash.h"

#include <cstring>

#include "allocation/internal/xxh3.h"

namespace allot {
namespace {

constexpr uint32_t kC1 = 0xcc9e2d51;
constexpr uint32_t kC2 = 0x1b873593;
constexpr uint8_t kReplacementLowByte = 0xFD;  // U+FFFD & 0xff

inline uint32_t Rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

inline uint32_t MixK1(uint32_t k1) {
  k1 *= kC1;
  k1 = Rotl32(k1, 15);
  return k1 * kC2;
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

}  // namespace

uint64_t Xxh3Hash(std::string_view data) { return internal::InlineXxh3(data); }

uint64_t Xxh3HashWithSeed(std::string_view data, uint64_t seed) {
  return internal::InlineXxh3WithSeed(data, seed);
}

uint32_t MurmurHash3X86_32(std::string_view data, uint32_t seed) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t n = data.size();
  uint32_t h1 = seed;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) h1 = MixBlock(h1, Load32(p + i));
  uint32_t tail = 0;
  for (size_t j = 0; i + j < n; ++j) tail |= uint32_t{p[i + j]} << (8 * j);
  // The reference implementation mixes in the length modulo 2^32.
  return FinalMix(h1, tail, static_cast<uint32_t>(n));
}

void FlagshipHasher::AddByte(uint8_t b) { PushByte(h1_, tail_, length_, b); }

void FlagshipHasher::AddCodePoint(uint32_t cp) {
  if (cp < 0x10000) {
    AddByte(static_cast<uint8_t>(cp));
    return;
  }
  // JavaScript strings hold astral characters as a surrogate pair, and the
  // SDK hashes both code units.
  const uint32_t c = cp - 0x10000;
  AddByte(static_cast<uint8_t>(0xD800 | (c >> 10)));
  AddByte(static_cast<uint8_t>(0xDC00 | (c & 0x3FF)));
}

void FlagshipHasher::FlushPendingUtf8() {
  // Each byte of a truncated sequence is invalid on its own (a lead byte with
  // no end, then lone continuation bytes): one replacement character each.
  for (uint8_t i = 0; i < utf8_pending_; ++i) AddByte(kReplacementLowByte);
  utf8_pending_ = 0;
  utf8_need_ = 0;
  utf8_cp_ = 0;
}

// Well-formed sequences are those of Unicode's Table 3-7 (no overlongs, no
// surrogates, nothing above U+10FFFF). Anything else yields U+FFFD per bad
// byte, then decoding resumes at the next byte.
void FlagshipHasher::DecodeByte(uint8_t b) {
  if (utf8_need_ != 0) {
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;
    if (utf8_pending_ == 1) {
      switch (utf8_lead_) {
        case 0xE0:
          lo = 0xA0;
          break;
        case 0xED:
          hi = 0x9F;
          break;
        case 0xF0:
          lo = 0x90;
          break;
        case 0xF4:
          hi = 0x8F;
          break;
        default:
          break;
      }
    }
    if (b >= lo && b <= hi) {
      utf8_cp_ = (utf8_cp_ << 6) | (b & 0x3F);
      ++utf8_pending_;
      if (--utf8_need_ == 0) {
        AddCodePoint(utf8_cp_);
        utf8_pending_ = 0;
        utf8_cp_ = 0;
      }
      return;
    }
    FlushPendingUtf8();
    // `b` starts afresh below.
  }
  if (b < 0x80) {
    AddByte(b);
  } else if (b >= 0xC2 && b <= 0xDF) {
    utf8_need_ = 1;
    utf8_cp_ = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    utf8_need_ = 2;
    utf8_cp_ = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    utf8_need_ = 3;
    utf8_cp_ = b & 0x07;
  } else {
    AddByte(kReplacementLowByte);
    return;
  }
  if (utf8_need_ != 0) {
    utf8_lead_ = b;
    utf8_pending_ = 1;
  }
}

namespace {

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

}  // namespace

void FlagshipHasher::Update(std::string_view utf8) {
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* const end = p + utf8.size();
  while (p < end) {
    if (utf8_need_ == 0) {
      // ASCII needs no decoding. The state lives in locals here: the input
      // is a char buffer, which may alias *this, so member updates would be
      // stored and reloaded on every byte.
      uint32_t h1 = h1_, tail = tail_, length = length_;
      p = PushAscii(h1, tail, length, p, end);
      h1_ = h1;
      tail_ = tail;
      length_ = length;
      if (p == end) break;
    }
    DecodeByte(*p++);
  }
}

uint32_t FlagshipHasher::FinishWith(std::string_view utf8) const {
  if (utf8_need_ == 0) {
    // The usual ASCII id after a complete prefix: no copy of the state.
    uint32_t h1 = h1_, tail = tail_, length = length_;
    const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
    const auto* const end = p + utf8.size();
    if (PushAscii(h1, tail, length, p, end) == end) {
      return FinalMix(h1, tail, length);
    }
  }
  FlagshipHasher h = *this;
  h.Update(utf8);
  return h.Finish();
}

uint32_t FlagshipHasher::Finish() const {
  if (utf8_pending_ == 0) return FinalMix(h1_, tail_, length_);
  FlagshipHasher h = *this;
  h.FlushPendingUtf8();
  return FinalMix(h.h1_, h.tail_, h.length_);
}

uint32_t FlagshipHash(std::string_view utf8) {
  return FlagshipHasher().FinishWith(utf8);
}

}  // namespace allot
