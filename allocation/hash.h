// File: allocation/hash.h
//
// The hash functions behind every bucket allot computes: XXH3 (64-bit, with and
// without seed) for the `xxh3` bucketing mode, and MurmurHash3 x86_32 for the
// `flagship` mode, where Flagship hashes one byte per UTF-16 code unit (its low
// 8 bits) rather than the UTF-8 bytes.
//
//   uint64_t s = allot::Xxh3Hash("group-1");
//   uint32_t split = allot::Xxh3HashWithSeed("visitor-7", s) % 10000;
//   uint32_t fs = allot::FlagshipHash("vgidvisitor_1") % 100;
//
// All functions are pure and thread-safe. The formulas are frozen: golden
// vectors in tests/allocation pin them, since a change moves live visitors.
#ifndef ALLOT_ALLOCATION_HASH_H_
#define ALLOT_ALLOCATION_HASH_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace allot {

namespace internal {
class MurmurSuffix;
}  // namespace internal

// XXH3_64bits of `data`.
uint64_t Xxh3Hash(std::string_view data);

// XXH3_64bits_withSeed of `data`.
uint64_t Xxh3HashWithSeed(std::string_view data, uint64_t seed);

// Plain MurmurHash3 x86_32 over the bytes of `data`.
uint32_t MurmurHash3X86_32(std::string_view data, uint32_t seed);

// Streaming MurmurHash3 x86_32 (seed 0) over the low byte of each UTF-16 code
// unit of UTF-8 text, as Flagship's JS SDK hashes JavaScript strings. Invalid
// UTF-8 decodes to U+FFFD per bad byte. Pure-ASCII input takes a fast path.
// A prefix can be hashed once and continued per visitor:
//
//   FlagshipHasher prefix;  prefix.Update(group_id);      // at compile time
//   uint32_t bucket = prefix.FinishWith(visitor_id) % 100;  // per decision
//
// Trivially copyable; a value type with no heap state.
class FlagshipHasher {
 public:
  FlagshipHasher() = default;

  // Appends the UTF-16 low bytes of `utf8`.
  void Update(std::string_view utf8);

  // The hash of everything appended so far. Does not change the state.
  uint32_t Finish() const;

  // The hash of everything appended so far followed by `utf8`: a copy's
  // Update(utf8) then Finish(), without the copy when `utf8` is ASCII (a
  // prefix hashed once, a visitor id per decision).
  uint32_t FinishWith(std::string_view utf8) const;
  // The same, its ASCII path inline; defined in allocation/internal/
  // murmur.h, for the decision path.
  uint32_t FinishWithInline(std::string_view utf8) const;

  // Number of UTF-16 code units appended so far. Bytes of a UTF-8 sequence
  // still waiting for its continuation bytes are not counted yet.
  uint32_t length() const { return length_; }

  // Whether the text appended so far ends on a whole character: no UTF-8
  // sequence waits for its continuation bytes. Only such a prefix's state
  // may be continued by another text's (internal::MurmurSuffix).
  bool EndsOnWholeCharacter() const {
    return utf8_need_ == 0 && utf8_pending_ == 0;
  }

  // The state a hash of more text continues from (internal::MurmurSuffix::
  // FinishAfter's second form), when EndsOnWholeCharacter(); false, with
  // nothing set, otherwise.
  bool ContinueFrom(uint32_t* h1, uint32_t* tail, uint32_t* length) const {
    if (!EndsOnWholeCharacter()) return false;
    *h1 = h1_;
    *tail = tail_;
    *length = length_;
    return true;
  }

 private:
  // Continues a prefix's state with a visitor id prepared once for many
  // prefixes (allocation/internal/murmur.h).
  friend class internal::MurmurSuffix;

  // FinishWith past its ASCII path: a copy's Update(utf8), then Finish().
  uint32_t FinishWithSlow(std::string_view utf8) const;
  void AddByte(uint8_t b);
  // UTF-8 decoding, one byte at a time, so that a multi-byte character split
  // across two Update calls hashes as if it had come in one piece.
  void DecodeByte(uint8_t b);
  void AddCodePoint(uint32_t cp);
  // Ends an incomplete UTF-8 sequence: one U+FFFD per byte it held.
  void FlushPendingUtf8();

  uint32_t h1_ = 0;
  uint32_t tail_ = 0;         // pending bytes, little-endian
  uint32_t length_ = 0;       // bytes (= UTF-16 code units) seen
  uint32_t utf8_cp_ = 0;      // code point bits of the pending sequence
  uint8_t utf8_pending_ = 0;  // bytes of an incomplete sequence seen so far
  uint8_t utf8_need_ = 0;     // continuation bytes still expected
  uint8_t utf8_lead_ = 0;     // lead byte of the pending sequence
};

// MurmurHash3 x86_32, seed 0, of the UTF-16 low bytes of `utf8`.
uint32_t FlagshipHash(std::string_view utf8);

}  // namespace allot

#endif  // ALLOT_ALLOCATION_HASH_H_
