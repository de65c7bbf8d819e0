// Exposure de-duplication and batching (DESIGN §12).
//
// Eviction policy. Peers bound their de-duplication cache with an LRU: Eppo
// keeps 50,000 entries (or a 2Q cache), Statsig 100,000 entries cleared every
// minute. We keep LRU, the policy every peer shares, but apply it inside the
// sets of a set-associative table rather than across one global list: a
// global list needs a lock around every hit (a hit moves its entry) and two
// pointers per entry, while sets are fixed arrays, O(1), and allocate
// nothing. 2Q's extra scan resistance is worth little here: a wrongly
// evicted entry costs one duplicate event, never a lost one. We do not clear
// the table on a timer as Statsig does: that would re-log every active
// visitor each period, and the contract is only "at least once".
//
// Table layout. Sets of kWays = 28 entries, 512 bytes each (18.3 bytes per
// entry): a 64-byte header (one tag byte per entry, the ways in LRU order,
// the fill count) and 28 slots of (key hash, variation hash). A probe reads
// the header line and, on a tag match, one slot line. options.capacity is
// spread over ceil(capacity / 28) sets, so the table holds exactly
// `capacity` entries.
// (Tried and measured slower: two-choice buckets of one cache line, 4 ways
// of 16 bytes with last-use stamps, both lines fetched at staging and a
// 64-byte staged record: 39 ns per exposure against 33 for these sets on
// the logger benchmark, the victim search and the second line outweighing
// the saved header probe.)
//
// Overflow bound. With n keys over S sets, a set's load is ~Poisson(n / S);
// the expected number of sets that overflow (and evict a key early) is
// S * P(Poisson(n / S) > 28). Capacity 100,000 (S = 3,572): 9e-9 at 20,000
// keys, 6e-4 at 33,000, 1.1 at 50,000. So every key stays until the table
// is about a third full; beyond, a few keys are evicted before the global
// LRU would have, and their next exposure is logged again.
//
// Staging. Logging one exposure at a time under locks cost ~57 ns per W1
// decision: two locked instructions (~6 ns each on this class of machine),
// a shard lock and a set lock, each also waiting for the set's cache miss.
// So each thread owns a shard with a staging ring: Log writes the exposure
// there with plain stores (the ring is the thread's own; a release store
// publishes it) and starts fetching its set's header. Every kWindow
// exposures (or batch_size, if smaller: a batch never waits for more than it
// holds), the thread settles them together, locking the table once per
// partition rather than once per exposure. Flush, counters() and a thread's
// exit settle staged exposures too, under the shard's lock, which the owner
// takes only to settle. (Fetching the slot lines of a whole window before
// recording it was tried: no gain measured. So was settling on a thread of
// the logger's own, the logging thread only staging into a 512-entry ring:
// W1 through the engine went from 84 to 175 ns per decision on a 2-core
// VM, the ring's lines and counters crossing cores on every exposure and
// the settler's short sleeps costing more than the settles.)
//
// Locking. The table is split into partitions (sets by index modulo their
// number, 4 to 64 by core count, each with its own lock): no global lock.
// Each shard's settles visit the partitions from its own starting point, so
// that two threads settling at once do not queue for the same lock.
// Exposures of one shard reach its batch in the order they were logged.
//
// Batches. A settle builds each new exposure in place in the shard's batch,
// as the sink will see it: views of the ids in its config (kept alive by a
// shared_ptr until the batch is emitted) and of the visitor id, copied into
// the batch's own bytes (chunks that never move, so no view is ever
// rewritten). The settle keeps its cursors (next exposure, next id byte) in
// locals: the id copies are char stores, which may alias anything, and
// with the cursors in the batch every copy made the compiler reload and
// store them again, a chain through memory from one exposure to the next
// (22.3 -> 19.1 ns per exposure on the logger benchmark). The sink is
// handed spans of the batch itself, with
// nothing more to build or copy. A shard whose batch is full takes its
// other batch, unlocks, and hands the full one to the sink (under the sink
// mutex, never under a shard lock); the emptied batch becomes the shard's
// other one. (Each shard owns two: with two spares shared by every shard,
// a batch went from one thread to another, and every line a settle wrote
// came from the other core's cache; the logger on two threads 26.3 -> 24.7
// ns per exposure.)
// (Before, a settle copied the 128-byte staged record into the batch and
// the hand-over built the exposures from it: a second pass over each one.
// Tried and dropped: tags of 16 bits in sets of 20 ways, 384 bytes, to
// spare the slot line a false tag match reads: 22.1 ns against 19.3; a
// window of 128 exposures (a ring of 256), to halve the partition locks
// per exposure: 22.3 against 21.0. Prefetching for write, before the
// partition locks, the slot line each staged exposure will store to (read
// from its set's header): 21.2 -> 20.2 ns on two threads, 20.8 -> 21.3 on
// one, within noise.)
//
// Configs. A staged exposure names its config by the shard's current config,
// a shared_ptr that only the owner changes (under the shard lock, after
// settling what was staged against the previous one). The owner compares it
// with the decisions' config without a lock: the owner is its only writer.

