// Campaign operations for Python (DESIGN §13): reload reports and diffs.
#ifndef ALLOT_BINDINGS_PYTHON_OPERATIONS_H_
#define ALLOT_BINDINGS_PYTHON_OPERATIONS_H_

#include <pybind11/pybind11.h>

#include <memory>

#include "absl/time/time.h"
#include "core/compiled_config.h"
#include "core/fingerprint.h"

namespace allot::python {

// {"identical": bool, "added": [ids], "removed": [...], "changed": [...],
//  "payload_only": [...], "unchanged": [...]}
pybind11::dict ReloadReportToPython(const ReloadReport& report);

// Config.diff: decides a batch of visitors against both configs, on several
// threads with the GIL released (inputs as Assign takes them), and returns
// (report, [(campaign_id, visitors, moved, [(from, to, visitors), ...]),
// ...]) for each changed campaign; `from`/`to` are variation ids or None.
pybind11::tuple DiffBatch(std::shared_ptr<const CompiledConfig> from,
                          std::shared_ptr<const CompiledConfig> to,
                          const pybind11::handle& visitor_ids,
                          const pybind11::handle& columns, absl::Time at,
                          int threads);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_OPERATIONS_H_
