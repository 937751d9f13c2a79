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
  std::vector<float> unit; // Readout: real value of one accumulator unit

  int64_t channels() const { return shape.empty() ? 0 : shape[0]; }
  int64_t size() const { return NDArray::product(shape); }
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
};

struct CoreInput {
  std::vector<double> gain, offset; // per input channel
  float scale = 1.0f;
  int64_t bits = 8;
};

/// Where the mapper put a population's state or a projection's weights.
struct CorePlacement {
  std::string object, memory;
  int64_t offsetBits = 0, sizeBits = 0;
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
  InputEncoding encoding = InputEncoding::Direct;
  std::optional<int64_t> timesteps;
  CoreInput input;
  std::vector<CorePopulation> populations; // [0] is the input; topological
  std::vector<CoreProjection> projections; // in the order of their targets
  int readout = -1;
};

/// Checks every structural invariant the engines rely on (indices, shapes,
/// geometry, value ranges).  Packages are validated when read, so a
/// hand-edited file cannot crash an engine.
llvm::Error validateNetwork(const CoreNetwork &network);

} // namespace snnc

#endif // SNNC_RUNTIME_CORENETWORK_H