#include "core/exposure_logger.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "allocation/hash.h"
#include "allocation/internal/xxh3.h"
#include "core/compiled_config.h"
#include "targeting/bytes.h"

namespace allot {
namespace {

using IdRef = CompiledConfig::IdRef;

constexpr int kWays = 28;
// Staging: a ring of kRing exposures per shard, settled every kWindow.
constexpr size_t kRing = 128;
constexpr size_t kWindow = 64;  // at most 64: a settle keeps a bit per exposure
constexpr size_t kMaxPartitions = 64;
// Visitor ids up to this length are copied into the ring; longer ones keep
// their caller's bytes, settled before Log returns.
constexpr size_t kInlineVisitor = 72;
// The partition where the settles of the `index`-th shard start: the index's
// bits reversed within the partitions' (0, P/2, P/4, 3P/4, ...), so that
// any few shards start far apart.
size_t FirstPartition(size_t index, size_t num_partitions) {
  size_t first = 0;
  for (size_t bit = num_partitions >> 1; bit != 0; bit >>= 1, index >>= 1) {
    if ((index & 1) != 0) first |= bit;
  }
  return first;
}

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Bit i set when byte i of p[0, 32) equals b.
inline uint32_t ByteMatches(const uint8_t* p, uint8_t b) {
#if defined(__SSE2__)
  const __m128i pattern = _mm_set1_epi8(static_cast<char>(b));
  const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
  return static_cast<uint32_t>(
             _mm_movemask_epi8(_mm_cmpeq_epi8(lo, pattern))) |
         static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(hi, pattern)))
             << 16;
#else
  uint32_t mask = 0;
  for (int i = 0; i < 32; ++i) mask |= uint32_t{p[i] == b} << i;
  return mask;
#endif
}

inline void AddTo(std::atomic<uint64_t>& counter, uint64_t n) {
  // Written under the shard lock, read anywhere: no read-modify-write.
  counter.store(counter.load(std::memory_order_relaxed) + n,
                std::memory_order_relaxed);
}

// A test-and-test-and-set lock: a critical section is short, where a
// futex-based mutex would cost a second locked instruction to unlock.
// Waiters yield after a short spin, in case the holder was preempted or
// waits for a spare batch.
class SpinLock {
 public:
  void lock() {
    while (word_.exchange(1, std::memory_order_acquire) != 0) {
      for (int spins = 0; word_.load(std::memory_order_relaxed) != 0; ++spins) {
        if (spins < 128) {
          CpuRelax();
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  void unlock() { word_.store(0, std::memory_order_release); }

 private:
  std::atomic<uint32_t> word_{0};
};

enum class Outcome : uint8_t { kDuplicate, kLogged, kLoggedEvicting };

// Loggers alive, by serial: a thread that exits hands its shards back only
// to a logger still here.
struct LiveLoggers {
  std::mutex mu;
  absl::flat_hash_map<uint64_t, ExposureLogger*> by_serial;
};

LiveLoggers& Live() {
  static LiveLoggers* live = new LiveLoggers;  // never destroyed
  return *live;
}

std::atomic<uint64_t> next_serial{1};

// The shard this thread last logged with, and its logger's serial (0: none).
// Trivially destructible, so that reading it needs no thread-local guard;
// the thread's ThreadShards own the shard and clear this when they go.
struct LastShard {
  uint64_t serial = 0;
  void* shard = nullptr;
};
thread_local LastShard last_shard;

}  // namespace

struct alignas(64) ExposureLogger::Set {
  static constexpr int kTags = 0;    // [0, 28): low byte of each way's key
  static constexpr int kOrder = 28;  // [28, 56): ways, most recent first
  static constexpr int kSize = 56;   // ways in use
  static constexpr int kLimit = 57;  // ways this set may use (<= kWays)

  struct Slot {
    uint64_t key;
    uint64_t variation;
  };

  // Records `key` with `variation`: kDuplicate when it is already there with
  // that variation; otherwise stores it, evicting the least recently used
  // way of a full set. REQUIRES: the set's partition lock is held.
  [[gnu::always_inline]] Outcome Record(uint64_t key, uint64_t variation) {
    const uint8_t tag = static_cast<uint8_t>(key);
    const int size = meta[kSize];
    const uint32_t in_use = (uint32_t{1} << size) - 1;
    for (uint32_t m = ByteMatches(meta + kTags, tag) & in_use; m != 0;
         m &= m - 1) {
      const int way = std::countr_zero(m);
      if (slots[way].key != key) continue;
      MoveToFront(way,
                  std::countr_zero(ByteMatches(meta + kOrder, way) & in_use));
      if (slots[way].variation == variation) return Outcome::kDuplicate;
      slots[way].variation = variation;
      return Outcome::kLogged;
    }
    if (size < meta[kLimit]) {
      meta[kSize] = static_cast<uint8_t>(size + 1);
      Store(size, key, variation, tag);
      MoveToFront(size, size);  // enters the order at its end, then moves
      return Outcome::kLogged;
    }
    const int victim = meta[kOrder + size - 1];  // least recently used
    Store(victim, key, variation, tag);
    MoveToFront(victim, size - 1);
    return Outcome::kLoggedEvicting;
  }

  void Store(int way, uint64_t key, uint64_t variation, uint8_t tag) {
    slots[way] = {key, variation};
    meta[kTags + way] = tag;
  }

  // Puts `way`, found at `pos` of the order, first: order[0, pos) moves
  // one place up; the bytes past pos are left as they are.
  void MoveToFront(int way, int pos) {
    uint8_t* order = meta + kOrder;
    if (pos >= 15) {
      // Two 16-byte moves, each one byte up, both loaded before either is
      // stored: [0, 16) and [pos - 15, pos] cover [0, pos]. An eviction
      // (pos = size - 1) always takes this way. order[-1] is a tag byte,
      // overwritten by `way` below.
      uint8_t low[16];
      uint8_t high[16];
      std::memcpy(low, order - 1, 16);
      std::memcpy(high, order + pos - 16, 16);
      std::memcpy(order, low, 16);
      std::memcpy(order + pos - 15, high, 16);
    } else {
#if defined(__SSE2__)
      // Byte j of the first 16 becomes byte j - 1 where j <= pos and stays
      // where j > pos.
      const __m128i index =
          _mm_set_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
      const __m128i keep =
          _mm_cmpgt_epi8(index, _mm_set1_epi8(static_cast<char>(pos)));
      const __m128i here =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(order));
      const __m128i before =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(order - 1));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(order),
                       _mm_or_si128(_mm_and_si128(keep, here),
                                    _mm_andnot_si128(keep, before)));
#else
      std::memmove(order + 1, order, pos);
#endif
    }
    order[0] = static_cast<uint8_t>(way);
  }

