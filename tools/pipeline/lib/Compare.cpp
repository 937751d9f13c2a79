//===- Compare.cpp - float against golden, layer by layer -----------------===//
#include "snnc/Pipeline/Compare.h"
#include "snnc/Runtime/Errors.h"

#include "snnc/Runtime/FloatEngine.h"
#include "snnc/Runtime/Session.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <map>
#include <set>

using namespace snnc;
using namespace snnc::pipeline;
using llvm::Expected;
using llvm::StringRef;

namespace {

llvm::Error compareError(const llvm::Twine &what) { return plainError(what); }

/// Spikes of one chunk of samples, per layer: bit (t * len + n) * E + e.
struct ChunkSpikes {
  int64_t samples = 0;
  std::map<std::string, llvm::BitVector> layers;
};

/// Accumulates what the comparison counts, chunk by chunk.
class Comparer {
public:
  Comparer(const CoreNetwork &network, int64_t steps) : net(network) {
    for (size_t p = 0; p < network.populations.size(); ++p)
      if (network.populations[p].kind == PopulationKind::LIF) {
        LayerComparison layer;
        layer.name = network.populations[p].name;
        layer.neurons = network.populations[p].size();
        layers.push_back(layer);
        populationLayer[int32_t(p)] = layers.size() - 1;
      }
    result.timesteps = steps;
  }

  /// Compares one chunk: the float spikes against the golden records.
  void addChunk(const ChunkSpikes &floats,
                const std::vector<SpikeRecord> &golden, int64_t firstSample) {
    std::vector<llvm::BitVector> goldenBits(layers.size());
    for (size_t l = 0; l < layers.size(); ++l)
      goldenBits[l].resize(
          size_t(result.timesteps * floats.samples * layers[l].neurons));
    for (const SpikeRecord &s : golden) {
      auto it = populationLayer.find(s.population);
      if (it == populationLayer.end())
        continue;
      const CorePopulation &pop = net.populations[s.population];
      int64_t h = pop.shape.size() == 3 ? pop.shape[1] : 1;
      int64_t w = pop.shape.size() == 3 ? pop.shape[2] : 1;
      int64_t e = (s.c * h + s.y) * w + s.x;
      int64_t n = s.sample - firstSample;
      goldenBits[it->second].set(
          size_t((s.step * floats.samples + n) * pop.size() + e));
    }
    for (size_t l = 0; l < layers.size(); ++l) {
      LayerComparison &layer = layers[l];
      auto found = floats.layers.find(layer.name);
      layer.goldenRate += double(goldenBits[l].count());
      if (found == floats.layers.end())
        continue; // no float counterpart: reported as unmatched
      layer.floatRate += double(found->second.count());
      llvm::BitVector differ = found->second;
      differ ^= goldenBits[l];
      layer.mismatches += int64_t(differ.count());
      matched.insert(layer.name);
    }
    result.samples += floats.samples;
  }

  void addReadout(const NDArray &floatOut, const NDArray &goldenOut) {
    int64_t k = floatOut.shape[1];
    double sum = 0.0;
    for (int64_t n = 0; n < floatOut.shape[0]; ++n) {
      const float *f = floatOut.data.data() + n * k;
      const float *g = goldenOut.data.data() + n * k;
      for (int64_t i = 0; i < k; ++i) {
        double error = std::fabs(double(f[i]) - double(g[i]));
        result.maxLogitError = std::max(result.maxLogitError, error);
        result.maxLogit = std::max(result.maxLogit, std::fabs(double(f[i])));
        sum += error;
      }
      result.argmaxAgreements +=
          std::max_element(f, f + k) - f == std::max_element(g, g + k) - g;
    }
    result.meanLogitError =
        sum / double(std::max<int64_t>(1, floatOut.numElements()));
  }

  Comparison finish(double threshold) {
    result.threshold = threshold;
    for (LayerComparison &layer : layers) {
      if (!matched.count(layer.name))
        continue;
      double triples = double(result.samples * result.timesteps) *
                       double(std::max<int64_t>(1, layer.neurons));
      layer.agreement = 1.0 - double(layer.mismatches) / triples;
      layer.floatRate /= triples;
      layer.goldenRate /= triples;
      if (!result.firstBelow && layer.agreement < threshold)
        result.firstBelow = layer.name;
      result.layers.push_back(layer);
    }
    return std::move(result);
  }

private:
  const CoreNetwork &net;
  std::vector<LayerComparison> layers;
  std::map<int32_t, size_t> populationLayer;
  std::set<std::string> matched;
  Comparison result;
};

/// Where the float engine's spikes of the current chunk go.
FloatSpikeObserver recordInto(ChunkSpikes &chunk) {
  return [&chunk](const FloatOp &op, int64_t, int64_t steps, int64_t samples,
                  const float *spikes) {
    llvm::BitVector &bits = chunk.layers[op.name];
    size_t count = size_t(steps * samples * op.resultElements);
    bits.resize(count);
    for (size_t i = 0; i < count; ++i)
      if (spikes[i] != 0.0f)
        bits.set(i);
    chunk.samples = samples;
  };
}

} // namespace

