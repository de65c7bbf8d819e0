// The bulk campaign table (core/campaign_table.h) for Python:
// allot.campaigns_frame and Config.with_campaigns.
#ifndef ALLOT_BINDINGS_PYTHON_CAMPAIGN_TABLE_H_
#define ALLOT_BINDINGS_PYTHON_CAMPAIGN_TABLE_H_

#include <memory>

#include <pybind11/pybind11.h>

#include "absl/time/time.h"
#include "config_bindings.h"

namespace allot::python {

namespace py = pybind11;

// {column: list} of the config's table at `at`: strings as exported, except
// "Percentage Completed" (floats) and "Is Published" (bools). ValueError when
// the config's JSON is not known.
py::dict CampaignTableColumns(const PyConfig& config, absl::Time at);

// The config with `columns` (names) holding `cells` (one list per column)
// applied, loaded with the same options. Cells may be str, None or NaN (an
// empty cell), bool, numbers, or dates (anything with strftime). Rows are
// counted from 0 in errors (ConfigError).
std::shared_ptr<PyConfig> WithCampaigns(const PyConfig& config,
                                        const py::list& columns,
                                        const py::list& cells);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_CAMPAIGN_TABLE_H_
