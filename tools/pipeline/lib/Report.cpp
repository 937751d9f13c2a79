//===- Report.cpp - the per-layer compile report --------------------------===//
#include "snnc/Pipeline/Report.h"
#include "snnc/Backends/CoreMemories.h"
#include "snnc/Targets/Targets.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace snnc;
using namespace snnc::pipeline;

/// A layer name as a cell of the text table, `width` characters wide:
/// control characters as \xNN (a package may come from anywhere, and a raw
/// one would move the terminal's cursor), bytes that are not UTF-8 as
/// U+FFFD, cut between characters, never inside one.
static std::string tableCell(llvm::StringRef name, size_t width) {
  std::string out;
  size_t shown = 0; // characters on the terminal
  const auto *bytes = reinterpret_cast<const llvm::UTF8 *>(name.data());
  for (size_t i = 0; i < name.size();) {
    unsigned char c = bytes[i];
    size_t length = 1, cost = 1;
    std::string piece(1, char(c));
    if (c < 0x20 || c == 0x7f) {
      piece = llvm::formatv("\\x{0:x-2}", unsigned(c)).str();
      cost = piece.size();
    } else if (c >= 0x80) {
      length = llvm::getNumBytesForUTF8(c);
      if (i + length <= name.size() &&
          llvm::isLegalUTF8Sequence(bytes + i, bytes + i + length)) {
        piece = name.substr(i, length).str();
      } else {
        piece = "\xEF\xBF\xBD";
        length = 1;
      }
    }
    if (shown + cost > width)
      break;
    out += piece;
    shown += cost;
    i += length;
  }
  return out + std::string(width - shown, ' ');
}

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

/// The decay as arithmetic: an exact shift when it is a power of two (the
/// RTL still multiplies; docs/numerics.md).
static std::string decayText(const CorePopulation &p) {
  if (p.kind != PopulationKind::LIF || p.decay.empty())
    return "-";
  auto [lo, hi] = std::minmax_element(p.decay.begin(), p.decay.end());
  if (*lo != *hi) // per channel
    return llvm::formatv("x{0}..{1}>>{2}", *lo, *hi, p.decayBits).str();
  int64_t decay = *lo;
  if (decay == 0)
    return "0";
  for (int64_t k = 0; k <= p.decayBits; ++k)
    if (decay == int64_t(1) << (p.decayBits - k))
      return k ? ">>" + std::to_string(k) : "1";
  return llvm::formatv("x{0}>>{1}", decay, p.decayBits).str();
}

CompileReport pipeline::buildReport(const CoreNetwork &net, int64_t timesteps,
                                    const RunStats *measured) {
  CompileReport report;
  if (measured)
    report.calibrationSamples = measured->samples;
  report.target = net.target.empty() ? "none" : net.target;
  report.lanes = net.lanes;
  report.timesteps = timesteps;
  // The target's core, a narrow sweep included (one neuron a cycle, where
  // coreParamsFor gives it one).
  int64_t sweepLanes = net.lanes;
  if (auto params = coreParamsFor(
          net, std::max<int64_t>(1, std::min<int64_t>(8, net.lanes)),
          targets::narrowSweep(net.target))) {
    report.memories = coreMemories(*params);
    sweepLanes = params->sweepLanes();
  } else {
    llvm::consumeError(params.takeError());
  }
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
    layer.vThreshold = pop.vThreshold;
    layer.decay = decayText(pop);
    for (size_t j = 0; j < net.projections.size(); ++j) {
      const CoreProjection &p = net.projections[j];
      if (p.target != int(i))
        continue;
      layer.storedSynapses += int64_t(p.weights.size());
      layer.weightBits = std::max(layer.weightBits, p.weightBits);
      if (measured && measured->samples)
        layer.synapticOps +=
            measured->projections[j].synapticOps / measured->samples;
      else
        layer.synapticOps += fanOutSum(net, p) * timesteps;
    }
    // The RTL core's lower bound (docs/core.md): L SOPs per cycle, and a
    // sweep of the population's lane words (neurons, with a narrow sweep)
    // at every step.  The core runs within a few percent of it
    // (docs/benchmarks.md).
    int64_t laneWords =
        pop.plane() * ((pop.channels() + sweepLanes - 1) / sweepLanes);
    layer.cycles =
        (layer.synapticOps + net.lanes - 1) / net.lanes + laneWords * timesteps;
    report.layers.push_back(layer);
  }
  return report;
}

