// Batch inputs of Config.assign, copied out of Python objects into plain C++
// buffers while the GIL is held, so that the decisions can then run without
// it on several threads.
//
//   StringBuffer ids = ReadVisitorIds(py_ids);          // GIL held
//   std::vector<Column> columns = ReadColumns(py_columns, ids.size());
//   ...release the GIL...
//   ctx.Reset(ids[row]);
//   for (const Column& c : columns) c.Apply(row, &ctx.attributes());
//
// The buffers are immutable once read: any number of threads may read them.
#ifndef ALLOT_BINDINGS_PYTHON_BATCH_INPUT_H_
#define ALLOT_BINDINGS_PYTHON_BATCH_INPUT_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <pybind11/pybind11.h>

#include "targeting/attributes.h"
#include "visitor_input.h"

namespace allot::python {

// Many strings in one character buffer.
class StringBuffer {
 public:
  void Reserve(size_t n) { ends_.reserve(n); }
  void Append(std::string_view s) {
    chars_.append(s.data(), s.size());
    ends_.push_back(chars_.size());
  }
  size_t size() const { return ends_.size(); }
  std::string_view operator[](size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(chars_.data() + begin, ends_[i] - begin);
  }

 private:
  std::string chars_;
  std::vector<size_t> ends_;
};

// Visitor ids from a list or tuple of str, or a 1-D C-contiguous numpy array
// of dtype object or str ('U'). Raises TypeError for a non-str item and
// ValueError for an empty id, naming its position.
StringBuffer ReadVisitorIds(const pybind11::handle& ids);

// One context attribute over all visitors.
class Column {
 public:
  enum class Kind : unsigned char {
    kNumber,  // numbers_; NaN is missing
    kBool,    // flags_: 0, 1, or -1 for missing
    kCodes,   // codes_ index the values of categories_; -1 is missing
    kObject,  // per row: kinds_, numbers_, strings_
  };

  // Reads one column as the package describes it: a tuple (kind, name, data,
  // categories) with kind "number" (float64 array), "bool" (int8 array),
  // "codes" (int32 array plus an object array of categories) or "object"
  // (object array or list). `rows` is the number of visitors.
  static Column Read(const pybind11::handle& spec, size_t rows);

  const std::string& name() const { return name_; }

  // Sets this column's value of `row` on `attributes` (nothing if missing).
  void Apply(size_t row, Attributes* attributes) const {
    ApplyAs(name_, row, attributes);
  }

 private:
  void ApplyAs(std::string_view name, size_t row,
               Attributes* attributes) const {
    switch (kind_) {
      case Kind::kNumber: {
        const double d = numbers_[row];
        if (!std::isnan(d)) attributes->SetNumber(name, d);
        return;
      }
      case Kind::kBool:
        if (flags_[row] >= 0) attributes->SetBool(name, flags_[row] != 0);
        return;
      case Kind::kCodes:
        if (codes_[row] >= 0) {
          categories_->ApplyAs(name, static_cast<size_t>(codes_[row]),
                               attributes);
        }
        return;
      case Kind::kObject:
        switch (kinds_[row]) {
          case ValueKind::kMissing:
            return;
          case ValueKind::kString:
            attributes->SetString(name, strings_[row]);
            return;
          case ValueKind::kNumber:
            attributes->SetNumber(name, numbers_[row]);
            return;
          case ValueKind::kBool:
            attributes->SetBool(name, numbers_[row] != 0);
            return;
        }
    }
  }

  // Reads an object array or list of `rows` values; `where` names the
  // column in errors.
  void ReadObjects(const pybind11::handle& data, size_t rows,
                   const std::string& where);

  std::string name_;
  Kind kind_ = Kind::kObject;
  std::vector<double> numbers_;
  std::vector<int8_t> flags_;
  std::vector<int32_t> codes_;
  std::vector<ValueKind> kinds_;
  StringBuffer strings_;
  std::shared_ptr<const Column> categories_;
};

// Reads every column of `specs` (a list of Column::Read tuples).
std::vector<Column> ReadColumns(const pybind11::handle& specs, size_t rows);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_BATCH_INPUT_H_
