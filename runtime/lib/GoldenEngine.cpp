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

#include <algorithm>
#include <cmath>
#include <thread>

using namespace snnc;
using snnc::addressing::Geometry;

namespace {
using Event = snnc::GoldenEngine::Event;
using Events = std::vector<Event>;

double roundHalfAway(double x) { return std::round(x); }

// One event's contribution to a row of contiguous targets.  `__restrict`
// matters: int8_t may alias anything, and without it the compiler cannot
// vectorize these loops.  Each is compiled twice, for the x86-64 baseline
// and for AVX2 (twice the lanes), and the loader picks the one the CPU
// runs (GCC's function multiversioning); the integers are the same.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SNNC_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SNNC_VECTOR_CLONES
#endif
inline void addRow(uint32_t *__restrict out, const int8_t *__restrict w,
                   int64_t n) {
  for (int64_t o = 0; o < n; ++o)
    out[o] += uint32_t(int32_t(w[o]));
}

inline void addRowScaled(uint32_t *__restrict out, const int8_t *__restrict w,
                         int64_t n, int32_t v) {
  for (int64_t o = 0; o < n; ++o)
    out[o] += uint32_t(v * int32_t(w[o]));
}
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

/// Conv taps per (pooled) source row and column: (kernel index, output
/// index); and the projection's input pooling.  Precomputed so that
/// delivering an event does no division.
struct GoldenEngine::Taps {
  std::vector<std::vector<std::pair<int64_t, int64_t>>> rows, cols;
  addressing::Pooling pooling;
};

/// The taps of every source row (column) along one conv axis.
static std::vector<std::vector<std::pair<int64_t, int64_t>>>
tapTable(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t pad,
         int64_t dilation) {
  std::vector<std::vector<std::pair<int64_t, int64_t>>> taps;
  for (int64_t i = 0; i < in; ++i)
    taps.push_back(addressing::axisTaps(i, out, kernel, stride, pad, dilation));
  return taps;
}

GoldenEngine::~GoldenEngine() = default;

GoldenEngine::GoldenEngine(CoreNetwork network) : net(std::move(network)) {
  for (const CorePopulation &p : net.populations)
    runStats.populations.push_back({p.name, p.size(), {}});
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
    Geometry dst(net.populations[p.target].shape);
    int64_t py = p.inputPool.empty() ? 1 : p.inputPool[0];
    int64_t px = p.inputPool.empty() ? 1 : p.inputPool[1];
    Taps taps{
        {}, {}, addressing::Pooling(net.populations[p.source].shape, py, px)};
    if (p.kind == ProjectionKind::Conv) {
      taps.rows = tapTable(taps.pooling.height, dst.h, p.weightShape[2],
                           p.strides[0], p.pads[0], p.dilations[0]);
      taps.cols = tapTable(taps.pooling.width, dst.w, p.weightShape[3],
                           p.strides[1], p.pads[1], p.dilations[1]);
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

/// Synaptic input, step 1: each event walks its fan-out.  The current is
/// kept in uint32 so that it wraps like the 32-bit accumulator, and
/// channel-last ([y][x][c]) so that one event's targets are contiguous.
SNNC_VECTOR_CLONES
void GoldenEngine::deliver(size_t index, const Events &events,
                           std::vector<uint32_t> &current, int64_t &ops,
                           Events &pooled) const {
  const CoreProjection &p = net.projections[index];
  const int8_t *weights = fanOutWeights[index].data();
  Geometry dst(net.populations[p.target].shape);
  const Taps &taps = convTaps[index];
  // the (pooled) source plane
  int64_t sh = taps.pooling.height, sw = taps.pooling.width;
  // Input pooling is a sum: events that land on one pooled address are
  // merged into one graded event first (the same integers, fewer SOPs).
  const Events *input = &events;
  if (!p.inputPool.empty() && p.inputPool[0] * p.inputPool[1] > 1) {
    addressing::mergePooled(events, taps.pooling, pooled);
    input = &pooled;
  }
  for (const Event &e : *input) {
    int64_t c = e.c, y = e.y, x = e.x;
    int32_t v = e.value;
    switch (p.kind) {
    case ProjectionKind::OneToOne:
      current[(y * dst.w + x) * dst.c + c] += uint32_t(v * weights[c]);
      ++ops;
      break;
    case ProjectionKind::Dense:
      addRowScaled(current.data(), weights + ((c * sh + y) * sw + x) * dst.c,
                   dst.c, v);
      ops += dst.c;
      break;
    case ProjectionKind::Conv: {
      int64_t kh = p.weightShape[2], kw = p.weightShape[3];
      for (const auto &[ky, oy] : taps.rows[y])
        for (const auto &[kx, ox] : taps.cols[x]) {
          const int8_t *w = weights + ((c * kh + ky) * kw + kx) * dst.c;
          uint32_t *out = current.data() + (oy * dst.w + ox) * dst.c;
          if (v == 1) // a spike: no multiply
            addRow(out, w, dst.c);
          else
            addRowScaled(out, w, dst.c, v);
          ops += dst.c;
        }
      break;
    }
    }
  }
}

/// Step 2 for every neuron of a population, with its reset mode and
/// firing condition as constants, so that the compiler drops their
/// branches from the loop (numerics::updateMembrane, inlined, stays the
/// one definition of the arithmetic).
template <numerics::Reset ResetMode, bool FireGe>
static void updateNeuronsAs(const CorePopulation &pop, const uint32_t *in,
                            uint8_t *spiked, int64_t *state) {
  numerics::LIFParams params{0,         0,     0, pop.decayBits, pop.stateBits,
                             ResetMode, FireGe};
  const int64_t *threshold = pop.threshold.data(), *bias = pop.bias.data(),
                *decay = pop.decay.data();
  int64_t channels = pop.channels(), plane = pop.plane();
  for (int64_t pos = 0, j = 0; pos < plane; ++pos)
    for (int64_t c = 0; c < channels; ++c, ++j) {
      params.threshold = threshold[c];
      params.bias = bias[c];
      params.decay = decay[c];
      state[j] = numerics::updateMembrane(state[j], spiked[j] != 0,
                                          int32_t(in[j]), params);
      spiked[j] = numerics::fires(state[j], params);
    }
}

static void updateNeurons(const CorePopulation &pop, const uint32_t *in,
                          uint8_t *spiked, int64_t *state) {
  using numerics::Reset;
  switch (pop.reset) {
  case Reset::Hard:
    return pop.fireGe
               ? updateNeuronsAs<Reset::Hard, true>(pop, in, spiked, state)
               : updateNeuronsAs<Reset::Hard, false>(pop, in, spiked, state);
  case Reset::Soft:
    return pop.fireGe
               ? updateNeuronsAs<Reset::Soft, true>(pop, in, spiked, state)
               : updateNeuronsAs<Reset::Soft, false>(pop, in, spiked, state);
  case Reset::Subtract:
    return pop.fireGe
               ? updateNeuronsAs<Reset::Subtract, true>(pop, in, spiked, state)
               : updateNeuronsAs<Reset::Subtract, false>(pop, in, spiked,
                                                         state);
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
  std::vector<std::vector<int64_t>> membrane;
  std::vector<std::vector<uint8_t>> fired;
  std::vector<std::vector<uint32_t>> current, inputCurrent;
  std::vector<Events> events;
  Events pooled; // a projection's input pooling merges events here

  Tally(const CoreNetwork &net, int64_t steps)
      : eventsPerStep(net.populations.size(),
                      std::vector<int64_t>(size_t(steps), 0)),
        synapticOps(net.projections.size(), 0),
        membrane(net.populations.size()), fired(net.populations.size()),
        current(net.populations.size()), inputCurrent(net.populations.size()),
        events(net.populations.size()) {
    for (size_t i = 1; i < net.populations.size(); ++i) {
      membrane[i].resize(net.populations[i].size());
      fired[i].resize(net.populations[i].size());
      current[i].resize(net.populations[i].size());
      inputCurrent[i].resize(net.populations[i].size());
    }
  }
};

void GoldenEngine::runSample(const float *frames, int64_t frameSize,
                             int64_t steps, bool perStep, float *out,
                             int64_t sample, Tally &tally) const {
  size_t count = net.populations.size();
  std::vector<std::vector<int64_t>> &membrane = tally.membrane;
  std::vector<std::vector<uint8_t>> &fired = tally.fired;
  std::vector<std::vector<uint32_t>> &current = tally.current;
  std::vector<std::vector<uint32_t>> &inputCurrent = tally.inputCurrent;
  std::vector<Events> &events = tally.events;
  for (size_t i = 1; i < count; ++i) {
    std::fill(membrane[i].begin(), membrane[i].end(), 0);
    std::fill(fired[i].begin(), fired[i].end(), 0);
  }
  for (int64_t t = 0; t < steps; ++t) {
    if (t == 0 || perStep)
      encodeInputFrame(net, frames + (perStep ? t * frameSize : 0), events[0]);
    tally.eventsPerStep[0][t] += int64_t(events[0].size());
    for (std::vector<uint32_t> &c : current)
      std::fill(c.begin(), c.end(), 0u);
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
          std::vector<uint32_t> &cached = inputCurrent[i];
          if (t == 0) {
            std::fill(cached.begin(), cached.end(), 0u);
            deliver(next, events[0], cached, ops, tally.pooled);
          }
          for (size_t j = 0; j < cached.size(); ++j)
            current[i][j] += cached[j];
          continue;
        }
        deliver(next, events[p.source], current[i], ops, tally.pooled);
      }
      std::vector<int64_t> &u = membrane[i];
      int64_t channels = pop.channels(), plane = pop.plane();
      if (pop.kind == PopulationKind::Readout) {
        for (int64_t j = 0; j < pop.size(); ++j)
          u[j] += int64_t(int32_t(current[i][j])) + pop.bias[j % channels];
        continue;
      }
      // Neuron update, step 2.  Neuron j = position * C + c.
      events[i].clear();
      const uint32_t *in = current[i].data();
      uint8_t *spiked = fired[i].data();
      int64_t *state = u.data();
      updateNeurons(pop, in, spiked, state);
      // The spikes as events, in neuron order (row, column, channel).
      Geometry shape(pop.shape);
      for (int64_t pos = 0, j = 0; pos < plane; ++pos) {
        int32_t row = int32_t(pos / shape.w), col = int32_t(pos % shape.w);
        for (int64_t c = 0; c < channels; ++c, ++j) {
          if (!spiked[j])
            continue;
          events[i].push_back({int32_t(c), row, col, 1});
          if (recording)
            tally.trace.push_back({int32_t(sample), int32_t(t), int32_t(i),
                                   int32_t(c), row, col});
        }
      }
      tally.eventsPerStep[i][t] += int64_t(events[i].size());
    }
  }
  // Readout, step 3 (channel-last: readout neuron j is channel j % C).
  const CorePopulation &readout = net.populations[net.readout];
  int64_t channels = readout.channels(), plane = readout.plane();
  for (int64_t pos = 0; pos < plane; ++pos)
    for (int64_t c = 0; c < channels; ++c)
      out[c * plane + pos] = float(
          double(readout.unit[c]) *
          double(membrane[net.readout][pos * channels + c]) / double(steps));
}

uint64_t GoldenEngine::memoryEstimate(const NDArray &input,
                                      int64_t timesteps) const {
  // One sample's state at a time per thread: membrane (8 bytes), spike
  // flag (1), two currents (4 + 4) and, at worst, an event (16) per neuron.
  uint64_t neurons = 0;
  for (const CorePopulation &p : net.populations)
    neurons = addBytes(neurons, uint64_t(p.size()));
  bool events = net.encoding == InputEncoding::Events;
  uint64_t samples = uint64_t(sampleCount(input, net.encoding));
  uint64_t workers =
      std::max<uint64_t>(1, std::min<uint64_t>(uint64_t(threads), samples));
  uint64_t state =
      mulBytes(mulBytes(neurons, 8 + 1 + 4 + 4 + sizeof(Event)), workers);
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
  bool events = net.encoding == InputEncoding::Events;
  int64_t samples = sampleCount(input, net.encoding);
  int64_t frame = net.populations.front().size();
  int64_t first = runStats.samples;
  int64_t outputs = net.populations[net.readout].size();
  NDArray out{{samples, outputs}, std::vector<float>(samples * outputs)};
  // Samples are independent: each thread takes a contiguous range.
  int64_t workers = std::max<int64_t>(1, std::min<int64_t>(threads, samples));
  std::vector<Tally> tallies(size_t(workers), Tally(net, timesteps));
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
  return out;
}
