#include "batch_input.h"

#include <pybind11/numpy.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "absl/hash/hash.h"
#include "parallel.h"
#include "status.h"

namespace allot::python {
namespace {

namespace py = pybind11;

// The items of a list, a tuple or a 1-D object array, without copying.
// `holder` keeps a converted array alive.
struct ObjectItems {
  PyObject* const* items = nullptr;
  size_t size = 0;
  py::object holder;
};

ObjectItems Items(const py::handle& data, const std::string& what) {
  ObjectItems out;
  if (py::isinstance<py::array>(data)) {
    py::array a = py::reinterpret_borrow<py::array>(data);
    if (a.ndim() != 1) {
      Throw(PyExc_ValueError, what + ": expected a 1-D array, got " +
                                  std::to_string(a.ndim()) + " dimensions");
    }
    if (a.dtype().kind() != 'O') {
      Throw(PyExc_TypeError,
            what + ": expected str values, got a numpy array of dtype " +
                std::string(py::str(a.dtype())));
    }
    if (!(a.flags() & py::array::c_style)) {
      a = py::array::ensure(a, py::array::c_style);
    }
    out.items = static_cast<PyObject* const*>(a.data());
    out.size = static_cast<size_t>(a.shape(0));
    out.holder = std::move(a);
    return out;
  }
  if (PyList_Check(data.ptr()) || PyTuple_Check(data.ptr())) {
    out.items = PySequence_Fast_ITEMS(data.ptr());
    out.size = static_cast<size_t>(PySequence_Fast_GET_SIZE(data.ptr()));
    return out;
  }
  Throw(PyExc_TypeError, what + ": expected a list or a numpy array, got " +
                             Py_TYPE(data.ptr())->tp_name);
}

// Items read ahead of the one being read: a column of a million str objects
// is tens of megabytes of object headers, each read once.
constexpr size_t kAhead = 32;

void CheckRows(size_t got, size_t rows, const std::string& what) {
  if (got != rows) {
    Throw(PyExc_ValueError, what + " has " + std::to_string(got) +
                                " values, expected " + std::to_string(rows) +
                                " (one per visitor)");
  }
}

template <typename T>
py::array_t<T, py::array::c_style> Typed(const py::handle& data,
                                         const std::string& what) {
  auto a = py::array_t<T, py::array::c_style>::ensure(data);
  if (!a || a.ndim() != 1) {
    PyErr_Clear();
    Throw(PyExc_TypeError, what + ": expected a 1-D numeric array");
  }
  return a;
}

}  // namespace

VisitorIds ReadVisitorIds(const py::handle& ids) {
  const ObjectItems objects = Items(ids, "visitor_ids");
  VisitorIds out;
  // numpy fills a new object array with null items (nothing to release
  // until set); an error below leaves the rest null.
  out.pinned_ = py::array(
      py::dtype("O"),
      std::vector<py::ssize_t>{static_cast<py::ssize_t>(objects.size)});
  out.items_ = static_cast<PyObject**>(out.pinned_.mutable_data());
  out.size_ = objects.size;
  PyObject** pins = out.items_;
  for (size_t i = 0; i < objects.size; ++i) {
    PyObject* item = objects.items[i];
    if (i + kAhead < objects.size)
      __builtin_prefetch(objects.items[i + kAhead], 1);
    // Common case first: a non-empty ASCII str.
    if (IsInlineAsciiId(item)) {
      Py_INCREF(item);
      pins[i] = item;
      continue;
    }
    // An integer id (Python or numpy, not bool) is its decimal string, as
    // the str the id would be written as.
    if (!IsBoolScalar(item) && PyIndex_Check(item) && !PyUnicode_Check(item)) {
      py::object number = py::reinterpret_steal<py::object>(PyNumber_Index(item));
      if (!number) throw py::error_already_set();
      PyObject* text = PyObject_Str(number.ptr());
      if (text == nullptr) throw py::error_already_set();
      pins[i] = text;  // the new reference is the pin
      continue;
    }
    // Validates, and caches the UTF-8 form in the object for Utf8Of.
    ReadVisitorId(item, "visitor_ids[" + std::to_string(i) + "]");
    Py_INCREF(item);
    pins[i] = item;
  }
  return out;
}

bool ValueTable::Add(PyObject* item, int32_t* index) {
  PyValue v;
  if (!ReadValue(item, &v)) return false;  // caches the UTF-8 of a str
  if (v.kind == ValueKind::kMissing) {
    *index = -1;
    return true;
  }
  *index = static_cast<int32_t>(values_.size());
  values_.push_back(v);
  if (v.kind == ValueKind::kString) pinned_.Pin(item);
  return true;
}

namespace {

// What one worker finds in its rows of an object column while touching no
// Python state (no reference count, no API call): the compact ASCII str
// values, distinct by content through a direct-mapped cache keyed by the
// string's hash, as codes into `strings` (the worker's own numbering); and
// the runs of rows holding anything else (numbers, None, other str), left
// to the thread that holds the GIL.
struct ObjectRangeRead {
  std::vector<PyObject*> strings;  // not pinned: the column's items pin them
  struct Run {
    size_t begin, end;  // rows [begin, end) hold one object
  };
  std::vector<Run> others;  // in row order; their codes are -1 until read
};

void ReadAsciiRange(PyObject* const* items, size_t begin, size_t end,
                    int32_t* codes, ObjectRangeRead* out) {
  constexpr size_t kSlots = 4096;
  std::vector<int32_t> by_hash(kSlots, -1);
  const absl::Hash<absl::string_view> hasher;
  auto same = [&](int32_t code, std::string_view s) {
    return Utf8Of(out->strings[static_cast<size_t>(code)]) == s;
  };
  PyObject* last = nullptr;
  int32_t last_code = -1;  // of the last ASCII str
  bool last_other = false;
  for (size_t i = begin; i < end; ++i) {
    PyObject* item = items[i];
    if (i + kAhead < end) __builtin_prefetch(items[i + kAhead]);
    if (item == last) {
      if (last_other) {
        out->others.back().end = i + 1;
        codes[i] = -1;
      } else {
        codes[i] = last_code;
      }
      continue;
    }
    last = item;
    if (PyUnicode_CheckExact(item) && PyUnicode_IS_COMPACT_ASCII(item)) {
      const std::string_view s = Utf8Of(item);
      // An equal string to the previous one (a run of one value as many
      // objects) needs no hash.
      if (last_code < 0 || !same(last_code, s)) {
        int32_t& slot = by_hash[hasher(absl::string_view(s.data(), s.size())) &
                                (kSlots - 1)];
        if (slot < 0 || !same(slot, s)) {
          slot = static_cast<int32_t>(out->strings.size());
          out->strings.push_back(item);
        }
        last_code = slot;
      }
      last_other = false;
      codes[i] = last_code;
    } else {
      out->others.push_back({i, i + 1});
      last_other = true;
      codes[i] = -1;
    }
  }
}

}  // namespace

void Column::ReadObjects(const py::handle& data, size_t rows,
                         const std::string& where, size_t workers) {
  const ObjectItems objects = Items(data, where);
  CheckRows(objects.size, rows, where);
  kind_ = Kind::kCodes;
  codes_.resize(objects.size);
  // Object columns usually hold few distinct values ("FR", "pro", ...), as
  // the same object over and over or as equal strings, and reading a
  // million str objects is tens of megabytes of memory: the workers share
  // the rows. This thread keeps the GIL meanwhile, so no Python code runs
  // and no item of `data` can be replaced (and freed) while they read it.
  std::vector<ObjectRangeRead> reads(workers);
  RunInRanges(objects.size, workers,
              [&](size_t worker, size_t begin, size_t end) {
                ReadAsciiRange(objects.items, begin, end, codes_.data(),
                               &reads[worker]);
                return true;
              });
  // The workers' strings become entries of values_ (pinned there), theirs
  // in worker order: a worker's codes move up by the entries before its
  // own. (A string found by two workers gets two equal entries, which
  // decide alike: cheaper than merging them, with a hash per string, when
  // a column holds a distinct value per row.)
  std::vector<int32_t> offset(workers);
  for (size_t w = 0; w < workers; ++w) {
    offset[w] = static_cast<int32_t>(values_.size());
    for (PyObject* s : reads[w].strings) values_.AddString(s);
  }
  if (std::any_of(offset.begin(), offset.end(),
                  [](int32_t o) { return o != 0; })) {
    RunInRanges(objects.size, workers,
                [&](size_t worker, size_t begin, size_t end) {
                  const int32_t by = offset[worker];
                  if (by == 0) return true;
                  for (size_t i = begin; i < end; ++i) {
                    if (codes_[i] >= 0) codes_[i] += by;
                  }
                  return true;
                });
  }
  // The other values, in row order, with the GIL: an error names the first
  // bad row.
  for (const ObjectRangeRead& read : reads) {
    for (const ObjectRangeRead::Run& run : read.others) {
      PyObject* item = objects.items[run.begin];
      int32_t code;
      if (!values_.Add(item, &code)) {
        ThrowBadValue(where + ", row " + std::to_string(run.begin), item);
      }
      std::fill(codes_.begin() + static_cast<ptrdiff_t>(run.begin),
                codes_.begin() + static_cast<ptrdiff_t>(run.end), code);
    }
  }
}

void Column::ReadCategorical(const py::handle& codes,
                             const py::handle& categories, size_t rows,
                             const std::string& where) {
  auto a = Typed<int32_t>(codes, where);
  CheckRows(static_cast<size_t>(a.shape(0)), rows, where);
  const ObjectItems cats = Items(categories, where + " (categories)");
  std::vector<int32_t> remap(cats.size);
  for (size_t j = 0; j < cats.size; ++j) {
    if (!values_.Add(cats.items[j], &remap[j])) {
      ThrowBadValue(where + ", category " + std::to_string(j), cats.items[j]);
    }
  }
  kind_ = Kind::kCodes;
  codes_.resize(rows);
  const int32_t* in = a.data();
  for (size_t i = 0; i < rows; ++i) {
    const int32_t c = in[i];
    if (c < -1 || c >= static_cast<int64_t>(cats.size)) {
      Throw(PyExc_ValueError, where + ", row " + std::to_string(i) +
                                  ": category code out of range");
    }
    codes_[i] = c < 0 ? -1 : remap[static_cast<size_t>(c)];
  }
}

Column Column::Read(const py::handle& spec, size_t rows, size_t workers) {
  if (!PyTuple_Check(spec.ptr()) || PyTuple_GET_SIZE(spec.ptr()) != 4) {
    Throw(PyExc_TypeError,
          "internal: a column is (kind, name, data, categories)");
  }
  const py::tuple t = py::reinterpret_borrow<py::tuple>(spec);
  Column c;
  const std::string kind = t[0].cast<std::string>();
  c.name_ = t[1].cast<std::string>();
  const std::string where = "context column \"" + c.name_ + "\"";
  if (kind == "number") {
    auto a = Typed<double>(t[2], where);
    CheckRows(static_cast<size_t>(a.shape(0)), rows, where);
    c.kind_ = Kind::kNumber;
    c.numbers_ = a.data();
    c.holder_ = std::move(a);
  } else if (kind == "bool") {
    auto a = Typed<int8_t>(t[2], where);
    CheckRows(static_cast<size_t>(a.shape(0)), rows, where);
    c.kind_ = Kind::kBool;
    c.flags_ = a.data();
    c.holder_ = std::move(a);
  } else if (kind == "codes") {
    c.ReadCategorical(t[2], t[3], rows, where);
  } else if (kind == "object") {
    c.ReadObjects(t[2], rows, where, workers);
  } else {
    Throw(PyExc_ValueError, "internal: unknown column kind \"" + kind + "\"");
  }
  return c;
}

std::vector<Column> ReadColumns(const py::handle& specs, size_t rows,
                                size_t workers) {
  std::vector<Column> columns;
  if (specs.is_none()) return columns;
  for (const py::handle spec : specs)
    columns.push_back(Column::Read(spec, rows, workers));
  return columns;
}

}  // namespace allot::python