  // 64 bytes, so that ByteMatches may read 32 bytes from kOrder.
  uint8_t meta[64];
  Slot slots[kWays];
};

struct alignas(64) ExposureLogger::Partition {
  SpinLock mu;  // guards the sets whose index is this partition modulo P
};

// One exposure, staged in a shard's ring until it is settled: 128 bytes,
// of which an id of up to 16 bytes uses the first line only.
struct alignas(64) ExposureLogger::Staged {
  uint64_t key;
  absl::Time at;
  uint32_t set;
  Decision decision;  // copied whole (two words)
  uint8_t visitor_size;  // in `visitor`, or kExternal
  static constexpr uint8_t kExternal = 0xff;
  struct Span {
    const char* data;  // the caller's bytes, valid until its Log call returns
    size_t size;
  };
  union {
    char visitor[kInlineVisitor];
    Span long_id;  // kExternal
  };

  std::string_view visitor_id() const {
    return visitor_size == kExternal
               ? std::string_view(long_id.data, long_id.size)
               : std::string_view(visitor, visitor_size);
  }
  // The same, without the test, when no staged id is the caller's
  // (kMayBeExternal false: only LogLongId stages those).
  template <bool kMayBeExternal>
  std::string_view visitor_id() const {
    return kMayBeExternal ? visitor_id()
                          : std::string_view(visitor, visitor_size);
  }
};

// Visitor ids' bytes for a batch's exposures: chunks that never move, so a
// view into them stays valid until Clear; kept for reuse after it.
class ExposureLogger::IdBytes {
 public:
  IdBytes() = default;
  IdBytes(const IdBytes&) = delete;
  IdBytes& operator=(const IdBytes&) = delete;
  ~IdBytes() {
    for (const Chunk& c : chunks_) internal::FreeLines(c.data);
  }

  // `size` bytes to fill.
  char* Take(size_t size) {
    char* p = Reserve(size);
    next_ += size;
    return p;
  }

  // Room for `size` bytes from the returned pointer, taken by Advance.
  char* Reserve(size_t size) {
    if (static_cast<size_t>(end_ - next_) < size) NextChunk(size);
    return next_;
  }
  // REQUIRES: `to` is within the room last reserved.
  void Advance(char* to) { next_ = to; }

  // Forgets every id; their chunks are reused from the first.
  void Clear() {
    used_ = 0;
    next_ = end_ = nullptr;
  }

