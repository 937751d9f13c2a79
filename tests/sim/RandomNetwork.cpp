//===- RandomNetwork.cpp - random valid core networks for testing ---------===//
#include "RandomNetwork.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <random>

using namespace snnc;

namespace {
class Generator {
public:
  Generator(uint64_t seed, const CoreParams &core) : rng(seed), core(core) {}

  int64_t pick(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }
  double real(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  }

  CoreNetwork build();

private:
  CorePopulation lif(std::vector<int64_t> shape, int64_t weightScale);
  bool addConv(CoreNetwork &net, int source, int64_t outChannels,
               CoreProjection &p, std::vector<int64_t> &shape);
  void fillWeights(CoreProjection &p, std::vector<int64_t> shape);
  void drawMaxPools(CoreNetwork &network);
  void drawRateReadout(CoreNetwork &network);
  void drawReadoutModes(CoreNetwork &network);
  std::vector<int64_t> pooledShape(const CorePopulation &src,
                                   const std::vector<int64_t> &pool) {
    std::vector<int64_t> s = src.shape;
    if (!pool.empty()) {
      s[1] /= pool[0];
      s[2] /= pool[1];
    }
    return s;
  }

  std::mt19937_64 rng;
  const CoreParams &core;
  int64_t maxExtent() const {
    return std::min<int64_t>(12, (int64_t(1) << core.coordBits) - 1);
  }
  int64_t maxChannels() const {
    return std::min<int64_t>(12, int64_t(1) << core.chanBits);
  }
};

void Generator::fillWeights(CoreProjection &p, std::vector<int64_t> shape) {
  p.weightBits = pick(2, 8);
  p.weightShape = std::move(shape);
  int64_t count = NDArray::product(p.weightShape);
  int64_t limit = (int64_t(1) << (p.weightBits - 1)) - 1;
  double zeros = real(0.0, 0.5);
  p.weights.resize(count);
  for (int8_t &w : p.weights)
    w = chance(zeros) ? 0 : int8_t(pick(-limit, limit));
}

CorePopulation Generator::lif(std::vector<int64_t> shape, int64_t scale) {
  CorePopulation pop;
  pop.kind = PopulationKind::LIF;
  pop.shape = std::move(shape);
  pop.stateBits = core.stateBits;
  pop.decayBits = core.decayBits;
  // One decay for the layer, or (a third of the time) one per channel.
  int64_t shared = pick(0, int64_t(1) << core.decayBits);
  bool perChannel = chance(1.0 / 3);
  for (int64_t c = 0; c < pop.channels(); ++c)
    pop.decay.push_back(perChannel ? pick(0, int64_t(1) << core.decayBits)
                                   : shared);
  // Every reset mode the core implements (subtract only where built in).
  int64_t modes = core.subtractReset ? 3 : 2;
  pop.reset = numerics::Reset(pick(0, modes - 1));
  pop.fireGe = chance(0.5);
  int64_t limit = (int64_t(1) << (core.stateBits - 1)) - 1;
  int64_t top = std::clamp<int64_t>(scale, 1, limit);
  for (int64_t c = 0; c < pop.channels(); ++c) {
    // Mostly thresholds a few events reach; sometimes 1 or the maximum.
    int64_t t = chance(0.1) ? (chance(0.5) ? 1 : limit) : pick(1, top);
    pop.threshold.push_back(t);
    pop.bias.push_back(
        pick(-std::min(limit, top / 2), std::min(limit, top / 2)));
  }
  return pop;
}

bool Generator::addConv(CoreNetwork &net, int source, int64_t outChannels,
                        CoreProjection &p, std::vector<int64_t> &shape) {
  std::vector<int64_t> src = pooledShape(net.populations[source], p.inputPool);
  p.kind = ProjectionKind::Conv;
  int64_t kh = pick(1, 4), kw = pick(1, 4);
  p.strides = {pick(1, 3), pick(1, 3)};
  p.dilations = {pick(1, 2), pick(1, 2)};
  p.pads = {pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 2)};
  int64_t out[2];
  int64_t kernel[2] = {kh, kw};
  for (int axis = 0; axis < 2; ++axis) {
    int64_t span = p.dilations[axis] * (kernel[axis] - 1) + 1;
    int64_t padded = src[1 + axis] + p.pads[axis] + p.pads[axis + 2];
    if (padded < span)
      return false;
    out[axis] = (padded - span) / p.strides[axis] + 1;
    if (out[axis] > maxExtent())
      return false;
  }
  shape = {outChannels, out[0], out[1]};
  fillWeights(p, {outChannels, src[0], kh, kw});
  return true;
}

