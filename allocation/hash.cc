#include "allocation/hash.h"

#include <cstring>

#include "allocation/internal/murmur.h"
#include "allocation/internal/xxh3.h"

namespace allot {
namespace {

using internal::FinalMix;
using internal::Load32;
using internal::MixBlock;
using internal::PushAscii;
using internal::PushByte;

constexpr uint8_t kReplacementLowByte = 0xFD;  // U+FFFD & 0xff

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
  return FinishWithInline(utf8);
}

uint32_t FlagshipHasher::FinishWithSlow(std::string_view utf8) const {
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