 private:
  static constexpr size_t kChunk = size_t{16} << 10;
  struct Chunk {
    char* data;
    size_t size;
  };

  [[gnu::noinline]] void NextChunk(size_t size) {
    // The next chunk kept from before, if it is large enough; else a new
    // one in its place (an id longer than a chunk gets its own).
    if (used_ == chunks_.size() || chunks_[used_].size < size) {
      const size_t bytes = std::max(kChunk, size);
      chunks_.insert(
          chunks_.begin() + static_cast<ptrdiff_t>(used_),
          Chunk{static_cast<char*>(internal::AllocateLines(bytes)), bytes});
    }
    next_ = chunks_[used_].data;
    end_ = next_ + chunks_[used_].size;
    ++used_;
  }

  std::vector<Chunk> chunks_;
  size_t used_ = 0;  // chunks in use; the last of them is being filled
  char* next_ = nullptr;
  char* end_ = nullptr;
};

// Exposures ready for the sink: each is built once, when it is settled, and
// handed over in place. The views point into `ids` (the visitor ids' bytes,
// copied) and into `configs` (kept alive until the batch is cleared).
struct ExposureLogger::Batch {
  // Room for a full batch plus what one settle adds, and what counters()
  // may have settled without emitting.
  static size_t Capacity(size_t batch_size) { return batch_size + 3 * kRing; }

  explicit Batch(size_t batch_size)
      : items(Capacity(batch_size)), capacity(Capacity(batch_size)) {}

  void Grow() {
    capacity *= 2;
    items.resize(capacity);  // the views stay valid: `ids` does not move
  }

  // Makes `config` the last of `configs`: once per settle, not per exposure.
  void UseConfig(const std::shared_ptr<const CompiledConfig>& config) {
    if (configs.empty() || configs.back() != config) configs.push_back(config);
  }

  // Builds in `x` the exposure staged as `e` (visitor id `visitor`)
  // against the config whose id views are given (the last of `configs`),
  // its visitor id copied to `bytes`; returns the end of the copy.
  [[gnu::always_inline]] static char* Build(const Staged& e,
                                            std::string_view visitor,
                                            const IdRef* campaigns,
                                            const IdRef* groups,
                                            const IdRef* variations,
                                            Exposure& x, char* bytes) {
    const Decision& d = e.decision;
    internal::CopyBytes(bytes, visitor.data(), visitor.size());
    x.visitor_id = std::string_view(bytes, visitor.size());
    x.campaign_id = campaigns[d.campaign].id;
    x.variation_group_id =
        d.group >= 0 ? groups[d.group].id : std::string_view();
    x.variation_id =
        d.variation >= 0 ? variations[d.variation].id : std::string_view();
    x.reason = d.reason;
    x.at = e.at;
    return bytes + visitor.size();
  }

  // Moves items[from, size) to the empty batch `to`.
  void MoveTail(size_t from, Batch* to) {
    to->configs = configs;  // reuses to's storage once warmed up
    for (size_t i = from; i < size; ++i) {
      Exposure& x = to->items[to->size++];
      x = items[i];
      char* bytes = to->ids.Take(x.visitor_id.size());
      std::memcpy(bytes, x.visitor_id.data(), x.visitor_id.size());
      x.visitor_id = std::string_view(bytes, x.visitor_id.size());
    }
    size = from;
  }

  void Clear() {
    size = 0;
    ids.Clear();
    // A reloaded-away config is freed once its last exposure has gone out.
    configs.clear();
  }

  // In whole cache lines: the shards of different threads fill theirs at
  // the same time (see internal::LineAllocator).
  internal::LineVector<Exposure> items;
  size_t size = 0;
  size_t capacity;
  IdBytes ids;
  // The configs `items` point into; the last one is the current one.
  std::vector<std::shared_ptr<const CompiledConfig>> configs;
};

struct alignas(64) ExposureLogger::Shard {
  // Written by the owner only; read by whoever settles.
  std::atomic<uint64_t> published{0};

  alignas(64) SpinLock mu;
  // Guarded by mu (and read by the owner without it: it is the only writer
  // of `config` and `published`, and it waits for mu before reusing a slot).
  std::atomic<uint64_t> consumed{0};
  std::shared_ptr<const CompiledConfig> config;  // of the staged exposures
  // Two buffers that only this shard fills, so that their lines stay in the
  // cache of the core that logs: `batch`, being filled (guarded by mu), and
  // `spare` (guarded by the logger's spare_mu_), null while it is being
  // handed to the sink. The second is made at the first hand-over.
  Batch own_batch;
  std::unique_ptr<Batch> second_batch;  // guarded by mu
  Batch* batch = &own_batch;
  Batch* spare = nullptr;
  // Where its settles start among the partitions: shards made one after
  // the other start far apart, so that threads settling at the same time
  // do not queue for the same lock.
  size_t first_partition = 0;

