// The simple-regex matcher (see simple_regex.h).
//
// Compile reads a conservative subset of RE2's syntax and declines anything
// else, so that every pattern it accepts means to it what it means to RE2
// (which has already accepted the pattern):
//   regex    := pattern ("|" pattern)*
//             | "(?:" pattern ")" ("|" "(?:" pattern ")")*   (a list)
//   pattern  := ["(?i)"] ["^"] item* ["$"]   ((?i): one pattern, or in a group)
//   item     := atom [quantifier ["?"]]
//   atom     := literal | "." | class | escape
//   quantifier := "?" | "*" | "+" | "{n}" | "{n,}" | "{n,m}"
// A literal is any ASCII byte but NUL and the metacharacters; an escape is
// \d \D \w \W \s \S, \t \n \r \f \v or a backslash before punctuation; a
// class is [...] or [^...] of such characters, escapes and ranges, without
// POSIX classes and without "]" first. The sets are RE2's (default options,
// so ClassNL: a negated class matches a newline, a dot does not): \s is
// [\t\n\f\r ], \w [0-9A-Za-z_]. Case folding adds the other case of every
// ASCII letter, before a class is negated, as RE2 does; the characters
// outside ASCII it also adds (the Kelvin sign for k, the long s for s) do
// not matter, since text outside ASCII goes to RE2.
//
// Search is shift-and over positions 1..m (bit 0: the empty prefix). With E
// the positions whose prefix of the pattern ends at the current byte
// (closed over optional positions), the next byte c gives
//   D = (((E << 1) | (E & repeat)) & accept[c]) | start
// where `start` is bit 0 for an unanchored pattern (a match may begin at any
// byte) and 0 for one anchored at the start; E is D closed again. The
// pattern matches when the last position is in E: at any byte, or only at
// the end for a pattern anchored there.

#include "targeting/internal/simple_regex.h"

#include <algorithm>
#include <bitset>
#include <cctype>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "targeting/bytes.h"

namespace allot::internal {
namespace {

using CharSet = std::bitset<128>;

// One atom with its repetition: at least `min`, at most `max` (-1: no
// bound) characters of `set`.
struct Item {
  CharSet set;
  int min = 1;
  int max = 1;
};

constexpr int kMaxPositions = 63;  // bit 0 is the start
constexpr int kMaxRepeat = 1000;   // RE2's own limit

CharSet Range(int lo, int hi) {
  CharSet s;
  for (int c = lo; c <= hi; ++c) s.set(static_cast<size_t>(c));
  return s;
}

CharSet Digits() { return Range('0', '9'); }
CharSet Word() {
  CharSet s = Digits() | Range('A', 'Z') | Range('a', 'z');
  s.set('_');
  return s;
}
CharSet Space() {
  CharSet s;
  for (char c : {'\t', '\n', '\f', '\r', ' '}) s.set(static_cast<size_t>(c));
  return s;
}

// Both cases of every ASCII letter in `s`.
CharSet Folded(CharSet s) {
  for (int c = 'a'; c <= 'z'; ++c) {
    const size_t lower = static_cast<size_t>(c);
    const size_t upper = static_cast<size_t>(c - 'a' + 'A');
    if (s.test(lower) || s.test(upper)) {
      s.set(lower);
      s.set(upper);
    }
  }
  return s;
}

class Parser {
 public:
  Parser(std::string_view pattern, bool fold) : p_(pattern), fold_(fold) {}

  // The items of the pattern and its anchors, or false when it is not of
  // the simple shape.
  bool Parse(std::vector<Item>* items, bool* anchored_start,
             bool* anchored_end) {
    if (p_.substr(0, 4) == "(?i)") {
      fold_ = true;
      i_ = 4;
    }
    *anchored_start = Eat('^');
    *anchored_end = false;
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '$') {
        if (i_ + 1 != p_.size()) return false;
        *anchored_end = true;
        ++i_;
        break;
      }
      Item item;
      if (!Atom(&item.set)) return false;
      if (fold_) item.set = Folded(item.set);
      if (!Quantifier(&item.min, &item.max)) return false;
      items->push_back(item);
    }
    return true;
  }

