#include "batch_input.h"

#include <cstring>
#include <string>

#include <pybind11/numpy.h>

#include "status.h"

namespace allot::python {
namespace {

namespace py = pybind11;

// The items of a list, a tuple or a 1-D object array, without copying.
struct ObjectItems {
  PyObject* const* items = nullptr;
  size_t size = 0;
};

// A 1-D C-contiguous numpy array of fixed-width str ('U', UCS-4).
struct Ucs4Items {
  const char* data = nullptr;
  size_t itemsize = 0;  // bytes per item
  size_t size = 0;
};

// Fills one of the two views of `data`; raises TypeError otherwise.
// `holder` keeps a converted sequence alive.
void View(const py::handle& data, const std::string& what, py::object* holder,
          ObjectItems* objects, Ucs4Items* ucs4, bool* is_ucs4) {
  *is_ucs4 = false;
  if (py::isinstance<py::array>(data)) {
    py::array a = py::reinterpret_borrow<py::array>(data);
    if (a.ndim() != 1) {
      Throw(PyExc_ValueError, what + ": expected a 1-D array, got " +
                                  std::to_string(a.ndim()) + " dimensions");
    }
    if (!(a.flags() & py::array::c_style)) {
      a = py::array::ensure(a, py::array::c_style);
      *holder = a;
    }
    const char kind = a.dtype().kind();
    if (kind == 'O') {
      objects->items = static_cast<PyObject* const*>(a.data());
      objects->size = static_cast<size_t>(a.shape(0));
      return;
    }
    if (kind == 'U') {
      *is_ucs4 = true;
      ucs4->data = static_cast<const char*>(a.data());
      ucs4->itemsize = static_cast<size_t>(a.itemsize());
      ucs4->size = static_cast<size_t>(a.shape(0));
      return;
    }
    Throw(PyExc_TypeError,
          what + ": expected str values, got a numpy array of dtype " +
              std::string(py::str(a.dtype())));
  }
  if (PyList_Check(data.ptr()) || PyTuple_Check(data.ptr())) {
    objects->items = PySequence_Fast_ITEMS(data.ptr());
    objects->size = static_cast<size_t>(PySequence_Fast_GET_SIZE(data.ptr()));
    return;
  }
  Throw(PyExc_TypeError, what + ": expected a list or a numpy array, got " +
                             Py_TYPE(data.ptr())->tp_name);
}

// Appends the UTF-8 form of one fixed-width UCS-4 item (trailing NULs are
// padding, as numpy reads them). Returns false for an invalid code point.
bool AppendUcs4(const char* item, size_t itemsize, std::string* out) {
  size_t n = itemsize / 4;
  uint32_t cp = 0;
  while (n > 0) {
    std::memcpy(&cp, item + 4 * (n - 1), 4);
    if (cp != 0) break;
    --n;
  }
  for (size_t i = 0; i < n; ++i) {
    std::memcpy(&cp, item + 4 * i, 4);
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      if (cp >= 0xD800 && cp <= 0xDFFF) return false;
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp <= 0x10FFFF) {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      return false;
    }
  }
  return true;
}

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

StringBuffer ReadVisitorIds(const py::handle& ids) {
  py::object holder;
  ObjectItems objects;
  Ucs4Items ucs4;
  bool is_ucs4 = false;
  View(ids, "visitor_ids", &holder, &objects, &ucs4, &is_ucs4);
  StringBuffer out;
  if (is_ucs4) {
    out.Reserve(ucs4.size);
    std::string utf8;
    for (size_t i = 0; i < ucs4.size; ++i) {
      utf8.clear();
      if (!AppendUcs4(ucs4.data + i * ucs4.itemsize, ucs4.itemsize, &utf8)) {
        Throw(PyExc_ValueError, "visitor_ids[" + std::to_string(i) +
                                    "]: not a valid Unicode string");
      }
      if (utf8.empty()) {
        Throw(PyExc_ValueError,
              "visitor_ids[" + std::to_string(i) +
                  "]: empty visitor id; visitor ids must be non-empty");
      }
      out.Append(utf8);
    }
    return out;
  }
  out.Reserve(objects.size);
  for (size_t i = 0; i < objects.size; ++i) {
    PyObject* item = objects.items[i];
    if (PyUnicode_Check(item) && PyUnicode_IS_COMPACT_ASCII(item)) {
      // Fast path: the characters are stored right in the object.
      const Py_ssize_t size = PyUnicode_GET_LENGTH(item);
      if (size > 0) {
        out.Append(std::string_view(
            static_cast<const char*>(PyUnicode_DATA(item)),
            static_cast<size_t>(size)));
        continue;
      }
    }
    out.Append(ReadVisitorId(item, "visitor_ids[" + std::to_string(i) + "]"));
  }
  return out;
}

void Column::ReadObjects(const py::handle& data, size_t rows,
                         const std::string& where) {
  py::object holder;
  ObjectItems objects;
  Ucs4Items ucs4;
  bool is_ucs4 = false;
  View(data, where, &holder, &objects, &ucs4, &is_ucs4);
  kind_ = Kind::kObject;
  const size_t n = is_ucs4 ? ucs4.size : objects.size;
  CheckRows(n, rows, where);
  kinds_.assign(n, ValueKind::kMissing);
  numbers_.assign(n, 0.0);
  strings_.Reserve(n);
  if (is_ucs4) {
    std::string utf8;
    for (size_t i = 0; i < n; ++i) {
      utf8.clear();
      if (!AppendUcs4(ucs4.data + i * ucs4.itemsize, ucs4.itemsize, &utf8)) {
        Throw(PyExc_ValueError,
              where + ", row " + std::to_string(i) + ": not a valid Unicode string");
      }
      kinds_[i] = ValueKind::kString;
      strings_.Append(utf8);
    }
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    PyObject* item = objects.items[i];
    PyValue v;
    if (!ReadValue(item, &v)) {
      ThrowBadValue(where + ", row " + std::to_string(i), item);
    }
    kinds_[i] = v.kind;
    numbers_[i] = v.number;
    strings_.Append(v.kind == ValueKind::kString ? v.string : std::string_view());
  }
}

Column Column::Read(const py::handle& spec, size_t rows) {
  if (!PyTuple_Check(spec.ptr()) || PyTuple_GET_SIZE(spec.ptr()) != 4) {
    Throw(PyExc_TypeError, "internal: a column is (kind, name, data, categories)");
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
    c.numbers_.assign(a.data(), a.data() + a.shape(0));
  } else if (kind == "bool") {
    auto a = Typed<int8_t>(t[2], where);
    CheckRows(static_cast<size_t>(a.shape(0)), rows, where);
    c.kind_ = Kind::kBool;
    c.flags_.assign(a.data(), a.data() + a.shape(0));
  } else if (kind == "codes") {
    auto a = Typed<int32_t>(t[2], where);
    CheckRows(static_cast<size_t>(a.shape(0)), rows, where);
    auto categories = std::make_shared<Column>();
    const py::handle values = t[3];
    const size_t m = static_cast<size_t>(py::len(values));
    categories->ReadObjects(values, m, where + " (categories)");
    c.kind_ = Kind::kCodes;
    c.codes_.assign(a.data(), a.data() + a.shape(0));
    for (size_t i = 0; i < c.codes_.size(); ++i) {
      if (c.codes_[i] < -1 || c.codes_[i] >= static_cast<int64_t>(m)) {
        Throw(PyExc_ValueError, where + ", row " + std::to_string(i) +
                                    ": category code out of range");
      }
    }
    c.categories_ = std::move(categories);
  } else if (kind == "object") {
    c.ReadObjects(t[2], rows, where);
  } else {
    Throw(PyExc_ValueError, "internal: unknown column kind \"" + kind + "\"");
  }
  return c;
}

std::vector<Column> ReadColumns(const py::handle& specs, size_t rows) {
  std::vector<Column> columns;
  if (specs.is_none()) return columns;
  for (const py::handle spec : specs) columns.push_back(Column::Read(spec, rows));
  return columns;
}

}  // namespace allot::python