  // Whether the ring may hold ids that are the caller's bytes (kExternal:
  // LogLongId's, set under mu while it stages them, cleared once settled).
  bool external_staged = false;  // guarded by mu

  explicit Shard(size_t batch_size) : own_batch(batch_size) {}
  // Written under mu, read anywhere.
  std::atomic<uint64_t> logged{0};
  std::atomic<uint64_t> deduplicated{0};
  std::atomic<uint64_t> evicted{0};

  alignas(64) Staged ring[kRing];
};

// The shards this thread owns, by logger serial. Four, so that a thread that
// logs to a few loggers keeps one shard in each.
struct ExposureLogger::ThreadShards {
  struct Entry {
    uint64_t serial = 0;
    Shard* shard = nullptr;
  };
  std::array<Entry, 4> entries;
  unsigned next_victim = 0;

  ~ThreadShards() {
    last_shard = {};
    for (Entry& e : entries) {
      if (e.shard != nullptr) ReleaseShard(e.serial, e.shard);
    }
  }
};

absl::StatusOr<std::unique_ptr<ExposureLogger>> ExposureLogger::Create(
    ExposureSink sink, const ExposureLoggerOptions& options) {
  if (!sink) {
    return absl::InvalidArgumentError("exposure logger: the sink is null");
  }
  if (options.capacity == 0) {
    return absl::InvalidArgumentError(
        "exposure logger: capacity is 0; expected at least 1 entry");
  }
  if (options.batch_size == 0 || options.batch_size > 65536) {
    return absl::InvalidArgumentError(
        absl::StrCat("exposure logger: batch_size is ", options.batch_size,
                     "; expected 1 to 65536 exposures"));
  }
  return std::unique_ptr<ExposureLogger>(
      new ExposureLogger(std::move(sink), options));
}

namespace {

// Two per core, at least four: a settle takes the lock of every partition
// its window touches, and each of those lock words crosses to the settling
// core when another core settled last. On two cores, four partitions rather
// than eight took the logger on two threads from 28.4 to 23.3 ns per
// exposure (W1 through the logger 46.0 -> 40.0 ns), one thread unchanged.
size_t PartitionsForThisMachine() {
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::bit_ceil(std::clamp<size_t>(2 * cores, 4, kMaxPartitions));
}

}  // namespace

ExposureLogger::ExposureLogger(ExposureSink sink,
                               const ExposureLoggerOptions& options)
    : serial_(next_serial.fetch_add(1, std::memory_order_relaxed)),
      sink_(std::move(sink)),
      capacity_(options.capacity),
      batch_size_(options.batch_size),
      window_(std::min(kWindow, options.batch_size)),
      num_sets_((options.capacity + kWays - 1) / kWays),
      num_partitions_(PartitionsForThisMachine()),
      no_variation_hash_(Xxh3Hash(std::string_view())),
      sets_(NewTable(num_sets_)),
      partitions_(new Partition[num_partitions_]) {
  static_assert(sizeof(Set) == 512, "a set is 8 cache lines");
  static_assert(sizeof(Staged) == 128, "a staged exposure is 2 cache lines");
  static_assert(offsetof(Staged, visitor) == 48,
                "an id of up to 16 bytes is staged in the first line");
  static_assert(offsetof(Staged, decision) + sizeof(Decision) <=
                    offsetof(Staged, visitor_size),
                "the staged decision is copied whole");
  // The first capacity % num_sets sets take one way more than the others.
  const size_t base = capacity_ / num_sets_;
  const size_t extra = capacity_ % num_sets_;
  for (size_t i = 0; i < num_sets_; ++i) {
    sets_[i].meta[Set::kLimit] = static_cast<uint8_t>(base + (i < extra));
  }
  LiveLoggers& live = Live();
  std::lock_guard<std::mutex> lock(live.mu);
  live.by_serial[serial_] = this;
}

ExposureLogger::~ExposureLogger() {
  {
    LiveLoggers& live = Live();
    std::lock_guard<std::mutex> lock(live.mu);
    live.by_serial.erase(serial_);
  }
  // A thread that exited just before may still be settling its shard.
  while (releasing_.load(std::memory_order_acquire) != 0) {
    std::this_thread::yield();
  }
  Flush();
}

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

}  // namespace

