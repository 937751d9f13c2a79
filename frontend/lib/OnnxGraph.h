//===- OnnxGraph.h - state of one ONNX graph import -------------*- C++ -*-===//
//
// Internal to the frontend.  Decodes ONNX tensors and attributes, tracks the
// values that nodes define, and converts nodes into snn ops.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_FRONTEND_LIB_ONNXGRAPH_H
#define SNNC_FRONTEND_LIB_ONNXGRAPH_H

#include "snnc/IR/SNNOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <vector>

namespace snnc::frontend {

/// What a value carries, which decides where it may flow.  The network input
/// is Analog; projections and the affine maps after them make Currents; LIF
/// makes Spikes; pooling spikes makes Graded events.
// Membrane: a LIF's membranes, which only the graph's output may be.
enum class ValueKind { Analog, Current, Spikes, Graded, Membrane };
llvm::StringRef kindName(ValueKind kind);

/// A constant tensor kept on the host until an op needs it as an operand.
struct HostTensor {
  std::vector<int64_t> dims;
  std::vector<float> floats; // float32 tensors
  std::vector<int64_t> ints; // int64 tensors (shapes, pads)
  bool isInt = false;
  int64_t numElements() const;
};

/// Decodes a TensorProto; `what` names it in errors.
llvm::Expected<HostTensor> decodeTensor(const onnx::TensorProto &proto,
                                        llvm::StringRef what);

/// Typed access to a node's attributes, with defaults and type checks.
class NodeAttrs {
public:
  explicit NodeAttrs(const onnx::NodeProto &node);
  bool has(llvm::StringRef name) const;
  llvm::Expected<int64_t> getInt(llvm::StringRef name, int64_t dflt) const;
  llvm::Expected<float> getFloat(llvm::StringRef name, float dflt) const;
  llvm::Expected<float> getRequiredFloat(llvm::StringRef name) const;
  /// A required float or non-empty list of floats, all finite.
  llvm::Expected<std::vector<float>>
  getRequiredFloats(llvm::StringRef name) const;
  llvm::Expected<std::string> getString(llvm::StringRef name,
                                        llvm::StringRef dflt) const;
  llvm::Expected<std::vector<int64_t>> getInts(llvm::StringRef name,
                                               std::vector<int64_t> dflt) const;
  llvm::Expected<HostTensor> getTensor(llvm::StringRef name) const;
  /// Fails on any attribute outside `known`.
  llvm::Error checkKnown(llvm::ArrayRef<llvm::StringRef> known) const;

private:
  const onnx::AttributeProto *find(llvm::StringRef name) const;
  llvm::Error wrongType(const onnx::AttributeProto &attr,
                        llvm::StringRef expected) const;
  const onnx::NodeProto &node;
};

/// One value of the graph: an activation (an mlir::Value with its kind) or a
/// host constant, materialised as arith.constant on first use.
struct GraphValue {
  mlir::Value value;
  ValueKind kind = ValueKind::Analog;
  std::optional<HostTensor> constant;
  bool isConstant() const { return constant.has_value(); }
};

/// Builds the body of @main node by node.
class GraphImporter {
public:
  GraphImporter(mlir::OpBuilder &builder) : builder(builder) {}

  /// Defines a graph value; fails on a second definition of the same name.
  llvm::Error define(llvm::StringRef name, GraphValue value);
  const GraphValue *lookup(llvm::StringRef name) const;

  /// Records what the graph's nodes read and what it returns (a LIF's
  /// membrane output is accepted only as the graph's output).
  void setGraph(const onnx::GraphProto &graph);

  /// Converts one node; errors say what is wrong without the node prefix.
  llvm::Error convertNode(const onnx::NodeProto &node);

  /// The readout of a network that ends in a spiking layer: its firing
  /// rate, a gain of 1 on its [N, K] spikes (the mean over T is then the
  /// spike count / T).
  mlir::Value rateReadout(mlir::Value spikes, llvm::StringRef outputName);

private:
  // Operand access.
  llvm::Expected<const GraphValue *> input(const onnx::NodeProto &node,
                                           int index);
  llvm::Expected<const GraphValue *> activation(const onnx::NodeProto &node,
                                                int index);
  llvm::Expected<const HostTensor *> constant(const onnx::NodeProto &node,
                                              int index);
  mlir::Value materialize(const HostTensor &tensor);
  mlir::Value buildResidualAdd(mlir::Location loc, const GraphValue &lhs,
                               const GraphValue &rhs);
  llvm::Error defineOutput(const onnx::NodeProto &node, mlir::Value value,
                           ValueKind kind);
  llvm::Error checkProjectionInput(const GraphValue &value);
  mlir::Location loc(const onnx::NodeProto &node);

  // One converter per op family.
  llvm::Error convertConv(const onnx::NodeProto &node);
  llvm::Error convertGemm(const onnx::NodeProto &node);
  llvm::Error convertMatMul(const onnx::NodeProto &node);
  llvm::Error convertNorm(const onnx::NodeProto &node, bool thresholdDependent);
  llvm::Error convertLIF(const onnx::NodeProto &node);
  /// Whether a LIF node's membrane output is the readout (its second
  /// output is the graph's output); fails where the membrane or the
  /// spikes are read in a way snnc cannot run.
  llvm::Expected<bool> readsMembrane(const onnx::NodeProto &node,
                                     int64_t rank) const;
  llvm::Error convertBinary(const onnx::NodeProto &node);
  llvm::Error convertPool(const onnx::NodeProto &node, bool global);
  llvm::Error convertMaxPool(const onnx::NodeProto &node);
  llvm::Error convertFlatten(const onnx::NodeProto &node);
  llvm::Error convertReshape(const onnx::NodeProto &node);
  llvm::Error convertPad(const onnx::NodeProto &node);
  llvm::Error convertConstant(const onnx::NodeProto &node);
  llvm::Error alias(const onnx::NodeProto &node);

  mlir::OpBuilder &builder;
  llvm::StringMap<GraphValue> values;
  llvm::StringSet<> consumed; // every name a node reads
  std::string graphOutput;
};

/// An llvm::Error carrying `message`.
llvm::Error fail(const llvm::Twine &message);

} // namespace snnc::frontend

#endif // SNNC_FRONTEND_LIB_ONNXGRAPH_H
