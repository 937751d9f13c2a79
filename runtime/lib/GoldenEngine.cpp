//===- GoldenEngine.cpp - the bit-exact integer model of the core ---------===//
//
// docs/numerics.md is the specification; every step below names the rule it
// implements.  Work is proportional to events: only the per-step neuron
// update sweeps a whole population.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/GoldenEngine.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Numerics.h"

#include "Addressing.h"
#include "GoldenKernels.h"

#include <algorithm>
#include <cmath>
#include <thread>

using namespace snnc;
using snnc::addressing::Geometry;

namespace {
using Event = snnc::GoldenEngine::Event;
using Events = std::vector<Event>;

double roundHalfAway(double x) { return std::round(x); }

} // namespace

int64_t RunStats::totalSynapticOps() const {
  int64_t total = 0;
  for (const Projection &p : projections)
    total += p.synapticOps;
  return total;
}

llvm::json::Value RunStats::toJson() const {
  llvm::json::Array pops, projs;
  for (const Population &p : populations) {
    int64_t events = 0;
    llvm::json::Array perStep;
    for (int64_t e : p.eventsPerStep) {
      events += e;
      perStep.push_back(e);
    }
    double rate = samples && timesteps && p.neurons
                      ? double(events) / double(samples * timesteps * p.neurons)
                      : 0.0;
    pops.push_back(llvm::json::Object{{"name", p.name},
                                      {"neurons", p.neurons},
                                      {"events_per_step", std::move(perStep)},
                                      {"events", events},
                                      {"firing_rate", rate}});
  }
  for (const Projection &p : projections)
    projs.push_back(
        llvm::json::Object{{"name", p.name}, {"synaptic_ops", p.synapticOps}});
  return llvm::json::Object{{"samples", samples},
                            {"timesteps", timesteps},
                            {"synaptic_ops", totalSynapticOps()},
                            {"populations", std::move(pops)},
                            {"projections", std::move(projs)}};
}

FloatGraph snnc::inputSignature(const CoreNetwork &network) {
  FloatGraph graph;
  graph.inputShape = network.populations.front().shape;
  graph.numOutputs = network.populations[network.readout].channels();
  graph.timesteps = network.timesteps;
  graph.encoding = network.encoding;
  return graph;
}

/// Conv taps of every (pooled) source row and column as offsets: (into
/// the fan-out weights, into the channel-last currents), one flat table
/// per axis with the taps of index i at [start[i], start[i + 1]).  With the
/// projection's input pooling, precomputed so that delivering an event
/// does no division and no multiplication.
struct TapOffsets {
  std::vector<std::pair<int64_t, int64_t>> offsets;
  std::vector<int64_t> start{0};
};

struct GoldenEngine::Taps {
  TapOffsets rows, cols;
  addressing::Pooling pooling;
  /// The target rows one source row reaches (conv), first and last.
  std::vector<int64_t> firstRow, lastRow;
  /// The largest |weight|, and the largest value an event of this
  /// projection carries (a spike, or a pooled sum of spikes); 0 where
  /// events are graded inputs, which always go to the 32-bit currents.
  int64_t maxWeight = 0, maxValue = 0;
};

/// One population's synaptic input of a step.  Events add into 16-bit
/// partial sums (twice the SIMD lanes of 32-bit ones) while that is
/// provably exact, and the partial sums are flushed into the 32-bit
/// currents, which wrap like the core's accumulator, whenever the proof
/// would run out.  The proof is a budget: an event of value v adds at most
/// |v| * max|w| to any one target (it reaches a target through one tap at
/// most), so as long as the costs of the events since the last flush sum
/// to at most 32767, no partial sum has left int16.  A population whose
/// whole input is bounded that way by its weights (`Unbounded`) never
/// flushes before the end of the step.
struct GoldenEngine::Accumulator {
  static constexpr int64_t Budget = 32767;
  static constexpr int64_t Unbounded = int64_t(1) << 62;
  std::vector<uint32_t> wide;
  std::vector<int16_t> narrow; // empty: every event goes to `wide`
  int64_t rowSize = 0, fullBudget = Budget, budget = Budget;
  int64_t firstDirty = INT64_MAX, lastDirty = -1; // rows of `narrow`

