// Config.assign: decisions for a batch of visitors, on several threads with
// the GIL released.
//
// The inputs are copied into C++ buffers first (GIL held), the output arrays
// are allocated as numpy arrays, then the GIL is released and the rows are
// split over std::threads, each with its own VisitorContext and DecisionList
// reused for every visitor (no allocation per visitor once warm).
#ifndef ALLOT_BINDINGS_PYTHON_ASSIGN_H_
#define ALLOT_BINDINGS_PYTHON_ASSIGN_H_

#include <pybind11/pybind11.h>

#include "absl/time/time.h"
#include "core/compiled_config.h"
#include "core/runtime_state.h"

namespace allot::python {

// Returns a tuple (campaign_codes, group_codes, variation_codes,
// reason_codes, campaign_ids, group_ids, variation_ids, visitor_ids): int32 /
// int32 / int32 / int8 numpy arrays of one entry per row, the category lists
// the codes index (-1: none), and an object array of the input id of each
// row. Rows are visitor-major: every campaign of visitor 0
// in config order, then visitor 1, ... With `campaign` (a str), one row per
// visitor for that campaign only (KeyError if the config has no such
// campaign). `columns` as ReadColumns takes them. `threads` <= 0: all cores.
pybind11::tuple Assign(const CompiledConfig& config,
                       const RuntimeState* runtime,
                       const pybind11::handle& visitor_ids,
                       const pybind11::handle& columns,
                       const pybind11::handle& campaign, absl::Time now,
                       int threads);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_ASSIGN_H_
