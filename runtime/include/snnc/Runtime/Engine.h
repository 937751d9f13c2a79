//===- Engine.h - the host API every engine implements ----------*- C++ -*-===//
#ifndef SNNC_RUNTIME_ENGINE_H
#define SNNC_RUNTIME_ENGINE_H

#include "snnc/Runtime/FloatGraph.h"
#include "snnc/Runtime/NDArray.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <memory>

namespace snnc {

/// Runs a network over T steps.  Input: [N, ...] for direct encoding or
/// [T, N, ...] for events.  Output: [N, K], the readout's mean over T.
class Engine {
public:
  virtual ~Engine();
  virtual llvm::Expected<NDArray> run(const NDArray &input,
                                      int64_t timesteps) = 0;
  /// What the engine did so far, as JSON (null when it keeps no record).
  virtual llvm::json::Value statsJson() const;
};

/// Checks `input` against the graph and resolves T: the explicit
/// `requested` value (> 0), the events' leading dim, or the model default.
llvm::Expected<int64_t> resolveTimesteps(const FloatGraph &graph,
                                         const NDArray &input,
                                         std::optional<int64_t> requested);

} // namespace snnc

#endif // SNNC_RUNTIME_ENGINE_H
