#include "assign.h"

#include <pybind11/numpy.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "assignment_input.h"
#include "batch_input.h"
#include "core/decision.h"
#include "core/visitor_context.h"
#include "parallel.h"
#include "status.h"
#include "time_arg.h"

namespace allot::python {
namespace {

namespace py = pybind11;

// Maps config indices to category codes for the campaigns in scope.
struct CodeTables {
  std::vector<int32_t> campaign;   // by campaign index; -1 if out of scope
  std::vector<int32_t> group;      // by group index
  std::vector<int32_t> variation;  // by variation index; equal ids share one
  py::list campaign_ids, group_ids, variation_ids;
};

CodeTables MakeTables(const CompiledConfig& config, int32_t only_campaign) {
  CodeTables t;
  t.campaign.assign(config.campaigns().size(), -1);
  t.group.assign(config.groups().size(), -1);
  t.variation.assign(config.variations().size(), -1);
  absl::flat_hash_map<std::string, int32_t> variation_codes;
  const int32_t num_campaigns = static_cast<int32_t>(config.campaigns().size());
  for (int32_t c = 0; c < num_campaigns; ++c) {
    if (only_campaign >= 0 && c != only_campaign) continue;
    const CompiledConfig::Campaign& campaign = config.campaigns()[c];
    t.campaign[c] = static_cast<int32_t>(py::len(t.campaign_ids));
    t.campaign_ids.append(py::str(campaign.id));
    for (int32_t g = campaign.first_group;
         g < campaign.first_group + campaign.num_groups; ++g) {
      const CompiledConfig::Group& group = config.groups()[g];
      t.group[g] = static_cast<int32_t>(py::len(t.group_ids));
      t.group_ids.append(py::str(group.id));
      for (int32_t v = group.first_variation;
           v < group.first_variation + group.num_variations; ++v) {
        const std::string& id = config.variations()[v].id;
        auto [it, inserted] = variation_codes.try_emplace(
            id, static_cast<int32_t>(variation_codes.size()));
        if (inserted) t.variation_ids.append(py::str(id));
        t.variation[v] = it->second;
      }
    }
  }
  return t;
}

// Category codes in the integer type pandas gives a Categorical of that
// many categories (pandas.core.dtypes.cast.coerce_indexer_dtype: int8 below
// 127, int16 below 32,767, else int32), so that from_codes neither converts
// nor copies them: for W2's 5,000,000 rows, three conversions of 20 MB.
class CodeColumn {
 public:
  CodeColumn(py::ssize_t rows, size_t categories)
      : bytes_(categories < 127     ? 1
               : categories < 32767 ? 2
                                    : 4) {
    array_ = bytes_ == 1   ? py::array(py::array_t<int8_t>(rows))
             : bytes_ == 2 ? py::array(py::array_t<int16_t>(rows))
                           : py::array(py::array_t<int32_t>(rows));
    data_ = array_.mutable_data();
  }
  // The type is the same on every row: the switch is always predicted.
  void Put(size_t row, int32_t code) const {
    switch (bytes_) {
      case 1:
        static_cast<int8_t*>(data_)[row] = static_cast<int8_t>(code);
        return;
      case 2:
        static_cast<int16_t*>(data_)[row] = static_cast<int16_t>(code);
        return;
      default:
        static_cast<int32_t*>(data_)[row] = code;
    }
  }
  const py::array& array() const { return array_; }

