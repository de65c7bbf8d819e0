#include "exposure_sink.h"

// datetime.h defines a static PyDateTimeAPI per translation unit: this file
// imports it once (MakeExposureSink) and is the only one that uses it.
#include <datetime.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "core/decision.h"

namespace allot::python {
namespace {

namespace py = pybind11;

thread_local SinkErrorScope* current_scope = nullptr;
thread_local const void* active_owner = nullptr;

bool IsFinalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing() != 0;
#else
  return _Py_IsFinalizing() != 0;
#endif
}

// Interned dict keys and reason names, made once and never freed (they may
// be needed while the interpreter shuts down).
struct Names {
  PyObject* visitor_id;
  PyObject* campaign_id;
  PyObject* variation_group_id;
  PyObject* variation_id;
  PyObject* reason;
  PyObject* at;
  PyObject* reasons[kNumDecisionReasons];
};

const Names& GetNames() {
  static const Names* names = [] {
    auto* n = new Names;
    n->visitor_id = PyUnicode_InternFromString("visitor_id");
    n->campaign_id = PyUnicode_InternFromString("campaign_id");
    n->variation_group_id = PyUnicode_InternFromString("variation_group_id");
    n->variation_id = PyUnicode_InternFromString("variation_id");
    n->reason = PyUnicode_InternFromString("reason");
    n->at = PyUnicode_InternFromString("at");
    for (int r = 0; r < kNumDecisionReasons; ++r) {
      const std::string_view name =
          DecisionReasonName(static_cast<DecisionReason>(r));
      n->reasons[r] = PyUnicode_FromStringAndSize(
          name.data(), static_cast<Py_ssize_t>(name.size()));
    }
    return n;
  }();
  return *names;
}

py::object IdOrNone(std::string_view id) {
  if (id.empty()) return py::none();
  return py::str(id.data(), id.size());
}

// An aware datetime in UTC (microseconds; what datetime holds), or None for
// an instant datetime cannot represent.
py::object Datetime(absl::Time at) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond s = absl::ToCivilSecond(at, utc);
  const int64_t micros =
      absl::ToInt64Microseconds(at - absl::FromCivil(s, utc));
  if (s.year() < 1 || s.year() > 9999) return py::none();
  PyObject* dt = PyDateTimeAPI->DateTime_FromDateAndTime(
      static_cast<int>(s.year()), s.month(), s.day(), s.hour(), s.minute(),
      s.second(), static_cast<int>(micros), PyDateTime_TimeZone_UTC,
      PyDateTimeAPI->DateTimeType);
  if (dt == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(dt);
}

void SetItem(const py::dict& d, PyObject* key, const py::handle& value) {
  if (PyDict_SetItem(d.ptr(), key, value.ptr()) != 0) {
    throw py::error_already_set();
  }
}

py::list ToDicts(std::span<const Exposure> batch) {
  const Names& names = GetNames();
  py::list out(batch.size());
  // The exposures of one decision share their instant: one datetime each.
  absl::Time last_at = absl::InfinitePast();
  py::object at;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Exposure& e = batch[i];
    if (!at || e.at != last_at) {
      at = Datetime(e.at);
      last_at = e.at;
    }
    py::dict d;
    SetItem(d, names.visitor_id,
            py::str(e.visitor_id.data(), e.visitor_id.size()));
    SetItem(d, names.campaign_id,
            py::str(e.campaign_id.data(), e.campaign_id.size()));
    SetItem(d, names.variation_group_id, IdOrNone(e.variation_group_id));
    SetItem(d, names.variation_id, IdOrNone(e.variation_id));
    SetItem(d, names.reason, names.reasons[static_cast<int>(e.reason)]);
    SetItem(d, names.at, at);
    PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), d.release().ptr());
  }
  return out;
}

class PySink {
 public:
  PySink(py::object target, bool is_list, const void* owner)
      : target_(std::move(target)), is_list_(is_list), owner_(owner) {}

  // Runs where the logger that owns it is destroyed (Engine destruction, GIL
  // held), but takes the GIL in case.
  ~PySink() {
    if (!Py_IsInitialized()) {
      target_.release();  // no interpreter left to hand it back to
      return;
    }
    const PyGILState_STATE gil = PyGILState_Ensure();
    target_ = py::object();
    PyGILState_Release(gil);
  }

  void operator()(std::span<const Exposure> batch) const {
    if (!Py_IsInitialized()) return;
    // A thread without the GIL must not wait for it at shutdown: it would
    // wait forever.
    if (IsFinalizing() && !PyGILState_Check()) return;
    // PyGILState_* rather than py::gil_scoped_acquire: it works as well on a
    // thread that already holds the GIL (a flush at Engine destruction) and
    // while the interpreter shuts down.
    const PyGILState_STATE gil = PyGILState_Ensure();
    const void* outer_owner = active_owner;
    active_owner = owner_;
    try {
      py::list items = ToDicts(batch);
      if (is_list_) {
        if (PyList_SetSlice(target_.ptr(), PY_SSIZE_T_MAX, PY_SSIZE_T_MAX,
                            items.ptr()) != 0) {
          throw py::error_already_set();
        }
      } else {
        target_(std::move(items));
      }
    } catch (py::error_already_set& e) {
      SinkErrorScope::Keep(e);
    } catch (const std::exception& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
      py::error_already_set converted;
      SinkErrorScope::Keep(converted);
    }
    active_owner = outer_owner;
    PyGILState_Release(gil);
  }

 private:
  py::object target_;
  const bool is_list_;
  const void* const owner_;
};

}  // namespace

ExposureSink MakeExposureSink(const py::handle& target, const void* owner) {
  const bool is_list = PyList_Check(target.ptr());
  if (!is_list && !PyCallable_Check(target.ptr())) {
    PyErr_Format(PyExc_TypeError,
                 "sink: expected a list or a callable taking a list of "
                 "exposure dicts, got %s",
                 Py_TYPE(target.ptr())->tp_name);
    throw py::error_already_set();
  }
  if (PyDateTimeAPI == nullptr) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == nullptr) throw py::error_already_set();
  }
  GetNames();
  auto sink = std::make_shared<PySink>(
      py::reinterpret_borrow<py::object>(target), is_list, owner);
  return [sink](std::span<const Exposure> batch) { (*sink)(batch); };
}

bool InSinkOf(const void* owner) {
  return owner != nullptr && active_owner == owner;
}

SinkErrorScope::SinkErrorScope() : previous_(current_scope) {
  current_scope = this;
}

SinkErrorScope::~SinkErrorScope() { current_scope = previous_; }

void SinkErrorScope::RaiseIfFailed() {
  if (!error_) return;
  py::error_already_set error = std::move(*error_);
  error_.reset();
  throw error;
}

void SinkErrorScope::Keep(py::error_already_set& e) {
  if (current_scope != nullptr && !current_scope->error_) {
    current_scope->error_ = e;
    return;
  }
  e.discard_as_unraisable("allot exposure sink");
}

}  // namespace allot::python
