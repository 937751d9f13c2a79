//===- OnnxOps.cpp - converting ONNX nodes to snn ops ---------------------===//
#include "OnnxGraph.h"
#include "OnnxOpsCommon.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace snnc;
using namespace snnc::frontend;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using llvm::StringRef;

/// A float as people write it: 0.5, -1, 1e-05.
static std::string num(float value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", double(value));
  return text;
}

RankedTensorType frontend::activationType(Value value) {
  return value.getType().cast<RankedTensorType>();
}

RankedTensorType frontend::f32Tensor(OpBuilder &builder,
                                     ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, builder.getF32Type());
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

Error GraphImporter::define(StringRef name, GraphValue value) {
  if (!values.try_emplace(name, std::move(value)).second)
    return fail(formatv("value '{0}' is defined twice", name));
  return Error::success();
}

const GraphValue *GraphImporter::lookup(StringRef name) const {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

Location GraphImporter::loc(const onnx::NodeProto &node) {
  return NameLoc::get(builder.getStringAttr(node.name().empty() ? node.op_type()
                                                                : node.name()));
}

Expected<const GraphValue *> GraphImporter::input(const onnx::NodeProto &node,
                                                  int index) {
  if (index >= node.input_size() || node.input(index).empty())
    return fail(formatv("input {0} is missing", index));
  const GraphValue *value = lookup(node.input(index));
  if (!value)
    return fail(formatv("input '{0}' is not defined by the graph input, an "
                        "initializer or an earlier node",
                        node.input(index)));
  return value;
}

Expected<const GraphValue *>
GraphImporter::activation(const onnx::NodeProto &node, int index) {
  SNNC_TRY(value, input(node, index));
  if (value->isConstant())
    return fail(formatv("input '{0}' must be an activation, not a constant",
                        node.input(index)));
  return value;
}

Expected<const HostTensor *>
GraphImporter::constant(const onnx::NodeProto &node, int index) {
  SNNC_TRY(value, input(node, index));
  if (!value->isConstant())
    return fail(formatv("input '{0}' must be a constant (initializer or "
                        "Constant node)",
                        node.input(index)));
  return &*value->constant;
}

Value GraphImporter::materialize(const HostTensor &tensor) {
  auto type = f32Tensor(builder, tensor.dims);
  auto attr =
      DenseElementsAttr::get(type, llvm::ArrayRef<float>(tensor.floats));
  return builder.create<arith::ConstantOp>(builder.getUnknownLoc(), attr);
}

Error GraphImporter::defineOutput(const onnx::NodeProto &node, Value value,
                                  ValueKind kind) {
  if (node.output_size() < 1 || node.output(0).empty())
    return fail("the node has no output");
  for (int i = 1; i < node.output_size(); ++i)
    if (!node.output(i).empty())
      return fail(
          formatv("output {0} ('{1}') is not supported", i, node.output(i)));
  GraphValue out;
  out.value = value;
  out.kind = kind;
  return define(node.output(0), std::move(out));
}

Error GraphImporter::checkProjectionInput(const GraphValue &value) {
  if (value.kind == ValueKind::Current)
    return fail("its input is a current; a projection reads spikes, pooled "
                "spikes or the network input (put a LIF in between)");
  return Error::success();
}

/// Affine maps keep the analog input analog and turn everything else into a
/// current (tdBN on spikes is the identity shortcut of a residual block).
static ValueKind affineKind(ValueKind in) {
  return in == ValueKind::Analog ? ValueKind::Analog : ValueKind::Current;
}

static Error checkFloat(const HostTensor &tensor, StringRef what) {
  if (tensor.isInt)
    return fail(formatv("{0} must be float32", what));
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Window geometry shared by Conv and AveragePool
//===----------------------------------------------------------------------===//

Expected<Window> frontend::readWindow(const NodeAttrs &attrs,
                                      RankedTensorType input,
                                      std::vector<int64_t> kernel) {
  Window window;
  window.kernel = std::move(kernel);
  SNNC_TRY(strides, attrs.getInts("strides", {1, 1}));
  SNNC_TRY(pads, attrs.getInts("pads", {0, 0, 0, 0}));
  SNNC_TRY(dilations, attrs.getInts("dilations", {1, 1}));
  SNNC_TRY(autoPad, attrs.getString("auto_pad", "NOTSET"));
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4 ||
      window.kernel.size() != 2)
    return fail(
        "only 2-D windows are supported (2 strides, 2 dilations, 4 pads)");
  // Bounded before any arithmetic (SAME padding below multiplies them).
  for (const std::vector<int64_t> *terms :
       {&window.kernel, &strides, &pads, &dilations})
    for (int64_t term : *terms)
      if (term > snn::kMaxWindowParam || term < -snn::kMaxWindowParam)
        return fail(formatv("window parameter {0} is out of range (kernel, "
                            "strides, pads and dilations are at most {1})",
                            term, snn::kMaxWindowParam));
  // The ONNX spec: "explicit padding ... cannot be used simultaneously
  // with auto_pad". Which of the two an exporter meant is unknowable.
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return fail(formatv("auto_pad '{0}' is not supported", autoPad));
  if (autoPad != "NOTSET" && attrs.has("pads"))
    return fail(formatv("auto_pad '{0}' and explicit pads are both given; "
                        "ONNX allows one or the other",
                        autoPad));
  if (autoPad == "VALID") {
    pads.assign(4, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int axis = 0; axis < 2; ++axis) {
      int64_t in = input.getDimSize(2 + axis);
      if (strides[axis] < 1)
        return fail("strides must be >= 1");
      int64_t out = (in + strides[axis] - 1) / strides[axis];
      int64_t span = dilations[axis] * (window.kernel[axis] - 1) + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * strides[axis] + span - in);
      int64_t small = total / 2, large = total - small;
      pads[axis] = autoPad == "SAME_UPPER" ? small : large;
      pads[axis + 2] = autoPad == "SAME_UPPER" ? large : small;
    }
  }
  window.strides = strides;
  window.pads = pads;
  window.dilations = dilations;
  return window;
}

