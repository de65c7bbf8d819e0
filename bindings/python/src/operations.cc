#include "operations.h"

#include <string>
#include <vector>

#include "batch_input.h"
#include "core/config_diff.h"
#include "parallel.h"
#include "status.h"

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

py::tuple DiffBatch(std::shared_ptr<const CompiledConfig> from,
                    std::shared_ptr<const CompiledConfig> to,
                    const py::handle& visitor_ids, const py::handle& columns,
                    absl::Time at, int threads) {
  const VisitorIds ids = ReadVisitorIds(visitor_ids);
  const size_t workers = WorkerCount(ids.size(), threads);
  const std::vector<Column> cols = ReadColumns(columns, ids.size(), workers);
  std::vector<ConfigDiff> diffs;
  diffs.reserve(workers);
  for (size_t w = 0; w < workers; ++w) diffs.emplace_back(from, to);
  std::vector<CampaignDiff> campaigns;
  bool ok = true;
  {
    py::gil_scoped_release release;
    ok = RunInRanges(ids.size(), workers,
                     [&](size_t worker, size_t begin, size_t end) {
                       VisitorContext ctx;
                       bool all = true;
                       for (size_t row = begin; row < end; ++row) {
                         ctx.Reset(ids[row]);
                         for (const Column& column : cols) {
                           column.Apply(row, &ctx.attributes());
                         }
                         all &= diffs[worker].Add(ctx, at).ok();
                       }
                       return all;
                     });
    for (size_t w = 1; w < workers; ++w) diffs[0].Merge(diffs[w]);
    campaigns = diffs[0].Campaigns();
  }
  if (!ok) Throw(PyExc_RuntimeError, "a decision failed");
  auto id_or_none = [](const std::string& id, bool none) -> py::object {
    if (none) return py::none();
    return py::str(id);
  };
  py::list out;
  for (const CampaignDiff& c : campaigns) {
    py::list transitions;
    for (const VariationTransition& t : c.transitions) {
      transitions.append(py::make_tuple(id_or_none(t.from, t.from_none),
                                        id_or_none(t.to, t.to_none),
                                        t.visitors));
    }
    out.append(py::make_tuple(c.campaign_id, c.visitors, c.moved, transitions));
  }
  return py::make_tuple(ReloadReportToPython(diffs[0].report()), out);
}

}  // namespace allot::python
