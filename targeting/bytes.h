// File: targeting/bytes.h
//
// Support code for the inline fast paths of targeting/attributes.h, not an
// API (hence namespace allot::internal): it is a public header only because
// those inline functions need it.
//
// Equality and copies of short byte strings without a call into libc. Attribute names
// and the values targeting compares ("country", "FR", "pro") are a few bytes
// long; std::string_view's operator== calls memcmp for them, and on W1 those
// calls were the largest single cost of building a visitor's context.
#ifndef ALLOT_TARGETING_BYTES_H_
#define ALLOT_TARGETING_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <vector>

namespace allot::internal {

// Blocks that start on a cache line and fill whole lines, so that no other
// heap block shares a line with them. For the buffers a thread writes on
// every decision (a context's, a decision list's, targeting scratch): with
// plain malloc blocks, one thread's writes could land in the line of
// another thread's buffer, and the two cores would pass that line back and
// forth on every decision.
inline constexpr size_t kCacheLine = 64;

inline void* AllocateLines(size_t bytes) {
  const size_t rounded =
      bytes == 0 ? kCacheLine
                 : (bytes + kCacheLine - 1) / kCacheLine * kCacheLine;
  return ::operator new(rounded, std::align_val_t(kCacheLine));
}
inline void FreeLines(void* p) {
  ::operator delete(p, std::align_val_t(kCacheLine));
}

template <typename T>
struct LineAllocator {
  using value_type = T;
  LineAllocator() = default;
  template <typename U>
  LineAllocator(const LineAllocator<U>&) {}  // NOLINT(runtime/explicit)
  T* allocate(size_t n) {
    return static_cast<T*>(AllocateLines(n * sizeof(T)));
  }
  void deallocate(T* p, size_t) { FreeLines(p); }
  template <typename U>
  bool operator==(const LineAllocator<U>&) const {
    return true;
  }
};

template <typename T>
using LineVector = std::vector<T, LineAllocator<T>>;

// Whether a[0, n) == b[0, n). Up to 16 bytes by two overlapping loads of
// each side (the loads stay inside both ranges); longer ones through memcmp.
[[gnu::always_inline]] inline bool EqualBytes(const char* a, const char* b,
                                              size_t n) {
  auto load64 = [](const char* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  auto load32 = [](const char* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    return ((load64(a) ^ load64(b)) |
            (load64(a + n - 8) ^ load64(b + n - 8))) == 0;
  }
  if (n >= 4) {
    return ((load32(a) ^ load32(b)) |
            (load32(a + n - 4) ^ load32(b + n - 4))) == 0;
  }
  if (n >= 2) {
    auto load16 = [](const char* p) {
      uint16_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    };
    return ((load16(a) ^ load16(b)) |
            (load16(a + n - 2) ^ load16(b + n - 2))) == 0;
  }
  return n == 0 || a[0] == b[0];
}

[[gnu::always_inline]] inline bool EqualBytes(std::string_view a,
                                              std::string_view b) {
  return a.size() == b.size() && EqualBytes(a.data(), b.data(), a.size());
}

// Copies n bytes from src to dst (not overlapping). Up to 32 bytes by two
// overlapping loads and stores (an e-mail address, a user agent's start);
// longer ones through memcpy.
inline void CopyBytes(char* dst, const char* src, size_t n) {
  if (n >= 8) {
    if (n > 16) {
      if (n > 32) {
        std::memcpy(dst, src, n);
        return;
      }
      char head[16], tail[16];
      std::memcpy(head, src, 16);
      std::memcpy(tail, src + n - 16, 16);
      std::memcpy(dst, head, 16);
      std::memcpy(dst + n - 16, tail, 16);
      return;
    }
    uint64_t head, tail;
    std::memcpy(&head, src, 8);
    std::memcpy(&tail, src + n - 8, 8);
    std::memcpy(dst, &head, 8);
    std::memcpy(dst + n - 8, &tail, 8);
  } else if (n >= 4) {
    uint32_t head, tail;
    std::memcpy(&head, src, 4);
    std::memcpy(&tail, src + n - 4, 4);
    std::memcpy(dst, &head, 4);
    std::memcpy(dst + n - 4, &tail, 4);
  } else if (n > 0) {
    const char first = src[0], middle = src[n / 2], last = src[n - 1];
    dst[0] = first;
    dst[n / 2] = middle;
    dst[n - 1] = last;
  }
}

// A growable byte buffer whose appends are inline: what std::string's
// append and assign cost in calls (a capacity check in a library routine,
// then memcpy) is most of the work for the few bytes of an id or a value.
// clear() keeps the capacity.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(std::string_view s) { Append(s); }
  ByteBuffer(const ByteBuffer& other) { Append(other.view()); }
  ByteBuffer& operator=(const ByteBuffer& other) {
    if (this != &other) Assign(other.view());
    return *this;
  }
  ByteBuffer(ByteBuffer&&) = default;
  ByteBuffer& operator=(ByteBuffer&&) = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const char* data() const { return data_.get(); }
  std::string_view view() const { return std::string_view(data_.get(), size_); }
  void clear() { size_ = 0; }

  // Appends s; returns the offset it starts at.
  size_t Append(std::string_view s) {
    if (s.size() > capacity_ - size_) Grow(s.size());
    CopyBytes(data_.get() + size_, s.data(), s.size());
    const size_t at = size_;
    size_ += s.size();
    return at;
  }
  void Assign(std::string_view s) {
    size_ = 0;
    Append(s);
  }

 private:
  [[gnu::noinline]] void Grow(size_t more) {
    size_t capacity = capacity_ < kCacheLine ? kCacheLine : 2 * capacity_;
    while (capacity - size_ < more) capacity *= 2;
    std::unique_ptr<char[], LinesDeleter> bigger(
        static_cast<char*>(AllocateLines(capacity)));
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  struct LinesDeleter {
    void operator()(char* p) const { FreeLines(p); }
  };
  std::unique_ptr<char[], LinesDeleter> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace allot::internal

#endif  // ALLOT_TARGETING_BYTES_H_