  /// Room for an event of cost `cost` over rows [first, last]; false if
  /// it must go to the 32-bit currents.
  [[gnu::always_inline]] bool reserve(int64_t cost, int64_t first,
                                      int64_t last) {
    if (narrow.empty() || cost > Budget)
      return false;
    if (cost > budget) [[unlikely]]
      flush();
    budget -= cost;
    firstDirty = std::min(firstDirty, first);
    lastDirty = std::max(lastDirty, last);
    return true;
  }
  [[gnu::noinline]] void flush() {
    if (lastDirty >= firstDirty)
      golden::flushNarrow(wide.data() + firstDirty * rowSize,
                          narrow.data() + firstDirty * rowSize,
                          (lastDirty - firstDirty + 1) * rowSize);
    firstDirty = INT64_MAX;
    lastDirty = -1;
    budget = fullBudget;
  }
  void clear() {
    std::fill(wide.begin(), wide.end(), 0u);
    budget = fullBudget;
  }
};

/// The taps of every source row (column) along one conv axis; a kernel
/// step moves `kernelStride` weights, an output step `outStride` currents.
static TapOffsets tapTable(int64_t in, int64_t out, int64_t kernel,
                           int64_t stride, int64_t pad, int64_t dilation,
                           int64_t kernelStride, int64_t outStride) {
  TapOffsets taps;
  for (int64_t i = 0; i < in; ++i) {
    for (auto [k, o] :
         addressing::axisTaps(i, out, kernel, stride, pad, dilation))
      taps.offsets.emplace_back(k * kernelStride, o * outStride);
    taps.start.push_back(int64_t(taps.offsets.size()));
  }
  return taps;
}

/// The largest sum of |weight| over one target's fan-in (weights are
/// target-major: OIHW or [M, K]).
static int64_t largestFanInSum(const CoreProjection &p) {
  int64_t targets = p.weightShape.empty() ? 0 : p.weightShape[0];
  if (!targets)
    return 0;
  int64_t fanIn = int64_t(p.weights.size()) / targets, largest = 0;
  for (int64_t o = 0; o < targets; ++o) {
    int64_t sum = 0;
    for (int64_t k = 0; k < fanIn; ++k)
      sum += std::abs(int64_t(p.weights[o * fanIn + k]));
    largest = std::max(largest, sum);
  }
  return largest;
}

GoldenEngine::~GoldenEngine() = default;

GoldenEngine::GoldenEngine(CoreNetwork network) : net(std::move(network)) {
  for (const CorePopulation &p : net.populations) {
    runStats.populations.push_back({p.name, p.size(), {}});
    lanes.emplace_back(p);
  }
  spikeInputBound.assign(net.populations.size(), 0);
  for (const CoreProjection &p : net.projections) {
    runStats.projections.push_back({p.name, 0});
    std::vector<int8_t> w(p.weights.size());
    if (p.kind == ProjectionKind::Conv) { // OIHW -> IHWO
      int64_t o = p.weightShape[0], rest = int64_t(p.weights.size()) / o;
      for (int64_t i = 0; i < o; ++i)
        for (int64_t r = 0; r < rest; ++r)
          w[r * o + i] = p.weights[i * rest + r];
    } else if (p.kind == ProjectionKind::Dense) { // [M, K] -> [K, M]
      int64_t m = p.weightShape[0], k = p.weightShape[1];
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < k; ++j)
          w[j * m + i] = p.weights[i * k + j];
    } else {
      w = p.weights;
    }
    fanOutWeights.push_back(std::move(w));
    // Spike projections deliver into 16-bit partial sums from a widened
    // copy of their weights (see Accumulator).
    fanOutWeights16.emplace_back();
    if (p.source != 0 && p.kind != ProjectionKind::OneToOne)
      fanOutWeights16.back().assign(fanOutWeights.back().begin(),
                                    fanOutWeights.back().end());
    Geometry dst(net.populations[p.target].currentShape());
    int64_t py = p.inputPool.empty() ? 1 : p.inputPool[0];
    int64_t px = p.inputPool.empty() ? 1 : p.inputPool[1];
    Taps taps{
        {}, {}, addressing::Pooling(net.populations[p.source].shape, py, px)};
    if (p.kind == ProjectionKind::Conv) {
      int64_t kh = p.weightShape[2], kw = p.weightShape[3];
      int64_t rowSize = dst.w * dst.c;
      taps.rows = tapTable(taps.pooling.height, dst.h, kh, p.strides[0],
                           p.pads[0], p.dilations[0], kw * dst.c, rowSize);
      taps.cols = tapTable(taps.pooling.width, dst.w, kw, p.strides[1],
                           p.pads[1], p.dilations[1], dst.c, dst.c);
      for (int64_t y = 0; y < taps.pooling.height; ++y) {
        int64_t first = INT64_MAX, last = -1;
        for (int64_t t = taps.rows.start[y]; t < taps.rows.start[y + 1]; ++t) {
          first = std::min(first, taps.rows.offsets[t].second / rowSize);
          last = std::max(last, taps.rows.offsets[t].second / rowSize);
        }
        taps.firstRow.push_back(first);
        taps.lastRow.push_back(last);
      }
    }
    for (int8_t weight : p.weights)
      taps.maxWeight = std::max<int64_t>(taps.maxWeight, std::abs(weight));
    if (p.source != 0 && p.kind != ProjectionKind::OneToOne) {
      taps.maxValue = p.pooledEventBound();
      spikeInputBound[p.target] += taps.maxValue * largestFanInSum(p);
    }
    convTaps.push_back(std::move(taps));
  }
}

