// File: core/exposure_logger.h
//
// Exposure events (DESIGN §12): which visitor was shown which variation of
// which campaign, and when. The logger keeps the exposures among a visitor's
// decisions, drops repeats with a fixed-size de-duplication table, and hands
// the rest to a host sink in batches.
//
//   auto logger = ExposureLogger::Create(
//       [&](std::span<const Exposure> batch) {
//         for (const Exposure& e : batch) queue.Send(e);  // copy what you keep
//       });
//   if (!logger.ok()) return logger.status();
//   config->DecideAll(ctx, now, &decisions);
//   (*logger)->Log(ctx.visitor_id(), decisions, now);
//   ...
//   (*logger)->Flush();  // e.g. on a timer; the destructor flushes too
//
// Thread-safe: Log, Flush and counters() may run on any number of threads at
// once. The sink is called by one thread at a time (whichever filled a batch
// or called Flush), so a simple sink needs no lock; it must not call back
// into the logger.
//
// Each thread that logs stages its exposures (up to 64, or batch_size if
// smaller) before they are de-duplicated together, so a batch reaches the
// sink once it is full after that step; Flush and counters() settle every
// thread's staged exposures.
// A thread keeps a reference to the config it last logged against until it
// logs against another one or exits.
#ifndef ALLOT_CORE_EXPOSURE_LOGGER_H_
#define ALLOT_CORE_EXPOSURE_LOGGER_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/decision.h"

namespace allot {

// One exposure handed to the sink. The string views stay valid only during
// the sink call.
struct Exposure {
  std::string_view visitor_id;
  std::string_view campaign_id;
  std::string_view variation_group_id;
  std::string_view variation_id;  // empty for a holdout
  DecisionReason reason = DecisionReason::kAllocated;
  absl::Time at;
};

struct ExposureLoggerOptions {
  // Entries of the de-duplication table (each <= 32 bytes). The table keeps
  // every (visitor, group) key while they number up to about a third of it;
  // beyond that, a repeat is logged again once its entry was evicted.
  // Default: 100000.
  size_t capacity = 100000;
  // Exposures handed to the sink per call, 1 to 65536.
  // Default: 1024.
  size_t batch_size = 1024;
};

// Receives a batch of exposures. Called by one thread at a time.
using ExposureSink = std::function<void(std::span<const Exposure>)>;

class ExposureLogger {
 public:
  // InvalidArgument for a null sink, capacity 0, or batch_size 0 or above
  // 65536.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ExposureLogger>> Create(
      ExposureSink sink,
      const ExposureLoggerOptions& options = ExposureLoggerOptions());

  ExposureLogger(const ExposureLogger&) = delete;
  ExposureLogger& operator=(const ExposureLogger&) = delete;

  // Flushes what is pending.
  // REQUIRES: no other call on this logger is running or will start.
  ~ExposureLogger();

  // Whether a decision is an exposure: it shows the visitor a variation
  // (allocated, sticky, forced, or rolled back to the group's reference), or
  // holds the visitor out of the campaign (DESIGN §15: the analysis compares
  // the held-out visitors with the others, so they are logged too, keyed by
  // campaign with no group or variation).
  static bool IsExposure(const Decision& d) {
    return d.has_variation() || d.reason == DecisionReason::kHoldout;
  }

  // Logs the exposures among `decisions`, made for `visitor_id` at `at`:
  // each (visitor, group) once, again when its variation changes, and again
  // after its entry was evicted from the table. Ids are compared as strings,
  // so de-duplication holds across config reloads. Allocates nothing once
  // each batch buffer has been filled once, except on a config change. When
  // it fills a batch, calls the sink.
  void Log(std::string_view visitor_id, const DecisionList& decisions,
           absl::Time at);

  // Hands every pending exposure to the sink now (one call per thread shard
  // with pending exposures, each of at most batch_size). A batch that another
  // thread is handing over at that moment may still be in its sink call.
  void Flush();

  struct Counters {
    uint64_t logged = 0;  // exposures handed (or to be handed) to the sink
    uint64_t deduplicated = 0;  // exposures dropped as repeats
    uint64_t evicted = 0;       // table entries replaced to make room
  };
  // Settles the exposures staged by every thread (de-duplicates and counts
  // them, without calling the sink), then sums. Exact when no Log call is
  // running.
  Counters counters();

