//===- FloatGraph.h - the network as the float engine runs it ---*- C++ -*-===//
//
// A plain description of one time step of the network, produced from the
// snn dialect by backends/ and executed by runtime engines.  It has no MLIR
// or LibTorch types, so engines build without either.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_FLOATGRAPH_H
#define SNNC_RUNTIME_FLOATGRAPH_H

#include "snnc/Runtime/NDArray.h"
#include "snnc/Runtime/Numerics.h"

#include "snnc/Rules/Encoding.h"
#include <map>

#include <optional>
#include <string>
#include <vector>

namespace snnc {

enum class FloatOpKind {
  Conv2d,        // operands: input, weight[, bias]
  Dense,         // operands: input, weight [M, K][, bias]
  Norm,          // operands: input, scale, bias, mean, var
  ChannelAffine, // operands: input, scale, bias: x * scale[c] + bias[c]
  Add,           // operands: lhs, rhs (numpy broadcasting)
  Sub,
  Mul,
  Div,
  AvgPool, // operands: input
  MaxPool, // operands: input (spikes: padding is no spike)
  Flatten, // operands: input
  LIF      // operands: input
};

struct FloatOp {
  FloatOpKind kind;
  std::string name;           // the ONNX node name, for messages and stats
  std::vector<int> operands;  // value ids
  int result = -1;            // value id
  int64_t resultElements = 0; // of the result, per sample and step
  std::vector<int64_t> kernel, strides, pads, dilations; // pads: t, l, b, r
  std::vector<int64_t> inputPool; // Conv2d/Dense: sum-pool the input first
  bool inputPoolMax = false;      // ... or max-pool it (spikes)
  bool countIncludePad = false;
  float alpha = 1.0f, vThreshold = 1.0f, epsilon = 0.0f;
  std::vector<float> decay; // LIF: one, or one per channel
  numerics::Reset reset = numerics::Reset::Hard;
  bool fireGe = false;
  bool membrane = false; // LIF: the result is u_t (a membrane readout)
};

struct FloatGraph {
  std::vector<int64_t> inputShape; // one sample of one step, without N
  int64_t numOutputs = 0;          // K of the [N, K] readout
  std::optional<int64_t> timesteps;
  InputEncoding encoding = InputEncoding::Direct;
  /// The result is the readout's last step, not its mean over T.
  bool readoutLast = false;
  int numValues = 0;
  int input = -1, output = -1;
  std::map<int, NDArray> constants; // value id -> data
  std::vector<FloatOp> ops;         // in execution order
};

} // namespace snnc

#endif // SNNC_RUNTIME_FLOATGRAPH_H
