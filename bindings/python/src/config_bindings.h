// allot._allot.Config, allot._allot.load, and the single-visitor decision
// helpers that Config and Engine share.
#ifndef ALLOT_BINDINGS_PYTHON_CONFIG_BINDINGS_H_
#define ALLOT_BINDINGS_PYTHON_CONFIG_BINDINGS_H_

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/compiled_config.h"
#include "core/decision.h"
#include "core/engine.h"
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
  // The JSON it was compiled from and the bucketing name given to load(),
  // for pickling (a Config travels as its source and loads again); null
  // when unknown.
  std::shared_ptr<const std::string> source;
  std::string bucketing = "auto";
};

// Compiles `text` with `options` into a Config that remembers its source,
// options and bucketing name (for pickling); ConfigError when it does not
// load.
std::shared_ptr<PyConfig> LoadPyConfig(std::string text, LoadOptions options,
                                       std::string bucketing);

// Parses a bucketing name ("auto", "xxh3", "flagship"); ValueError otherwise.
LoadOptions LoadOptionsFor(std::string_view bucketing);

// What decides a single visitor: a config (with `runtime`, or none), or an
// Engine, whose DecideAll applies its current config and run-time state and
// logs exposures when it has a logger.
struct Decider {
  const CompiledConfig* config = nullptr;  // when engine is null
  const RuntimeState* runtime = nullptr;
  const Engine* engine = nullptr;
};

// Decides every campaign for one visitor: a list of tuples (campaign_id,
// variation_group_id or None, variation_id or None, reason, new_assignment).
// `force` and `sticky`: dicts or None (see assignment_input.h). With an
// Engine that logs exposures, the decision runs with the GIL released (the
// sink takes it: exposure_sink.h) and what the sink raises is raised here.
pybind11::list DecideTuples(const Decider& decider,
                            const pybind11::handle& visitor_id,
                            const pybind11::handle& context,
                            const pybind11::handle& at,
                            const pybind11::handle& force,
                            const pybind11::handle& sticky, Scratch* scratch);

// The merged flags of one visitor: a list of (key, minified JSON value).
pybind11::list FlagTuples(const Decider& decider,
                          const pybind11::handle& visitor_id,
                          const pybind11::handle& context,
                          const pybind11::handle& at,
                          const pybind11::handle& force,
                          const pybind11::handle& sticky, Scratch* scratch);

void BindConfig(pybind11::module_& m);

}  // namespace allot::python

#endif  // ALLOT_BINDINGS_PYTHON_CONFIG_BINDINGS_H_