// A table of a megabyte or more is aligned to 2 MiB huge pages: a probe
// lands on a random set, and with 4 KiB pages most probes would also miss
// the TLB (a page walk, dearer still under virtualisation).
std::unique_ptr<ExposureLogger::Set[], ExposureLogger::TableDeleter>
ExposureLogger::NewTable(size_t num_sets) {
  const size_t bytes = num_sets * sizeof(Set);
  if (bytes < kHugePage / 2) {
    return std::unique_ptr<Set[], TableDeleter>(new Set[num_sets](),
                                                TableDeleter{.huge = false});
  }
  const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, rounded);
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  madvise(p, rounded, MADV_HUGEPAGE);  // a hint; without it, 4 KiB pages
#endif
  std::memset(p, 0, rounded);  // Set is an implicit-lifetime aggregate
  return std::unique_ptr<Set[], TableDeleter>(static_cast<Set*>(p),
                                              TableDeleter{.huge = true});
}

void ExposureLogger::TableDeleter::operator()(Set* sets) const {
  if (huge) {
    std::free(sets);  // Set is trivially destructible
  } else {
    delete[] sets;
  }
}

size_t ExposureLogger::table_bytes() const { return num_sets_ * sizeof(Set); }

[[gnu::always_inline]] inline ExposureLogger::Shard&
ExposureLogger::ThisThreadShard() {
  if (last_shard.serial == serial_)
    return *static_cast<Shard*>(last_shard.shard);
  return FindThreadShard();
}

ExposureLogger::Shard& ExposureLogger::FindThreadShard() {
  thread_local ThreadShards cache;
  for (ThreadShards::Entry& e : cache.entries) {
    if (e.serial == serial_) {
      last_shard = {serial_, e.shard};
      return *e.shard;
    }
  }
  Shard& shard = AdoptShard(cache);
  last_shard = {serial_, &shard};
  return shard;
}

ExposureLogger::Shard& ExposureLogger::AdoptShard(ThreadShards& cache) {
  Shard* shard;
  {
    std::lock_guard<std::mutex> lock(shards_mu_);
    if (!free_shards_.empty()) {
      shard = free_shards_.back();
      free_shards_.pop_back();
    } else {
      shards_.push_back(std::make_unique<Shard>(batch_size_));
      shard = shards_.back().get();
      shard->first_partition =
          FirstPartition(shards_.size() - 1, num_partitions_);
    }
  }
  ThreadShards::Entry* slot = nullptr;
  for (ThreadShards::Entry& e : cache.entries) {
    if (e.shard == nullptr) {
      slot = &e;
      break;
    }
  }
  if (slot == nullptr) {
    slot = &cache.entries[cache.next_victim++ % cache.entries.size()];
    ReleaseShard(slot->serial, slot->shard);
  }
  *slot = {serial_, shard};
  return *shard;
}

void ExposureLogger::ReleaseShard(uint64_t serial, Shard* shard) {
  ExposureLogger* logger;
  {
    LiveLoggers& live = Live();
    std::lock_guard<std::mutex> lock(live.mu);
    auto it = live.by_serial.find(serial);
    if (it == live.by_serial.end()) return;  // the logger is gone
    logger = it->second;
    logger->releasing_.fetch_add(1, std::memory_order_acq_rel);
  }
  // Settled without calling the sink: a thread may be exiting, with its
  // host runtime (say, a Python interpreter) already gone. The batch goes
  // out with the next Flush, or when a thread that adopts the shard fills it.
  shard->mu.lock();
  logger->SettleLocked(*shard);
  shard->config.reset();  // nothing staged refers to it any more
  shard->mu.unlock();
  {
    std::lock_guard<std::mutex> lock(logger->shards_mu_);
    logger->free_shards_.push_back(shard);
  }
  logger->releasing_.fetch_sub(1, std::memory_order_acq_rel);
}

void ExposureLogger::UseConfigLocked(Shard& shard,
                                     const CompiledConfig& config) {
  SettleLocked(shard);  // what was staged against the previous one
  shard.config = config.shared_from_this();
}

[[gnu::always_inline]] inline ExposureLogger::Staged& ExposureLogger::Stage(
    Shard& shard, uint64_t n, uint64_t visitor_hash, const Decision& d,
    const CompiledConfig& config, absl::Time at) {
  // Hash ids, not indices: indices move when a config is reloaded. The
  // group's (or campaign's) part of the key comes with the config
  // (core/internal/exposure_key.h).
  const uint64_t group_hash = d.group >= 0
                                  ? config.group_ids()[d.group].key
                                  : config.campaign_ids()[d.campaign].key;
  const uint64_t key = visitor_hash ^ group_hash;
  const uint32_t set_index = static_cast<uint32_t>(
      (static_cast<unsigned __int128>(key) * num_sets_) >> 64);
  // The header is a cache miss (the table outgrows L2): fetch it now, long
  // before the settle reads it.
  __builtin_prefetch(&sets_[set_index], 0);
  Staged& e = shard.ring[n % kRing];
  e.key = key;
  e.at = at;
  e.set = set_index;
  e.decision = d;
  return e;
}

