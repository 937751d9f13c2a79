//===- Engine.h - the host API every engine implements ----------*- C++ -*-===//
#ifndef SNNC_RUNTIME_ENGINE_H
#define SNNC_RUNTIME_ENGINE_H

#include "snnc/Runtime/FloatGraph.h"
#include "snnc/Runtime/NDArray.h"
#include "snnc/Runtime/Trace.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <memory>

namespace snnc {

struct RunStats;
struct CoreRunStats;
struct LinkStats;

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

  // What an engine can do beyond run(), asked of the engine itself: each
  // default is "this engine cannot".

  /// Starts or stops keeping every spike (which neuron, when; samples
  /// numbered across run() calls).  False: the engine cannot see single
  /// spikes (a board only counts them).
  virtual bool recordSpikes(bool on);
  /// The spikes kept so far.
  virtual const std::vector<SpikeRecord> &spikes() const;
  /// Hands over the spikes kept so far and keeps recording afresh (a long
  /// comparison holds one chunk of samples at a time).
  virtual std::vector<SpikeRecord> takeSpikes();
  /// Runs the samples of one run() on `count` threads, where the engine
  /// can; outputs and stats are the same for any count.
  virtual void setThreads(int64_t count);
  /// Per-layer activity (the golden engine); null where none is kept.
  virtual const RunStats *activity() const;
  /// Cycles of a core (rtl, board); null elsewhere.
  virtual const CoreRunStats *coreStats() const;
  /// The serial link's counters (a board); null elsewhere.
  virtual const LinkStats *linkStats() const;
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
