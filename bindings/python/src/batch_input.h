// Batch inputs of Config.assign, read out of Python objects while the GIL is
// held, so that the decisions can then run without it on several threads.
//
//   VisitorIds ids = ReadVisitorIds(py_ids);                  // GIL held
//   std::vector<Column> columns = ReadColumns(py_columns, ids.size());
//   ...release the GIL...
//   ctx.Reset(ids[row]);
//   for (const Column& c : columns) c.Apply(row, &ctx.attributes());
//   ...reacquire the GIL before destroying ids and columns...
//
// Strings are not copied: they are read in place from the Python str
// objects, which are pinned (one reference each) for the duration; the
// visitor ids by a new object array that can then be the output's
// visitor_id column. Numeric and boolean columns are read in place too.
// Object columns are stored as int32 codes into a table of their values
// (identical objects, and equal ASCII strings read by one worker, share one
// entry), so that a column of a few repeated values costs four bytes per
// row. Once read, everything here is
// immutable and may be read by any number of threads.
//
// What this costs per visitor matters (Config.assign's serial part, under
// the GIL, bounds its throughput on many cores): a million ids or object
// values are tens of megabytes of str objects, each read once, with the
// objects a few rows ahead already fetched.
#ifndef ALLOT_BINDINGS_PYTHON_BATCH_INPUT_H_
#define ALLOT_BINDINGS_PYTHON_BATCH_INPUT_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/visitor_context.h"  // allot::Attributes
#include "visitor_input.h"

namespace allot::python {

// The UTF-8 bytes of a str whose UTF-8 form exists: a compact ASCII str holds
// it inline; for any other str, PyUnicode_AsUTF8AndSize (called with the GIL)
// has cached it in the object. Reads immutable fields only, so it is safe
// without the GIL while the object is alive.
inline std::string_view Utf8Of(PyObject* s) {
  if (PyUnicode_IS_COMPACT_ASCII(s)) {
    return std::string_view(static_cast<const char*>(PyUnicode_DATA(s)),
                            static_cast<size_t>(PyUnicode_GET_LENGTH(s)));
  }
  const auto* c = reinterpret_cast<const PyCompactUnicodeObject*>(s);
  return std::string_view(c->utf8, static_cast<size_t>(c->utf8_length));
}

// Whether `s` is a non-empty str whose bytes are ASCII and inline (the usual
// id: Utf8Of reads it without any call). Anything else takes the checked,
// slower path of the reader.
inline bool IsInlineAsciiId(PyObject* s) {
  return PyUnicode_Check(s) && PyUnicode_IS_COMPACT_ASCII(s) &&
         PyUnicode_GET_LENGTH(s) > 0;
}

// Python objects kept alive, one reference each, until destruction: the
// strings stay valid even if the caller's list changes meanwhile.
// REQUIRES: the GIL is held when pinning and when destroying.
class PinnedObjects {
 public:
  PinnedObjects() = default;
  PinnedObjects(PinnedObjects&& other) noexcept
      : objects_(std::move(other.objects_)) {
    other.objects_.clear();
  }
  PinnedObjects& operator=(PinnedObjects&&) = delete;
  ~PinnedObjects() {
    for (PyObject* o : objects_) Py_DECREF(o);
  }

  void Reserve(size_t n) { objects_.reserve(n); }
  void Pin(PyObject* o) {
    Py_INCREF(o);
    objects_.push_back(o);
  }
  size_t size() const { return objects_.size(); }
  PyObject* operator[](size_t i) const { return objects_[i]; }

 private:
  std::vector<PyObject*> objects_;
};

// Validated, non-empty visitor ids, read in place. Each is pinned by a
// reference held in a new 1-D object array, which can then serve as the
// visitor_id column of the output: the ids are touched once to pin them,
// never again to unpin them (the column keeps the references).
class VisitorIds {
 public:
  size_t size() const { return size_; }
  std::string_view operator[](size_t i) const { return Utf8Of(items_[i]); }
  // The str object of visitor i.
  PyObject* object(size_t i) const { return items_[i]; }
  // The array holding every id, as the visitor_id column of a batch with
  // one row per visitor. REQUIRES: the GIL is held.
  pybind11::array column() const { return pinned_; }

