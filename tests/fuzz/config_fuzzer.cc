// libFuzzer target: any bytes as a config. Loading must return a Status,
// never crash; a config that loads must decide, resolve flags and explain
// for a few visitors without tripping ASan or UBSan, and every decision of
// DecideAll (whichever path it takes: sparse template, candidate index,
// gated layers, lifecycle) must be the one Decide makes for that campaign.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/compiled_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = allot::LoadConfig(text);
  if (!config.ok()) return 0;
  const absl::Time now = absl::FromUnixSeconds(1780000000);
  allot::VisitorContext ctx;
  allot::DecisionList list;
  std::vector<allot::ResolvedFlag> flags;
  const char* ids[] = {"visitor-1", "qa-1", "\xc3\xa9t\xc3\xa9-\xf0\x9f\x98\x80"};
  for (int v = 0; v < 3; ++v) {
    ctx.Reset(ids[v]);
    ctx.Set("country", v ? "FR" : "US");
    ctx.Set("plan", "pro");
    ctx.Set("age", 31 + v);
    ctx.Set("version", "2.5.0");
    ctx.Set("beta", v == 1);
    if (v == 2) {
      ctx.Force("c", "v");
      ctx.SetSticky("g", "v", 1);
    }
    if (!(*config)->DecideAll(ctx, now, &list).ok()) __builtin_trap();
    if (list.size() != (*config)->campaigns().size()) __builtin_trap();
    (*config)->ResolveFlags(list, &flags);
    (*config)->Explain(ctx, now);
    for (size_t i = 0; i < list.size(); ++i) {
      allot::Decision d;
      if (!(*config)->Decide((*config)->campaigns()[i].id, ctx, now, &d).ok()) {
        __builtin_trap();
      }
      const allot::Decision& x = list[i];
      if (d.campaign != x.campaign || d.group != x.group ||
          d.variation != x.variation || d.reason != x.reason) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
