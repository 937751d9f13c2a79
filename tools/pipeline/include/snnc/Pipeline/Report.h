//===- Report.h - the per-layer compile report ------------------*- C++ -*-===//
#ifndef SNNC_PIPELINE_REPORT_H
#define SNNC_PIPELINE_REPORT_H

#include "snnc/Runtime/CoreNetwork.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace snnc::pipeline {

/// One row per population that receives synapses.
struct LayerReport {
  std::string name, kind;
  int64_t neurons = 0, storedSynapses = 0, weightBits = 0;
  int64_t thresholdMin = 0, thresholdMax = 0; // 0, 0 for the readout
  int64_t maxSynapticOps = 0; // per inference, if every source fired every step
  int64_t maxCycles = 0;      // ceil(SOPs / lanes) + one update per neuron-step
};

struct CompileReport {
  std::string target;
  int64_t lanes = 1, timesteps = 0;
  std::vector<LayerReport> layers;
  std::vector<CorePlacement> placements;
};

/// Builds the report; activity-dependent figures are upper bounds at full
/// activity over `timesteps` steps.
CompileReport buildReport(const CoreNetwork &network, int64_t timesteps);
void printReport(const CompileReport &report, llvm::raw_ostream &os);
llvm::json::Value reportToJson(const CompileReport &report);

/// Synaptic operations one event of each source neuron causes, summed over
/// all source neurons (the fan-out of the whole source population).
int64_t fanOutSum(const CoreNetwork &network, const CoreProjection &p);

} // namespace snnc::pipeline

#endif // SNNC_PIPELINE_REPORT_H