 private:
  int bytes_;
  py::array array_;
  void* data_;
};

struct Outputs {
  const CodeColumn* campaign;
  const CodeColumn* group;
  const CodeColumn* variation;
  int8_t* reason;
  bool* new_assignment;
};

struct Job {
  const CompiledConfig* config;
  const RuntimeState* runtime;
  const VisitorIds* ids;
  const std::vector<Column>* columns;
  const CodeTables* tables;
  const ForcedList* forced;
  const StickyTable* sticky;
  std::string_view campaign_id;  // empty: every campaign
  absl::Time now;
  // One instant per visitor (Unix nanoseconds), or null: `now` for all.
  const int64_t* at_ns;
  Outputs out;
};

inline void Write(const Job& job, size_t row, const Decision& d) {
  const CodeTables& t = *job.tables;
  job.out.campaign->Put(row, d.campaign < 0 ? -1 : t.campaign[d.campaign]);
  job.out.group->Put(row, d.group < 0 ? -1 : t.group[d.group]);
  job.out.variation->Put(row, d.variation < 0 ? -1 : t.variation[d.variation]);
  job.out.reason[row] = static_cast<int8_t>(d.reason);
  job.out.new_assignment[row] = d.new_assignment;
}

// Rows ahead whose sticky records' lookup is started (StickyTable::Prefetch).
constexpr size_t kStickyAhead = 24;

// Decides visitors [begin, end). Returns false if a decision failed (which
// only an empty visitor id can cause, and those were rejected up front).
bool Run(const Job& job, size_t begin, size_t end) {
  VisitorContext ctx;
  DecisionList list;
  Decision one;
  uint32_t next_sticky = 0;  // see StickyTable::Apply
  bool ok = true;
  for (size_t row = begin; row < end; ++row) {
    const std::string_view id = (*job.ids)[row];
    ctx.Reset(id);
    for (const Column& column : *job.columns) {
      column.Apply(row, &ctx.attributes());
    }
    job.forced->Apply(&ctx);
    if (row + kStickyAhead < end) {
      job.sticky->Prefetch((*job.ids)[row + kStickyAhead],
                           next_sticky + kStickyAhead);
    }
    job.sticky->Apply(id, &ctx, &next_sticky);
    const absl::Time now = job.at_ns == nullptr
                               ? job.now
                               : absl::FromUnixNanos(job.at_ns[row]);
    if (job.campaign_id.empty()) {
      ok &= job.config->DecideAll(ctx, now, &list, job.runtime).ok();
      const size_t k = list.size();
      for (size_t i = 0; i < k; ++i) Write(job, row * k + i, list[i]);
    } else {
      ok &= job.config->Decide(job.campaign_id, ctx, now, &one, job.runtime)
                .ok();
      Write(job, row, one);
    }
  }
  return ok;
}

// Adds `n` references to `o`: one write where the count is a plain integer
// (W2 repeats each id 50 times), else Py_INCREF n times (immortal objects
// from 3.12 on, the free-threaded build, reference-count debugging).
// REQUIRES: the GIL is held.
inline void AddReferences(PyObject* o, size_t n) {
#if PY_VERSION_HEX < 0x030C0000 && !defined(Py_GIL_DISABLED) && \
    !defined(Py_REF_DEBUG)
  Py_SET_REFCNT(o, Py_REFCNT(o) + static_cast<Py_ssize_t>(n));
#else
  for (size_t k = 0; k < n; ++k) Py_INCREF(o);
#endif
}

// The visitor_id column: the input str objects themselves, each repeated
// once per row of its visitor (no new string is created). With one row per
// visitor, the array that pins the ids is that column already. Built here
// rather than with numpy.repeat, which is not safe on object arrays when
// several Python threads call it at once (numpy 1.24). The rows are written
// by `workers` threads (W2's 5,000,000 are 40 MB of new pages), which touch
// no Python state: the references are added first, here.
py::array RepeatIds(const VisitorIds& ids, size_t per_visitor, size_t workers) {
  if (per_visitor == 1) return ids.column();
  const std::vector<py::ssize_t> shape = {
      static_cast<py::ssize_t>(ids.size() * per_visitor)};
  // numpy zero-fills new object arrays (NULL items): nothing to release.
  py::array out(py::dtype("O"), shape);
  auto** data = static_cast<PyObject**>(out.mutable_data());
  for (size_t i = 0; i < ids.size(); ++i) {
    AddReferences(ids.object(i), per_visitor);
  }
  RunInRanges(ids.size(), workers, [&](size_t, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      std::fill(data + i * per_visitor, data + (i + 1) * per_visitor,
                ids.object(i));
    }
    return true;
  });
  return out;
}

// The sticky_version of each group code.
py::array_t<int64_t> GroupVersions(const CompiledConfig& config,
                                   const CodeTables& tables) {
  py::array_t<int64_t> out(static_cast<py::ssize_t>(py::len(tables.group_ids)));
  int64_t* o = out.mutable_data();
  for (size_t g = 0; g < tables.group.size(); ++g) {
    if (tables.group[g] >= 0)
      o[tables.group[g]] = config.groups()[g].sticky_version;
  }
  return out;
}

StickyTable ReadSticky(const py::handle& sticky) {
  if (sticky.is_none()) return StickyTable();
  if (!PyTuple_Check(sticky.ptr()) || PyTuple_GET_SIZE(sticky.ptr()) != 4) {
    Throw(PyExc_TypeError,
          "internal: sticky is (visitor_ids, group_ids, variation_ids, "
          "versions)");
  }
  const py::tuple t = py::reinterpret_borrow<py::tuple>(sticky);
  return ReadStickyTable(t[0], t[1], t[2], t[3]);
}

}  // namespace

