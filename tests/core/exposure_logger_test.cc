// Exposure de-duplication and batching (DESIGN §12).
#include "core/exposure_logger.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/compiled_config.h"
#include "core/internal/runtime_state.h"
#include "gtest/gtest.h"

namespace allot {
namespace {

// W1's shape, targeting everyone: one campaign, one group, 50/50.
constexpr char kW1[] =
    R"({"settings":{"bucketing":"xxh3"},"campaigns":[{"id":"w1","type":"ab",
  "variation_groups":[{"id":"w1-group","targeting":{"targeting_groups":[{"targetings":[
  {"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
  "variations":[{"id":"w1-a","allocation":50},{"id":"w1-b","allocation":50}]}]}]})";

// kW1 with the two variation ids swapped: every visitor changes variation.
constexpr char kW1Swapped[] =
    R"({"settings":{"bucketing":"xxh3"},"campaigns":[{"id":"w1","type":"ab",
  "variation_groups":[{"id":"w1-group","targeting":{"targeting_groups":[{"targetings":[
  {"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
  "variations":[{"id":"w1-b","allocation":50},{"id":"w1-a","allocation":50}]}]}]})";

// kW1 behind a campaign nobody is targeted by: the same ids at other indices.
constexpr char kW1Shifted[] = R"({"settings":{"bucketing":"xxh3"},"campaigns":[
  {"id":"other","type":"ab","variation_groups":[{"id":"other-group",
   "targeting":{"targeting_groups":[{"targetings":[{"key":"country","operator":"EQUALS","value":"XX"}]}]},
   "variations":[{"id":"other-a","allocation":50},{"id":"other-b","allocation":50}]}]},
  {"id":"w1","type":"ab",
  "variation_groups":[{"id":"w1-group","targeting":{"targeting_groups":[{"targetings":[
  {"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
  "variations":[{"id":"w1-a","allocation":50},{"id":"w1-b","allocation":50}]}]}]})";

std::shared_ptr<const CompiledConfig> Load(const std::string& json) {
  auto config = LoadConfig(json);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : nullptr;
}

void Decide(const CompiledConfig& config, std::string_view visitor_id,
            DecisionList* list) {
  VisitorContext ctx;
  ctx.Reset(visitor_id);
  ASSERT_TRUE(config.DecideAll(ctx, absl::UnixEpoch(), list).ok());
}

struct Logged {
  std::string visitor, campaign, group, variation, reason;
  absl::Time at;
};

// A thread-safe sink that keeps copies of what it receives.
class Collector {
 public:
  ExposureSink Sink() {
    return [this](std::span<const Exposure> batch) {
      std::lock_guard<std::mutex> lock(mu_);
      batch_sizes_.push_back(batch.size());
      for (const Exposure& e : batch) {
        all_.push_back(Logged{
            std::string(e.visitor_id), std::string(e.campaign_id),
            std::string(e.variation_group_id), std::string(e.variation_id),
            std::string(DecisionReasonName(e.reason)), e.at});
      }
    };
  }
  std::vector<Logged> all() {
    std::lock_guard<std::mutex> lock(mu_);
    return all_;
  }
  std::vector<size_t> batch_sizes() {
    std::lock_guard<std::mutex> lock(mu_);
    return batch_sizes_;
  }

 private:
  std::mutex mu_;
  std::vector<Logged> all_;
  std::vector<size_t> batch_sizes_;
};

std::unique_ptr<ExposureLogger> MakeLogger(Collector* collector,
                                           ExposureLoggerOptions options = {}) {
  auto logger = ExposureLogger::Create(collector->Sink(), options);
  EXPECT_TRUE(logger.ok()) << logger.status();
  return logger.ok() ? std::move(*logger) : nullptr;
}

std::vector<std::string> Ids(int n, const std::string& prefix = "visitor-") {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(absl::StrCat(prefix, i));
  return ids;
}

TEST(ExposureLogger, CreateRejectsNullSinkAndZeroSizes) {
  const ExposureSink sink = [](std::span<const Exposure>) {};
  EXPECT_EQ(ExposureLogger::Create(nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  ExposureLoggerOptions options;
  options.capacity = 0;
  EXPECT_EQ(ExposureLogger::Create(sink, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = ExposureLoggerOptions();
  options.batch_size = 0;
  EXPECT_EQ(ExposureLogger::Create(sink, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.batch_size = 65537;
  EXPECT_EQ(ExposureLogger::Create(sink, options).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto logger = ExposureLogger::Create(sink);
  ASSERT_TRUE(logger.ok()) << logger.status();
  EXPECT_EQ((*logger)->capacity(), 100000u);
  // At most 32 bytes per entry, as DESIGN §12 bounds it.
  EXPECT_GE((*logger)->table_bytes(), 100000u * 16);
  EXPECT_LE((*logger)->table_bytes(), 100000u * 32);
  options = ExposureLoggerOptions();
  options.capacity = 1;
  auto tiny = ExposureLogger::Create(sink, options);
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ((*tiny)->capacity(), 1u);
}

// 10 threads decide the same 20,000 visitors in the same order (so that they
// race on each key) while another thread keeps flushing. The table holds them
// all, so each (visitor, group, variation) reaches the sink exactly once.
TEST(ExposureLogger, ConcurrentThreadsLogEachExposureExactlyOnce) {
  constexpr int kThreads = 10;
  constexpr int kDecisionsPerThread = 100000;
  constexpr int kVisitors = 20000;
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  const std::vector<std::string> ids = Ids(kVisitors);
  std::map<std::string, std::string> expected;  // visitor -> variation
  DecisionList list;
  for (const std::string& id : ids) {
    Decide(*config, id, &list);
    ASSERT_TRUE(ExposureLogger::IsExposure(list[0]));
    expected[id] = std::string(list.variation_id(0));
  }

  Collector collector;
  auto logger = MakeLogger(&collector);
  ASSERT_NE(logger, nullptr);
  const absl::Time now = absl::FromUnixSeconds(1767225600);
  std::latch start(kThreads + 1);
  std::atomic<int> running{kThreads};
  std::atomic<uint64_t> exposures_seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      VisitorContext ctx;
      DecisionList decisions;
      uint64_t seen = 0;
      start.arrive_and_wait();
      for (int i = 0; i < kDecisionsPerThread; ++i) {
        const std::string& id = ids[i % kVisitors];
        ctx.Reset(id);
        if (!config->DecideAll(ctx, now, &decisions).ok()) break;
        for (const Decision& d : decisions)
          seen += ExposureLogger::IsExposure(d);
        logger->Log(id, decisions, now);
      }
      exposures_seen += seen;
      --running;
    });
  }
  std::thread flusher([&] {
    start.arrive_and_wait();
    while (running.load() > 0) {
      logger->Flush();
      std::this_thread::yield();
    }
  });
  for (std::thread& t : threads) t.join();
  flusher.join();
  logger->Flush();

  const ExposureLogger::Counters c = logger->counters();
  EXPECT_EQ(exposures_seen.load(), uint64_t{kThreads} * kDecisionsPerThread);
  EXPECT_EQ(c.logged + c.deduplicated, exposures_seen.load());
  EXPECT_EQ(c.logged, uint64_t{kVisitors});
  EXPECT_EQ(c.evicted, 0u);

  const std::vector<Logged> all = collector.all();
  EXPECT_EQ(all.size(), c.logged);
  std::map<std::string, int> times;
  for (const Logged& e : all) {
    ++times[e.visitor];
    EXPECT_EQ(e.campaign, "w1");
    EXPECT_EQ(e.group, "w1-group");
    EXPECT_EQ(e.variation, expected[e.visitor]) << e.visitor;
    EXPECT_EQ(e.reason, "allocated");
    EXPECT_EQ(e.at, now);
  }
  EXPECT_EQ(times.size(), size_t{kVisitors});
  for (const auto& [visitor, n] : times) {
    EXPECT_EQ(n, 1) << visitor;
  }
}

TEST(ExposureLogger, ChangedVariationIsLoggedAgain) {
  auto config = Load(kW1);
  auto swapped = Load(kW1Swapped);
  ASSERT_NE(config, nullptr);
  ASSERT_NE(swapped, nullptr);
  Collector collector;
  auto logger = MakeLogger(&collector);
  const std::vector<std::string> ids = Ids(1000);
  DecisionList list;
  auto log_all = [&](const CompiledConfig& c) {
    for (const std::string& id : ids) {
      Decide(c, id, &list);
      logger->Log(id, list, absl::UnixEpoch());
    }
  };
  log_all(*config);
  log_all(*swapped);  // every visitor now sees the other variation
  log_all(*config);   // and back
  log_all(*config);   // nothing new
  logger->Flush();

  const ExposureLogger::Counters c = logger->counters();
  EXPECT_EQ(c.logged, 3000u);
  EXPECT_EQ(c.deduplicated, 1000u);
  // One visitor's exposures of one group reach the sink in order.
  std::map<std::string, std::vector<std::string>> variations;
  for (const Logged& e : collector.all()) {
    variations[e.visitor].push_back(e.variation);
  }
  ASSERT_EQ(variations.size(), ids.size());
  for (const std::string& id : ids) {
    const std::vector<std::string>& v = variations[id];
    ASSERT_EQ(v.size(), 3u) << id;
    EXPECT_NE(v[0], v[1]) << id;
    EXPECT_EQ(v[0], v[2]) << id;
  }
}

// Keys are hashes of ids, not indices: a reload that moves the campaign,
// group and variation indices does not re-log anyone.
TEST(ExposureLogger, ReloadThatMovesIndicesKeepsDeduplicating) {
  auto config = Load(kW1);
  auto shifted = Load(kW1Shifted);
  ASSERT_NE(config, nullptr);
  ASSERT_NE(shifted, nullptr);
  ASSERT_NE(config->FindGroup("w1-group"), shifted->FindGroup("w1-group"));
  Collector collector;
  auto logger = MakeLogger(&collector);
  DecisionList list;
  const std::vector<std::string> ids = Ids(1000);
  for (const std::string& id : ids) {
    Decide(*config, id, &list);
    logger->Log(id, list, absl::UnixEpoch());
  }
  for (const std::string& id : ids) {
    Decide(*shifted, id, &list);
    ASSERT_EQ(list.size(), 2u);
    logger->Log(id, list, absl::UnixEpoch());
  }
  EXPECT_EQ(logger->counters().logged, 1000u);
  EXPECT_EQ(logger->counters().deduplicated, 1000u);
}

// Peak resident memory does not follow the number of visitors: the table is
// sized at Create and the batch buffers are reused.
TEST(ExposureLogger, MemoryStaysBoundedWithTenMillionVisitors) {
  constexpr uint64_t kVisitors = 10000000;
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  DecisionList list;
  Decide(*config, "anyone", &list);
  ASSERT_TRUE(ExposureLogger::IsExposure(list[0]));

  uint64_t sunk = 0;
  uint64_t empty_ids = 0;
  auto logger = ExposureLogger::Create([&](std::span<const Exposure> batch) {
    sunk += batch.size();
    for (const Exposure& e : batch) empty_ids += e.visitor_id.empty();
  });
  ASSERT_TRUE(logger.ok());
  ExposureLogger& log = **logger;
  const size_t table_bytes = log.table_bytes();
  auto rss_bytes = [] {
    long pages = 0, resident = 0;
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (f == nullptr) return 0L;
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
  };
  // The visitor id is rewritten in place: the test itself holds no per-visitor
  // memory either.
  char id[32] = "visitor-";
  auto log_visitor = [&](uint64_t n) {
    char* end = std::to_chars(id + 8, id + sizeof(id), n).ptr;
    log.Log(std::string_view(id, end - id), list, absl::UnixEpoch());
  };
  for (uint64_t n = 0; n < 200000; ++n) log_visitor(n);  // warm-up
  const long rss_before = rss_bytes();
  for (uint64_t n = 200000; n < kVisitors; ++n) log_visitor(n);
  const long rss_after = rss_bytes();

  EXPECT_EQ(log.table_bytes(), table_bytes);
  EXPECT_LT(rss_after - rss_before, 8L << 20);
  ExposureLogger::Counters c = log.counters();
  EXPECT_EQ(c.logged, kVisitors);
  EXPECT_EQ(c.deduplicated, 0u);
  // Every set is full long before the end, so each insert past the capacity
  // evicts exactly one entry.
  EXPECT_EQ(c.evicted, kVisitors - log.capacity());

  // The 20,000 most recent visitors are all still in the table (see the
  // overflow bound in exposure_logger.cc).
  for (uint64_t n = kVisitors - 20000; n < kVisitors; ++n) log_visitor(n);
  c = log.counters();
  EXPECT_EQ(c.logged, kVisitors);
  EXPECT_EQ(c.deduplicated, 20000u);

  log.Flush();
  EXPECT_EQ(sunk, c.logged);  // nothing lost
  EXPECT_EQ(empty_ids, 0u);
}

// One thread's exposures go to one batch buffer: the sink sees them in order.
TEST(ExposureLogger, SinkGetsFullBatchesThenTheRestOnFlush) {
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  Collector collector;
  ExposureLoggerOptions options;
  options.batch_size = 7;
  auto logger = MakeLogger(&collector, options);
  const std::vector<std::string> ids = Ids(100);
  const absl::Time t0 = absl::FromUnixSeconds(1767225600);
  std::vector<std::string> variations;
  DecisionList list;
  for (size_t i = 0; i < ids.size(); ++i) {
    Decide(*config, ids[i], &list);
    variations.emplace_back(list.variation_id(0));
    logger->Log(ids[i], list, t0 + absl::Seconds(i));
  }
  // Exposures are settled batch_size (7) at a time, below 64.
  EXPECT_EQ(collector.batch_sizes(), std::vector<size_t>(14, 7));
  EXPECT_EQ(logger->counters().logged, 100u);  // settles, does not emit
  EXPECT_EQ(collector.batch_sizes(), std::vector<size_t>(14, 7));
  logger->Flush();
  std::vector<size_t> expected_sizes(14, 7);
  expected_sizes.push_back(2);
  EXPECT_EQ(collector.batch_sizes(), expected_sizes);
  logger->Flush();  // nothing pending: no empty batch
  EXPECT_EQ(collector.batch_sizes().size(), 15u);

  const std::vector<Logged> all = collector.all();
  ASSERT_EQ(all.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(all[i].visitor, ids[i]);
    EXPECT_EQ(all[i].campaign, "w1");
    EXPECT_EQ(all[i].group, "w1-group");
    EXPECT_EQ(all[i].variation, variations[i]);
    EXPECT_EQ(all[i].reason, "allocated");
    EXPECT_EQ(all[i].at, t0 + absl::Seconds(i));
  }
}

// Several threads fill several batch buffers: every batch handed over before
// Flush is full, and Flush hands over the rest, none lost.
TEST(ExposureLogger, EveryBatchBeforeFlushIsFull) {
  constexpr size_t kThreads = 4;
  constexpr size_t kPerThread = 1003;
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  Collector collector;
  ExposureLoggerOptions options;
  options.batch_size = 5;
  auto logger = MakeLogger(&collector, options);
  const std::vector<std::string> ids = Ids(kThreads * kPerThread);
  const absl::Time t0 = absl::FromUnixSeconds(1767225600);
  auto at = [&](size_t i) { return t0 + absl::Milliseconds(i); };
  std::vector<std::string> variations(ids.size());
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      DecisionList list;
      for (size_t i = t * kPerThread; i < (t + 1) * kPerThread; ++i) {
        Decide(*config, ids[i], &list);
        variations[i] = std::string(list.variation_id(0));
        logger->Log(ids[i], list, at(i));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const std::vector<size_t> before = collector.batch_sizes();
  EXPECT_GE(before.size(), kThreads * (kPerThread / 5));
  for (size_t n : before) EXPECT_EQ(n, 5u);
  logger->Flush();
  const std::vector<size_t> after = collector.batch_sizes();
  EXPECT_GT(after.size(), before.size());
  // A thread that exits settles what it staged without calling the sink, so
  // a shard another thread then adopts may hold a full batch or more: Flush
  // hands it over in batches of at most 5, the last one per shard partial.
  for (size_t i = before.size(); i < after.size(); ++i) {
    EXPECT_GE(after[i], 1u);
    EXPECT_LE(after[i], 5u);
  }

  std::map<std::string, size_t> index;
  for (size_t i = 0; i < ids.size(); ++i) index[ids[i]] = i;
  const std::vector<Logged> all = collector.all();
  ASSERT_EQ(all.size(), ids.size());
  std::set<std::string> seen;
  for (const Logged& e : all) {
    EXPECT_TRUE(seen.insert(e.visitor).second) << e.visitor;
    ASSERT_TRUE(index.count(e.visitor)) << e.visitor;
    const size_t i = index[e.visitor];
    EXPECT_EQ(e.variation, variations[i]);
    EXPECT_EQ(e.at, at(i));
    EXPECT_EQ(e.group, "w1-group");
  }
}

// Each shard hands its full batches to the sink and fills its other one;
// a thread that flushes takes that other one too, and waits for it while
// the owner is handing it over. With small batches and a thread flushing
// (and settling counters) all the time, every exposure of every thread
// still reaches the sink exactly once, in batches of at most batch_size.
TEST(ExposureLogger, FlushingWhileThreadsFillBatchesLosesNothing) {
  constexpr size_t kThreads = 4;
  constexpr size_t kPerThread = 20000;
  constexpr size_t kBatch = 7;
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  Collector collector;
  ExposureLoggerOptions options;
  options.batch_size = kBatch;
  options.capacity = 1000000;  // holds every key: each is logged once
  auto logger = MakeLogger(&collector, options);
  ASSERT_NE(logger, nullptr);
  const std::vector<std::string> ids = Ids(kThreads * kPerThread);
  const absl::Time now = absl::FromUnixSeconds(1767225600);
  std::latch start(kThreads + 1);
  std::atomic<size_t> running{kThreads};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      DecisionList list;
      start.arrive_and_wait();
      for (size_t i = t * kPerThread; i < (t + 1) * kPerThread; ++i) {
        Decide(*config, ids[i], &list);
        logger->Log(ids[i], list, now);
      }
      --running;
    });
  }
  size_t flushes = 0;
  std::thread flusher([&] {
    start.arrive_and_wait();
    while (running.load() > 0) {
      logger->Flush();
      if (++flushes % 8 == 0) logger->counters();
    }
  });
  for (std::thread& t : threads) t.join();
  flusher.join();
  logger->Flush();
  EXPECT_GT(flushes, 0u);

  const ExposureLogger::Counters c = logger->counters();
  EXPECT_EQ(c.logged, ids.size());
  EXPECT_EQ(c.deduplicated, 0u);
  size_t delivered = 0;
  for (size_t n : collector.batch_sizes()) {
    EXPECT_GE(n, 1u);
    EXPECT_LE(n, kBatch);
    delivered += n;
  }
  EXPECT_EQ(delivered, ids.size());
  std::set<std::string> seen;
  for (const Logged& e : collector.all()) {
    EXPECT_TRUE(seen.insert(e.visitor).second) << e.visitor;
    EXPECT_EQ(e.group, "w1-group");
    EXPECT_EQ(e.at, now);
  }
  EXPECT_EQ(seen.size(), ids.size());
}

TEST(ExposureLogger, DestructorFlushesTheRest) {
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  Collector collector;
  {
    auto logger = MakeLogger(&collector);
    DecisionList list;
    for (const std::string& id : Ids(10)) {
      Decide(*config, id, &list);
      logger->Log(id, list, absl::UnixEpoch());
    }
    EXPECT_TRUE(collector.batch_sizes().empty());
  }
  EXPECT_EQ(collector.batch_sizes(), std::vector<size_t>{10});
}

// Several exposures of one visitor share one copy of the id; each carries
// its own campaign, group, variation and reason, including a rollback to the
// reference variation.
TEST(ExposureLogger, EachCampaignOfAVisitorIsItsOwnExposure) {
  constexpr char kThree[] = R"({"campaigns":[
    {"id":"c1","type":"ab","variation_groups":[{"id":"g1",
      "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
      "variations":[{"id":"g1-only","allocation":100}]}]},
    {"id":"c2","type":"ab","variation_groups":[{"id":"g2",
      "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
      "variations":[{"id":"g2-ref","reference":true,"allocation":0},{"id":"g2-new","allocation":100}]}]},
    {"id":"c3","type":"ab","variation_groups":[{"id":"g3",
      "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
      "variations":[{"id":"g3-only","allocation":100}]}]}
   ],"settings":{"single_assignment":false}})";
  auto config = Load(kThree);
  ASSERT_NE(config, nullptr);
  RuntimeState runtime(config->campaigns().size(), config->groups().size());
  runtime.set_group_rolled_back(config->FindGroup("g2"), true);
  Collector collector;
  ExposureLoggerOptions options;
  options.batch_size = 2;  // the visitor's exposures straddle two batches
  auto logger = MakeLogger(&collector, options);
  VisitorContext ctx("someone-with-a-long-visitor-id-0123456789");
  DecisionList list;
  ASSERT_TRUE(config->DecideAll(ctx, absl::UnixEpoch(), &list, &runtime).ok());
  logger->Log(ctx.visitor_id(), list, absl::UnixEpoch());
  logger->Flush();
  const std::vector<Logged> all = collector.all();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(collector.batch_sizes(), (std::vector<size_t>{2, 1}));
  const std::tuple<std::string, std::string, std::string, std::string>
      expected[] = {{"c1", "g1", "g1-only", "allocated"},
                    {"c2", "g2", "g2-ref", "rolled_back"},
                    {"c3", "g3", "g3-only", "allocated"}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(all[i].visitor, "someone-with-a-long-visitor-id-0123456789");
    EXPECT_EQ(std::tie(all[i].campaign, all[i].group, all[i].variation,
                       all[i].reason),
              expected[i]);
  }
}

TEST(ExposureLogger, EachHeldOutCampaignIsItsOwnExposureOnce) {
  // A holdout of 100 % over two campaigns: each visitor's two holdout
  // decisions (no group) are two exposures, keyed by campaign, logged once.
  constexpr char kHeldOut[] = R"({"campaigns":[
    {"id":"c1","type":"ab","variation_groups":[{"id":"g1",
      "variations":[{"id":"g1-only","allocation":100}]}]},
    {"id":"c2","type":"ab","variation_groups":[{"id":"g2",
      "variations":[{"id":"g2-only","allocation":100}]}]}
   ],"settings":{"single_assignment":false,
     "holdouts":[{"id":"everyone","percent":100,"campaigns":"all"}]}})";
  auto config = Load(kHeldOut);
  ASSERT_NE(config, nullptr);
  Collector collector;
  auto logger = MakeLogger(&collector);
  const std::vector<std::string> ids = Ids(50);
  for (int round = 0; round < 2; ++round) {
    for (const std::string& id : ids) {
      VisitorContext ctx(id);
      DecisionList list;
      ASSERT_TRUE(config->DecideAll(ctx, absl::UnixEpoch(), &list).ok());
      ASSERT_EQ(DecisionReasonName(list[0].reason), "holdout");
      ASSERT_EQ(DecisionReasonName(list[1].reason), "holdout");
      logger->Log(id, list, absl::UnixEpoch());
    }
  }
  logger->Flush();
  const std::vector<Logged> all = collector.all();
  ASSERT_EQ(all.size(), 2 * ids.size());
  std::set<std::pair<std::string, std::string>> seen;
  for (const Logged& e : all) {
    EXPECT_EQ(e.group, "");
    EXPECT_EQ(e.variation, "");
    EXPECT_EQ(e.reason, "holdout");
    seen.emplace(e.visitor, e.campaign);
  }
  EXPECT_EQ(seen.size(), 2 * ids.size());
  EXPECT_EQ(logger->counters().deduplicated, 2 * ids.size());
}

TEST(ExposureLogger, NonExposuresAreNeverLogged) {
  // Every reason without a variation is not an exposure (a holdout, when it
  // comes, is the one exception, DESIGN §12).
  for (int r = 0; r < kNumDecisionReasons; ++r) {
    Decision d;
    d.campaign = 0;
    d.group = 0;
    d.reason = static_cast<DecisionReason>(r);
    if (DecisionReasonName(d.reason) == "holdout") continue;
    EXPECT_FALSE(ExposureLogger::IsExposure(d)) << DecisionReasonName(d.reason);
    d.variation = 0;
    EXPECT_TRUE(ExposureLogger::IsExposure(d)) << DecisionReasonName(d.reason);
  }

  constexpr char kMixed[] = R"({"campaigns":[
    {"id":"paused","type":"ab","status":"paused","variation_groups":[{"id":"gp",
      "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
      "variations":[{"id":"gp-a","allocation":100}]}]},
    {"id":"french","type":"ab","variation_groups":[{"id":"gf",
      "targeting":{"targeting_groups":[{"targetings":[{"key":"country","operator":"EQUALS","value":"FR"}]}]},
      "variations":[{"id":"gf-a","allocation":100}]}]},
    {"id":"sparse","type":"ab","variation_groups":[{"id":"gs",
      "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
      "variations":[{"id":"gs-a","allocation":1},{"id":"gs-b","allocation":1}]}]},
    {"id":"shown","type":"ab","variation_groups":[{"id":"gshown",
      "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
      "variations":[{"id":"shown-a","allocation":100}]}]}
   ],"settings":{"single_assignment":false}})";
  auto config = Load(kMixed);
  ASSERT_NE(config, nullptr);
  Collector collector;
  auto logger = MakeLogger(&collector);
  DecisionList list;
  uint64_t sparse_allocated = 0;
  std::set<DecisionReason> reasons;
  for (const std::string& id : Ids(2000)) {
    Decide(*config, id, &list);
    for (const Decision& d : list) reasons.insert(d.reason);
    sparse_allocated += list[2].has_variation();
    logger->Log(id, list, absl::UnixEpoch());
  }
  logger->Flush();
  EXPECT_TRUE(reasons.count(DecisionReason::kCampaignInactive));
  EXPECT_TRUE(reasons.count(DecisionReason::kNotTargeted));
  EXPECT_TRUE(reasons.count(DecisionReason::kNotAllocated));
  EXPECT_GT(sparse_allocated, 0u);
  EXPECT_LT(sparse_allocated, 200u);
  const std::vector<Logged> all = collector.all();
  EXPECT_EQ(all.size(), 2000 + sparse_allocated);
  EXPECT_EQ(logger->counters().logged, all.size());
  for (const Logged& e : all) {
    EXPECT_TRUE(e.campaign == "shown" || e.campaign == "sparse") << e.campaign;
    EXPECT_FALSE(e.variation.empty());
  }
}

