// allot._allot.Config, allot._allot.load, and the single-visitor decision
// helpers that Config and Engine share.
#ifndef ALLOT_BINDINGS_PYTHON_CONFIG_BINDINGS_H_
#define ALLOT_BINDINGS_PYTHON_CONFIG_BINDINGS_H_

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <string_view>

#include "core/compiled_config.h"
#include "core/decision.h"
#include "core/runtime_state.h"
#include "core/visitor_context.h"

namespace allot::python {

// Reusable scratch of single-visitor calls: the context keeps its caches
// (memoised predicates, its own regex copies) from call to call. Calls hold
// the GIL, but reading a context value may run Python code that lets another
// thread in: a second caller then works with fresh scratch of its own.
struct Scratch {
  std::mutex mu;
  VisitorContext ctx;
  DecisionList list;
};

// A compiled config as Python holds it (immutable, shareable).
struct PyConfig {
  std::shared_ptr<const CompiledConfig> config;
  LoadOptions options;
  Scratch scratch;
};

// Parses a bucketing name ("auto", "xxh3", "flagship"); ValueError otherwise.
LoadOptions LoadOptionsFor(std::string_view bucketing);

// Decides every campaign for one visitor: a list of tuples (campaign_id,
// variation_group_id or None, variation_id or None, reason).
pybind11::list DecideTuples(const CompiledConfig& config,
                            const RuntimeState* runtime,
                            const pybind11::handle& visitor_id,
                            const pybind11::handle& context,
                            const pybind11::handle& at, Scratch* scratch);

// The merged flags of one visitor: a list of (key, minified JSON value).
pybind11::list FlagTuples(const CompiledConfig& config,
                          const RuntimeState* runtime,
                          const pybind11::handle& visitor_id,
                          const pybind11::handle& context,
                          const pybind11::handle& at, Scratch* scratch);

void BindConfig(pybind11::module_& m);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_CONFIG_BINDINGS_H_