Expected<RankedTensorType> frontend::windowResult(OpBuilder &builder,
                                                  RankedTensorType input,
                                                  const Window &window,
                                                  int64_t channels) {
  SmallVector<int64_t, 4> shape = {input.getDimSize(0), channels};
  for (int axis = 0; axis < 2; ++axis) {
    std::string why;
    snn::WindowAxis geometry{
        input.getDimSize(2 + axis), window.kernel[axis],
        window.strides[axis],       window.pads[axis],
        window.pads[axis + 2],      window.dilations[axis]};
    std::optional<int64_t> size = snn::windowOutputSize(geometry, why);
    if (!size)
      return fail(formatv("spatial axis {0}: {1}", axis + 2, why));
    shape.push_back(*size);
  }
  return f32Tensor(builder, shape);
}

Error frontend::requireRank(const GraphValue &value, int64_t rank,
                            StringRef what) {
  if (activationType(value.value).getRank() != rank)
    return fail(formatv("{0} must have rank {1}, it has rank {2}", what, rank,
                        activationType(value.value).getRank()));
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Projections
//===----------------------------------------------------------------------===//

Error GraphImporter::convertConv(const onnx::NodeProto &node) {
  NodeAttrs attrs(node);
  if (Error err = attrs.checkKnown({"auto_pad", "dilations", "group",
                                    "kernel_shape", "pads", "strides"}))
    return err;
  SNNC_TRY(x, activation(node, 0));
  SNNC_TRY(w, constant(node, 1));
  if (Error err = checkProjectionInput(*x))
    return err;
  if (Error err = requireRank(*x, 4, "the input"))
    return err;
  if (Error err = checkFloat(*w, "the weight"))
    return err;
  if (w->dims.size() != 4)
    return fail("the weight must be 4-D [out, in, kh, kw]");
  SNNC_TRY(group, attrs.getInt("group", 1));
  if (group != 1)
    return fail(
        formatv("group = {0} is not supported (only group = 1)", group));
  RankedTensorType inType = activationType(x->value);
  if (w->dims[1] != inType.getDimSize(1))
    return fail(
        formatv("the weight expects {0} input channels, the input has {1}",
                w->dims[1], inType.getDimSize(1)));
  std::vector<int64_t> kernel = {w->dims[2], w->dims[3]};
  SNNC_TRY(kernelShape, attrs.getInts("kernel_shape", kernel));
  if (kernelShape != kernel)
    return fail("kernel_shape differs from the weight's kernel");
  SNNC_TRY(window, readWindow(attrs, inType, kernel));
  SNNC_TRY(resultType, windowResult(builder, inType, window, w->dims[0]));
  Value bias;
  if (node.input_size() > 2 && !node.input(2).empty()) {
    SNNC_TRY(b, constant(node, 2));
    if (b->isInt || b->dims.size() != 1 || b->dims[0] != w->dims[0])
      return fail(formatv("the bias must be float32 [{0}]", w->dims[0]));
    bias = materialize(*b);
  }
  Value weight = materialize(*w);
  auto op = builder.create<snn::Conv2dOp>(
      loc(node), resultType, x->value, weight, bias,
      builder.getDenseI64ArrayAttr(window.strides),
      builder.getDenseI64ArrayAttr(window.pads),
      builder.getDenseI64ArrayAttr(window.dilations),
      /*input_pool=*/nullptr, /*input_pool_max=*/nullptr);
  return defineOutput(node, op, ValueKind::Current);
}

/// Builds snn.dense from a row-major [M, K] weight and an optional bias.
static Value buildDense(OpBuilder &builder, Location loc, Value input,
                        Value weight, Value bias, int64_t outputs) {
  auto type =
      f32Tensor(builder, {activationType(input).getDimSize(0), outputs});
  return builder.create<snn::DenseOp>(loc, type, input, weight, bias,
                                      /*input_pool=*/nullptr,
                                      /*input_pool_max=*/nullptr);
}

static HostTensor transpose2d(const HostTensor &in) {
  HostTensor out;
  out.dims = {in.dims[1], in.dims[0]};
  out.floats.resize(in.floats.size());
  for (int64_t r = 0; r < in.dims[0]; ++r)
    for (int64_t c = 0; c < in.dims[1]; ++c)
      out.floats[c * in.dims[0] + r] = in.floats[r * in.dims[1] + c];
  return out;
}

Error GraphImporter::convertGemm(const onnx::NodeProto &node) {
  NodeAttrs attrs(node);
  if (Error err = attrs.checkKnown({"alpha", "beta", "transA", "transB"}))
    return err;
  SNNC_TRY(x, activation(node, 0));
  SNNC_TRY(b, constant(node, 1));
  if (Error err = checkProjectionInput(*x))
    return err;
  if (Error err = requireRank(*x, 2, "input A"))
    return err;
  SNNC_TRY(transA, attrs.getInt("transA", 0));
  SNNC_TRY(transB, attrs.getInt("transB", 0));
  SNNC_TRY(alpha, attrs.getFloat("alpha", 1.0f));
  SNNC_TRY(beta, attrs.getFloat("beta", 1.0f));
  if (transA != 0 && transA != 1)
    return fail(formatv("transA must be 0 or 1, got {0}", transA));
  if (transB != 0 && transB != 1)
    return fail(formatv("transB must be 0 or 1, got {0}", transB));
  if (transA != 0)
    return fail("transA = 1 is not supported: A is the activation [N, K]");
  if (b->isInt || b->dims.size() != 2)
    return fail("B must be a 2-D float32 constant");
  HostTensor weight = transB ? *b : transpose2d(*b);
  int64_t outputs = weight.dims[0], inputs = weight.dims[1];
  if (inputs != activationType(x->value).getDimSize(1))
    return fail(formatv("B expects {0} inputs, A has {1}", inputs,
                        activationType(x->value).getDimSize(1)));
  if (alpha != 1.0f)
    for (float &v : weight.floats)
      if (!std::isfinite(v *= alpha))
        return fail("alpha scales a weight beyond float range");
  Value bias;
  if (node.input_size() > 2 && !node.input(2).empty()) {
    SNNC_TRY(c, constant(node, 2));
    // C broadcasts over the batch: [M], [1, M] or a scalar.
    bool perOutput =
        c->numElements() == outputs &&
        (c->dims.size() == 1 || (c->dims.size() == 2 && c->dims[0] == 1));
    if (c->isInt || !(perOutput || c->numElements() == 1))
      return fail(
          formatv("C must broadcast to [{0}] (one bias per output)", outputs));
    HostTensor biasTensor;
    biasTensor.dims = {outputs};
    for (int64_t i = 0; i < outputs; ++i) {
      biasTensor.floats.push_back(beta * c->floats[perOutput ? i : 0]);
      if (!std::isfinite(biasTensor.floats.back()))
        return fail("beta scales a bias beyond float range");
    }
    bias = materialize(biasTensor);
  }
  Value out = buildDense(builder, loc(node), x->value, materialize(weight),
                         bias, outputs);
  return defineOutput(node, out, ValueKind::Current);
}

Error GraphImporter::convertMatMul(const onnx::NodeProto &node) {
  if (Error err = NodeAttrs(node).checkKnown({}))
    return err;
  SNNC_TRY(x, activation(node, 0));
  SNNC_TRY(b, constant(node, 1));
  if (Error err = checkProjectionInput(*x))
    return err;
  if (Error err = requireRank(*x, 2, "input A"))
    return err;
  if (b->isInt || b->dims.size() != 2)
    return fail("B must be a 2-D float32 constant [K, M]");
  if (b->dims[0] != activationType(x->value).getDimSize(1))
    return fail(formatv("B expects {0} inputs, A has {1}", b->dims[0],
                        activationType(x->value).getDimSize(1)));
  Value out = buildDense(builder, loc(node), x->value,
                         materialize(transpose2d(*b)), Value(), b->dims[1]);
  return defineOutput(node, out, ValueKind::Current);
}

//===----------------------------------------------------------------------===//
// Normalization and neurons
//===----------------------------------------------------------------------===//

Error GraphImporter::convertNorm(const onnx::NodeProto &node,
                                 bool thresholdDependent) {
  NodeAttrs attrs(node);
  if (thresholdDependent) {
    if (Error err = attrs.checkKnown({"alpha", "v_threshold", "epsilon"}))
      return err;
  } else if (Error err = attrs.checkKnown(
                 {"epsilon", "momentum", "training_mode", "spatial"})) {
    return err;
  }
  SNNC_TRY(x, activation(node, 0));
  RankedTensorType inType = activationType(x->value);
  if (inType.getRank() < 2)
    return fail("the input needs a channel dim (rank >= 2)");
  int64_t channels = inType.getDimSize(1);
  SmallVector<Value, 4> params;
  static const char *names[] = {"scale", "B", "mean", "var"};
  for (int i = 0; i < 4; ++i) {
    SNNC_TRY(p, constant(node, i + 1));
    if (p->isInt || p->dims.size() != 1 || p->dims[0] != channels)
      return fail(formatv("{0} must be float32 [{1}] (one per channel)",
                          names[i], channels));
    if (i == 3)
      for (float v : p->floats)
        if (v < 0.0f)
          return fail("var has a negative entry");
    params.push_back(materialize(*p));
  }
  SNNC_TRY(epsilon, attrs.getFloat("epsilon", 1e-5f));
  float alpha = 1.0f, threshold = 1.0f;
  if (thresholdDependent) {
    SNNC_TRY(a, attrs.getFloat("alpha", 1.0f));
    SNNC_TRY(vth, attrs.getRequiredFloat("v_threshold"));
    alpha = a;
    threshold = vth;
    if (!std::isfinite(alpha))
      return fail("alpha must be finite");
    if (!(threshold > 0.0f) || !std::isfinite(threshold))
      return fail(formatv("v_threshold must be finite and > 0, got {0}",
                          num(threshold)));
  } else {
    SNNC_TRY(training, attrs.getInt("training_mode", 0));
    if (training != 0)
      return fail("training_mode = 1 is not an inference graph");
  }
  if (!(epsilon >= 0.0f) || !std::isfinite(epsilon))
    return fail(
        formatv("epsilon must be finite and >= 0, got {0}", num(epsilon)));
  auto op = builder.create<snn::TdBatchNormOp>(loc(node), x->value, params[0],
                                               params[1], params[2], params[3],
                                               alpha, threshold, epsilon);
  return defineOutput(node, op, affineKind(x->kind));
}

Error GraphImporter::convertLIF(const onnx::NodeProto &node) {
  NodeAttrs attrs(node);
  if (Error err = attrs.checkKnown({"v_threshold", "decay", "reset", "fire"}))
    return err;
  SNNC_TRY(threshold, attrs.getRequiredFloat("v_threshold"));
  SNNC_TRY(decays, attrs.getRequiredFloats("decay"));
  SNNC_TRY(reset, attrs.getString("reset", "hard"));
  SNNC_TRY(fire, attrs.getString("fire", "gt"));
  if (!(threshold > 0.0f) || !std::isfinite(threshold))
    return fail(
        formatv("v_threshold must be finite and > 0, got {0}", num(threshold)));
  for (float decay : decays)
    if (!(decay >= 0.0f && decay <= 1.0f))
      return fail(formatv("decay must be in [0, 1], got {0}", num(decay)));
  std::optional<snn::ResetMode> resetMode = snn::symbolizeResetMode(reset);
  if (!resetMode)
    return fail(
        formatv("reset must be \"hard\", \"soft\" or \"subtract\", got \"{0}\"",
                reset));
  std::optional<snn::FireMode> fireMode = snn::symbolizeFireMode(fire);
  if (!fireMode)
    return fail(formatv("fire must be \"gt\" or \"ge\", got \"{0}\"", fire));
  SNNC_TRY(x, activation(node, 0));
  if (x->kind != ValueKind::Current)
    return fail(formatv("the LIF input must be a synaptic current (from Conv, "
                        "Gemm/MatMul, a normalization or a residual Add), "
                        "here it is {0}",
                        kindName(x->kind)));
  // A list of decays is one per channel (axis 1).
  int64_t channels = activationType(x->value).getDimSize(1);
  if (decays.size() > 1 && int64_t(decays.size()) != channels)
    return fail(formatv("decay has {0} values; a per-channel decay needs one "
                        "per channel ({1})",
                        decays.size(), channels));
  mlir::Attribute decay =
      decays.size() == 1
          ? mlir::Attribute(builder.getF32FloatAttr(decays[0]))
          : mlir::Attribute(builder.getDenseF32ArrayAttr(decays));
  SNNC_TRY(membrane, readsMembrane(node, activationType(x->value).getRank()));
  auto op = builder.create<snn::LIFOp>(
      loc(node), x->value.getType(), x->value,
      snn::ResetModeAttr::get(builder.getContext(), *resetMode),
      snn::FireModeAttr::get(builder.getContext(), *fireMode),
      builder.getF32FloatAttr(threshold), decay,
      membrane ? builder.getUnitAttr() : nullptr);
  // Y, or for a membrane readout U (Y then has no reader).
  GraphValue out;
  out.value = op;
  out.kind = membrane ? ValueKind::Membrane : ValueKind::Spikes;
  return define(node.output(membrane ? 1 : 0), std::move(out));
}

void GraphImporter::setGraph(const onnx::GraphProto &graph) {
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &name : node.input())
      consumed.insert(name);
  if (graph.output_size() > 0)
    graphOutput = graph.output(0).name();
}

