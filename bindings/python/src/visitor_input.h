// Reading visitor attributes from Python values: the one place that decides
// what a Python value means to targeting.
//
//   str                         -> string
//   bool, numpy.bool_           -> bool
//   int, float, numpy numbers   -> number (a double)
//   None, NaN, pandas.NA, NaT   -> missing (the attribute is not set)
//
// Anything else is a TypeError. REQUIRES: the GIL is held for every function
// here.
#ifndef ALLOT_BINDINGS_PYTHON_VISITOR_INPUT_H_
#define ALLOT_BINDINGS_PYTHON_VISITOR_INPUT_H_

#include <pybind11/pybind11.h>

#include <string>
#include <string_view>

#include "core/visitor_context.h"

namespace allot::python {

enum class ValueKind : unsigned char { kMissing, kString, kNumber, kBool };

struct PyValue {
  ValueKind kind = ValueKind::kMissing;
  std::string_view string;  // kString: points into the Python object
  double number = 0;        // kNumber; kBool: 0 or 1
};

// Whether `value` is a boolean: a Python bool or a numpy bool scalar (found
// by its type object, numpy.bool_, not by a printed type name, which numpy
// 2 changed). REQUIRES: the GIL.
bool IsBoolScalar(PyObject* value);

// Classifies `value`. Returns false (with a Python error set) for a value of
// an unsupported type or a str that is not valid UTF-8 (lone surrogates).
bool ReadValue(PyObject* value, PyValue* out);

// Raises TypeError "<where>: unsupported value of type X; expected ...".
// Call after ReadValue failed with a TypeError-worthy value.
[[noreturn]] void ThrowBadValue(std::string_view where, PyObject* value);

// Returns a non-empty visitor id, or raises (TypeError / ValueError naming
// `where`).
std::string_view ReadVisitorId(PyObject* id, std::string_view where);

// Fills `ctx` with `visitor_id` and the items of `context` (a dict, a
// Mapping, or None).
void FillContext(const pybind11::handle& visitor_id,
                 const pybind11::handle& context, VisitorContext* ctx);

// Sets a classified value on `attributes` (a missing one is skipped).
[[gnu::always_inline]] inline void SetValue(std::string_view name,
                                            const PyValue& v,
                                            Attributes* attributes) {
  switch (v.kind) {
    case ValueKind::kMissing:
      return;
    case ValueKind::kString:
      attributes->SetString(name, v.string);
      return;
    case ValueKind::kNumber:
      attributes->SetNumber(name, v.number);
      return;
    case ValueKind::kBool:
      attributes->SetBool(name, v.number != 0);
      return;
  }
}

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_VISITOR_INPUT_H_
