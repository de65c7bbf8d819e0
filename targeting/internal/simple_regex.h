// File: targeting/internal/simple_regex.h
//
// A matcher for the regular expressions targeting uses most (an e-mail
// domain, a user-agent prefix): a sequence of single characters, classes and
// dots, each perhaps repeated or optional, perhaps anchored at either end.
// It answers RE2's unanchored search (what MATCHES_REGEX asks) for ASCII
// text without RE2's per-call work: RE2 spends ~60 ns setting up and locking
// its DFA cache to match a 20-byte e-mail address, this ~16.
//
// The matcher is a bit-parallel NFA (shift-and over the pattern's positions,
// with masks for repeated and optional positions): per text byte, a table
// lookup and a few word operations, no allocation, no lock, no state outside
// the call. An alternation of such patterns ("a|b", or a list of patterns,
// which targeting joins as "(?:a)|(?:b)") is one automaton per
// alternative. Patterns outside the shape (other groups, word
// boundaries, Unicode classes, more than 63 positions...) are not compiled:
// RE2 matches them. Text with a byte outside ASCII is left to RE2 too (its
// classes and dot work on UTF-8 characters, this one on bytes; on ASCII the
// two agree).
#ifndef ALLOT_TARGETING_INTERNAL_SIMPLE_REGEX_H_
#define ALLOT_TARGETING_INTERNAL_SIMPLE_REGEX_H_

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace allot::internal {

class SimpleRegex {
 public:
  // The matcher of `pattern` (RE2 syntax, as RE2 with default options and
  // this case sensitivity reads it), or nullopt when the pattern is not of
  // the simple shape. REQUIRES: RE2 accepts the pattern.
  static std::optional<SimpleRegex> Compile(std::string_view pattern,
                                            bool case_sensitive);

  enum class Result : uint8_t { kNoMatch, kMatch, kNotAscii };

  // Whether the pattern matches somewhere in `text` (RE2::UNANCHORED), or
  // kNotAscii when the answer depends on bytes outside ASCII (ask RE2).
  Result Search(std::string_view text) const;

  // Pattern positions (each accepting one character), of the first
  // alternative.
  int positions() const { return positions_; }
  // Alternatives: 1, or more for "a|b" and lists of patterns.
  size_t alternatives() const { return 1 + more_.size(); }
  // Bytes of the literal the first alternative must end with: its last
  // positions that each accept one ASCII byte, once, when it is anchored at
  // the end ("@acme\\.com" of "^[a-z]+@acme\\.com$"); 0 otherwise.
  size_t suffix_length() const { return suffix_.size(); }

 private:
  SimpleRegex() = default;

  // One alternative (no top-level "|").
  static std::optional<SimpleRegex> CompileOne(std::string_view pattern,
                                               bool case_sensitive);
  Result SearchOne(std::string_view text) const;
  // SearchOne for a pattern anchored at the end with a literal suffix: the
  // suffix compared as bytes, the rest scanned (or, for a run of one class,
  // tested byte by byte).
  Result SearchBySuffix(std::string_view text) const;

  // Search for a pattern anchored at the end or not, with optional
  // positions or without: whether the text takes the automaton to `last`
  // (at its end, or anywhere for a pattern not anchored there).
  template <bool kAnchoredEnd, bool kOptional>
  Result Scan(std::string_view text, uint64_t last) const;

  // Bit k (1..positions) of accept_[c]: position k accepts byte c. Bit 0
  // stands for the empty prefix (the start).
  std::array<uint64_t, 128> accept_{};
  uint64_t repeat_ = 0;    // positions that may take more characters
  uint64_t optional_ = 0;  // positions that may take none
  uint64_t final_ = 0;     // the last position (or bit 0: empty pattern)
  int optional_run_ = 0;   // longest run of consecutive optional positions
  int positions_ = 0;
  bool anchored_start_ = false;
  bool anchored_end_ = false;
  // The positions before the suffix are one repeated class, not optional,
  // anchored at the start ("^[a-z0-9.+-]+" of the usual e-mail pattern).
  bool class_run_ = false;
  // That class as up to kRunRanges ranges of ASCII bytes, for a test of 16
  // bytes at once (0: more ranges, or not a class run): byte c is in range
  // r when int8(c + run_bias_[r]) < int8(run_limit_[r]) (c - lo, offset by
  // 128 so that a signed compare tests it as unsigned, below the range's
  // length, offset likewise), each value repeated 16 times.
  static constexpr int kRunRanges = 6;
  int run_ranges_ = 0;
  alignas(16) uint8_t run_bias_[kRunRanges][16] = {};
  alignas(16) uint8_t run_limit_[kRunRanges][16] = {};
  // Whether every byte of text[0, head) is in the class run's set, tested
  // 16 bytes at a time. False also when it cannot tell (a text shorter than
  // 16 bytes, no ranges): the caller's byte loop then says why.
  bool ClassRunHolds(std::string_view text, size_t head) const;
  // Fills run_ranges_ and the tables from the run's set of bytes.
  void SetRunRanges(const std::bitset<128>& set);
  std::string suffix_;             // see suffix_length()
  std::vector<SimpleRegex> more_;  // the other alternatives
};

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_INTERNAL_SIMPLE_REGEX_H_