/// Input encoding, step 2 of docs/numerics.md: normalize, scale, round,
/// clamp; every non-zero value is an event.
void snnc::encodeInputFrame(const CoreNetwork &net, const float *x,
                            Events &events) {
  Geometry in(net.populations.front().shape);
  int64_t limit = (int64_t(1) << (net.input.bits - 1)) - 1;
  events.clear();
  for (int32_t c = 0, i = 0; c < in.c; ++c)
    for (int32_t y = 0; y < in.h; ++y)
      for (int32_t xx = 0; xx < in.w; ++xx, ++i) {
        double v = double(x[i]) * net.input.gain[c] + net.input.offset[c];
        double q = std::clamp(roundHalfAway(v / double(net.input.scale)),
                              double(-limit), double(limit));
        if (q != 0.0)
          events.push_back({c, y, xx, int32_t(q)});
      }
}

GoldenEngine::Accumulator GoldenEngine::accumulatorFor(size_t population,
                                                       bool narrow) const {
  Accumulator acc;
  Geometry shape(net.populations[population].currentShape());
  acc.wide.assign(size_t(shape.c * shape.h * shape.w), 0u);
  acc.rowSize = shape.w * shape.c;
  if (narrow && spikeInputBound[population] > 0)
    acc.narrow.assign(acc.wide.size(), 0);
  if (spikeInputBound[population] <= Accumulator::Budget)
    acc.fullBudget = Accumulator::Unbounded;
  acc.budget = acc.fullBudget;
  return acc;
}

/// Synaptic input, step 1: each event walks its fan-out, channel-last
/// ([y][x][c]) so that one event's targets are contiguous.  `Channels` is
/// the target's channel count when it is one of the common ones (0: read
/// at run time): a row of 16 or 32 targets is then one or two vector adds
/// with no loop around them, which is most of a small layer's work.
template <int64_t Channels>
[[gnu::always_inline]] inline void
GoldenEngine::deliverTo(size_t index, const Events &input, Accumulator &acc,
                        int64_t &ops) const {
  const CoreProjection &p = net.projections[index];
  const int8_t *weights = fanOutWeights[index].data();
  const int16_t *weights16 = fanOutWeights16[index].data();
  Geometry dst(net.populations[p.target].currentShape());
  int64_t channels = Channels ? Channels : dst.c;
  const Taps &taps = convTaps[index];
  int64_t sh = taps.pooling.height, sw = taps.pooling.width; // pooled source
  uint32_t *wide = acc.wide.data();
  int16_t *narrow = acc.narrow.data();
  // Graded inputs (maxValue 0) always take the 32-bit currents.
  bool narrowable = taps.maxValue > 0 && !acc.narrow.empty();
  const std::pair<int64_t, int64_t> *rowTaps = taps.rows.offsets.data(),
                                    *colTaps = taps.cols.offsets.data();
  const int64_t *rowStart = taps.rows.start.data(),
                *colStart = taps.cols.start.data();
  int64_t kernelSize = p.kind == ProjectionKind::Conv
                           ? p.weightShape[2] * p.weightShape[3] * channels
                           : 0;
  for (const Event &e : input) {
    int64_t c = e.c, y = e.y, x = e.x;
    int32_t v = e.value;
    int64_t cost = int64_t(std::abs(v)) * taps.maxWeight;
    switch (p.kind) {
    case ProjectionKind::OneToOne:
      wide[(y * dst.w + x) * channels + c] += uint32_t(v * weights[c]);
      ++ops;
      break;
    case ProjectionKind::Dense: {
      int64_t row = ((c * sh + y) * sw + x) * channels;
      if (narrowable && acc.reserve(cost, 0, 0))
        golden::addRowScaled(narrow, weights16 + row, channels, v);
      else
        golden::addRowScaled(wide, weights + row, channels, v);
      ops += channels;
      break;
    }
    case ProjectionKind::Conv: {
      int64_t base = c * kernelSize;
      bool toNarrow =
          narrowable && acc.reserve(cost, taps.firstRow[y], taps.lastRow[y]);
      int64_t rows = rowStart[y + 1] - rowStart[y];
      int64_t cols = colStart[x + 1] - colStart[x];
      for (const auto *r = rowTaps + rowStart[y], *re = r + rows; r != re; ++r)
        for (const auto *k = colTaps + colStart[x], *ke = k + cols; k != ke;
             ++k) {
          int64_t w = base + r->first + k->first;
          int64_t at = r->second + k->second;
          if (toNarrow && v == 1) // a spike: no multiply
            golden::addRow(narrow + at, weights16 + w, channels);
          else if (toNarrow)
            golden::addRowScaled(narrow + at, weights16 + w, channels, v);
          else if (v == 1)
            golden::addRow(wide + at, weights + w, channels);
          else
            golden::addRowScaled(wide + at, weights + w, channels, v);
        }
      ops += rows * cols * channels;
      break;
    }
    }
  }
}