// With a capacity of at most 28 the table is one set: plain LRU.
TEST(ExposureLogger, EvictsTheLeastRecentlyUsedAndLogsItAgain) {
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  Collector collector;
  ExposureLoggerOptions options;
  options.capacity = 3;
  auto logger = MakeLogger(&collector, options);
  DecisionList list;
  for (const char* id : {"a", "b", "c", "a", "d", "a", "c", "b", "d"}) {
    Decide(*config, id, &list);
    logger->Log(id, list, absl::UnixEpoch());
  }
  logger->Flush();
  // a b c: logged. a: repeat. d: evicts b (the least recent). a, c: repeats.
  // b: logged again, evicts d. d: logged again, evicts a.
  std::vector<std::string> visitors;
  for (const Logged& e : collector.all()) visitors.push_back(e.visitor);
  EXPECT_EQ(visitors, (std::vector<std::string>{"a", "b", "c", "d", "b", "d"}));
  const ExposureLogger::Counters c = logger->counters();
  EXPECT_EQ(c.logged, 6u);
  EXPECT_EQ(c.deduplicated, 3u);
  EXPECT_EQ(c.evicted, 3u);
}

// A full set of 28: every way is found again (the tag probe covers them all),
// and the least recent one goes first.
TEST(ExposureLogger, FullSetFindsEveryWay) {
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  Collector collector;
  ExposureLoggerOptions options;
  options.capacity = 28;
  auto logger = MakeLogger(&collector, options);
  DecisionList list;
  const std::vector<std::string> ids = Ids(29);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 28; ++i) {
      Decide(*config, ids[i], &list);
      logger->Log(ids[i], list, absl::UnixEpoch());
    }
  }
  EXPECT_EQ(logger->counters().logged, 28u);
  EXPECT_EQ(logger->counters().deduplicated, 56u);
  Decide(*config, ids[28], &list);
  logger->Log(ids[28], list, absl::UnixEpoch());  // evicts ids[0]
  for (int i = 27; i >= 1; --i) {                 // all still there
    Decide(*config, ids[i], &list);
    logger->Log(ids[i], list, absl::UnixEpoch());
  }
  const ExposureLogger::Counters c = logger->counters();
  EXPECT_EQ(c.logged, 29u);
  EXPECT_EQ(c.deduplicated, 56u + 27u);
  EXPECT_EQ(c.evicted, 1u);
  Decide(*config, ids[0], &list);
  logger->Log(ids[0], list, absl::UnixEpoch());
  EXPECT_EQ(logger->counters().logged, 30u);
}

