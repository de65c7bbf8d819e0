// File: core/config_spec.h
//
// The configuration model: plain, copyable structs describing what a config
// file said, before validation and compilation. Both input formats (campaign
// documents and Flagship bucketing files, DESIGN §2) load into this one model;
// CompiledConfig::Create (compiled_config.h) validates and compiles it.
//
// Every struct carries `path`, the JSON path of the object it came from
// (e.g. "campaigns[3].variation_groups[0]"), so that validation errors can
// name the value at fault.
#ifndef ALLOT_CORE_CONFIG_SPEC_H_
#define ALLOT_CORE_CONFIG_SPEC_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "allocation/traffic_schedule.h"
#include "targeting/targeting_spec.h"

namespace allot {

// Which shape a config came in.
enum class ConfigFormat : unsigned char {
  kCampaignDocuments,  // management-API shape, snake_case
  kBucketingFile,      // Flagship bucketing file, camelCase
};

// One flag of a variation: `modifications.value[key]`, kept as minified JSON.
struct FlagSpec {
  std::string key;
  std::string json_value;
};

struct VariationSpec {
  std::string id;
  std::string name;
  bool reference = false;
  // Percent (0..100, at most two decimals). Absent counts as 0.
  double allocation = 0;
  std::string modifications_type;
  std::vector<FlagSpec> flags;  // in file order
  std::string path;
};

// `rollback_condition` of an allocation_config (DESIGN §6).
struct RollbackConditionSpec {
  std::string goal_type;
  std::string goal_id;
  std::string goal_label;
  // DESIGN §14: `goal.kpi` as written, the id or name of a KPI definition
  // ("" when absent); resolved when the config compiles.
  std::string goal_kpi;
  std::string op;  // "LOWER_THAN", "GREATER_THAN_OR_EQUALS", ...
  double value = 0;
  int64_t min_visitors = 0;
  std::string path;
};

// One `forced_assignments` entry of a variation group (DESIGN §12): these
// visitors get `variation_id` whatever targeting and traffic say.
struct ForcedAssignmentSpec {
  std::string variation_id;
  std::vector<std::string> visitor_ids;
  std::string path;  // of the entry; visitor_ids[i] is path.visitor_ids[i]
};

struct VariationGroupSpec {
  std::string id;
  std::string name;
  std::vector<ForcedAssignmentSpec> forced_assignments;
  // Raising it re-randomizes the group's sticky visitors (DESIGN §12).
  int64_t sticky_version = 0;
  // Absent targeting never matches (flagship-compat.md).
  std::optional<TargetingTreeSpec> targeting;
  std::vector<VariationSpec> variations;
  std::optional<TrafficScheduleSpec> allocation_config;
  std::optional<RollbackConditionSpec> rollback_condition;
  std::string path;
};

// Campaign live window [start_date, stop_date); empty dates are open ends.
struct SchedulerSpec {
  std::string start_date;
  std::string stop_date;
  std::string timezone;
  // DESIGN §14, as written ("" when absent): an RFC 5545 RRULE whose
  // occurrences, from start_date, open windows of `duration` ("168h",
  // "P7D") outside which the campaign is not live. Both or neither.
  std::string recurrence;
  std::string duration;
  std::string path;
};

// A campaign bucket range [low, high) in percent.
struct BucketRangeSpec {
  double low = 0;
  double high = 0;
  std::string path;
};

// DESIGN §15: a campaign's place in a layer, `"layer": {"id", "range":
// [low, high]}` (percent, two decimals).
struct CampaignLayerSpec {
  std::string id;
  double low = 0;
  double high = 0;
  std::string path;  // of the "layer" object
};

// DESIGN §15: the campaign applies only when the earlier campaign
// `campaign_id` gave the visitor a variation (one of `variation_ids` when
// that list was written).
struct PrerequisiteSpec {
  std::string campaign_id;
  std::vector<std::string> variation_ids;
  bool variation_ids_present = false;
  std::string path;
};

struct CampaignSpec {
  std::string id;
  std::string name;
  std::string slug;
  std::string type;    // "ab", "toggle", "deployment", "perso", ... as text
  std::string status;  // "" (absent), "active", "running", "paused", ...
  std::optional<SchedulerSpec> scheduler;
  std::vector<BucketRangeSpec> bucket_ranges;
  std::string primary_goal_json;                 // minified JSON, or ""
  std::vector<std::string> secondary_goals_json; // minified JSON each
  std::vector<VariationGroupSpec> variation_groups;
  // DESIGN §13: a locked campaign cannot change in assignment nor be removed
  // by a reload. `locked` (both formats) and `locked_at` (RFC 3339, campaign
  // documents; the instant it was locked, kept for the record) lock it.
  bool locked = false;
  bool locked_present = false;  // `locked` was written (true or false)
  std::string locked_at;        // as written, "" when absent
  // DESIGN §13, campaign documents only: civil dates "YYYY-MM-DD" in the
  // scheduler's time zone (UTC without one), "" when absent; each at
  // `path` + ".period_start" / ".period_end" / ".deadline". The period is
  // live from the start of period_start to the end of period_end; after the
  // end of deadline the campaign's goal metrics are closed.
  std::string period_start;
  std::string period_end;
  std::string deadline;
  // DESIGN §15 (absent: none).
  std::optional<CampaignLayerSpec> layer;
  std::vector<PrerequisiteSpec> prerequisites;
  std::string path;
};

// One KPI definition (DESIGN §14, dcycle's custom-KPI datasets), as written.
struct KpiSpec {
  std::string id;
  std::string name;
  std::string description;
  std::string unit;
  std::string value_type;  // "number", "integer", "percentage", "boolean"
  bool required = false;
  int64_t sort_order = 0;
  std::string path;
};

// DESIGN §15: `settings.layers[i]`.
struct LayerSpec {
  std::string id;
  std::string name;
  std::string path;
};

// DESIGN §15: `settings.holdouts[i]`; `all` for `"campaigns": "all"`.
struct HoldoutSpec {
  std::string id;
  double percent = 0;
  bool all = false;
  std::vector<std::string> campaigns;
  std::string path;
};

struct SettingsSpec {
  // "auto", "xxh3" or "flagship" as written; empty when absent.
  std::string bucketing;
  std::string bucketing_path;
  bool single_assignment = false;  // 1V1T
  bool panic = false;
  std::vector<LayerSpec> layers;      // DESIGN §15
  std::vector<HoldoutSpec> holdouts;  // DESIGN §15
};

struct ConfigSpec {
  ConfigFormat format = ConfigFormat::kCampaignDocuments;
  SettingsSpec settings;
  std::vector<CampaignSpec> campaigns;
  // The top-level `kpis` of campaign documents, in file order.
  std::vector<KpiSpec> kpis;
};

}  // namespace allot

#endif  // ALLOT_CORE_CONFIG_SPEC_H_
