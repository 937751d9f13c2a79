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
  /// Bytes that run(input, timesteps) allocates at its peak, beyond what
  /// the engine already holds (saturating: a hostile request is "too much",
  /// never a wrapped small number).  Default: the output.
  virtual uint64_t memoryEstimate(const NDArray &input,
                                  int64_t timesteps) const;
};

/// Samples in `input`: dim 0, or dim 1 of [T, N, ...] event frames.
int64_t sampleCount(const NDArray &input, InputEncoding encoding);

/// Fails when running `engine` over `input` would take more memory than
/// the limit (snnc/Runtime/Limits.h); `inputName` names the input file.
llvm::Error checkRunMemory(const Engine &engine, const NDArray &input,
                           int64_t timesteps, llvm::StringRef inputName);

/// Checks `input` against the graph and resolves T: the explicit
/// `requested` value (> 0), the events' leading dim, or the model default.
llvm::Expected<int64_t> resolveTimesteps(const FloatGraph &graph,
                                         const NDArray &input,
                                         std::optional<int64_t> requested,
                                         llvm::StringRef inputName = "input");

} // namespace snnc

#endif // SNNC_RUNTIME_ENGINE_H