/// Some pooled reads of spikes become max pools (their OR), where every
/// reader of the population pools it the same way: the core merges a
/// max-pooled population's window into one event, which only one way of
/// pooling allows.
void Generator::drawMaxPools(CoreNetwork &network) {
  for (size_t i = 1; i < network.populations.size(); ++i) {
    std::vector<CoreProjection *> readers;
    for (CoreProjection &p : network.projections)
      if (p.source == int(i))
        readers.push_back(&p);
    bool pooledAlike =
        !readers.empty() && !readers.front()->inputPool.empty() &&
        readers.front()->inputPool[0] * readers.front()->inputPool[1] > 1 &&
        llvm::all_of(readers, [&](const CoreProjection *p) {
          return p->inputPool == readers.front()->inputPool;
        });
    if (pooledAlike && chance(0.5))
      for (CoreProjection *p : readers)
        p->inputPoolMax = true;
  }
}

/// Some networks end in a spiking layer read out as its firing rate (a
/// spiking output layer, docs/onnx-convention.md): a one-to-one projection
/// from the last LIF population into the readout, without biases.
void Generator::drawRateReadout(CoreNetwork &network) {
  CoreProjection &p = network.projections.back();
  const CorePopulation &last = network.populations[p.source];
  if (last.shape.size() != 1 || last.shape[0] > 10 || !chance(0.3))
    return;
  CorePopulation &readout = network.populations[p.target];
  readout.shape = last.shape;
  readout.bias.assign(size_t(last.shape[0]), 0);
  readout.unit.assign(size_t(last.shape[0]), float(real(0.001, 0.1)));
  p.kind = ProjectionKind::OneToOne;
  p.inputPool.clear();
  p.inputPoolMax = false;
  fillWeights(p, {last.shape[0]});
}

/// On cores built with ReadoutModes: some networks are read out by the
/// membranes of their last layer (the readout becomes a LIF population),
/// some by the last step's value instead of the sum over steps.
void Generator::drawReadoutModes(CoreNetwork &network) {
  if (!core.readoutModes)
    return;
  CorePopulation &readout = network.populations[network.readout];
  if (chance(0.3)) {
    CorePopulation membrane = lif(readout.shape, 200);
    membrane.name = readout.name;
    membrane.membraneReadout = true;
    membrane.unit = readout.unit;
    readout = std::move(membrane);
  }
  network.readoutLast = chance(0.3);
}