Expected<bool> GraphImporter::readsMembrane(const onnx::NodeProto &node,
                                            int64_t rank) const {
  if (node.output_size() < 1 || node.output(0).empty())
    return fail("the node has no output Y");
  if (node.output_size() > 2)
    return fail(formatv("it has {0} outputs; a LIF has Y (spikes) and "
                        "optionally U (membranes)",
                        node.output_size()));
  const std::string membrane = node.output_size() == 2 ? node.output(1) : "";
  if (membrane.empty() ||
      (!consumed.count(membrane) && membrane != graphOutput))
    return false; // U unused: a plain LIF
  if (consumed.count(membrane))
    return fail(formatv("its membranes '{0}' are read by another node; snnc "
                        "reads a LIF's membranes only as the graph's output "
                        "(the readout)",
                        membrane));
  if (consumed.count(node.output(0)) || node.output(0) == graphOutput)
    return fail(formatv("its spikes '{0}' are read while its membranes '{1}' "
                        "are the readout; a LIF read out by its membranes "
                        "ends the network",
                        node.output(0), membrane));
  if (rank != 2)
    return fail(formatv("its membranes '{0}' are the readout but have rank "
                        "{1}; a membrane readout is [N, K] (a LIF after "
                        "Gemm/MatMul)",
                        membrane, rank));
  return true;
}