// One set (capacity <= 28) against a reference LRU list: a random mix of
// repeats and new visitors logs exactly the model's misses, in order. Hits
// land at every position of the set's order and every miss past the fill
// evicts, so each way of moving an entry to the front is exercised.
TEST(ExposureLogger, OneSetMatchesAReferenceLru) {
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  const std::vector<std::string> ids = Ids(40);
  std::vector<DecisionList> lists(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) Decide(*config, ids[i], &lists[i]);
  for (const size_t capacity : {28u, 27u, 9u}) {
    SCOPED_TRACE(capacity);
    Collector collector;
    ExposureLoggerOptions options;
    options.capacity = capacity;
    auto logger = MakeLogger(&collector, options);
    std::vector<int> lru;  // most recent first
    std::vector<std::string> expected;
    uint64_t evicted = 0;
    uint32_t state = 12345;
    for (int step = 0; step < 5000; ++step) {
      state = state * 1103515245u + 12345u;
      // Mostly visitors already in the set (so hits reach deep positions),
      // sometimes one of the others.
      const int v = static_cast<int>((state >> 8) % (capacity + 3 + step % 7));
      const int id = static_cast<int>(v % ids.size());
      auto it = std::find(lru.begin(), lru.end(), id);
      if (it != lru.end()) {
        lru.erase(it);
      } else {
        expected.push_back(ids[id]);
        if (lru.size() == capacity) {
          lru.pop_back();
          ++evicted;
        }
      }
      lru.insert(lru.begin(), id);
      logger->Log(ids[id], lists[id], absl::UnixEpoch());
    }
    logger->Flush();
    std::vector<std::string> visitors;
    for (const Logged& e : collector.all()) visitors.push_back(e.visitor);
    EXPECT_EQ(visitors, expected);
    const ExposureLogger::Counters c = logger->counters();
    EXPECT_EQ(c.logged, expected.size());
    EXPECT_EQ(c.deduplicated, 5000u - expected.size());
    EXPECT_EQ(c.evicted, evicted);
    EXPECT_GT(evicted, 100u);
  }
}