 private:
  bool Eat(char c) {
    if (i_ < p_.size() && p_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  static bool IsMeta(char c) {
    return std::string_view("\\.[](){}*+?|^$").find(c) !=
           std::string_view::npos;
  }
  static bool IsAscii(char c) {
    return static_cast<unsigned char>(c) < 0x80 && c != '\0';
  }

  bool Atom(CharSet* out) {
    const char c = p_[i_];
    if (c == '.') {
      ++i_;
      *out = Range(0, 127);
      out->reset('\n');
      return true;
    }
    if (c == '[') return Class(out);
    if (c == '\\') {
      ++i_;
      int literal;
      return Escape(out, &literal);
    }
    if (IsMeta(c) || !IsAscii(c)) return false;
    ++i_;
    out->reset();
    out->set(static_cast<unsigned char>(c));
    return true;
  }

  // After a backslash: a class escape (`literal` -1) or one character
  // (`literal`).
  bool Escape(CharSet* out, int* literal) {
    if (i_ >= p_.size()) return false;
    const char e = p_[i_++];
    *literal = -1;
    switch (e) {
      case 'd':
        *out = Digits();
        return true;
      case 'D':
        *out = ~Digits();
        return true;
      case 'w':
        *out = Word();
        return true;
      case 'W':
        *out = ~Word();
        return true;
      case 's':
        *out = Space();
        return true;
      case 'S':
        *out = ~Space();
        return true;
      default:
        break;
    }
    switch (e) {
      case 't':
        *literal = '\t';
        break;
      case 'n':
        *literal = '\n';
        break;
      case 'r':
        *literal = '\r';
        break;
      case 'f':
        *literal = '\f';
        break;
      case 'v':
        *literal = '\v';
        break;
      default:
        if (!IsAscii(e) || !std::ispunct(static_cast<unsigned char>(e))) {
          return false;  // \b, \A, \x41, \p{L}, \1, \Q...
        }
        *literal = static_cast<unsigned char>(e);
    }
    out->reset();
    out->set(static_cast<size_t>(*literal));
    return true;
  }

  // [...] or [^...], from the "[".
  bool Class(CharSet* out) {
    ++i_;
    const bool negated = Eat('^');
    if (i_ < p_.size() && p_[i_] == ']') return false;  // "]" first
    CharSet set;
    while (true) {
      if (i_ >= p_.size()) return false;
      if (p_[i_] == ']') {
        ++i_;
        break;
      }
      CharSet lo_set;
      int lo;
      if (!ClassChar(&lo_set, &lo)) return false;
      // A range, unless the "-" closes the class.
      if (lo >= 0 && i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        CharSet hi_set;
        int hi;
        if (!ClassChar(&hi_set, &hi) || hi < 0 || hi < lo) return false;
        set |= Range(lo, hi);
      } else {
        set |= lo_set;
      }
    }
    if (fold_) set = Folded(set);
    *out = negated ? ~set : set;
    return true;
  }

  // One member of a class: a character (`c` >= 0) or a class escape (-1).
  bool ClassChar(CharSet* out, int* c) {
    const char ch = p_[i_];
    if (ch == '[') return false;  // [:alpha:] and the like
    if (ch == '\\') {
      ++i_;
      return Escape(out, c);
    }
    if (!IsAscii(ch)) return false;
    ++i_;
    out->reset();
    out->set(static_cast<unsigned char>(ch));
    *c = static_cast<unsigned char>(ch);
    return true;
  }

  // A repeat count as RE2 reads one: no leading zero ("{01}" is literal
  // text to RE2, and declined here).
  bool Number(int* n) {
    const size_t begin = i_;
    if (i_ + 1 < p_.size() && p_[i_] == '0' && p_[i_ + 1] >= '0' &&
        p_[i_ + 1] <= '9') {
      return false;
    }
    int value = 0;
    while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') {
      value = value * 10 + (p_[i_++] - '0');
      if (value > kMaxRepeat) return false;
    }
    *n = value;
    return i_ > begin;
  }

  bool Quantifier(int* min, int* max) {
    if (i_ >= p_.size()) return true;
    switch (p_[i_]) {
      case '?':
        *min = 0;
        *max = 1;
        break;
      case '*':
        *min = 0;
        *max = -1;
        break;
      case '+':
        *min = 1;
        *max = -1;
        break;
      case '{': {
        ++i_;
        if (!Number(min)) return false;
        if (Eat(',')) {
          if (i_ < p_.size() && p_[i_] == '}') {
            *max = -1;
          } else if (!Number(max) || *max < *min) {
            return false;
          }
        } else {
          *max = *min;
        }
        if (i_ >= p_.size() || p_[i_] != '}') return false;
        break;
      }
      default:
        return true;  // none
    }
    ++i_;
    Eat('?');  // non-greedy: the same strings match
    // A second operator ("a**", "a{2}+") is declined.
    return i_ >= p_.size() ||
           std::string_view("*+?{").find(p_[i_]) == std::string_view::npos;
  }

  std::string_view p_;
  bool fold_;
  size_t i_ = 0;
};

}  // namespace