 private:
  friend VisitorIds ReadVisitorIds(const pybind11::handle& ids);
  pybind11::array pinned_;  // dtype object, one new reference per id
  PyObject** items_ = nullptr;
  size_t size_ = 0;
};

// Visitor ids from a list or tuple of str, or a 1-D numpy array of dtype
// object. Raises TypeError for a non-str item and ValueError for an empty
// id, naming its position.
VisitorIds ReadVisitorIds(const pybind11::handle& ids);

// The values of an object column (equal strings share an entry within one
// worker's rows; see Column::ReadObjects), or a Categorical's categories.
class ValueTable {
 public:
  // Classifies `item` and appends it. Sets *index to its index, or to -1 for
  // a missing value. Returns false, with a Python error set, for a value of
  // an unsupported type.
  bool Add(PyObject* item, int32_t* index);
  // Appends a str whose UTF-8 form exists (see Utf8Of); returns its index.
  int32_t AddString(PyObject* s) {
    values_.push_back(PyValue{ValueKind::kString, Utf8Of(s), 0.0});
    pinned_.Pin(s);
    return static_cast<int32_t>(values_.size() - 1);
  }
  size_t size() const { return values_.size(); }

  // Inline, with SetValue: once per row and column on the worker threads.
  [[gnu::always_inline]] void Apply(std::string_view name, int32_t i,
                                    Attributes* attributes) const {
    SetValue(name, values_[static_cast<size_t>(i)], attributes);
  }

 private:
  // A string's view points into its str object, which pinned_ keeps alive.
  std::vector<PyValue> values_;
  PinnedObjects pinned_;
};

// One context attribute over all visitors.
class Column {
 public:
  enum class Kind : unsigned char {
    kNumber,  // numbers_; NaN is missing
    kBool,    // flags_: 0, 1, or -1 for missing
    kCodes,   // codes_ index values_; -1 is missing
  };

  // Reads one column as the package describes it: a tuple (kind, name, data,
  // categories) with kind "number" (float64 array), "bool" (int8 array),
  // "codes" (int32 array of a Categorical plus an object array of its
  // categories) or "object" (object array or list). `rows` is the number of
  // visitors.
  // `workers` threads share the reading of an object column (see
  // ReadObjects).
  static Column Read(const pybind11::handle& spec, size_t rows,
                     size_t workers = 1);

  const std::string& name() const { return name_; }

  // Sets this column's value of `row` on `attributes` (nothing if missing).
  [[gnu::always_inline]] void Apply(size_t row, Attributes* attributes) const {
    switch (kind_) {
      case Kind::kNumber: {
        const double d = numbers_[row];
        if (!std::isnan(d)) attributes->SetNumber(name_, d);
        return;
      }
      case Kind::kBool:
        if (flags_[row] >= 0) attributes->SetBool(name_, flags_[row] != 0);
        return;
      case Kind::kCodes:
        if (codes_[row] >= 0) values_.Apply(name_, codes_[row], attributes);
        return;
    }
  }

 private:
  // Reads an object array or list of `rows` values into codes_ / values_;
  // `where` names the column in errors.
  void ReadObjects(const pybind11::handle& data, size_t rows,
                   const std::string& where, size_t workers);
  // Reads a Categorical: its codes and categories.
  void ReadCategorical(const pybind11::handle& codes,
                       const pybind11::handle& categories, size_t rows,
                       const std::string& where);

  std::string name_;
  Kind kind_ = Kind::kCodes;
  // kNumber and kBool read the array in place (`holder_` keeps it alive),
  // as numpy's own functions do once they release the GIL: numbers hold no
  // references, so nothing here can dangle.
  // REQUIRES: the GIL is held when a Column is destroyed.
  pybind11::object holder_;
  const double* numbers_ = nullptr;
  const int8_t* flags_ = nullptr;
  std::vector<int32_t> codes_;
  ValueTable values_;
};

// Reads every column of `specs` (a list of Column::Read tuples), `workers`
// threads sharing each object column's rows (WorkerCount).
std::vector<Column> ReadColumns(const pybind11::handle& specs, size_t rows,
                                size_t workers = 1);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_BATCH_INPUT_H_