TEST(ExposureLogger, PendingExposuresKeepTheirConfigAlive) {
  Collector collector;
  auto logger = MakeLogger(&collector);
  std::weak_ptr<const CompiledConfig> weak;
  // Logged from a thread that then exits: its staged exposure is settled
  // into a batch, which keeps the config until Flush.
  std::thread([&] {
    auto config = Load(kW1);
    ASSERT_NE(config, nullptr);
    weak = config;
    DecisionList list;
    Decide(*config, "visitor-1", &list);
    logger->Log("visitor-1", list, absl::UnixEpoch());
  }).join();  // the caller's config and decision list are gone
  EXPECT_FALSE(weak.expired());
  logger->Flush();
  EXPECT_TRUE(weak.expired());
  const std::vector<Logged> all = collector.all();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].group, "w1-group");
}

// A thread keeps the config it last logged against (its staging refers to
// it) until it logs against another: then a reloaded-away config is freed
// once its exposures are flushed.
TEST(ExposureLogger, ReloadedAwayConfigIsFreedOnceTheThreadMovesOn) {
  Collector collector;
  auto logger = MakeLogger(&collector);
  auto current = Load(kW1Shifted);
  ASSERT_NE(current, nullptr);
  std::weak_ptr<const CompiledConfig> weak;
  DecisionList list;
  {
    auto old = Load(kW1);
    ASSERT_NE(old, nullptr);
    weak = old;
    for (const std::string& id : Ids(10)) {
      Decide(*old, id, &list);
      logger->Log(id, list, absl::UnixEpoch());
    }
  }
  EXPECT_FALSE(weak.expired());
  for (const std::string& id : Ids(10, "next-")) {
    Decide(*current, id, &list);
    logger->Log(id, list, absl::UnixEpoch());
  }
  EXPECT_FALSE(weak.expired());  // 10 exposures still pending in a batch
  logger->Flush();
  EXPECT_TRUE(weak.expired());
  const std::vector<Logged> all = collector.all();
  ASSERT_EQ(all.size(), 20u);
  EXPECT_EQ(all[0].visitor, "visitor-0");
  EXPECT_EQ(all[10].visitor, "next-0");
}

