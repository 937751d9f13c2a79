//===- GoldenEngine.h - the bit-exact integer model of the core -*- C++ -*-===//
#ifndef SNNC_RUNTIME_GOLDENENGINE_H
#define SNNC_RUNTIME_GOLDENENGINE_H

#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/Engine.h"
#include "snnc/Runtime/Trace.h"

#include "llvm/Support/JSON.h"

#include <algorithm>
#include <memory>
#include <utility>

namespace snnc {
namespace golden {
struct LIFLanes;
} // namespace golden

/// Activity of one run (all samples together).
struct RunStats {
  struct Population {
    std::string name;
    int64_t neurons = 0;
    std::vector<int64_t> eventsPerStep; // spikes (input: input events)
  };
  struct Projection {
    std::string name;
    int64_t synapticOps = 0;
  };
  int64_t samples = 0, timesteps = 0;
  std::vector<Population> populations;
  std::vector<Projection> projections;

  int64_t totalSynapticOps() const;
  llvm::json::Value toJson() const;
};

/// Runs a CoreNetwork event by event, exactly as docs/numerics.md says:
/// each event walks its fan-out, computed from the projection's geometry.
class GoldenEngine : public Engine {
public:
  explicit GoldenEngine(CoreNetwork network);
  ~GoldenEngine() override;
  llvm::Expected<NDArray> run(const NDArray &input, int64_t timesteps) override;
  const RunStats &stats() const { return runStats; }
  const CoreNetwork &network() const { return net; }
  llvm::json::Value statsJson() const override { return runStats.toJson(); }
  uint64_t memoryEstimate(const NDArray &input,
                          int64_t timesteps) const override;
  /// Keeps every spike of every LIF population (off by default).
  bool recordSpikes(bool on) override {
    recording = on;
    return true;
  }
  const std::vector<SpikeRecord> &spikes() const override { return trace; }
  std::vector<SpikeRecord> takeSpikes() override {
    return std::exchange(trace, {});
  }
  /// Default 1 thread; stats, outputs and spikes are the same for any
  /// count.
  void setThreads(int64_t count) override {
    threads = std::max<int64_t>(1, count);
  }
  const RunStats *activity() const override { return &runStats; }

  /// One event: the source neuron (channel, row, column) and its value.
  struct Event {
    int32_t c, y, x, value;
  };

private:
  struct Tally;
  struct Accumulator;
  /// A population's synaptic input buffers; `narrow`: with 16-bit
  /// partial sums where its projections allow them.
  Accumulator accumulatorFor(size_t population, bool narrow) const;
  void runSample(const float *frames, int64_t frameSize, int64_t steps,
                 bool perStep, float *out, int64_t sample, Tally &tally) const;
  /// Adds a step's value to a readout accumulator, or with
  /// net.readoutLast replaces it (the result is then the last step's).
  void accumulateReadout(int64_t &accumulator, int64_t value) const;
  template <int64_t Channels>
  void deliverTo(size_t projection, const std::vector<Event> &events,
                 Accumulator &current, int64_t &ops) const;
  void deliver(size_t projection, const std::vector<Event> &events,
               Accumulator &current, int64_t &ops, std::vector<Event> &pooled,
               std::vector<int32_t> &poolPlane) const;

  CoreNetwork net;
  /// Weights reordered so that one event's targets are contiguous: conv
  /// [c][ky][kx][o], dense [k][o].  Currents are kept channel-last.
  std::vector<std::vector<int8_t>> fanOutWeights;
  std::vector<std::vector<int16_t>> fanOutWeights16;
  /// Per projection: conv taps per source row and column, and its input
  /// pooling (defined in GoldenEngine.cpp).
  struct Taps;
  std::vector<Taps> convTaps;
  /// Per population: LIF constants laid out for the update loop, and the
  /// largest |current| its spike projections can give in a step (the sum
  /// of their largest event value times their largest fan-in sum of
  /// |weight|), which decides whether 16-bit partial sums need flushing.
  std::vector<golden::LIFLanes> lanes;
  std::vector<int64_t> spikeInputBound;
  RunStats runStats;
  bool recording = false;
  std::vector<SpikeRecord> trace;
  int64_t threads = 1;
};

/// Input encoding of docs/numerics.md for one frame: every non-zero
/// quantized value is an event, in (c, y, x) order.
void encodeInputFrame(const CoreNetwork &network, const float *frame,
                      std::vector<GoldenEngine::Event> &events);

/// A network as the float engine sees it: the shape checks of
/// resolveTimesteps need only the input shape, encoding and default T.
FloatGraph inputSignature(const CoreNetwork &network);

} // namespace snnc

#endif // SNNC_RUNTIME_GOLDENENGINE_H
