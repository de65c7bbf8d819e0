// File: core/traffic_share_table.h
//
// A variation group's traffic share sampled over time (DESIGN §5, §9): what
// `allot schedule` prints.
//
//   TrafficShareQuery q;
//   q.group_id = "new-search-all";
//   q.from = "2026-03-26T09:00";   // wall-clock in the schedule's zone
//   q.to = "2026-04-06T09:00";
//   q.every = "1d";                // calendar days: 09:00 local every day
//   absl::StatusOr<TrafficShareTable> t = SampleTrafficShare(*config, q);
//   for (const TrafficShareRow& r : t->rows) { ... r.at, r.share_bp ... }
//
// Thread-safe (reads the immutable config only).
#ifndef ALLOT_CORE_TRAFFIC_SHARE_TABLE_H_
#define ALLOT_CORE_TRAFFIC_SHARE_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/compiled_config.h"

namespace allot {

struct TrafficShareQuery {
  std::string group_id;
  // RFC 3339 instants, or wall-clock date-times read in the time zone.
  // `to` is inclusive.
  std::string from;
  std::string to;
  // "30m", "1h", "1h30m", ...: an absolute step; a whole number of days
  // ("1d", "7d") steps calendar days in the time zone, keeping the time of
  // day across DST changes.
  std::string every = "1h";
  // IANA zone to read and show times in; empty: the group's
  // allocation_config time zone (UTC when it has none).
  std::string time_zone;
  // Refuse tables longer than this (a typo in `every` should not fill a
  // disk).
  int64_t max_rows = 1'000'000;
};

struct TrafficShareRow {
  absl::Time at;
  int32_t share_bp = 0;  // basis points; 10000 for a group without rollout
};

struct TrafficShareTable {
  absl::TimeZone time_zone;  // the zone the query was read in
  std::vector<TrafficShareRow> rows;
};

// NotFound for an unknown group; InvalidArgument naming the field at fault
// ("from: ...", "every: ...", "time_zone: ...") otherwise.
[[nodiscard]] absl::StatusOr<TrafficShareTable> SampleTrafficShare(
    const CompiledConfig& config, const TrafficShareQuery& query);

// `t` as RFC 3339 with the zone's offset ("2026-03-29T09:00:00+02:00").
std::string FormatLocalTime(absl::Time t, const absl::TimeZone& zone);

}  // namespace allot

#endif  // ALLOT_CORE_TRAFFIC_SHARE_TABLE_H_
