#include "visitor_input.h"

#include <cmath>
#include <cstring>
#include <string>

#include "status.h"

namespace allot::python {
namespace {

namespace py = pybind11;

bool TypeNameIs(PyObject* value, const char* name) {
  return std::strcmp(Py_TYPE(value)->tp_name, name) == 0;
}

// numpy's bool scalar type, or null without numpy.
PyTypeObject* NumpyBoolType() {
  static PyTypeObject* const type = []() -> PyTypeObject* {
    try {
      py::object t = py::module_::import("numpy").attr("bool_");
      if (!PyType_Check(t.ptr())) return nullptr;
      return reinterpret_cast<PyTypeObject*>(t.release().ptr());
    } catch (const py::error_already_set&) {
      return nullptr;
    }
  }();
  return type;
}

}  // namespace

bool IsBoolScalar(PyObject* value) {
  if (PyBool_Check(value)) return true;
  PyTypeObject* numpy_bool = NumpyBoolType();
  return numpy_bool != nullptr && PyObject_TypeCheck(value, numpy_bool);
}

bool ReadValue(PyObject* value, PyValue* out) {
  if (PyUnicode_Check(value)) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(value, &size);
    if (data == nullptr) return false;
    out->kind = ValueKind::kString;
    out->string = std::string_view(data, static_cast<size_t>(size));
    return true;
  }
  if (value == Py_None) {
    out->kind = ValueKind::kMissing;
    return true;
  }
  // bool before int: bool is an int subclass.
  if (IsBoolScalar(value)) {
    const int truth = PyObject_IsTrue(value);
    if (truth < 0) return false;
    out->kind = ValueKind::kBool;
    out->number = truth;
    return true;
  }
  if (PyFloat_Check(value)) {
    const double d = PyFloat_AS_DOUBLE(value);
    out->kind = std::isnan(d) ? ValueKind::kMissing : ValueKind::kNumber;
    out->number = d;
    return true;
  }
  if (PyLong_Check(value)) {
    const double d = PyLong_AsDouble(value);
    if (d == -1.0 && PyErr_Occurred()) return false;
    out->kind = ValueKind::kNumber;
    out->number = d;
    return true;
  }
  // pandas.NA, pandas.NaT: missing, like None and NaN.
  if (TypeNameIs(value, "NAType") || TypeNameIs(value, "NaTType")) {
    out->kind = ValueKind::kMissing;
    return true;
  }
  // Other numbers (numpy integers and floats, Decimal, ...).
  if (PyIndex_Check(value) ||
      (Py_TYPE(value)->tp_as_number != nullptr &&
       Py_TYPE(value)->tp_as_number->nb_float != nullptr)) {
    const double d = PyFloat_AsDouble(value);
    if (d == -1.0 && PyErr_Occurred()) return false;
    out->kind = std::isnan(d) ? ValueKind::kMissing : ValueKind::kNumber;
    out->number = d;
    return true;
  }
  PyErr_SetString(PyExc_TypeError, "unsupported value");
  return false;
}

void ThrowBadValue(std::string_view where, PyObject* value) {
  // Keep the original error when it says more (bad UTF-8, overflow).
  if (PyErr_Occurred() && !PyErr_ExceptionMatches(PyExc_TypeError)) {
    py::error_already_set original;
    Throw(PyExc_ValueError,
          std::string(where) + ": " + std::string(py::str(original.value())));
  }
  PyErr_Clear();
  Throw(PyExc_TypeError,
        std::string(where) + ": unsupported value of type " +
            Py_TYPE(value)->tp_name +
            "; expected str, float, int, bool, or None/NaN for missing");
}

std::string_view ReadVisitorId(PyObject* id, std::string_view where) {
  if (!PyUnicode_Check(id)) {
    Throw(PyExc_TypeError, std::string(where) +
                               ": expected a str (or int) visitor id, got " +
                               Py_TYPE(id)->tp_name);
  }
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(id, &size);
  if (data == nullptr) {
    py::error_already_set original;
    Throw(PyExc_ValueError,
          std::string(where) + ": " + std::string(py::str(original.value())));
  }
  if (size == 0) {
    Throw(PyExc_ValueError,
          std::string(where) +
              ": empty visitor id; visitor ids must be non-empty");
  }
  return std::string_view(data, static_cast<size_t>(size));
}

void FillContext(const py::handle& visitor_id, const py::handle& context,
                 VisitorContext* ctx) {
  ctx->Reset(ReadVisitorId(visitor_id.ptr(), "visitor_id"));
  if (context.is_none()) return;
  if (!PyDict_Check(context.ptr())) {
    Throw(PyExc_TypeError, std::string("context: expected a dict, got ") +
                               Py_TYPE(context.ptr())->tp_name);
  }
  PyObject* key = nullptr;
  PyObject* value = nullptr;
  Py_ssize_t pos = 0;
  while (PyDict_Next(context.ptr(), &pos, &key, &value)) {
    if (!PyUnicode_Check(key)) {
      Throw(PyExc_TypeError,
            std::string("context: attribute names must be str, got ") +
                Py_TYPE(key)->tp_name);
    }
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(key, &size);
    if (data == nullptr) throw py::error_already_set();
    const std::string_view name(data, static_cast<size_t>(size));
    PyValue v;
    if (!ReadValue(value, &v)) {
      ThrowBadValue("context[\"" + std::string(name) + "\"]", value);
    }
    SetValue(name, v, &ctx->attributes());
  }
}

}  // namespace allot::python