py::tuple Assign(const CompiledConfig& config, const RuntimeState* runtime,
                 const py::handle& visitor_ids, const py::handle& columns,
                 const py::handle& campaign, const py::handle& at,
                 int threads, const py::handle& force,
                 const py::handle& sticky) {
  std::string campaign_id;
  int32_t only_campaign = -1;
  if (!campaign.is_none()) {
    campaign_id = campaign.cast<std::string>();
    only_campaign = config.FindCampaign(campaign_id);
    if (only_campaign < 0 || campaign_id.empty()) {
      Throw(PyExc_KeyError, "unknown campaign id \"" + campaign_id + "\"");
    }
  }
  const VisitorIds ids = ReadVisitorIds(visitor_ids);
  const size_t workers = WorkerCount(ids.size(), threads);
  const std::vector<Column> cols = ReadColumns(columns, ids.size(), workers);
  // `at`: one instant for the batch (TimeArg), or an int64 array of Unix
  // nanoseconds, one per visitor.
  absl::Time now;
  py::array_t<int64_t, py::array::c_style> at_column;
  const int64_t* at_ns = nullptr;
  if (py::isinstance<py::array>(at)) {
    at_column = py::array_t<int64_t, py::array::c_style>::ensure(at);
    if (!at_column || at_column.ndim() != 1 ||
        static_cast<size_t>(at_column.size()) != ids.size()) {
      PyErr_Clear();
      Throw(PyExc_ValueError,
            "at: expected one instant per visitor (" +
                std::to_string(ids.size()) + ")");
    }
    at_ns = at_column.data();
  } else {
    now = TimeArg(at);
  }
  const CodeTables tables = MakeTables(config, only_campaign);
  const ForcedList forced = ReadForced(force);
  const StickyTable sticky_table = ReadSticky(sticky);

  const size_t per_visitor = only_campaign >= 0 ? 1 : config.campaigns().size();
  const auto rows = static_cast<py::ssize_t>(ids.size() * per_visitor);
  const CodeColumn campaign_codes(rows, py::len(tables.campaign_ids));
  const CodeColumn group_codes(rows, py::len(tables.group_ids));
  const CodeColumn variation_codes(rows, py::len(tables.variation_ids));
  py::array_t<int8_t> reason_codes(rows);
  py::array_t<bool> new_assignment(rows);
  Job job{&config,
          runtime,
          &ids,
          &cols,
          &tables,
          &forced,
          &sticky_table,
          campaign_id,
          now,
          at_ns,
          Outputs{&campaign_codes, &group_codes, &variation_codes,
                  reason_codes.mutable_data(), new_assignment.mutable_data()}};

  bool ok = true;
  {
    py::gil_scoped_release release;
    ok = RunInRanges(ids.size(), workers,
                     [&job](size_t, size_t begin, size_t end) {
                       return Run(job, begin, end);
                     });
  }
  if (!ok) Throw(PyExc_RuntimeError, "a decision failed");
  return py::make_tuple(
      campaign_codes.array(), group_codes.array(), variation_codes.array(),
      reason_codes, tables.campaign_ids, tables.group_ids, tables.variation_ids,
      RepeatIds(ids, per_visitor, workers), new_assignment,
      GroupVersions(config, tables));
}

}  // namespace allot::python