CoreNetwork Generator::build() {
  CoreNetwork net;
  net.lanes = core.lanes;
  net.encoding = chance(0.6) ? InputEncoding::Direct : InputEncoding::Events;
  net.timesteps = pick(2, 5);
  CorePopulation input;
  input.name = "input";
  input.kind = PopulationKind::Input;
  input.shape = {pick(1, 3), pick(3, maxExtent()), pick(3, maxExtent())};
  net.input.bits = pick(2, std::min<int64_t>(8, core.valueBits));
  double reach = 0;
  for (int64_t c = 0; c < input.shape[0]; ++c) {
    net.input.gain.push_back(real(-2.0, 2.0));
    net.input.offset.push_back(real(-0.5, 0.5));
    reach = std::max(reach, std::abs(net.input.gain.back()) +
                                std::abs(net.input.offset.back()));
  }
  net.input.scale = float(reach * real(0.6, 1.4) /
                          double((int64_t(1) << (net.input.bits - 1)) - 1));
  net.populations.push_back(input);
  int64_t inputLevel = (int64_t(1) << (net.input.bits - 1)) - 1;

  int layers = int(pick(1, 4));
  for (int layer = 0; layer < layers; ++layer) {
    int target = int(net.populations.size());
    int source = target - 1;
    const CorePopulation &src = net.populations[source];
    bool spatial = src.shape.size() == 3 && src.shape[1] * src.shape[2] > 1;
    CoreProjection p;
    p.name = llvm::formatv("proj{0}", net.projections.size()).str();
    p.source = source;
    p.target = target;
    std::vector<int64_t> shape;
    double kind = real(0, 1);
    if (spatial && src.shape[1] >= 2 && src.shape[2] >= 2 && chance(0.45))
      p.inputPool = {pick(1, std::min<int64_t>(3, src.shape[1])),
                     pick(1, std::min<int64_t>(3, src.shape[2]))};
    if (spatial && kind < 0.7) {
      if (!addConv(net, source, pick(1, maxChannels()), p, shape))
        return {}; // the caller retries with the next draw
    } else if (kind < 0.85 || !p.inputPool.empty()) {
      p.kind = ProjectionKind::Dense;
      std::vector<int64_t> s = pooledShape(src, p.inputPool);
      shape = {pick(1, maxChannels())};
      fillWeights(p, {shape[0], NDArray::product(s)});
    } else {
      p.kind = ProjectionKind::OneToOne;
      shape = src.shape;
      fillWeights(p, {src.shape[0]});
    }
    int64_t value = source == 0 ? inputLevel : 1;
    int64_t scale = value * ((int64_t(1) << (p.weightBits - 1)) - 1) * 3;
    net.projections.push_back(p);
    // A residual projection from an earlier population into the same one.
    if (target >= 2 && chance(0.4)) {
      int from = int(pick(0, target - 2));
      const CorePopulation &early = net.populations[from];
      CoreProjection r;
      r.name = llvm::formatv("proj{0}", net.projections.size()).str();
      r.source = from;
      r.target = target;
      if (early.shape == shape) {
        r.kind = ProjectionKind::OneToOne;
        fillWeights(r, {shape[0]});
        net.projections.push_back(r);
      } else if (shape.size() == 1) {
        r.kind = ProjectionKind::Dense;
        fillWeights(r, {shape[0], early.size()});
        net.projections.push_back(r);
      } else if (early.shape.size() == 3) {
        // A 1x1 conv whose stride lands on the target's extent.
        for (int64_t sy = 1; sy <= 4; ++sy)
          for (int64_t sx = 1; sx <= 4; ++sx)
            if ((early.shape[1] - 1) / sy + 1 == shape[1] &&
                (early.shape[2] - 1) / sx + 1 == shape[2] &&
                r.weightShape.empty()) {
              r.kind = ProjectionKind::Conv;
              r.strides = {sy, sx};
              r.dilations = {1, 1};
              r.pads = {0, 0, 0, 0};
              fillWeights(r, {shape[0], early.shape[0], 1, 1});
              net.projections.push_back(r);
            }
      }
    }
    // Some spatial populations max-pool their currents before the neuron
    // (where the core builds the pooler): the projections above deliver
    // to the finer grid, whose last rows and columns may go unread.
    std::vector<int64_t> pool;
    if (core.poolCurrents && shape.size() == 3 && shape[1] * shape[2] > 1 &&
        chance(0.35)) {
      pool = {pick(1, std::min<int64_t>(3, shape[1])),
              pick(1, std::min<int64_t>(3, shape[2]))};
      shape[1] /= pool[0];
      shape[2] /= pool[1];
    }
    CorePopulation pop = lif(shape, scale);
    pop.currentPool = pool;
    pop.name = llvm::formatv("lif{0}", layer).str();
    net.populations.push_back(pop);
  }
  // The readout: dense from the last population, biases small enough for
  // the state width.
  int source = int(net.populations.size()) - 1;
  CoreProjection p;
  p.name = "readout";
  p.kind = ProjectionKind::Dense;
  p.source = source;
  p.target = source + 1;
  CorePopulation readout;
  readout.name = "readout";
  readout.kind = PopulationKind::Readout;
  readout.shape = {pick(1, 10)};
  const CorePopulation &last = net.populations[source];
  std::vector<int64_t> from = last.shape;
  if (from.size() == 3 && from[1] >= 2 && from[2] >= 2 && chance(0.3)) {
    p.inputPool = {pick(1, std::min<int64_t>(3, from[1])),
                   pick(1, std::min<int64_t>(3, from[2]))};
    from[1] /= p.inputPool[0];
    from[2] /= p.inputPool[1];
  }
  fillWeights(p, {readout.shape[0], NDArray::product(from)});
  int64_t limit = (int64_t(1) << (core.stateBits - 1)) - 1;
  for (int64_t k = 0; k < readout.shape[0]; ++k) {
    readout.bias.push_back(
        pick(-std::min<int64_t>(limit, 200), std::min<int64_t>(limit, 200)));
    readout.unit.push_back(float(real(0.001, 0.1)));
  }
  net.projections.push_back(p);
  net.populations.push_back(readout);
  net.readout = int(net.populations.size()) - 1;
  drawMaxPools(net);
  drawRateReadout(net);
  drawReadoutModes(net);
  return net;
}
} // namespace