namespace {

// The position after the class that opens at p[open] ("["), or npos for
// one that does not close, or that starts with "]" ("[]a]", "[^]a]": the
// alternatives' compile declines them, and they would be split wrongly).
size_t PastClass(std::string_view p, size_t open) {
  size_t j = open + 1;
  if (j < p.size() && p[j] == '^') ++j;
  if (j < p.size() && p[j] == ']') return std::string_view::npos;
  while (j < p.size() && p[j] != ']') j += p[j] == '\\' ? 2 : 1;
  return j < p.size() ? j + 1 : std::string_view::npos;
}

// The alternatives of `pattern` at its top level: "a|b", or the form a
// list of patterns takes ("(?:a)|(?:b)", each group a whole alternative
// with no group inside). False for any other group, and for a top-level
// "(?i)" with more than one alternative (its scope is the rest of the
// pattern, every alternative after it).
bool SplitAlternatives(std::string_view p, std::vector<std::string_view>* out) {
  size_t start = 0;
  bool wrapped = false;  // the current alternative was a (?:...) group
  bool unwrapped_flag = false;
  size_t i = 0;
  while (i <= p.size()) {
    if (i == p.size() || p[i] == '|') {
      if (!wrapped) {
        const std::string_view alt = p.substr(start, i - start);
        unwrapped_flag = unwrapped_flag || alt.substr(0, 2) == "(?";
        out->push_back(alt);
      }
      wrapped = false;
      start = ++i;
      continue;
    }
    if (wrapped) return false;  // text after a (?:...) alternative
    const char c = p[i];
    if (c == '\\') {
      // An escape, whatever it is (the alternative's compile judges it);
      // a trailing backslash still ends the last alternative.
      i = std::min(i + 2, p.size());
    } else if (c == '[') {
      i = PastClass(p, i);
      if (i == std::string_view::npos) return false;
    } else if (c == '(' && i == start && p.substr(i, 3) == "(?:") {
      // A whole alternative: to its ")", with no group inside.
      size_t j = i + 3;
      while (j < p.size() && p[j] != ')') {
        if (p[j] == '(') {
          // "(?i)" is passed over: the alternative's compile takes it at its
          // start and declines it anywhere else.
          if (p.substr(j, 4) != "(?i)") return false;
          j += 4;
          continue;
        }
        if (p[j] == '[') {
          j = PastClass(p, j);
          if (j == std::string_view::npos) return false;
          continue;
        }
        j += p[j] == '\\' ? 2 : 1;
      }
      if (j >= p.size()) return false;
      out->push_back(p.substr(i + 3, j - i - 3));
      wrapped = true;
      i = j + 1;
    } else if (c == '(' && !(i == 0 && p.substr(0, 4) == "(?i)")) {
      return false;  // any other group
    } else {
      i += c == '(' ? 4 : 1;
    }
  }
  return !(unwrapped_flag && out->size() > 1);
}

}  // namespace

std::optional<SimpleRegex> SimpleRegex::Compile(std::string_view pattern,
                                                bool case_sensitive) {
  std::vector<std::string_view> alternatives;
  if (!SplitAlternatives(pattern, &alternatives)) return std::nullopt;
  std::optional<SimpleRegex> first;
  for (const std::string_view alternative : alternatives) {
    std::optional<SimpleRegex> re = CompileOne(alternative, case_sensitive);
    if (!re.has_value()) return std::nullopt;
    if (!first.has_value()) {
      first = std::move(re);
    } else {
      first->more_.push_back(std::move(*re));
    }
  }
  return first;
}

