#include "campaign_table.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "core/campaign_table.h"
#include "status.h"

namespace allot::python {
namespace {

const std::string& SourceOf(const PyConfig& config) {
  if (config.source == nullptr) {
    throw py::value_error(
        "this Config's JSON is not known (it comes from an Engine reloaded "
        "elsewhere); use the result of allot.load()");
  }
  return *config.source;
}

// One cell as the table's text.
std::string CellText(const py::handle& cell) {
  if (cell.is_none()) return "";
  if (py::isinstance<py::str>(cell)) return cell.cast<std::string>();
  if (py::isinstance<py::bool_>(cell)) {
    return cell.cast<bool>() ? "TRUE" : "FALSE";
  }
  if (py::isinstance<py::float_>(cell)) {
    const double v = cell.cast<double>();
    if (std::isnan(v)) return "";
  }
  // pandas.NaT has strftime too, but is not equal to itself.
  if (py::hasattr(cell, "strftime") && cell.equal(cell)) {
    return cell.attr("strftime")("%Y-%m-%d").cast<std::string>();
  }
  if (!cell.equal(cell)) return "";  // NaT, pd.NA-like missing values
  return py::str(cell).cast<std::string>();
}

}  // namespace

py::dict CampaignTableColumns(const PyConfig& config, absl::Time at) {
  const std::string& source = SourceOf(config);
  absl::StatusOr<CampaignTable> table;
  {
    py::gil_scoped_release release;
    table = ExportCampaignTable(source, at, config.options);
  }
  ThrowIfError(table.status(), ErrorKind::kConfig);
  py::dict out;
  for (size_t c = 0; c < table->columns.size(); ++c) {
    py::list column;
    const std::string& name = table->columns[c];
    for (const std::vector<std::string>& row : table->rows) {
      if (name == "Percentage Completed") {
        double v = 0;
        if (!absl::SimpleAtod(row[c], &v)) v = std::nan("");
        column.append(v);
      } else if (name == "Is Published") {
        column.append(py::bool_(row[c] == "TRUE"));
      } else {
        column.append(py::str(row[c]));
      }
    }
    out[py::str(name)] = column;
  }
  return out;
}

std::shared_ptr<PyConfig> WithCampaigns(const PyConfig& config,
                                        const py::list& columns,
                                        const py::list& cells) {
  const std::string& source = SourceOf(config);
  if (columns.size() != cells.size()) {
    throw py::value_error("one list of cells per column is needed");
  }
  CampaignTable table;
  table.first_row_number = 0;
  size_t rows = 0;
  for (size_t c = 0; c < columns.size(); ++c) {
    table.columns.push_back(py::str(columns[c]).cast<std::string>());
    const py::list column = cells[c].cast<py::list>();
    if (c == 0) {
      rows = column.size();
      table.rows.resize(rows);
    } else if (column.size() != rows) {
      throw py::value_error("the columns differ in length");
    }
    for (size_t r = 0; r < rows; ++r) {
      table.rows[r].push_back(CellText(column[r]));
    }
  }
  absl::StatusOr<CampaignImport> imported;
  {
    py::gil_scoped_release release;
    imported = ImportCampaignTable(source, table, config.options);
  }
  ThrowIfError(imported.status(), ErrorKind::kConfig);
  return LoadPyConfig(std::move(imported->config_json), config.options,
                      config.bucketing);
}

}  // namespace allot::python