CoreNetwork randomnet::randomNetwork(uint64_t seed, const CoreParams &core) {
  Generator generator(seed, core);
  for (;;) {
    CoreNetwork net = generator.build();
    if (net.populations.empty())
      continue;
    if (llvm::Error err = validateNetwork(net)) {
      llvm::consumeError(std::move(err));
      continue;
    }
    if (auto image = buildCoreImage(net, core); !image) {
      llvm::consumeError(image.takeError());
      continue;
    }
    return net;
  }
}

NDArray randomnet::randomInputs(uint64_t seed, const CoreNetwork &net,
                                int64_t samples) {
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
  std::uniform_real_distribution<float> value(0.0f, 1.0f);
  std::bernoulli_distribution zero(0.4);
  std::vector<int64_t> shape = net.populations.front().shape;
  shape.insert(shape.begin(), samples);
  if (net.encoding == InputEncoding::Events)
    shape.insert(shape.begin(), *net.timesteps);
  NDArray x{shape, std::vector<float>(NDArray::product(shape))};
  for (float &v : x.data)
    v = zero(rng) ? 0.0f : value(rng);
  return x;
}

std::string randomnet::describe(const CoreNetwork &net) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << (net.encoding == InputEncoding::Events ? "events" : "direct")
     << llvm::formatv(", T={0}, input {1} bits\n", *net.timesteps,
                      net.input.bits);
  for (const CorePopulation &p : net.populations) {
    os << "  " << p.name << " [";
    llvm::interleaveComma(p.shape, os);
    os << "] decay [";
    llvm::interleaveComma(p.decay, os);
    os << llvm::formatv("] reset {0} ge {1}", int(p.reset), p.fireGe);
    if (!p.currentPool.empty())
      os << llvm::formatv(" current pool [{0}, {1}]", p.currentPool[0],
                          p.currentPool[1]);
    os << (p.membraneReadout ? " membrane readout\n" : "\n");
  }
  if (net.readoutLast)
    os << "  readout: the last step\n";
  for (const CoreProjection &p : net.projections) {
    const char *kinds[] = {"conv", "dense", "one-to-one"};
    os << llvm::formatv("  {0}: {1} {2} -> {3}, {4}-bit, w [", p.name,
                        kinds[int(p.kind)], p.source, p.target, p.weightBits);
    llvm::interleaveComma(p.weightShape, os);
    os << "] stride [";
    llvm::interleaveComma(p.strides, os);
    os << "] pads [";
    llvm::interleaveComma(p.pads, os);
    os << "] dil [";
    llvm::interleaveComma(p.dilations, os);
    os << "] pool [";
    llvm::interleaveComma(p.inputPool, os);
    os << (p.inputPoolMax ? "] max\n" : "]\n");
  }
  return os.str();
}
