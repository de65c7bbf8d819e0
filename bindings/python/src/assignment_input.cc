#include "assignment_input.h"

#include <pybind11/numpy.h>

#include <limits>
#include <string>

#include "status.h"
#include "visitor_input.h"

namespace allot::python {
namespace {

namespace py = pybind11;

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A non-empty str id; `where` names it and `noun` says what it is
// ("campaign id") in errors.
std::string_view ReadId(PyObject* item, const std::string& where,
                        const char* noun) {
  if (!PyUnicode_Check(item)) {
    Throw(PyExc_TypeError, where + ": expected a str " + noun + ", got " +
                               Py_TYPE(item)->tp_name);
  }
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(item, &size);
  if (data == nullptr) {
    py::error_already_set original;
    Throw(PyExc_ValueError,
          where + ": " + std::string(py::str(original.value())));
  }
  if (size == 0) {
    Throw(PyExc_ValueError,
          where + ": empty " + std::string(noun) + "; ids must be non-empty");
  }
  return std::string_view(data, static_cast<size_t>(size));
}

std::string KeyRepr(PyObject* key) {
  return std::string(py::repr(py::handle(key)));
}

// A version: an int or a numpy integer, not a bool.
int64_t ReadVersion(PyObject* item, const std::string& where) {
  if (IsBoolScalar(item) || !PyIndex_Check(item)) {
    Throw(PyExc_TypeError,
          where + ": expected an int version, got " + Py_TYPE(item)->tp_name);
  }
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(item));
  if (!index) throw py::error_already_set();
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (overflow != 0) {
    Throw(PyExc_ValueError, where + ": version " + std::string(py::str(index)) +
                                " does not fit in 64 bits");
  }
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  return static_cast<int64_t>(v);
}

PyObject* CheckedDict(const py::handle& value, const char* name,
                      const char* shape) {
  if (!PyDict_Check(value.ptr())) {
    Throw(PyExc_TypeError, std::string(name) + ": expected a dict " + shape +
                               ", got " + Py_TYPE(value.ptr())->tp_name);
  }
  return value.ptr();
}

constexpr const char* kForceShape = "{campaign_id: variation_id}";
constexpr const char* kStickyShape =
    "{group_id: variation_id | (variation_id, version) | "
    "{\"variation_id\": ..., \"version\": N}}";

// Calls use(campaign_id, variation_id) for each item of a force dict.
template <typename Use>
void ForEachOverride(const py::handle& force, Use use) {
  if (force.is_none()) return;
  PyObject* dict = CheckedDict(force, "force", kForceShape);
  PyObject* key = nullptr;
  PyObject* value = nullptr;
  Py_ssize_t pos = 0;
  while (PyDict_Next(dict, &pos, &key, &value)) {
    const std::string_view campaign =
        ReadId(key, "force: key " + KeyRepr(key), "campaign id");
    const std::string where = "force[" + Quoted(campaign) + "]";
    use(campaign, ReadId(value, where, "variation id"));
  }
}

// One sticky record: a variation id, a (variation_id, version) pair or a
// {"variation_id": ..., "version": N} dict.
struct StickyValue {
  std::string_view variation;
  int64_t version = 0;
};

StickyValue ReadStickyValue(PyObject* value, const std::string& where) {
  StickyValue out;
  if (PyUnicode_Check(value)) {
    out.variation = ReadId(value, where, "variation id");
    return out;
  }
  if (PyTuple_Check(value) || PyList_Check(value)) {
    if (PySequence_Fast_GET_SIZE(value) != 2) {
      Throw(PyExc_ValueError,
            where + ": expected a (variation_id, version) pair, got " +
                std::to_string(PySequence_Fast_GET_SIZE(value)) + " items");
    }
    PyObject* const* items = PySequence_Fast_ITEMS(value);
    out.variation = ReadId(items[0], where + "[0]", "variation id");
    out.version = ReadVersion(items[1], where + "[1]");
    return out;
  }
  if (PyDict_Check(value)) {
    PyObject* key = nullptr;
    PyObject* item = nullptr;
    Py_ssize_t pos = 0;
    bool has_variation = false;
    while (PyDict_Next(value, &pos, &key, &item)) {
      const char* utf8 = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : nullptr;
      if (utf8 == nullptr) PyErr_Clear();
      const std::string_view name = utf8 != nullptr ? utf8 : "";
      if (name == "variation_id") {
        out.variation =
            ReadId(item, where + "[\"variation_id\"]", "variation id");
        has_variation = true;
      } else if (name == "version") {
        out.version = ReadVersion(item, where + "[\"version\"]");
      } else {
        Throw(PyExc_ValueError,
              where + ": unknown key " + std::string(py::repr(key)) +
                  "; expected \"variation_id\" and optionally \"version\"");
      }
    }
    if (!has_variation) {
      Throw(PyExc_ValueError, where + ": missing \"variation_id\"");
    }
    return out;
  }
  Throw(PyExc_TypeError,
        where +
            ": expected a variation id (str), a (variation_id, version) "
            "tuple or a {\"variation_id\": ..., \"version\": N} dict, got " +
            Py_TYPE(value)->tp_name);
}

// The items of a 1-D object array of exactly `rows` items (`rows` < 0: any).
PyObject* const* ObjectColumn(const py::handle& data, py::ssize_t rows,
                              const char* name, py::object* holder) {
  if (!py::isinstance<py::array>(data)) {
    Throw(PyExc_TypeError, std::string("internal: sticky column ") + name +
                               " is not a numpy array");
  }
  py::array a = py::array::ensure(data, py::array::c_style);
  if (a.ndim() != 1 || a.dtype().kind() != 'O' ||
      (rows >= 0 && a.shape(0) != rows)) {
    Throw(PyExc_TypeError, std::string("internal: sticky column ") + name +
                               " is not a 1-D object array of the frame's "
                               "length");
  }
  PyObject* const* items = static_cast<PyObject* const*>(a.data());
  *holder = std::move(a);
  return items;
}

}  // namespace

