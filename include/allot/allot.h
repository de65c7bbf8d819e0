// File: allot/allot.h
//
// The one header a user of the allot C++ library includes: loading configs,
// deciding (CompiledConfig, Engine, VisitorContext, DecisionList), exposure
// logging, fingerprints, reload reports and diffs.
//
//   #include <allot/allot.h>
//
//   auto config = allot::LoadConfig(json_text);
//   allot::VisitorContext ctx("visitor-42");
//   ctx.Set("country", "FR");
//   allot::DecisionList decisions;
//   (*config)->DecideAll(ctx, absl::Now(), &decisions);
//
// With CMake: find_package(allot CONFIG REQUIRED) and link allot::allot;
// otherwise: pkg-config --cflags --libs allot.
#ifndef ALLOT_ALLOT_H_
#define ALLOT_ALLOT_H_

#include "core/campaign_table.h"
#include "core/compiled_config.h"
#include "core/config_diff.h"
#include "core/decision.h"
#include "core/engine.h"
#include "core/exposure_logger.h"
#include "core/fingerprint.h"
#include "core/visitor_context.h"

#endif  // ALLOT_ALLOT_H_
