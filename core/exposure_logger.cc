// Exposure de-duplication and batching (DESIGN §12).
//
// Eviction policy. Peers bound their de-duplication cache with an LRU: Eppo
// keeps 50,000 entries (or a 2Q cache), Statsig 100,000 entries cleared every
// minute. We keep LRU, the policy every peer shares, but apply it inside the
// sets of a set-associative table rather than across one global list: a
// global list needs a lock around every hit (a hit moves its entry) and two
// pointers per entry, while sets are fixed arrays, O(1), allocate nothing and
// lock one at a time. 2Q's extra scan resistance is worth little here: a
// wrongly evicted entry costs one duplicate event, never a lost one. We do
// not clear the table on a timer as Statsig does: that would re-log every
// active visitor each period, and the contract is only "at least once".
//
// Table layout. Sets of kWays = 28 entries, 512 bytes each (18.3 bytes per
// entry): a 64-byte header (one tag byte per entry, the ways in LRU order,
// the fill count and the set's lock) and 28 slots of (key hash, variation
// hash). A probe reads the header line and, on a tag match, one slot line.
// options.capacity is spread over ceil(capacity / 28) sets, so the table
// holds exactly `capacity` entries.
//
// Overflow bound. With n keys over S sets, a set's load is ~Poisson(n / S);
// the expected number of sets that overflow (and evict a key early) is
// S * P(Poisson(n / S) > 28). Capacity 100,000 (S = 3,572): 9e-9 at 20,000
// keys, 6e-4 at 33,000, 1.1 at 50,000. So every key stays until the table
// is about a third full; beyond, a few keys are evicted before the global
// LRU would have, and their next exposure is logged again.
//
// Locking. Each set has its own spinlock, in its header line: the line a
// probe must fetch anyway, so that two threads meet only on the same set and
// a lock costs no cache miss of its own. Pending exposures go to shards picked
// by thread, each with a lock that, being used by one thread, stays in its
// core's cache; and whose batch buffer is written sequentially.
//
// Batches. A pending exposure is a small record: indices into its config
// (kept alive by a shared_ptr until the batch is emitted) and the visitor
// id's bytes in a reusable arena. A shard whose batch is full takes one of
// two spare batches, unlocks, and hands the full one to the sink (under the
// sink mutex, never under a shard lock); the emptied batch becomes a spare.

#include "core/exposure_logger.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "allocation/hash.h"
#include "core/compiled_config.h"

namespace allot {
namespace {

constexpr int kWays = 28;
// Batches beyond one per shard: one in the sink and one waiting for it.
constexpr size_t kSpares = 2;
// The campaign hash (an exposure without a group) has its own seed.
constexpr uint64_t kCampaignSeed = 0xc2b2ae3d27d4eb4fULL;

// A bijective mix (odd multiply, xor-shift) of a group id's XXH3.
inline uint64_t MixGroupHash(uint64_t h) {
  h *= 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 29);
}

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// A test-and-test-and-set lock: a critical section is a few dozen
// instructions, where a futex-based mutex would cost a second locked
// instruction to unlock. Waiters yield after a short spin, in case the holder
// was preempted or waits for a spare batch.
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

// Bit i set when byte i of p[0, 32) equals b.
inline uint32_t ByteMatches(const uint8_t* p, uint8_t b) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  const uint64_t pattern = 0x0101010101010101ULL * b;
  uint32_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t word;
    std::memcpy(&word, p + 8 * i, 8);
    if constexpr (std::endian::native == std::endian::big) {
      word = __builtin_bswap64(word);
    }
    const uint64_t x = word ^ pattern;
    // High bit of each byte set iff that byte of x is zero; no carry crosses
    // a byte, so the answer is exact (not the usual "has a zero" estimate).
    const uint64_t zero = ~(((x & kLow7) + kLow7) | x | kLow7);
    // Gathers the 8 high bits into the top byte.
    mask |= static_cast<uint32_t>(((zero >> 7) * 0x0102040810204080ULL) >> 56)
            << (8 * i);
  }
  return mask;
}

inline void Bump(std::atomic<uint64_t>& counter) {
  // Written under the shard lock, read anywhere: no read-modify-write.
  counter.store(counter.load(std::memory_order_relaxed) + 1,
                std::memory_order_relaxed);
}