void pipeline::printReport(const CompileReport &report, llvm::raw_ostream &os) {
  if (report.calibrationSamples)
    os << llvm::formatv("target {0}, {1} lanes, T = {2}; SOPs and cycles per "
                        "inference measured on {3} calibration inputs\n",
                        report.target, report.lanes, report.timesteps,
                        report.calibrationSamples);
  else
    os << llvm::formatv("target {0}, {1} lanes, T = {2}; SOPs and cycles per "
                        "inference are upper bounds (every neuron firing every "
                        "step; --calibrate measures them)\n",
                        report.target, report.lanes, report.timesteps);
  const char *row = "{0,-28} {1,-8} {2,9} {3,10} {4,5} {5,15} {6,8} {7,12} "
                    "{8,12}\n";
  os << llvm::formatv(row, "layer", "kind", "neurons", "synapses", "bits",
                      "threshold", "decay", "SOPs", "cycles");
  int64_t sops = 0, cycles = 0;
  for (const LayerReport &l : report.layers) {
    std::string threshold =
        l.kind == "readout"
            ? "-"
            : llvm::formatv("{0}..{1}", l.thresholdMin, l.thresholdMax).str();
    os << llvm::formatv(row, tableCell(l.name, 28), l.kind, l.neurons,
                        l.storedSynapses, l.weightBits, threshold, l.decay,
                        l.synapticOps, l.cycles);
    sops += l.synapticOps;
    cycles += l.cycles;
  }
  os << llvm::formatv(row, "total", "", "", "", "", "", "", sops, cycles);
}

llvm::json::Value pipeline::reportToJson(const CompileReport &report) {
  llvm::json::Array layers, memories;
  for (const LayerReport &l : report.layers)
    layers.push_back(
        llvm::json::Object{{"name", l.name},
                           {"kind", l.kind},
                           {"neurons", l.neurons},
                           {"stored_synapses", l.storedSynapses},
                           {"weight_bits", l.weightBits},
                           {"threshold_min", l.thresholdMin},
                           {"threshold_max", l.thresholdMax},
                           {"decay", l.decay},
                           {"synaptic_ops_per_inference", l.synapticOps},
                           {"cycles_per_inference", l.cycles}});
  for (const CoreMemory &m : report.memories)
    memories.push_back(llvm::json::Object{
        {"memory", m.name}, {"width", m.width}, {"depth", m.depth}});
  return llvm::json::Object{{"target", report.target},
                            {"calibration_samples", report.calibrationSamples},
                            {"lanes", report.lanes},
                            {"timesteps", report.timesteps},
                            {"layers", std::move(layers)},
                            {"core_memories", std::move(memories)}};
}

void pipeline::printSimMemories(const CoreParams &params,
                                llvm::raw_ostream &os) {
  os << llvm::formatv("memories of the {0}-lane core, sized to the network "
                      "(target sim has no budget):\n",
                      params.lanes);
  int64_t total = 0;
  for (const CoreMemory &m : coreMemories(params)) {
    int64_t bits = m.width * m.depth;
    total += bits;
    os << llvm::formatv("  {0,-22} {1,7} x {2,3} bits = {3,9} bits\n", m.name,
                        m.depth, m.width, bits);
  }
  os << llvm::formatv("  {0,-22} {1,31} bits\n", "total", total);
}