//===----------------------------------------------------------------------===//
// Elementwise arithmetic
//===----------------------------------------------------------------------===//

/// True when `small` broadcasts into `big` without growing it.
static bool broadcastsInto(ArrayRef<int64_t> small, ArrayRef<int64_t> big) {
  if (small.size() > big.size())
    return false;
  for (size_t i = 0; i < small.size(); ++i) {
    int64_t s = small[small.size() - 1 - i], b = big[big.size() - 1 - i];
    if (s != 1 && s != b)
      return false;
  }
  return true;
}

/// What a residual Add of two activations gives:
/// - two currents: their sum (a basic block's branches before one LIF);
/// - a current and spikes: a current (the identity shortcut of a spiking
///   ResNet adds the block's input spikes to the branch's current: a
///   one-to-one projection of weight 1, see buildResidualAdd);
/// - spikes or graded events on both sides: graded events (SEW ResNet's ADD
///   of spikes: an event of value 2 where both fire; the next projection
///   reads each operand with the same weights, snn-distribute-event-sums).
static Expected<ValueKind> residualKind(const GraphValue &lhs,
                                        const GraphValue &rhs) {
  auto isEvents = [](const GraphValue &v) {
    return v.kind == ValueKind::Spikes || v.kind == ValueKind::Graded;
  };
  if (lhs.kind == ValueKind::Current && rhs.kind == ValueKind::Current)
    return ValueKind::Current;
  if (isEvents(lhs) && isEvents(rhs))
    return ValueKind::Graded;
  const GraphValue &other = lhs.kind == ValueKind::Current ? rhs : lhs;
  if ((lhs.kind == ValueKind::Current || rhs.kind == ValueKind::Current) &&
      other.kind == ValueKind::Spikes)
    return ValueKind::Current;
  return fail(formatv("a residual Add of {0} and {1} is not supported (it "
                      "adds two currents, a current and spikes, or spikes "
                      "and spikes)",
                      kindName(lhs.kind), kindName(rhs.kind)));
}

