// File: core/fingerprint.h
//
// Campaign operations (DESIGN §13): what a new config would change, before
// or as it is swapped in.
//
// Every compiled campaign carries two fingerprints (CompiledConfig::Campaign):
//  - assignment: a hash of everything that decides who gets what (the
//    campaign id, its type, bucketing mode, live window, period and
//    recurring windows (only when it has some, DESIGN §14), bucket
//    ranges, variation groups with their targeting, variations,
//    allocations, references, rollouts, rollback conditions, forced lists
//    and sticky versions; with single assignment, the `ab` campaigns before
//    it too);
//  - payload: a hash of its variations' modifications.
// Names, goals, slugs, JSON key order and whitespace change neither, nor do
// kill switches (a campaign's status, settings.panic): pausing is always
// allowed, even for a locked campaign. A config also has a content
// fingerprint of everything it holds; an equal one means a reload would
// change nothing at all.
//
// The hashes are XXH3-64 of a canonical byte form, frozen: the same content
// gives the same values in every process, on every machine, in every
// version of allot (tests pin a few). Changing the form would make every
// reload after an upgrade look like a change.
//
//   ReloadReport report = CompareConfigs(*old_config, *new_config);
//   if (absl::Status s = CheckLockedCampaigns(*old_config, *new_config);
//       !s.ok()) { ... }  // FailedPrecondition naming each locked campaign
//   std::cout << ReloadReportText(report);
#ifndef ALLOT_CORE_FINGERPRINT_H_
#define ALLOT_CORE_FINGERPRINT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/compiled_config.h"

namespace allot {

// What a reload from one config to another changes, by campaign id. Ids are
// in the order of the config they come from (removed: the old one; the rest:
// the new one).
struct ReloadReport {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  // Who gets what may change: the assignment fingerprint differs, or the
  // campaign was paused or resumed (status).
  std::vector<std::string> changed;
  // Only the modifications differ: nobody moves, visitors see new payloads.
  std::vector<std::string> payload_only;
  std::vector<std::string> unchanged;
  // The two configs hold the same content (equal content fingerprints): an
  // Engine keeps its current snapshot, contexts their caches.
  bool identical = false;
};

// The report of a reload from `from` to `to`.
ReloadReport CompareConfigs(const CompiledConfig& from,
                            const CompiledConfig& to);

// FailedPrecondition when `to` would change the assignment of, or remove, a
// campaign that `from` locks; the message names the JSON path and id of
// each such campaign. OK otherwise.
[[nodiscard]] absl::Status CheckLockedCampaigns(const CompiledConfig& from,
                                                const CompiledConfig& to);

// The report as text, one line per category with its ids:
//   added (1): c9
//   removed (0):
//   ...
std::string ReloadReportText(const ReloadReport& report);

// The report as one JSON object without a trailing newline:
// {"added":[...],"removed":[...],"changed":[...],"payload_only":[...],
//  "unchanged":[...]}
std::string ReloadReportJson(const ReloadReport& report);

}  // namespace allot

#endif  // ALLOT_CORE_FINGERPRINT_H_
