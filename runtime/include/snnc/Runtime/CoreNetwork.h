//===- CoreNetwork.h - the integer network a core executes ------*- C++ -*-===//
//
// The integer level of docs/numerics.md as plain data: what the golden
// engine runs, what the compiled package stores and what the RTL is loaded
// with.  Produced from the snn dialect's integer ops by backends/.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_CORENETWORK_H
#define SNNC_RUNTIME_CORENETWORK_H

#include "snnc/Runtime/FloatGraph.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snnc {

enum class PopulationKind { Input, LIF, Readout };
enum class ProjectionKind { Conv, Dense, OneToOne };

struct CorePopulation {
  std::string name;
  PopulationKind kind = PopulationKind::LIF;
  std::vector<int64_t> shape; // [C, H, W] or [C] (one sample)
  // LIF: per channel.  Readout: bias per output.
  std::vector<int64_t> threshold, bias;
  std::vector<int64_t> decay; // LIF: per channel
  int64_t decayBits = 0, stateBits = 0;
  numerics::Reset reset = numerics::Reset::Hard;
  bool fireGe = false;
  /// Readout, and a LIF read out by its membranes: the real value of one
  /// accumulator unit per channel.
  std::vector<float> unit;
  /// LIF: the network's readout is this population's membranes u_t (the
  /// value compared with the threshold, before the next step's reset),
  /// accumulated like a readout's currents (snnTorch's Leaky(output=True)
  /// read by its membrane).  Only net.readout may be one.
  bool membraneReadout = false;
  /// Input: a chip's stand-in for a population another chip computes
  /// (backends/Partition.h): its events are spikes (worth 1), so a max pool
  /// of them is their OR, as on one chip.  In memory only.
  bool standIn = false;
  /// LIF: the source model's float threshold (for reports: one state unit
  /// of channel c is vThreshold / threshold[c]); none in older packages.
  std::optional<double> vThreshold;
  /// LIF [C, H, W]: [qy, qx] when each neuron's current is the max of a
  /// qy x qx window of a finer grid of currents (a max pool before the
  /// neuron); empty otherwise.  Projections into it deliver to that grid.
  std::vector<int64_t> currentPool;

  int64_t channels() const { return shape.empty() ? 0 : shape[0]; }
  int64_t size() const { return NDArray::product(shape); }
  /// The grid its projections deliver currents to: the shape, or with
  /// currentPool [C, H * qy, W * qx].
  std::vector<int64_t> currentShape() const {
    if (currentPool.size() != 2 || shape.size() != 3)
      return shape;
    return {shape[0], shape[1] * currentPool[0], shape[2] * currentPool[1]};
  }
  /// Currents per sample (the size of currentShape()).
  int64_t currentSize() const { return NDArray::product(currentShape()); }
  /// Neurons per channel (H * W; 1 for dense populations).
  int64_t plane() const { return channels() ? size() / channels() : 0; }
};

struct CoreProjection {
  std::string name;
  ProjectionKind kind = ProjectionKind::Conv;
  int source = -1, target = -1; // population indices
  int64_t weightBits = 8;
  std::vector<int64_t> weightShape; // OIHW, [M, K] or [C]
  std::vector<int8_t> weights;
  std::vector<int64_t> strides, pads, dilations; // Conv; pads t, l, b, r
  std::vector<int64_t> inputPool;                // [py, px] or empty
  /// The input pool is a max pool of spikes: a window's events count once.
  bool inputPoolMax = false;
  /// The value a pooled address delivers at most: 1 for a max pool, the
  /// window's size for a sum.
  int64_t pooledEventBound() const {
    if (inputPool.empty() || inputPoolMax)
      return 1;
    return inputPool[0] * inputPool[1];
  }
};

/// The raw input values a model was compiled for (--input-range).
struct InputRange {
  double lo = 0.0, hi = 1.0;
};

struct CoreInput {
  std::vector<double> gain, offset; // per input channel
  float scale = 1.0f;
  int64_t bits = 8;
  /// None in a package written before the range was recorded.
  std::optional<InputRange> range;
};

/// Where the mapper put a population's state or a projection's weights.
struct CorePlacement {
  std::string object, memory;
  int64_t offsetBits = 0, sizeBits = 0;
};

/// Where `snnc compile --chips` put a population, or a slice of it (a
/// range of its output channels and of its rows), in a network split
/// across several chips.  A slice keeps the weights of its channels and
/// its own state and currents; the slices of a population tile its
/// channels x rows (validateNetwork checks they are disjoint and cover).
struct CoreChipSlice {
  int population = -1;
  int64_t chip = 0;
  int64_t firstChannel = 0, channels = 0;
  int64_t firstRow = 0, rows = 0; // rows of [C, H, W]; [C]: 0, 1
};

/// The most time steps a sample runs: what a package, --timesteps and an
/// ONNX model's snn.timesteps may ask for (the importer applies the same
/// bound).  Engines allocate per step; this keeps a hostile request from
/// exhausting the machine.
constexpr int64_t kMaxTimesteps = 100000;

struct CoreNetwork {
  std::string target; // the core description it was mapped to ("" if none)
  int64_t lanes = 1;  // synaptic operations per cycle on that core
  std::vector<CorePlacement> placements;
  /// Chips the network is split across (0: not partitioned, one core) and
  /// every LIF or readout population's slices on them.
  int64_t chips = 0;
  std::vector<CoreChipSlice> partition;
  InputEncoding encoding = InputEncoding::Direct;
  std::optional<int64_t> timesteps;
  CoreInput input;
  std::vector<CorePopulation> populations; // [0] is the input; topological
  std::vector<CoreProjection> projections; // in the order of their targets
  int readout = -1;
  /// The result is the readout's value at the last step instead of its
  /// mean over T (ONNX metadata snn.readout = last).
  bool readoutLast = false;
};

/// Checks every structural invariant the engines rely on (indices, shapes,
/// geometry, value ranges).  Packages are validated when read, so a
/// hand-edited file cannot crash an engine.
llvm::Error validateNetwork(const CoreNetwork &network);

} // namespace snnc

#endif // SNNC_RUNTIME_CORENETWORK_H
