// libFuzzer target: any bytes as a run-time state document. ImportState must
// return a Status, never crash; a document it accepts must export and import
// again to the same text.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/engine.h"

namespace {

constexpr char kConfig[] = R"({"campaigns":[{"id":"c","variation_groups":[{"id":"g",
  "targeting":{"targeting_groups":[{"targetings":[{"key":"fs_all_users","operator":"EQUALS","value":true}]}]},
  "allocation_config":{"start_date":"2026-01-01T00:00:00Z","start_allocation":50,
    "rollback_condition":{"goal":{"id":"goal"},"operator":"LOWER_THAN","value":5}},
  "variations":[{"id":"v","allocation":100,"reference":true}]}]}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<allot::Engine> engine = *allot::Engine::Create(kConfig);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!engine->ImportState(text).ok()) return 0;
  const std::string exported = engine->ExportState();
  if (!engine->ImportState(exported).ok()) __builtin_trap();
  if (engine->ExportState() != exported) __builtin_trap();
  allot::VisitorContext ctx("visitor");
  allot::DecisionList list;
  if (!engine->DecideAll(ctx, absl::FromUnixSeconds(1780000000), &list).ok()) {
    __builtin_trap();
  }
  return 0;
}