Value GraphImporter::buildResidualAdd(Location loc, const GraphValue &lhs,
                                      const GraphValue &rhs) {
  auto current = [&](const GraphValue &v) -> Value {
    if (v.kind != ValueKind::Spikes ||
        (lhs.kind != ValueKind::Current && rhs.kind != ValueKind::Current))
      return v.value;
    // Spikes added to a current: a gain of 1 (snn-fold-tdbn makes it a
    // one-to-one projection).
    auto type = activationType(v.value);
    HostTensor ones;
    ones.dims = {type.getDimSize(1)};
    for (int64_t i = 2; i < type.getRank(); ++i)
      ones.dims.push_back(1);
    ones.floats.assign(size_t(type.getDimSize(1)), 1.0f);
    return builder.create<snn::MulOp>(loc, type, v.value, materialize(ones));
  };
  Value a = current(lhs), b = current(rhs);
  return builder.create<snn::AddOp>(loc, a.getType(), a, b);
}

template <typename OpTy>
static Value buildBinary(OpBuilder &builder, Location loc, Type type, Value lhs,
                         Value rhs) {
  return builder.create<OpTy>(loc, type, lhs, rhs);
}

Error GraphImporter::convertBinary(const onnx::NodeProto &node) {
  if (Error err = NodeAttrs(node).checkKnown({}))
    return err;
  SNNC_TRY(lhs, input(node, 0));
  SNNC_TRY(rhs, input(node, 1));
  StringRef op = node.op_type();
  if (lhs->isConstant() && rhs->isConstant())
    return fail("both operands are constants; fold them before export");
  Value result;
  ValueKind kind;
  if (!lhs->isConstant() && !rhs->isConstant()) {
    if (op != "Add")
      return fail(formatv("{0} of two activations is not supported (only the "
                          "Add of currents or spikes of a residual block)",
                          op));
    SNNC_TRY(sumKind, residualKind(*lhs, *rhs));
    if (lhs->value.getType() != rhs->value.getType())
      return fail("the two operands of a residual Add differ in shape");
    return defineOutput(node, buildResidualAdd(loc(node), *lhs, *rhs), sumKind);
  } else {
    const GraphValue *act = lhs->isConstant() ? rhs : lhs;
    const HostTensor &c = lhs->isConstant() ? *lhs->constant : *rhs->constant;
    if (c.isInt)
      return fail("the constant operand must be float32");
    if (op == "Div" && lhs->isConstant())
      return fail("division by an activation is not supported");
    ArrayRef<int64_t> shape = activationType(act->value).getShape();
    if (!broadcastsInto(c.dims, shape)) {
      // A constant shaped like the activation, batch and all, is almost
      // always state that tracing captured: a neuron's membrane.
      bool stateLike = c.dims.size() == shape.size() &&
                       llvm::equal(ArrayRef<int64_t>(c.dims).drop_front(),
                                   shape.drop_front());
      if (stateLike)
        return fail("the constant operand has the activation's own shape "
                    "with a batch of " +
                    std::to_string(c.dims[0]) +
                    ": this is usually a neuron's membrane state captured at "
                    "export; reset the network's state (SpikingJelly: "
                    "functional.reset_net) and export one step with "
                    "snnc_torch.export, whose snn.LIF keeps the state");
      return fail("the constant operand must broadcast into the activation's "
                  "shape without growing it");
    }
    kind = affineKind(act->kind);
  }
  Value a = lhs->isConstant() ? materialize(*lhs->constant) : lhs->value;
  Value b = rhs->isConstant() ? materialize(*rhs->constant) : rhs->value;
  Type type = (lhs->isConstant() ? rhs : lhs)->value.getType();
  Location location = loc(node);
  if (op == "Add")
    result = buildBinary<snn::AddOp>(builder, location, type, a, b);
  else if (op == "Sub")
    result = buildBinary<snn::SubOp>(builder, location, type, a, b);
  else if (op == "Mul")
    result = buildBinary<snn::MulOp>(builder, location, type, a, b);
  else
    result = buildBinary<snn::DivOp>(builder, location, type, a, b);
  return defineOutput(node, result, kind);
}