void ExposureLogger::Log(std::string_view visitor_id,
                         const DecisionList& decisions, absl::Time at) {
  const Decision* d = decisions.begin();
  const Decision* const end = decisions.end();
  while (d != end && !IsExposure(*d)) ++d;
  if (d == end) return;
  Shard& shard = ThisThreadShard();
  const CompiledConfig& config = *decisions.config();
  if (visitor_id.size() > kInlineVisitor) {
    LogLongId(shard, visitor_id, d, end, config, at);
    return;
  }
  if (shard.config.get() != &config) SwitchConfig(shard, config);
  const uint64_t visitor_hash = internal::InlineXxh3(visitor_id);
  // The owner is the only writer of `published`.
  uint64_t n = shard.published.load(std::memory_order_relaxed);
  for (; d != end; ++d) {
    if (!IsExposure(*d)) continue;
    Staged& e = Stage(shard, n, visitor_hash, *d, config, at);
    e.visitor_size = static_cast<uint8_t>(visitor_id.size());
    // Inline up to 32 bytes (most ids), a library call beyond.
    internal::CopyBytes(e.visitor, visitor_id.data(), visitor_id.size());
    shard.published.store(++n, std::memory_order_release);
    if (n - shard.consumed.load(std::memory_order_acquire) >= window_) {
      SettleWindow(shard);
    }
  }
}

void ExposureLogger::SettleWindow(Shard& shard) {
  shard.mu.lock();
  SettleAndEmit(shard, /*all=*/false);
}

void ExposureLogger::SwitchConfig(Shard& shard, const CompiledConfig& config) {
  shard.mu.lock();
  UseConfigLocked(shard, config);
  shard.mu.unlock();
}

// An id too long to stage: its exposures point at the caller's bytes, so
// the shard's lock is held for the whole call and they are settled before
// it returns.
void ExposureLogger::LogLongId(Shard& shard, std::string_view visitor_id,
                               const Decision* d, const Decision* end,
                               const CompiledConfig& config, absl::Time at) {
  shard.mu.lock();
  if (shard.config.get() != &config) UseConfigLocked(shard, config);
  const uint64_t visitor_hash = internal::InlineXxh3(visitor_id);
  uint64_t n = shard.published.load(std::memory_order_relaxed);
  for (; d != end; ++d) {
    if (!IsExposure(*d)) continue;
    shard.external_staged = true;  // again after each settle below
    Staged& e = Stage(shard, n, visitor_hash, *d, config, at);
    e.visitor_size = Staged::kExternal;
    e.long_id = {visitor_id.data(), visitor_id.size()};
    shard.published.store(++n, std::memory_order_release);
    if (n - shard.consumed.load(std::memory_order_acquire) >= window_) {
      SettleAndEmit(shard, /*all=*/false);
      shard.mu.lock();
    }
  }
  SettleAndEmit(shard, /*all=*/false);  // nothing may keep the caller's bytes
}

void ExposureLogger::SettleLocked(Shard& shard) {
  const uint64_t end = shard.published.load(std::memory_order_acquire);
  const uint64_t begin = shard.consumed.load(std::memory_order_relaxed);
  const size_t n = end - begin;
  if (n == 0) return;
  // In at most two runs of the ring, each contiguous, in the order they
  // were staged: a settle of a full window (kWindow divides kRing) is one
  // run; a settle of a partial window or of a window smaller than kWindow
  // may wrap.
  const size_t first = begin % kRing;
  const size_t head = std::min(n, kRing - first);
  if (shard.external_staged) {
    SettleRunLocked<true>(shard, shard.ring + first, head);
    if (head < n) SettleRunLocked<true>(shard, shard.ring, n - head);
    shard.external_staged = false;
  } else {
    SettleRunLocked<false>(shard, shard.ring + first, head);
    if (head < n) SettleRunLocked<false>(shard, shard.ring, n - head);
  }
  shard.consumed.store(end, std::memory_order_release);
}

