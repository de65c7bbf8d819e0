#include "operations.h"

#include <string>
#include <vector>

namespace allot::python {
namespace {

namespace py = pybind11;

py::list Ids(const std::vector<std::string>& ids) {
  py::list out;
  for (const std::string& id : ids) out.append(py::str(id));
  return out;
}

}  // namespace

py::dict ReloadReportToPython(const ReloadReport& report) {
  py::dict out;
  out["identical"] = py::bool_(report.identical);
  out["added"] = Ids(report.added);
  out["removed"] = Ids(report.removed);
  out["changed"] = Ids(report.changed);
  out["payload_only"] = Ids(report.payload_only);
  out["unchanged"] = Ids(report.unchanged);
  return out;
}

}  // namespace allot::python
