// Campaign operations for Python (DESIGN §13): reload reports and diffs.
#ifndef ALLOT_BINDINGS_PYTHON_OPERATIONS_H_
#define ALLOT_BINDINGS_PYTHON_OPERATIONS_H_

#include <pybind11/pybind11.h>

#include "core/fingerprint.h"

namespace allot::python {

// {"identical": bool, "added": [ids], "removed": [...], "changed": [...],
//  "payload_only": [...], "unchanged": [...]}
pybind11::dict ReloadReportToPython(const ReloadReport& report);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_OPERATIONS_H_