Error GraphImporter::convertConstant(const onnx::NodeProto &node) {
  NodeAttrs attrs(node);
  if (Error err = attrs.checkKnown({"value", "value_float", "value_ints"}))
    return err;
  if (node.attribute_size() > 1)
    return fail("a Constant takes one of 'value', 'value_float' and "
                "'value_ints'");
  GraphValue value;
  if (attrs.has("value")) {
    SNNC_TRY(tensor, attrs.getTensor("value"));
    value.constant = tensor;
  } else if (attrs.has("value_float")) {
    SNNC_TRY(f, attrs.getFloat("value_float", 0.0f));
    value.constant = HostTensor{{}, {f}, {}, false};
  } else if (attrs.has("value_ints")) {
    SNNC_TRY(ints, attrs.getInts("value_ints", {}));
    value.constant = HostTensor{{int64_t(ints.size())}, {}, ints, true};
  } else {
    return fail("a Constant needs 'value', 'value_float' or 'value_ints'");
  }
  if (node.output_size() != 1)
    return fail("a Constant has exactly one output");
  return define(node.output(0), std::move(value));
}

Error GraphImporter::alias(const onnx::NodeProto &node) {
  SNNC_TRY(x, input(node, 0));
  if (node.output_size() < 1)
    return fail("the node has no output");
  GraphValue copy = *x;
  return define(node.output(0), std::move(copy));
}

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

