//===- Report.h - the per-layer compile report ------------------*- C++ -*-===//
#ifndef SNNC_PIPELINE_REPORT_H
#define SNNC_PIPELINE_REPORT_H

#include "snnc/Backends/CoreMemories.h"
#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/GoldenEngine.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace snnc::pipeline {

/// One row per population that receives synapses.
struct LayerReport {
  std::string name, kind;
  int64_t neurons = 0, storedSynapses = 0, weightBits = 0;
  int64_t thresholdMin = 0, thresholdMax = 0; // 0, 0 for the readout
  /// The source model's float threshold (LIF), where the package keeps it.
  std::optional<double> vThreshold;
  std::string decay;       // "x64>>8", or ">>2" for an exact shift
  int64_t synapticOps = 0; // per inference: measured, or the upper bound
  int64_t cycles = 0;      // ceil(SOPs / lanes) + lane words swept per step
};

struct CompileReport {
  std::string target;
  int64_t lanes = 1, timesteps = 0;
  int64_t calibrationSamples = 0; // 0: SOPs and cycles are upper bounds
  std::vector<LayerReport> layers;
  /// The memories of the core the network gets (its real layout).
  std::vector<CoreMemory> memories;
};

/// Builds the report.  With `measured` (a golden run over calibration
/// inputs) SOPs and cycles are its averages per inference; without, upper
/// bounds at full activity over `timesteps` steps.
CompileReport buildReport(const CoreNetwork &network, int64_t timesteps,
                          const RunStats *measured = nullptr);
void printReport(const CompileReport &report, llvm::raw_ostream &os);

/// The core's memories for the simulator target, one line each: sized to
/// the network, with no budget to hold them against.
void printSimMemories(const CoreParams &params, llvm::raw_ostream &os);
llvm::json::Value reportToJson(const CompileReport &report);

/// Synaptic operations one event of each source neuron causes, summed over
/// all source neurons (the fan-out of the whole source population).
int64_t fanOutSum(const CoreNetwork &network, const CoreProjection &p);

} // namespace snnc::pipeline

#endif // SNNC_PIPELINE_REPORT_H