void FillAssignments(const py::handle& force, const py::handle& sticky,
                     VisitorContext* ctx) {
  ForEachOverride(force,
                  [ctx](std::string_view campaign, std::string_view variation) {
                    ctx->Force(campaign, variation);
                  });
  if (sticky.is_none()) return;
  PyObject* dict = CheckedDict(sticky, "sticky", kStickyShape);
  PyObject* key = nullptr;
  PyObject* value = nullptr;
  Py_ssize_t pos = 0;
  while (PyDict_Next(dict, &pos, &key, &value)) {
    const std::string_view group =
        ReadId(key, "sticky: key " + KeyRepr(key), "variation group id");
    const StickyValue v =
        ReadStickyValue(value, "sticky[" + Quoted(group) + "]");
    ctx->SetSticky(group, v.variation, v.version);
  }
}

ForcedList ReadForced(const py::handle& force) {
  ForcedList out;
  ForEachOverride(force, [&out](std::string_view campaign,
                                std::string_view variation) {
    out.overrides_.emplace_back(std::string(campaign), std::string(variation));
  });
  return out;
}

StickyTable ReadStickyTable(const py::handle& visitor_ids,
                            const py::handle& group_ids,
                            const py::handle& variation_ids,
                            const py::handle& versions) {
  StickyTable table;
  if (visitor_ids.is_none()) return table;
  py::object hold_ids, hold_groups, hold_variations;
  PyObject* const* ids = ObjectColumn(visitor_ids, -1, "visitor_id", &hold_ids);
  const py::ssize_t rows = py::len(visitor_ids);
  PyObject* const* groups =
      ObjectColumn(group_ids, rows, "variation_group_id", &hold_groups);
  PyObject* const* variations =
      ObjectColumn(variation_ids, rows, "variation_id", &hold_variations);
  const auto version_array =
      py::array_t<int64_t, py::array::c_style>::ensure(versions);
  if (!version_array || version_array.ndim() != 1 ||
      version_array.shape(0) != rows) {
    PyErr_Clear();
    Throw(PyExc_TypeError,
          "internal: sticky column version is not a 1-D int64 array of the "
          "frame's length");
  }
  if (rows > std::numeric_limits<uint32_t>::max()) {
    Throw(PyExc_ValueError, "sticky: more than 2^32 - 1 records");
  }
  const int64_t* version = version_array.data();

  // Pass 1: validate, pin, and number the visitors (slot_of_row) and count
  // their records. Error messages are built only for a bad row: a frame of
  // a million records is read here, with the GIL, before any decision.
  const size_t n = static_cast<size_t>(rows);
  std::vector<uint32_t> slot_of_row(n);
  std::vector<uint32_t> count;  // by slot
  table.index_.reserve(n);
  PyObject* last_group = nullptr;
  PyObject* last_variation = nullptr;
  for (size_t i = 0; i < n; ++i) {
    auto read = [i](PyObject* item, const char* column, const char* noun) {
      if (IsInlineAsciiId(item)) return Utf8Of(item);
      return ReadId(item,
                    std::string("sticky column ") + column + ", row " +
                        std::to_string(i),
                    noun);
    };
    const std::string_view id = read(ids[i], "visitor_id", "visitor id");
    read(groups[i], "variation_group_id", "variation group id");
    read(variations[i], "variation_id", "variation id");
    table.pinned_.Pin(ids[i]);
    // Group and variation ids repeat, usually as the same objects (a
    // Categorical's): each pinned once per run of one object.
    if (groups[i] != last_group) table.pinned_.Pin(last_group = groups[i]);
    if (variations[i] != last_variation) {
      table.pinned_.Pin(last_variation = variations[i]);
    }
    const auto [it, inserted] =
        table.index_.try_emplace(id, static_cast<uint32_t>(count.size()));
    if (inserted) {
      count.push_back(0);
      table.visitor_of_slot_.push_back(id);
    }
    slot_of_row[i] = it->second;
    ++count[it->second];
  }
  // Pass 2: lay the records out grouped by visitor, in row order.
  table.ranges_.resize(count.size());
  std::vector<uint32_t> next(count.size());
  uint32_t offset = 0;
  for (size_t slot = 0; slot < count.size(); ++slot) {
    next[slot] = offset;
    table.ranges_[slot] = {offset, offset + count[slot]};
    offset += count[slot];
  }
  table.records_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    table.records_[next[slot_of_row[i]]++] = StickyTable::Record{
        Utf8Of(groups[i]), Utf8Of(variations[i]), version[i]};
  }
  return table;
}

}  // namespace allot::python