SNNC_VECTOR_CLONES
void GoldenEngine::deliver(size_t index, const Events &events, Accumulator &acc,
                           int64_t &ops, Events &pooled,
                           std::vector<int32_t> &poolPlane) const {
  const CoreProjection &p = net.projections[index];
  // Input pooling is a sum: events that land on one pooled address are
  // merged into one graded event first (the same integers, fewer SOPs).
  // A max pool of spikes is their OR: the merged event is worth 1.
  const Events *input = &events;
  if (!p.inputPool.empty() && p.inputPool[0] * p.inputPool[1] > 1) {
    golden::poolEvents(events, convTaps[index].pooling, poolPlane, pooled);
    if (p.inputPoolMax)
      for (Event &e : pooled)
        e.value = 1;
    input = &pooled;
  }
  switch (net.populations[p.target].channels()) {
  case 8:
    return deliverTo<8>(index, *input, acc, ops);
  case 16:
    return deliverTo<16>(index, *input, acc, ops);
  case 32:
    return deliverTo<32>(index, *input, acc, ops);
  case 64:
    return deliverTo<64>(index, *input, acc, ops);
  case 128:
    return deliverTo<128>(index, *input, acc, ops);
  default:
    return deliverTo<0>(index, *input, acc, ops);
  }
}

/// What one thread's samples did: merged into the run's stats and trace
/// in sample order, so any thread count gives the same stats and trace.
/// It also holds the thread's working set: membrane, spike flag and
/// currents per neuron (channel-last) and event lists, allocated once per
/// run and reused by every sample, step and event (an event list keeps
/// its capacity).
struct GoldenEngine::Tally {
  std::vector<std::vector<int64_t>> eventsPerStep; // per population
  std::vector<int64_t> synapticOps;                // per projection
  std::vector<SpikeRecord> trace;
  std::vector<std::vector<int32_t>> membrane; // LIF (state_bits <= 32)
  std::vector<int64_t> readout;               // the 64-bit accumulators
  std::vector<std::vector<uint8_t>> fired;
  std::vector<Accumulator> current, inputCurrent;
  std::vector<Events> events;
  Events pooled; // a projection's input pooling merges events here
  std::vector<int32_t> poolPlane;      // ... through this plane of sums
  std::vector<uint32_t> pooledCurrent; // a current pool's windows' max

