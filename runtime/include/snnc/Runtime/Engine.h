//===- Engine.h - the host API every engine implements ----------*- C++ -*-===//
#ifndef SNNC_RUNTIME_ENGINE_H
#define SNNC_RUNTIME_ENGINE_H

#include "snnc/Runtime/FloatGraph.h"
#include "snnc/Runtime/NDArray.h"

#include "llvm/Support/Error.h"

#include <memory>

namespace snnc {

/// Runs a network over T steps.  Input: [N, ...] for direct encoding or
/// [T, N, ...] for events.  Output: [N, K], the readout's mean over T.
class Engine {
public:
  virtual ~Engine();
  virtual llvm::Expected<NDArray> run(const NDArray &input,
                                      int64_t timesteps) = 0;
};

/// Checks `input` against the graph and resolves T: the explicit
/// `requested` value (> 0), the events' leading dim, or the model default.
llvm::Expected<int64_t> resolveTimesteps(const FloatGraph &graph,
                                         const NDArray &input,
                                         std::optional<int64_t> requested);

/// The LibTorch float reference engine.
std::unique_ptr<Engine> createFloatEngine(const FloatGraph &graph);

/// Sets LibTorch's intra-op thread count (benchmarks pin it to 1).
void setFloatEngineThreads(int threads);

} // namespace snnc

#endif // SNNC_RUNTIME_ENGINE_H
