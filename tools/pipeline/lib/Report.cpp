//===- Report.cpp - the per-layer compile report --------------------------===//
#include "snnc/Pipeline/Report.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace snnc;
using namespace snnc::pipeline;

int64_t pipeline::fanOutSum(const CoreNetwork &net, const CoreProjection &p) {
  const CorePopulation &src = net.populations[p.source];
  const CorePopulation &dst = net.populations[p.target];
  int64_t pool = p.inputPool.empty() ? 1 : p.inputPool[0] * p.inputPool[1];
  switch (p.kind) {
  case ProjectionKind::OneToOne:
    return src.size();
  case ProjectionKind::Dense:
    return p.weightShape[1] * pool * p.weightShape[0];
  case ProjectionKind::Conv: {
    // Every (output position, tap) pair that reads an input inside the
    // (pooled) plane is reached once per source neuron of that position.
    int64_t h = (src.shape.size() > 1 ? src.shape[1] : 1) /
                (p.inputPool.empty() ? 1 : p.inputPool[0]);
    int64_t w = (src.shape.size() > 2 ? src.shape[2] : 1) /
                (p.inputPool.empty() ? 1 : p.inputPool[1]);
    int64_t oh = dst.shape[1], ow = dst.shape[2], taps = 0;
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ky = 0; ky < p.weightShape[2]; ++ky) {
        int64_t y = oy * p.strides[0] - p.pads[0] + ky * p.dilations[0];
        if (y < 0 || y >= h)
          continue;
        for (int64_t ox = 0; ox < ow; ++ox)
          for (int64_t kx = 0; kx < p.weightShape[3]; ++kx) {
            int64_t x = ox * p.strides[1] - p.pads[1] + kx * p.dilations[1];
            taps += x >= 0 && x < w;
          }
      }
    return taps * p.weightShape[1] * p.weightShape[0] * pool;
  }
  }
  return 0;
}

CompileReport pipeline::buildReport(const CoreNetwork &net, int64_t timesteps) {
  CompileReport report;
  report.target = net.target.empty() ? "none" : net.target;
  report.lanes = net.lanes;
  report.timesteps = timesteps;
  report.placements = net.placements;
  for (size_t i = 1; i < net.populations.size(); ++i) {
    const CorePopulation &pop = net.populations[i];
    LayerReport layer;
    layer.name = pop.name;
    layer.kind = pop.kind == PopulationKind::Readout ? "readout" : "lif";
    layer.neurons = pop.size();
    if (!pop.threshold.empty()) {
      layer.thresholdMin =
          *std::min_element(pop.threshold.begin(), pop.threshold.end());
      layer.thresholdMax =
          *std::max_element(pop.threshold.begin(), pop.threshold.end());
    }
    for (const CoreProjection &p : net.projections) {
      if (p.target != int(i))
        continue;
      layer.storedSynapses += int64_t(p.weights.size());
      layer.weightBits = std::max(layer.weightBits, p.weightBits);
      layer.maxSynapticOps += fanOutSum(net, p) * timesteps;
    }
    layer.maxCycles = (layer.maxSynapticOps + net.lanes - 1) / net.lanes +
                      layer.neurons * timesteps;
    report.layers.push_back(layer);
  }
  return report;
}

void pipeline::printReport(const CompileReport &report, llvm::raw_ostream &os) {
  os << llvm::formatv("target {0}, {1} lanes, T = {2}; SOPs and cycles are "
                      "upper bounds (every neuron firing every step)\n",
                      report.target, report.lanes, report.timesteps);
  os << llvm::formatv(
      "{0,-28} {1,-8} {2,9} {3,10} {4,5} {5,15} {6,13} {7,13}\n", "layer",
      "kind", "neurons", "synapses", "bits", "threshold", "max SOPs",
      "max cycles");
  int64_t sops = 0, cycles = 0;
  for (const LayerReport &l : report.layers) {
    std::string threshold =
        l.kind == "readout"
            ? "-"
            : llvm::formatv("{0}..{1}", l.thresholdMin, l.thresholdMax).str();
    os << llvm::formatv(
        "{0,-28} {1,-8} {2,9} {3,10} {4,5} {5,15} {6,13} {7,13}\n",
        l.name.substr(0, 28), l.kind, l.neurons, l.storedSynapses, l.weightBits,
        threshold, l.maxSynapticOps, l.maxCycles);
    sops += l.maxSynapticOps;
    cycles += l.maxCycles;
  }
  os << llvm::formatv(
      "{0,-28} {1,-8} {2,9} {3,10} {4,5} {5,15} {6,13} {7,13}\n", "total", "",
      "", "", "", "", sops, cycles);
}

llvm::json::Value pipeline::reportToJson(const CompileReport &report) {
  llvm::json::Array layers, placements;
  for (const LayerReport &l : report.layers)
    layers.push_back(
        llvm::json::Object{{"name", l.name},
                           {"kind", l.kind},
                           {"neurons", l.neurons},
                           {"stored_synapses", l.storedSynapses},
                           {"weight_bits", l.weightBits},
                           {"threshold_min", l.thresholdMin},
                           {"threshold_max", l.thresholdMax},
                           {"max_synaptic_ops_per_inference", l.maxSynapticOps},
                           {"max_cycles_per_inference", l.maxCycles}});
  for (const CorePlacement &p : report.placements)
    placements.push_back(llvm::json::Object{{"object", p.object},
                                            {"memory", p.memory},
                                            {"offset_bits", p.offsetBits},
                                            {"size_bits", p.sizeBits}});
  return llvm::json::Object{{"target", report.target},
                            {"lanes", report.lanes},
                            {"timesteps", report.timesteps},
                            {"layers", std::move(layers)},
                            {"placements", std::move(placements)}};
}