enum class Outcome { kDuplicate, kLogged, kLoggedEvicting };

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
  // way of a full set.
  Outcome Record(uint64_t key, uint64_t variation) {
    const uint8_t tag = static_cast<uint8_t>(key);
    std::lock_guard<SpinLock> lock(mu);
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

  // Puts `way`, found at `pos` of the order, first.
  void MoveToFront(int way, int pos) {
    std::memmove(meta + kOrder + 1, meta + kOrder, pos);
    meta[kOrder] = static_cast<uint8_t>(way);
  }

  // 60 bytes, so that ByteMatches may read 32 bytes from kOrder.
  uint8_t meta[60];
  SpinLock mu;
  Slot slots[kWays];
};

struct ExposureLogger::Pending {
  absl::Time at;
  size_t visitor_offset;  // in Batch::visitor_bytes
  size_t visitor_size;
  int32_t campaign;
  int32_t group;
  int32_t variation;
  uint16_t config;  // in Batch::configs
  DecisionReason reason;
};

struct ExposureLogger::Batch {
  void Add(std::string_view visitor_id, const Decision& d,
           const CompiledConfig* config, absl::Time at, size_t batch_size) {
    if (pending.capacity() < batch_size) {
      // Warm-up: once per batch buffer, reused ever after.
      pending.reserve(batch_size);
      visitor_bytes.reserve(batch_size * 32);
    }
    if (configs.empty() || configs.back().get() != config) {
      // Once per batch and per reload, not per decision.
      configs.push_back(config->shared_from_this());
    }
    pending.push_back(Pending{
        at, visitor_bytes.size(), visitor_id.size(), d.campaign, d.group,
        d.variation, static_cast<uint16_t>(configs.size() - 1), d.reason});
    visitor_bytes.append(visitor_id);
  }

  void Clear() {
    pending.clear();
    visitor_bytes.clear();
    // A reloaded-away config is freed once its last exposure has gone out.
    configs.clear();
  }

  std::vector<Pending> pending;
  std::string visitor_bytes;
  // The configs `pending` indexes into; the last one is the current one.
  // At most batch_size (< 2^16, see Create) entries.
  std::vector<std::shared_ptr<const CompiledConfig>> configs;
};

struct alignas(64) ExposureLogger::Shard {
  SpinLock mu;
  Batch* batch = nullptr;  // guarded by mu
  // Written under mu, read anywhere.
  std::atomic<uint64_t> logged{0};
  std::atomic<uint64_t> deduplicated{0};
  std::atomic<uint64_t> evicted{0};
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

size_t ShardsForThisMachine() {
  // A shard per thread for a pool of up to 2 threads per core; beyond that,
  // threads share shards, still correct but contending for their locks.
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::bit_ceil(std::clamp<size_t>(2 * cores, 4, 64));
}

}  // namespace

ExposureLogger::ExposureLogger(ExposureSink sink,
                               const ExposureLoggerOptions& options)
    : sink_(std::move(sink)),
      capacity_(options.capacity),
      batch_size_(options.batch_size),
      num_sets_((options.capacity + kWays - 1) / kWays),
      num_shards_(ShardsForThisMachine()),
      sets_(new Set[num_sets_]()),
      shards_(new Shard[num_shards_]),
      batches_(new Batch[num_shards_ + kSpares]),
      exposures_(options.batch_size) {
  static_assert(sizeof(Set) == 512, "a set is 8 cache lines");
  // The first capacity % num_sets sets take one way more than the others.
  const size_t base = capacity_ / num_sets_;
  const size_t extra = capacity_ % num_sets_;
  for (size_t i = 0; i < num_sets_; ++i) {
    sets_[i].meta[Set::kLimit] = static_cast<uint8_t>(base + (i < extra));
  }
  for (size_t i = 0; i < num_shards_; ++i) shards_[i].batch = &batches_[i];
  spares_.reserve(num_shards_ + kSpares);
  for (size_t i = 0; i < kSpares; ++i) {
    spares_.push_back(&batches_[num_shards_ + i]);
  }
}

ExposureLogger::~ExposureLogger() { Flush(); }

size_t ExposureLogger::table_bytes() const { return num_sets_ * sizeof(Set); }

ExposureLogger::Shard& ExposureLogger::ThisThreadShard() {
  // Consecutive threads get different shards, and a thread keeps its shard.
  static std::atomic<uint32_t> next_thread{0};
  thread_local const uint32_t thread_number =
      next_thread.fetch_add(1, std::memory_order_relaxed);
  return shards_[thread_number & (num_shards_ - 1)];
}

