// libFuzzer target: any bytes as a bulk campaign CSV (DESIGN §14) imported
// into a fixed config. Reading and importing must return a Status, never
// crash; an import that succeeds must give a config that loads, and whose
// export imports back into it with nothing changed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "core/campaign_table.h"
#include "core/compiled_config.h"

namespace {

constexpr char kConfig[] = R"({"campaigns":[
  {"id":"weekly","name":"Weekly","scheduler":{"start_date":"2026-01-05T09:00:00",
    "stop_date":"2027-01-01T00:00:00","timezone":"Europe/Paris",
    "recurrence":"RRULE:FREQ=WEEKLY;BYDAY=MO","duration":"48h"},
   "variation_groups":[{"id":"g1","variations":[{"id":"v1","allocation":100}]}]},
  {"id":"dated","status":"active","description":"d","scheduler":{
    "start_date":"2026-03-01T00:00:00Z","stop_date":"2026-04-01T00:00:00Z"},
   "variation_groups":[{"id":"g2","variations":[{"id":"v2","allocation":100}]}]},
  {"id":"plain","variation_groups":[{"id":"g3","variations":[{"id":"v3","allocation":100}]}]}],
  "settings":{}})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view csv(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<allot::CampaignTable> table = allot::ReadCampaignTableCsv(csv);
  if (!table.ok()) return 0;
  absl::StatusOr<allot::CampaignImport> imported =
      allot::ImportCampaignTable(kConfig, *table);
  if (!imported.ok()) return 0;
  if (!allot::LoadConfig(imported->config_json).ok()) __builtin_trap();
  absl::StatusOr<allot::CampaignTable> exported = allot::ExportCampaignTable(
      imported->config_json, absl::FromUnixSeconds(1780000000));
  if (!exported.ok()) __builtin_trap();
  absl::StatusOr<allot::CampaignTable> reread =
      allot::ReadCampaignTableCsv(allot::CampaignTableCsv(*exported));
  if (!reread.ok() || reread->rows != exported->rows) __builtin_trap();
  absl::StatusOr<allot::CampaignImport> again =
      allot::ImportCampaignTable(imported->config_json, *reread);
  if (!again.ok() || !again->changed.empty()) __builtin_trap();
  return 0;
}