std::optional<SimpleRegex> SimpleRegex::CompileOne(std::string_view pattern,
                                                   bool case_sensitive) {
  std::vector<Item> items;
  SimpleRegex re;
  if (!Parser(pattern, !case_sensitive)
           .Parse(&items, &re.anchored_start_, &re.anchored_end_)) {
    return std::nullopt;
  }
  // Positions: `min` copies (the last repeatable when there is no bound),
  // then max - min optional ones; "*" is one optional repeatable position.
  std::vector<CharSet> sets;
  for (const Item& item : items) {
    const int copies = item.max < 0 ? std::max(item.min, 1) : item.max;
    if (static_cast<int>(sets.size()) + copies > kMaxPositions) {
      return std::nullopt;
    }
    for (int k = 0; k < copies; ++k) {
      const uint64_t bit = uint64_t{1} << (sets.size() + 1);
      sets.push_back(item.set);
      if (k >= item.min) re.optional_ |= bit;
      if (item.max < 0 && k == copies - 1) re.repeat_ |= bit;
    }
  }
  re.positions_ = static_cast<int>(sets.size());
  for (size_t k = 0; k < sets.size(); ++k) {
    for (size_t c = 0; c < 128; ++c) {
      if (sets[k].test(c)) re.accept_[c] |= uint64_t{1} << (k + 1);
    }
  }
  re.final_ = uint64_t{1} << sets.size();
  int run = 0;
  for (size_t k = 1; k <= sets.size(); ++k) {
    run = (re.optional_ >> k & 1) != 0 ? run + 1 : 0;
    re.optional_run_ = std::max(re.optional_run_, run);
  }
  if (re.anchored_end_) {
    // The literal suffix: from the last position back, those that accept
    // exactly one byte, neither optional nor repeated.
    size_t k = sets.size();
    while (k > 0 && sets[k - 1].count() == 1 &&
           ((re.optional_ | re.repeat_) >> k & 1) == 0) {
      --k;
    }
    for (size_t j = k; j < sets.size(); ++j) {
      for (size_t c = 0; c < 128; ++c) {
        if (sets[j].test(c)) re.suffix_.push_back(static_cast<char>(c));
      }
    }
    re.class_run_ = !re.suffix_.empty() && k == 1 && re.anchored_start_ &&
                    (re.repeat_ & 2) != 0 && (re.optional_ & 2) == 0;
    if (re.class_run_) re.SetRunRanges(sets[0]);
  }
  return re;
}

void SimpleRegex::SetRunRanges(const std::bitset<128>& set) {
  int n = 0;
  for (int c = 0; c < 128;) {
    if (!set.test(static_cast<size_t>(c))) {
      ++c;
      continue;
    }
    const int lo = c;
    while (c < 128 && set.test(static_cast<size_t>(c))) ++c;
    if (n == kRunRanges) {
      run_ranges_ = 0;  // too many: the byte loop alone
      return;
    }
    // Lengths up to 128: len - 128 fits a signed byte. A byte >= 0x80 is
    // c - lo >= 128 - lo > hi - lo, never inside.
    std::memset(run_bias_[n], static_cast<uint8_t>(0x80 - lo), 16);
    std::memset(run_limit_[n], static_cast<uint8_t>((c - lo) - 128), 16);
    ++n;
  }
  run_ranges_ = n;
}

[[gnu::always_inline]] inline bool SimpleRegex::ClassRunHolds(
    std::string_view text, size_t head) const {
#if defined(__SSE2__)
  if (run_ranges_ == 0 || text.size() < 16) return false;
  const char* const p = text.data();
  // The bytes of one 16-byte block in the set, a bit each.
  auto in_set = [this](const char* at) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    __m128i in = _mm_setzero_si128();
    for (int r = 0; r < run_ranges_; ++r) {
      const __m128i bias =
          _mm_load_si128(reinterpret_cast<const __m128i*>(run_bias_[r]));
      const __m128i limit =
          _mm_load_si128(reinterpret_cast<const __m128i*>(run_limit_[r]));
      in = _mm_or_si128(in, _mm_cmplt_epi8(_mm_add_epi8(v, bias), limit));
    }
    return static_cast<uint32_t>(_mm_movemask_epi8(in));
  };
  if (head <= 16) {
    // One block from the start (the text has 16 bytes), its first `head`.
    const uint32_t need = (uint32_t{1} << head) - 1;
    return (in_set(p) & need) == need;
  }
  // Whole blocks, the last one ending at `head` (overlapping its previous).
  for (size_t at = 0; at + 16 < head; at += 16) {
    if (in_set(p + at) != 0xffff) return false;
  }
  return in_set(p + head - 16) == 0xffff;