Expected<Comparison> pipeline::compareModel(StringRef modelPath,
                                            const NDArray &input,
                                            const CompileOptions &compile,
                                            const CompareOptions &options) {
  if (modelPath.endswith(".snnpkg"))
    return compareError(modelPath +
                        ": a compiled package has no float semantics to "
                        "compare against; give the model (.onnx, .onnxtxt, "
                        ".nir or .mlir)");
  mlir::MLIRContext context;
  auto module = loadModel(modelPath, context, compile.nir);
  if (!module)
    return module.takeError();
  // The float graph first: compiling rewrites the module in place.
  auto graph = lowerForFloat(**module);
  if (!graph)
    return inFile(modelPath, graph.takeError());
  auto network = compileToCore(**module, compile);
  if (!network)
    return inFile(modelPath, network.takeError());
  return compareNetworks(*graph, *network, input, options);
}

Expected<Comparison> pipeline::compareNetworks(const FloatGraph &graph,
                                               const CoreNetwork &network,
                                               const NDArray &input,
                                               const CompareOptions &options) {
  auto steps = resolveTimesteps(graph, input, options.timesteps, "input");
  if (!steps)
    return steps.takeError();
  ChunkSpikes chunk;
  Session floats = Session::attach(createFloatEngine(graph, recordInto(chunk)),
                                   graph, "float");
  auto golden = Session::create(network);
  if (!golden)
    return golden.takeError();
  if (llvm::Error err = golden->recordSpikes(true))
    return std::move(err);
  golden->setThreads(options.threads);
  Comparer comparer(network, *steps);
  size_t axis = graph.encoding == InputEncoding::Events ? 1 : 0;
  int64_t samples = sampleCount(input, graph.encoding);
  NDArray floatOut, goldenOut;
  for (int64_t start = 0; start < samples; start += options.chunk) {
    int64_t len = std::min(options.chunk, samples - start);
    NDArray part = sliceSamples(input, axis, start, len);
    chunk.layers.clear();
    auto f = floats.infer(part, *steps);
    if (!f)
      return f.takeError();
    auto g = golden->infer(part, *steps);
    if (!g)
      return g.takeError();
    comparer.addChunk(chunk, golden->takeSpikes(), start);
    floatOut.data.insert(floatOut.data.end(), f->data.begin(), f->data.end());
    goldenOut.data.insert(goldenOut.data.end(), g->data.begin(), g->data.end());
  }
  floatOut.shape = goldenOut.shape = {samples, graph.numOutputs};
  comparer.addReadout(floatOut, goldenOut);
  Comparison result = comparer.finish(options.threshold);
  result.golden = *golden->goldenStats();
  result.floatScores = std::move(floatOut);
  result.goldenScores = std::move(goldenOut);
  return std::move(result);
}

llvm::json::Value pipeline::comparisonToJson(const Comparison &c) {
  llvm::json::Array layers;
  for (const LayerComparison &l : c.layers)
    layers.push_back(llvm::json::Object{{"name", l.name},
                                        {"neurons", l.neurons},
                                        {"spike_agreement", l.agreement},
                                        {"mismatches", l.mismatches},
                                        {"firing_rate_float", l.floatRate},
                                        {"firing_rate_golden", l.goldenRate}});
  llvm::json::Object readout{
      {"max_logit_error", c.maxLogitError},
      {"mean_logit_error", c.meanLogitError},
      {"max_abs_logit", c.maxLogit},
      {"argmax_agreement",
       c.samples ? double(c.argmaxAgreements) / double(c.samples) : 0.0}};
  llvm::json::Value first = nullptr;
  if (c.firstBelow)
    first = *c.firstBelow;
  return llvm::json::Object{{"samples", c.samples},
                            {"timesteps", c.timesteps},
                            {"threshold", c.threshold},
                            {"layers", std::move(layers)},
                            {"first_layer_below_threshold", std::move(first)},
                            {"readout", std::move(readout)}};
}

void pipeline::printComparison(const Comparison &c, llvm::raw_ostream &os) {
  os << llvm::formatv("float vs golden: {0} samples x {1} steps\n", c.samples,
                      c.timesteps);
  os << llvm::formatv("{0,-32} {1,9} {2,10} {3,10} {4,10}\n", "layer",
                      "neurons", "agreement", "rate float", "rate gold");
  for (const LayerComparison &l : c.layers)
    os << llvm::formatv("{0,-32} {1,9} {2,10:F4} {3,10:F4} {4,10:F4}\n", l.name,
                        l.neurons, l.agreement, l.floatRate, l.goldenRate);
  if (c.firstBelow)
    os << llvm::formatv("first layer below {0:F2} agreement: {1}\n",
                        c.threshold, *c.firstBelow);
  else
    os << llvm::formatv("every layer agrees at {0:F2} or better\n",
                        c.threshold);
  os << llvm::formatv(
      "readout: argmax agreement {0:F2}% ({1} / {2}), logit "
      "error max {3:F4} mean {4:F4} (largest |logit| "
      "{5:F4})\n",
      c.samples ? 100.0 * double(c.argmaxAgreements) / double(c.samples) : 0.0,
      c.argmaxAgreements, c.samples, c.maxLogitError, c.meanLogitError,
      c.maxLogit);
}