Error GraphImporter::convertNode(const onnx::NodeProto &node) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.type() == onnx::AttributeProto::GRAPH ||
        attr.type() == onnx::AttributeProto::GRAPHS)
      return fail("subgraphs are not supported: the graph describes one time "
                  "step without control flow (a Loop or Scan is usually the "
                  "time loop of a multi-step export: export one step with "
                  "snnc_torch.export; see docs/onnx-convention.md)");
  StringRef domain = node.domain(), op = node.op_type();
  if (domain == "snn") {
    if (op == "LIF")
      return convertLIF(node);
    if (op == "TdBatchNorm")
      return convertNorm(node, /*thresholdDependent=*/true);
    return fail(formatv("unknown op '{0}' in domain 'snn'", op));
  }
  if (!domain.empty() && domain != "ai.onnx")
    return fail(formatv("unknown domain '{0}'", domain));
  if (op == "Conv")
    return convertConv(node);
  if (op == "Gemm")
    return convertGemm(node);
  if (op == "MatMul")
    return convertMatMul(node);
  if (op == "BatchNormalization")
    return convertNorm(node, /*thresholdDependent=*/false);
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div")
    return convertBinary(node);
  if (op == "AveragePool")
    return convertPool(node, /*global=*/false);
  if (op == "GlobalAveragePool")
    return convertPool(node, /*global=*/true);
  if (op == "MaxPool")
    return convertMaxPool(node);
  if (op == "Flatten")
    return convertFlatten(node);
  if (op == "Reshape")
    return convertReshape(node);
  if (op == "Pad")
    return convertPad(node);
  if (op == "Identity")
    return alias(node);
  if (op == "Constant")
    return convertConstant(node);
  if (op == "If" || op == "Loop" || op == "Scan")
    return fail("subgraph ops are not supported: the graph describes one time "
                "step without control flow");
  if (op == "Greater" || op == "GreaterOrEqual" || op == "Less" ||
      op == "LessOrEqual" || op == "Equal" || op == "Sign" || op == "Where")
    return fail(formatv("unsupported op '{0}': a comparison is usually a "
                        "spiking neuron exported as plain ONNX; export neurons "
                        "as snn.LIF with snnc_torch.export, or convert "
                        "SpikingJelly and snnTorch nets with "
                        "snnc_torch.from_spikingjelly / from_snntorch (see "
                        "docs/interop.md)",
                        op));
  return fail(formatv("unsupported op '{0}'", op));
}