// Visitor ids too long to stage inline (over 72 bytes) are settled before
// Log returns; they are de-duplicated and reach the sink intact.
TEST(ExposureLogger, LongVisitorIdsAreLoggedIntact) {
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  Collector collector;
  ExposureLoggerOptions options;
  options.batch_size = 3;
  auto logger = MakeLogger(&collector, options);
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    // 72 bytes (the longest staged inline), 73, and much longer ones.
    ids.push_back(absl::StrCat(std::string(i == 0 ? 71 : i == 1 ? 72 : 300 + i, 'x'), i));
  }
  // Longer than the batches' 16 KiB chunks of id bytes.
  ids.push_back(std::string(20000, 'y'));
  ids.push_back(std::string(40000, 'z'));
  DecisionList list;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& id : ids) {
      std::string copy = id;  // overwritten once Log returns
      Decide(*config, copy, &list);
      logger->Log(copy, list, absl::UnixEpoch());
      copy.assign(copy.size(), '?');
    }
  }
  logger->Flush();
  const ExposureLogger::Counters c = logger->counters();
  EXPECT_EQ(c.logged, 12u);
  EXPECT_EQ(c.deduplicated, 12u);
  const std::vector<Logged> all = collector.all();
  ASSERT_EQ(all.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(all[i].visitor, ids[i]);
}