  Tally(const GoldenEngine &engine, int64_t steps)
      : eventsPerStep(engine.net.populations.size(),
                      std::vector<int64_t>(size_t(steps), 0)),
        synapticOps(engine.net.projections.size(), 0),
        membrane(engine.net.populations.size()),
        readout(size_t(engine.net.populations[engine.net.readout].size())),
        fired(engine.net.populations.size()),
        current(engine.net.populations.size()),
        inputCurrent(engine.net.populations.size()),
        events(engine.net.populations.size()) {
    for (size_t i = 1; i < engine.net.populations.size(); ++i) {
      membrane[i].resize(engine.net.populations[i].size());
      fired[i].resize(engine.net.populations[i].size());
      current[i] = engine.accumulatorFor(i, true);
      inputCurrent[i] = engine.accumulatorFor(i, false);
    }
  }
};

void GoldenEngine::runSample(const float *frames, int64_t frameSize,
                             int64_t steps, bool perStep, float *out,
                             int64_t sample, Tally &tally) const {
  size_t count = net.populations.size();
  std::vector<std::vector<int32_t>> &membrane = tally.membrane;
  std::vector<std::vector<uint8_t>> &fired = tally.fired;
  std::vector<Accumulator> &current = tally.current;
  std::vector<Accumulator> &inputCurrent = tally.inputCurrent;
  std::vector<Events> &events = tally.events;
  for (size_t i = 1; i < count; ++i) {
    std::fill(membrane[i].begin(), membrane[i].end(), 0);
    std::fill(fired[i].begin(), fired[i].end(), 0);
  }
  std::fill(tally.readout.begin(), tally.readout.end(), 0);
  for (int64_t t = 0; t < steps; ++t) {
    if (t == 0 || perStep)
      encodeInputFrame(net, frames + (perStep ? t * frameSize : 0), events[0]);
    tally.eventsPerStep[0][t] += int64_t(events[0].size());
    for (Accumulator &c : current)
      c.clear();
    size_t next = 0;
    for (size_t i = 1; i < count; ++i) {
      const CorePopulation &pop = net.populations[i];
      for (; next < net.projections.size() &&
             net.projections[next].target == int(i);
           ++next) {
        const CoreProjection &p = net.projections[next];
        int64_t &ops = tally.synapticOps[next];
        if (p.source == 0 && !perStep) {
          // Direct encoding repeats the same input events every step, so
          // their currents are computed once and injected every step.
          Accumulator &cached = inputCurrent[i];
          if (t == 0) {
            cached.clear();
            // Graded input events all go to the 32-bit currents.
            deliver(next, events[0], cached, ops, tally.pooled,
                    tally.poolPlane);
          }
          for (size_t j = 0; j < cached.wide.size(); ++j)
            current[i].wide[j] += cached.wide[j];
          continue;
        }
        deliver(next, events[p.source], current[i], ops, tally.pooled,
                tally.poolPlane);
      }
      current[i].flush();
      const uint32_t *in = current[i].wide.data();
      if (pop.kind == PopulationKind::Readout) {
        int64_t channels = pop.channels();
        for (int64_t j = 0; j < pop.size(); ++j)
          accumulateReadout(tally.readout[j],
                            int64_t(int32_t(in[j])) + pop.bias[j % channels]);
        continue;
      }
      // A population that max-pools its currents reads its windows' max.
      if (!pop.currentPool.empty()) {
        golden::maxPoolCurrents(pop, in, tally.pooledCurrent);
        in = tally.pooledCurrent.data();
      }
      // Neuron update, step 2, then the spikes as events in neuron order
      // (row, column, channel).
      golden::updateLIF(pop, lanes[i], in, fired[i].data(), membrane[i].data());
      // A readout by membranes takes each neuron's new u_t.
      if (pop.membraneReadout)
        for (int64_t j = 0; j < pop.size(); ++j)
          accumulateReadout(tally.readout[j], membrane[i][j]);
      events[i].clear();
      Geometry shape(pop.shape);
      golden::collectSpikes(fired[i].data(), shape.h, shape.w, shape.c,
                            events[i]);
      if (recording)
        for (const Event &e : events[i])
          tally.trace.push_back(
              {int32_t(sample), int32_t(t), int32_t(i), e.c, e.y, e.x});
      tally.eventsPerStep[i][t] += int64_t(events[i].size());
    }
  }
  // Readout, step 3 (channel-last: readout neuron j is channel j % C):
  // the mean over the steps, or the last step's value.
  const CorePopulation &readout = net.populations[net.readout];
  int64_t channels = readout.channels(), plane = readout.plane();
  double divisor = net.readoutLast ? 1.0 : double(steps);
  for (int64_t pos = 0; pos < plane; ++pos)
    for (int64_t c = 0; c < channels; ++c)
      out[c * plane + pos] =
          float(double(readout.unit[c]) *
                double(tally.readout[pos * channels + c]) / divisor);
}