void ExposureLogger::Log(std::string_view visitor_id,
                         const DecisionList& decisions, absl::Time at) {
  const CompiledConfig* config = decisions.config();
  uint64_t visitor_hash = 0;
  bool hashed = false;
  Shard* shard = nullptr;  // locked while not null
  for (const Decision& d : decisions) {
    if (!IsExposure(d)) continue;
    if (!hashed) {
      visitor_hash = Xxh3Hash(visitor_id);
      hashed = true;
    }
    // Hash ids, not indices: indices move when a config is reloaded.
    // The group's XXH3 is precomputed by the config (a hash of the id, not
    // the index, so it survives reloads); mixed so that it is no longer the
    // plain XXH3 of a string, which keeps (visitor x, group y) and (visitor
    // y, group x) apart.
    const uint64_t group_hash =
        d.group >= 0
            ? MixGroupHash(config->groups()[d.group].id_hash)
            : Xxh3HashWithSeed(config->campaigns()[d.campaign].id,
                               kCampaignSeed);
    const uint64_t key = visitor_hash ^ group_hash;
    Set& set = sets_[static_cast<size_t>(
        (static_cast<unsigned __int128>(key) * num_sets_) >> 64)];
    // The set is a cache miss (the table outgrows L2): start it now, under
    // the hashing and the shard lock below. All 8 lines, since the slot to
    // write is unknown until the header is read: a store into a missing line
    // would stall the next locked instruction (this call's, or the next
    // call's) until the line arrives. On W1, one thread: ~15 ns less per
    // call than fetching the header alone.
    for (size_t line = 0; line < sizeof(Set); line += 64) {
      __builtin_prefetch(reinterpret_cast<const char*>(&set) + line, 1);
    }
    const uint64_t variation_hash =
        d.variation >= 0 ? config->variations()[d.variation].id_hash
                         : Xxh3Hash(std::string_view());
    if (shard == nullptr) {
      shard = &ThisThreadShard();
      shard->mu.lock();
    }

    const Outcome outcome = set.Record(key, variation_hash);
    if (outcome == Outcome::kDuplicate) {
      Bump(shard->deduplicated);
      continue;
    }
    if (outcome == Outcome::kLoggedEvicting) Bump(shard->evicted);
    Bump(shard->logged);
    shard->batch->Add(visitor_id, d, config, at, batch_size_);
    if (shard->batch->pending.size() == batch_size_) {
      SwapOutAndEmit(*shard);
      shard = nullptr;
    }
  }
  if (shard != nullptr) shard->mu.unlock();
}

void ExposureLogger::SwapOutAndEmit(Shard& shard) {
  Batch* full = shard.batch;
  {
    // Waits only while two batches are already queued for the sink; their
    // threads hold no shard lock, so they finish.
    std::unique_lock<std::mutex> lock(spare_mu_);
    spare_cv_.wait(lock, [this] { return !spares_.empty(); });
    shard.batch = spares_.back();
    spares_.pop_back();
  }
  shard.mu.unlock();

  const size_t n = full->pending.size();
  {
    std::lock_guard<std::mutex> lock(sink_mu_);
    const std::string_view bytes = full->visitor_bytes;
    for (size_t i = 0; i < n; ++i) {
      const Pending& p = full->pending[i];
      const CompiledConfig& config = *full->configs[p.config];
      Exposure& e = exposures_[i];
      e.visitor_id = bytes.substr(p.visitor_offset, p.visitor_size);
      e.campaign_id = config.campaigns()[p.campaign].id;
      e.variation_group_id = p.group >= 0
                                 ? std::string_view(config.groups()[p.group].id)
                                 : std::string_view();
      e.variation_id =
          p.variation >= 0
              ? std::string_view(config.variations()[p.variation].id)
              : std::string_view();
      e.reason = p.reason;
      e.at = p.at;
    }
    sink_(std::span<const Exposure>(exposures_.data(), n));
  }
  full->Clear();
  {
    std::lock_guard<std::mutex> lock(spare_mu_);
    spares_.push_back(full);
  }
  spare_cv_.notify_one();
}

void ExposureLogger::Flush() {
  for (size_t i = 0; i < num_shards_; ++i) {
    Shard& shard = shards_[i];
    shard.mu.lock();
    if (shard.batch->pending.empty()) {
      shard.mu.unlock();
    } else {
      SwapOutAndEmit(shard);
    }
  }
}

ExposureLogger::Counters ExposureLogger::counters() const {
  Counters c;
  for (size_t i = 0; i < num_shards_; ++i) {
    const Shard& shard = shards_[i];
    c.logged += shard.logged.load(std::memory_order_relaxed);
    c.deduplicated += shard.deduplicated.load(std::memory_order_relaxed);
    c.evicted += shard.evicted.load(std::memory_order_relaxed);
  }
  return c;
}

}  // namespace allot
