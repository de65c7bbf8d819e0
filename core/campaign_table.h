// File: core/campaign_table.h
//
// The bulk campaign table (DESIGN §14, BalkanID's Campaigns CSV): one row
// per campaign with its name, description, status, dates, recurrence and
// what it serves now; exported from a config, edited in a spreadsheet, and
// imported back into the config.
//
//   absl::StatusOr<CampaignTable> table =
//       ExportCampaignTable(config_json, absl::Now());
//   std::string csv = CampaignTableCsv(*table);
//   ...
//   absl::StatusOr<CampaignTable> edited = ReadCampaignTableCsv(csv_text);
//   absl::StatusOr<CampaignImport> result =
//       ImportCampaignTable(config_json, *edited);   // result->config_json
//
// Columns, in export order (kCampaignColumns):
//   ID                    the campaign id (required on import)
//   Name, Description     as written ("" when absent)
//   Status                as written ("" when absent, which is active)
//   Start Date            the day of scheduler.start_date, YYYY-MM-DD in the
//                         scheduler's time zone ("" when open)
//   End Date              the last day the campaign is live: the day of the
//                         instant before scheduler.stop_date ("" when open)
//   Percentage Completed  its traffic share at the export instant, two
//                         decimals: the smallest over its variation groups
//                         (100 for a group without a rollout)
//   Is Published          TRUE when it would allocate at the export instant
//                         (no panic, active, inside its live windows)
//   Recurrence            scheduler.recurrence as written
//   Escalation            scheduler.duration, one occurrence's length
//   Escalation Date       the day the recurrence starts from (DTSTART): the
//                         Start Date, for a campaign with a recurrence
//
// Import applies Name, Description, Status, Start Date, End Date,
// Recurrence, Escalation and Escalation Date to the campaigns the rows name
// and leaves everything else of the config as it was (Percentage Completed
// and Is Published are computed, and ignored on import). A column the table
// does not have leaves that field of every campaign as it is; an empty cell
// removes the field. A date equal to what export gives keeps the value the
// config has (so export then import changes nothing: equal fingerprints); a
// new date keeps the time of day the config had (a new start begins at
// 00:00, a new end date stops at the end of that day), written as RFC 3339
// with the zone's offset. The recurrence starts with the campaign: an
// Escalation Date fills an empty Start Date and must otherwise equal it.
//
// Every error names the row and the column at fault (`row 3, column "End
// Date": ...`; a CSV file's header is row 1, as a spreadsheet numbers
// them), and an import with any bad row returns no config: all of the
// table is applied or none of it.
#ifndef ALLOT_CORE_CAMPAIGN_TABLE_H_
#define ALLOT_CORE_CAMPAIGN_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/compiled_config.h"

namespace allot {

inline constexpr std::string_view kCampaignColumns[] = {
    "ID",         "Name",         "Description",
    "Status",     "Start Date",   "End Date",
    "Percentage Completed",       "Is Published",
    "Recurrence", "Escalation",   "Escalation Date"};

struct CampaignTable {
  // Column names; on import they match kCampaignColumns ignoring case and
  // surrounding spaces, in any order, each at most once.
  std::vector<std::string> columns;
  // One cell per column in each row.
  std::vector<std::vector<std::string>> rows;
  // The number error messages give rows[0]: 2 in a CSV file, whose header
  // is row 1; frames count from 0.
  int64_t first_row_number = 2;
};

// The table of every campaign of the config `config_json` (either format,
// compiled with `options`), in config order, at instant `at`.
// InvalidArgument with the JSON path when the config does not load.
[[nodiscard]] absl::StatusOr<CampaignTable> ExportCampaignTable(
    std::string_view config_json, absl::Time at,
    const LoadOptions& options = LoadOptions());

// The table as RFC 4180 CSV: a header record, then one record per row, each
// ending in CRLF; fields quoted when they hold a comma, a quote or a line
// break.
std::string CampaignTableCsv(const CampaignTable& table);

// Reads CSV text (RFC 4180; CRLF or LF; a UTF-8 byte-order mark accepted):
// the first record is the header. InvalidArgument naming the row for
// malformed CSV or a row whose field count is not the header's.
[[nodiscard]] absl::StatusOr<CampaignTable> ReadCampaignTableCsv(
    std::string_view csv);

struct CampaignImport {
  // The new config: `config_json` with the table applied, pretty-printed
  // with two-space indents (key order kept).
  std::string config_json;
  int64_t rows = 0;
  // Campaigns in which the import may change who gets what, in config
  // order: those whose dates, recurrence or duration change and those it
  // pauses or resumes (CompareConfigs' `changed` for a reload from the old
  // config to the new one); names, descriptions and statuses that keep a
  // campaign live or paused change nobody's variation.
  std::vector<std::string> changed;
};

// Applies `table` to `config_json` (see above). InvalidArgument listing
// every bad row (up to 20) as `row N, column "C": ...`, or naming the JSON
// path when `config_json` itself does not load.
[[nodiscard]] absl::StatusOr<CampaignImport> ImportCampaignTable(
    std::string_view config_json, const CampaignTable& table,
    const LoadOptions& options = LoadOptions());

}  // namespace allot

#endif  // ALLOT_CORE_CAMPAIGN_TABLE_H_