// Batches whose ids fill several chunks of bytes, emptied and refilled: every
// id reaches the sink intact, whatever chunk it was copied to.
TEST(ExposureLogger, IdsSpanningManyChunksStayIntact) {
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  Collector collector;
  ExposureLoggerOptions options;
  options.batch_size = 2000;  // ~60 bytes x 2000: several 16 KiB chunks
  auto logger = MakeLogger(&collector, options);
  std::vector<std::string> ids;
  for (int i = 0; i < 9000; ++i) {
    ids.push_back(absl::StrCat(std::string(40 + i % 33, 'a' + i % 26), "-", i));
  }
  DecisionList list;
  for (const std::string& id : ids) {
    std::string copy = id;
    Decide(*config, copy, &list);
    logger->Log(copy, list, absl::UnixEpoch());
    copy.assign(copy.size(), '?');
  }
  logger->Flush();
  const std::vector<Logged> all = collector.all();
  ASSERT_EQ(all.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(all[i].visitor, ids[i]) << i;
  }
  EXPECT_GE(collector.batch_sizes().size(), 5u);
}

// A thread that logs to more loggers than it caches shards for hands the
// oldest back (settled), and still loses nothing.
TEST(ExposureLogger, OneThreadManyLoggers) {
  auto config = Load(kW1);
  ASSERT_NE(config, nullptr);
  constexpr int kLoggers = 7;
  std::vector<Collector> collectors(kLoggers);
  std::vector<std::unique_ptr<ExposureLogger>> loggers;
  for (Collector& c : collectors) loggers.push_back(MakeLogger(&c));
  DecisionList list;
  const std::vector<std::string> ids = Ids(500);
  for (int round = 0; round < 2; ++round) {
    for (const std::string& id : ids) {
      Decide(*config, id, &list);
      for (auto& logger : loggers) logger->Log(id, list, absl::UnixEpoch());
    }
  }
  for (int i = 0; i < kLoggers; ++i) {
    loggers[i]->Flush();
    const ExposureLogger::Counters c = loggers[i]->counters();
    EXPECT_EQ(c.logged, 500u) << i;
    EXPECT_EQ(c.deduplicated, 500u) << i;
    EXPECT_EQ(collectors[i].all().size(), 500u) << i;
  }
}

// Allocation-free logging (CONVENTIONS "Hot path") is asserted in
// zero_allocation_test.cc, which owns the operator new counter
// (ZeroAllocation.ForcedStickyAndExposuresAfterWarmUp logs through an Engine).

}  // namespace
}  // namespace allot
