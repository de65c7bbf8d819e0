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

namespace allot::python {

// Returns a tuple (campaign_codes, group_codes, variation_codes,
// reason_codes, campaign_ids, group_ids, variation_ids, visitor_ids,
// new_assignment, group_versions): int32 / int32 / int32 / int8 numpy arrays
// of one entry per row, the category lists the codes index (-1: none), an
// object array of the input id of each row, a bool array of each row's
// Decision::new_assignment, and an int64 array of the sticky_version of each
// group code. Rows are visitor-major: every campaign of visitor 0 in config
// order, then visitor 1, ... With `campaign` (a str), one row per visitor for
// that campaign only (KeyError if the config has no such campaign).
// `columns` as ReadColumns takes them. `at`: what TimeArg takes (one
// instant for every visitor), or an int64 numpy array of Unix nanoseconds,
// one per visitor. `threads` <= 0: all cores.
//
// `force`: a dict {campaign_id: variation_id} (or None) forced on every row.
// `sticky`: None, or the tuple (visitor_ids, group_ids, variation_ids,
// versions) of a sticky frame's columns (see ReadStickyTable): each row gets
// the records of its visitor id, looked up in one hash map built here.
//
// Never logs exposures: it decides against a config and run-time state, not
// through an Engine.
pybind11::tuple Assign(const CompiledConfig& config,
                       const RuntimeState* runtime,
                       const pybind11::handle& visitor_ids,
                       const pybind11::handle& columns,
                       const pybind11::handle& campaign,
                       const pybind11::handle& at, int threads,
                       const pybind11::handle& force,
                       const pybind11::handle& sticky);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_ASSIGN_H_