#else
  (void)text;
  (void)head;
  return false;
#endif
}

template <bool kAnchoredEnd, bool kOptional>
SimpleRegex::Result SimpleRegex::Scan(std::string_view text,
                                      uint64_t last) const {
  const uint64_t optional = optional_;
  const int run = optional_run_;
  // Adds the positions reached by skipping optional ones.
  auto close = [optional, run](uint64_t x) {
    if (kOptional) {
      for (int k = 0; k < run; ++k) x |= (x << 1) & optional;
    }
    return x;
  };
  const uint64_t start = anchored_start_ ? 0 : 1;
  const uint64_t repeat = repeat_;
  uint64_t e = close(1);
  if (!kAnchoredEnd && (e & last) != 0) return Result::kMatch;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) return Result::kNotAscii;
    e = close((((e << 1) | (e & repeat)) & accept_[c]) | start);
    // Anchored at the start and no prefix left: nothing later can match,
    // whatever bytes follow.
    if (e == 0) return Result::kNoMatch;
    if (!kAnchoredEnd && (e & last) != 0) return Result::kMatch;
  }
  return (e & last) != 0 ? Result::kMatch : Result::kNoMatch;
}

[[gnu::always_inline]] inline SimpleRegex::Result SimpleRegex::SearchBySuffix(
    std::string_view text) const {
  // A match ends at the end of the text ("$" is RE2's \z unless multi-line)
  // with the suffix's positions, each one ASCII byte: the text ends with
  // those bytes. A character outside ASCII is bytes >= 0x80 only, so on any
  // UTF-8 text a different ending is no match, as RE2 would say.
  const size_t k = suffix_.size();
  if (text.size() < k ||
      !EqualBytes(text.data() + text.size() - k, suffix_.data(), k)) {
    return Result::kNoMatch;
  }
  const std::string_view head = text.substr(0, text.size() - k);
  if (k == static_cast<size_t>(positions_)) {
    // The pattern is the suffix: anywhere at the end, or the whole text.
    return !anchored_start_ || head.empty() ? Result::kMatch : Result::kNoMatch;
  }
  if (class_run_) {
    // "^[set]+" then the suffix: every byte before it in the set.
    if (head.empty()) return Result::kNoMatch;
    if (ClassRunHolds(text, head.size())) return Result::kMatch;
    // Else byte by byte: which one fails, and whether it is ASCII.
    for (const char ch : head) {
      const auto c = static_cast<unsigned char>(ch);
      if (c >= 0x80) return Result::kNotAscii;
      if ((accept_[c] & 2) == 0) return Result::kNoMatch;
    }
    return Result::kMatch;
  }
  // The positions before the suffix, ending where the text before it ends.
  // The suffix's are neither optional nor repeated, so the last of them is
  // reached at the end of the text exactly when the one before them is
  // reached at the end of `head`.
  const uint64_t last = final_ >> k;
  return optional_run_ > 0 ? Scan<true, true>(head, last)
                           : Scan<true, false>(head, last);
}

[[gnu::always_inline]] inline SimpleRegex::Result SimpleRegex::SearchOne(
    std::string_view text) const {
  // The loop without the checks this pattern does not need.
  if (anchored_end_) {
    if (!suffix_.empty()) return SearchBySuffix(text);
    return optional_run_ > 0 ? Scan<true, true>(text, final_)
                             : Scan<true, false>(text, final_);
  }
  return optional_run_ > 0 ? Scan<false, true>(text, final_)
                           : Scan<false, false>(text, final_);
}

SimpleRegex::Result SimpleRegex::Search(std::string_view text) const {
  if (more_.empty()) return SearchOne(text);
  // An alternation matches when one alternative does. Each answer other
  // than kNotAscii is exact, so a match anywhere settles it; otherwise
  // RE2 must answer when any alternative could not.
  Result r = SearchOne(text);
  if (r == Result::kMatch) return r;
  bool not_ascii = r == Result::kNotAscii;
  for (const SimpleRegex& alternative : more_) {
    r = alternative.SearchOne(text);
    if (r == Result::kMatch) return r;
    not_ascii = not_ascii || r == Result::kNotAscii;
  }
  return not_ascii ? Result::kNotAscii : Result::kNoMatch;
}

}  // namespace allot::internal