  // Entries of the de-duplication table (options.capacity).
  size_t capacity() const { return capacity_; }
  // Bytes of the de-duplication table, fixed at Create. On top come, per
  // thread that logs at the same time, a 16 KiB staging ring and two batch
  // buffers (the second made when the first is handed to the sink); each
  // buffer takes (batch_size + 384) x sizeof(Exposure), 88 bytes on 64-bit
  // targets, and the visitor ids' bytes once filled (in chunks of 16 KiB).
  size_t table_bytes() const;

 private:
  struct Set;
  struct Partition;
  struct Staged;
  class IdBytes;
  struct Shard;
  struct Batch;
  struct ThreadShards;

  ExposureLogger(ExposureSink sink, const ExposureLoggerOptions& options);

  // The shard this thread owns for this logger, adopted on first use: the
  // one it used last checked inline, the others it owns out of line.
  Shard& ThisThreadShard();
  Shard& FindThreadShard();
  Shard& AdoptShard(ThreadShards& cache);
  // Hands back a shard whose thread exits or no longer caches it: its staged
  // exposures are settled (the sink is not called), and it may be adopted by
  // another thread. A no-op when the logger is gone.
  static void ReleaseShard(uint64_t serial, Shard* shard);

  // Stages exposure `d` as the shard's n-th, keyed by the visitor's hash,
  // except for the visitor id; returns it. REQUIRES: n is the shard's
  // published count, the shard is this thread's and `config` its config.
  Staged& Stage(Shard& shard, uint64_t n, uint64_t visitor_hash,
                const Decision& d, const CompiledConfig& config, absl::Time at);
  // Log for an id too long to stage: from d, the first exposure of the list.
  void LogLongId(Shard& shard, std::string_view visitor_id, const Decision* d,
                 const Decision* end, const CompiledConfig& config,
                 absl::Time at);
  // Settles what was staged, then makes `config` the shard's.
  // REQUIRES: the shard's lock is held.
  void UseConfigLocked(Shard& shard, const CompiledConfig& config);
  // UseConfigLocked under the shard's lock. Out of line (a config change is
  // rare), as is SettleWindow (once per window): Log's own loop stays small.
  [[gnu::noinline]] void SwitchConfig(Shard& shard,
                                      const CompiledConfig& config);
  // Locks the shard, settles its full window and emits a full batch.
  [[gnu::noinline]] void SettleWindow(Shard& shard);
  // De-duplicates the shard's staged exposures and moves the new ones to its
  // batch. REQUIRES: the shard's lock is held.
  void SettleLocked(Shard& shard);
  // SettleLocked for the n exposures staged at staged[0, n), which are
  // contiguous in the shard's ring; kMayBeExternal when some ids may be
  // the caller's bytes (LogLongId's).
  template <bool kMayBeExternal>
  void SettleRunLocked(Shard& shard, const Staged* staged, size_t n);
  // Settles, hands full batches to the sink (or, with `all`, every pending
  // exposure) and releases the shard's lock.
  // REQUIRES: the shard's lock is held; it is released on return.
  void SettleAndEmit(Shard& shard, bool all);
  // Replaces the shard's batch with its other one (waiting for it while
  // another thread hands it to the sink), keeping in it what does not make
  // a full batch unless `all`; unlocks the shard, and hands the rest to the
  // sink in batches of at most batch_size.
  // REQUIRES: the shard's lock is held; it is released on return.
  void SwapOutAndEmit(Shard& shard, bool all);
  std::vector<Shard*> AllShards();

  const uint64_t serial_;  // unique per logger, never reused
  const ExposureSink sink_;
  const size_t capacity_;
  const size_t batch_size_;
  const size_t window_;  // exposures staged before a settle: <= 64
  const size_t num_sets_;
  const size_t num_partitions_;       // a power of two
  const uint64_t no_variation_hash_;  // a holdout's: XXH3 of ""
  struct TableDeleter {
    bool huge = false;  // from aligned_alloc, not new[]
    void operator()(Set* sets) const;
  };
  static std::unique_ptr<Set[], TableDeleter> NewTable(size_t num_sets);
  std::unique_ptr<Set[], TableDeleter> sets_;
  std::unique_ptr<Partition[]> partitions_;

  std::mutex shards_mu_;
  std::vector<std::unique_ptr<Shard>> shards_;  // guarded by shards_mu_
  std::vector<Shard*> free_shards_;             // guarded by shards_mu_
  // Threads settling a released shard of this logger; the destructor waits
  // for them.
  std::atomic<int> releasing_{0};

  std::mutex spare_mu_;
  std::condition_variable spare_cv_;

  std::mutex sink_mu_;  // one sink call at a time
};

}  // namespace allot

#endif  // ALLOT_CORE_EXPOSURE_LOGGER_H_