template <bool kMayBeExternal>
void ExposureLogger::SettleRunLocked(Shard& shard, const Staged* staged,
                                     size_t n) {
  // The staged exposures of each partition, a bit each (n <= kWindow = 64).
  // And the bytes of their visitor ids, which the new ones will take.
  const size_t mask = num_partitions_ - 1;
  uint64_t of_partition[kMaxPartitions];
  for (size_t p = 0; p <= mask; ++p) of_partition[p] = 0;
  size_t id_bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    const Staged& e = staged[i];
    of_partition[e.set & mask] |= uint64_t{1} << i;
    id_bytes += e.visitor_id<kMayBeExternal>().size();
  }
  const CompiledConfig& config = *shard.config;
  const IdRef* const variations = config.variation_ids().data();
  uint64_t logged_bits = 0;
  size_t evicted = 0;
  for (size_t k = 0; k <= mask; ++k) {
    const size_t p = (k + shard.first_partition) & mask;
    uint64_t bits = of_partition[p];
    if (bits == 0) continue;
    std::lock_guard<SpinLock> lock(partitions_[p].mu);
    for (; bits != 0; bits &= bits - 1) {
      const int i = std::countr_zero(bits);
      const Staged& e = staged[i];
      const uint64_t variation_hash = e.decision.variation >= 0
                                          ? variations[e.decision.variation].key
                                          : no_variation_hash_;
      const Outcome outcome = sets_[e.set].Record(e.key, variation_hash);
      logged_bits |= uint64_t{outcome != Outcome::kDuplicate} << i;
      evicted += outcome == Outcome::kLoggedEvicting;
    }
  }

  // In the order they were logged.
  Batch& batch = *shard.batch;
  if (batch.size + n > batch.capacity) {
    // Not expected: after each of its settles the owner emits a batch that
    // holds batch_size, so a batch holds less than batch_size + kRing.
    // Grown rather than assumed.
    batch.Grow();
  }
  batch.UseConfig(shard.config);
  const IdRef* const campaigns = config.campaign_ids().data();
  const IdRef* const groups = config.group_ids().data();
  // Cursors in locals, so that they are not reloaded after each store.
  Exposure* const first_item = batch.items.data() + batch.size;
  Exposure* item = first_item;
  char* bytes = batch.ids.Reserve(id_bytes);
  for (; logged_bits != 0; logged_bits &= logged_bits - 1) {
    const Staged& e = staged[std::countr_zero(logged_bits)];
    bytes = Batch::Build(e, e.visitor_id<kMayBeExternal>(), campaigns, groups,
                         variations, *item++, bytes);
  }
  batch.ids.Advance(bytes);
  const size_t logged = static_cast<size_t>(item - first_item);
  batch.size += logged;
  AddTo(shard.logged, logged);
  AddTo(shard.deduplicated, n - logged);
  AddTo(shard.evicted, evicted);
}

void ExposureLogger::SettleAndEmit(Shard& shard, bool all) {
  SettleLocked(shard);
  const size_t pending = shard.batch->size;
  if (pending >= batch_size_ || (all && pending > 0)) {
    SwapOutAndEmit(shard, all);
  } else {
    shard.mu.unlock();
  }
}

void ExposureLogger::SwapOutAndEmit(Shard& shard, bool all) {
  Batch* full = shard.batch;
  {
    std::unique_lock<std::mutex> lock(spare_mu_);
    if (shard.second_batch == nullptr) {  // the shard's first hand-over
      shard.second_batch = std::make_unique<Batch>(batch_size_);
      shard.spare = shard.second_batch.get();
    }
    // Waits only while another thread hands the shard's other batch to the
    // sink; that thread holds no shard lock, so it finishes.
    spare_cv_.wait(lock, [&shard] { return shard.spare != nullptr; });
    shard.batch = shard.spare;
    shard.spare = nullptr;
  }
  if (!all) {
    const size_t whole = full->size / batch_size_ * batch_size_;
    if (whole < full->size) full->MoveTail(whole, shard.batch);
  }
  shard.mu.unlock();

  {
    std::lock_guard<std::mutex> lock(sink_mu_);
    for (size_t first = 0; first < full->size; first += batch_size_) {
      sink_(
          std::span<const Exposure>(full->items.data() + first,
                                    std::min(batch_size_, full->size - first)));
    }
  }
  full->Clear();
  {
    std::lock_guard<std::mutex> lock(spare_mu_);
    shard.spare = full;
  }
  spare_cv_.notify_all();  // one condition for every shard's spare
}

std::vector<ExposureLogger::Shard*> ExposureLogger::AllShards() {
  // Shards live as long as the logger: the pointers stay valid.
  std::lock_guard<std::mutex> lock(shards_mu_);
  std::vector<Shard*> all;
  all.reserve(shards_.size());
  for (const std::unique_ptr<Shard>& s : shards_) all.push_back(s.get());
  return all;
}

void ExposureLogger::Flush() {
  for (Shard* shard : AllShards()) {
    shard->mu.lock();
    SettleAndEmit(*shard, /*all=*/true);
  }
}

ExposureLogger::Counters ExposureLogger::counters() {
  Counters c;
  for (Shard* shard : AllShards()) {
    shard->mu.lock();
    SettleLocked(*shard);
    shard->mu.unlock();
    c.logged += shard->logged.load(std::memory_order_relaxed);
    c.deduplicated += shard->deduplicated.load(std::memory_order_relaxed);
    c.evicted += shard->evicted.load(std::memory_order_relaxed);
  }
  return c;
}

}  // namespace allot