void GoldenEngine::accumulateReadout(int64_t &accumulator,
                                     int64_t value) const {
  accumulator = net.readoutLast ? value : accumulator + value;
}

uint64_t GoldenEngine::memoryEstimate(const NDArray &input,
                                      int64_t timesteps) const {
  // One sample's state at a time per thread, per neuron: membrane (4
  // bytes), spike flag (1), two currents (4 + 4), a 16-bit partial sum
  // (2), at worst an event (16), and the input pooling's sum (4) and
  // pooled event (16).  (The weights' 16-bit copies belong to the engine,
  // not to a run.)
  uint64_t neurons = 0;
  for (const CorePopulation &p : net.populations)
    neurons = addBytes(neurons, uint64_t(p.size()));
  bool events = net.encoding == InputEncoding::Events;
  uint64_t samples = uint64_t(sampleCount(input, net.encoding));
  uint64_t workers =
      std::max<uint64_t>(1, std::min<uint64_t>(uint64_t(threads), samples));
  uint64_t state = mulBytes(
      mulBytes(neurons, 4 + 1 + 4 + 4 + 2 + 4 + 2 * sizeof(Event)), workers);
  uint64_t frames = mulBytes(mulBytes(uint64_t(net.populations[0].size()),
                                      events ? uint64_t(timesteps) : 1),
                             sizeof(float));
  uint64_t outputs =
      mulBytes(mulBytes(samples, uint64_t(net.populations[net.readout].size())),
               sizeof(float));
  uint64_t perStepStats =
      mulBytes(mulBytes(uint64_t(net.populations.size()), uint64_t(timesteps)),
               sizeof(int64_t));
  return addBytes(addBytes(state, frames), addBytes(outputs, perStepStats));
}

llvm::Expected<NDArray> GoldenEngine::run(const NDArray &input,
                                          int64_t timesteps) {
  // Memory does not bound time: a small network padded into millions of
  // neurons runs for hours at 100,000 steps.  Refused before the first step.
  if (llvm::Error err = checkWork(stepWork(net), timesteps, "golden engine"))
    return std::move(err);
  bool events = net.encoding == InputEncoding::Events;
  int64_t samples = sampleCount(input, net.encoding);
  int64_t frame = net.populations.front().size();
  int64_t first = runStats.samples;
  int64_t outputs = net.populations[net.readout].size();
  NDArray out{{samples, outputs}, std::vector<float>(samples * outputs)};
  // Samples are independent: each thread takes a contiguous range.
  int64_t workers = std::max<int64_t>(1, std::min<int64_t>(threads, samples));
  std::vector<Tally> tallies(size_t(workers), Tally(*this, timesteps));
  auto work = [&](int64_t w) {
    int64_t begin = samples * w / workers, end = samples * (w + 1) / workers;
    std::vector<float> frames;
    for (int64_t n = begin; n < end; ++n) {
      addressing::gatherFrames(input, n, timesteps, events, frame, frames);
      runSample(frames.data(), frame, timesteps, events,
                out.data.data() + n * outputs, first + n, tallies[w]);
    }
  };
  std::vector<std::thread> pool;
  for (int64_t w = 1; w < workers; ++w)
    pool.emplace_back(work, w);
  work(0);
  for (std::thread &t : pool)
    t.join();
  runStats.samples += samples;
  runStats.timesteps = timesteps;
  for (RunStats::Population &p : runStats.populations)
    p.eventsPerStep.resize(timesteps, 0);
  for (Tally &tally : tallies) {
    for (size_t p = 0; p < tally.eventsPerStep.size(); ++p)
      for (int64_t t = 0; t < timesteps; ++t)
        runStats.populations[p].eventsPerStep[t] += tally.eventsPerStep[p][t];
    for (size_t p = 0; p < tally.synapticOps.size(); ++p)
      runStats.projections[p].synapticOps += tally.synapticOps[p];
    if (recording)
      trace.insert(trace.end(), tally.trace.begin(), tally.trace.end());
  }
  // Every unit is finite (validateNetwork), but unit x count / T can still
  // pass float's largest value.
  if (llvm::Error err = checkFiniteScores(out, first, "the golden engine",
                                          "the readout's unit overflows float"))
    return std::move(err);
  return out;
}
