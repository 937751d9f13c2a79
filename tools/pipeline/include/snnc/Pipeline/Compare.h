//===- Compare.h - float against golden, layer by layer ---------*- C++ -*-===//
//
// `snnc compare`: runs the float reference and the golden (integer) engine
// on the same inputs and says, per spiking layer, how often their spikes
// agree, so that a user sees where quantization makes a deep network's
// spikes leave the trained ones.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_PIPELINE_COMPARE_H
#define SNNC_PIPELINE_COMPARE_H

#include "snnc/Pipeline/Pipeline.h"

#include "llvm/Support/JSON.h"

namespace snnc::pipeline {

struct CompareOptions {
  /// A layer whose spike agreement is below this is reported as where
  /// the engines part.
  double threshold = 0.95;
  std::optional<int64_t> timesteps;
  /// Samples run together: bounds memory on long inputs.
  int64_t chunk = 16;
  /// Threads of the golden engine.
  int64_t threads = 1;
};

struct LayerComparison {
  std::string name;
  int64_t neurons = 0;
  /// Fraction of (sample, step, neuron) triples whose spike is the same.
  double agreement = 1.0;
  double floatRate = 0.0, goldenRate = 0.0;
  int64_t mismatches = 0;
};

struct Comparison {
  int64_t samples = 0, timesteps = 0;
  double threshold = 0.95;
  std::vector<LayerComparison> layers; // spiking layers, in network order
  /// The first layer below the threshold; none if all agree well enough.
  std::optional<std::string> firstBelow;
  /// The readout: the mean over T of the logits.
  double maxLogitError = 0.0, meanLogitError = 0.0, maxLogit = 0.0;
  int64_t argmaxAgreements = 0;
  /// The golden engine's activity over the inputs (as `snnc run --stats`).
  RunStats golden;
  /// Both engines' [N, K] scores (the report's accuracy).
  NDArray floatScores, goldenScores;
};

/// Compares the float and golden engines on `input` ([N, ...] direct or
/// [T, N, ...] events).  Refuses a compiled package (it has no float
/// semantics) and inputs that do not match the model.
llvm::Expected<Comparison> compareModel(llvm::StringRef modelPath,
                                        const NDArray &input,
                                        const CompileOptions &compile,
                                        const CompareOptions &options);

/// compareModel on a model already lowered for the float engine (`graph`)
/// and compiled (`network`, from the same module).
llvm::Expected<Comparison> compareNetworks(const FloatGraph &graph,
                                           const CoreNetwork &network,
                                           const NDArray &input,
                                           const CompareOptions &options);

llvm::json::Value comparisonToJson(const Comparison &comparison);
void printComparison(const Comparison &comparison, llvm::raw_ostream &os);

} // namespace snnc::pipeline

#endif // SNNC_PIPELINE_COMPARE_H
