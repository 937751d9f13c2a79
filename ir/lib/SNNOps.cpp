//===- SNNOps.cpp - snn dialect operations --------------------------------===//
#include "snnc/IR/SNNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

#include <cmath>

using namespace mlir;
using namespace snnc::snn;

std::string snnc::snn::layerName(Operation *op) {
  if (auto name = op->getLoc().dyn_cast<NameLoc>())
    return name.getName().str();
  return op->getName().getStringRef().str();
}

std::optional<int64_t> snnc::snn::windowOutputSize(const WindowAxis &axis,
                                                   std::string &why) {
  rules::WindowSize result = rules::checkWindow(axis);
  if (!result) {
    why = rules::describe(result);
    return std::nullopt;
  }
  return result.size;
}

/// A dim for messages: "?" for the dynamic batch dim.
static std::string dimStr(int64_t dim) {
  return ShapedType::isDynamic(dim) ? "?" : std::to_string(dim);
}

/// Checks a window op's NCHW output shape against the shape its geometry
/// implies.  ODS has checked the attributes' counts (SNN_AxisPair, SNN_Pads).
static LogicalResult
verifyWindow(Operation *op, RankedTensorType input, RankedTensorType output,
             ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
             int64_t outChannels) {
  for (int axis = 0; axis < 2; ++axis) {
    int64_t in = input.getDimSize(2 + axis);
    if (ShapedType::isDynamic(in))
      return op->emitOpError("spatial dims must be static");
    std::string why;
    WindowAxis geometry{in,         kernel[axis],   strides[axis],
                        pads[axis], pads[axis + 2], dilations[axis]};
    std::optional<int64_t> size = windowOutputSize(geometry, why);
    if (!size)
      return op->emitOpError()
             << "invalid window on axis " << axis + 2 << ": " << why;
    if (output.getDimSize(2 + axis) != *size)
      return op->emitOpError()
             << "output dim " << axis + 2 << " is "
             << output.getDimSize(2 + axis) << ", expected " << *size;
  }
  if (output.getDimSize(1) != outChannels)
    return op->emitOpError() << "output has " << output.getDimSize(1)
                             << " channels, expected " << outChannels;
  if (output.getDimSize(0) != input.getDimSize(0))
    return op->emitOpError("batch dims of input and output differ");
  return success();
}

/// The input as a projection sees it: through `input_pool`, if any (ODS has
/// checked its two entries >= 1: SNN_PoolWindow).
static FailureOr<RankedTensorType>
pooledInput(Operation *op, RankedTensorType input,
            std::optional<ArrayRef<int64_t>> pool) {
  if (!pool)
    return input;
  if (input.getRank() != 4)
    return op->emitOpError("input_pool needs an NCHW input");
  SmallVector<int64_t, 4> shape(input.getShape());
  shape[2] /= (*pool)[0];
  shape[3] /= (*pool)[1];
  if (shape[2] < 1 || shape[3] < 1)
    return op->emitOpError("input_pool window is larger than the input");
  return RankedTensorType::get(shape, input.getElementType());
}

/// The number of inputs a dense projection reads: checks the input's rank
/// and pooling, then multiplies the (pooled) dims after the batch dim.
static FailureOr<int64_t> denseFeatures(Operation *op, Value input,
                                        std::optional<ArrayRef<int64_t>> pool) {
  auto type = input.getType().cast<RankedTensorType>();
  if (type.getRank() != 2 && type.getRank() != 4)
    return op->emitOpError("input must be [N, K] or [N, C, H, W]");
  auto pooled = pooledInput(op, type, pool);
  if (failed(pooled))
    return failure();
  int64_t features = 1;
  for (int64_t dim : pooled->getShape().drop_front())
    features *= dim;
  return features;
}

LogicalResult Conv2dOp::verify() {
  if (getInputPoolMax() && !getInputPool())
    return emitOpError("input_pool_max needs an input_pool window");
  auto pooled = pooledInput(
      *this, getInput().getType().cast<RankedTensorType>(), getInputPool());
  if (failed(pooled))
    return failure();
  RankedTensorType input = *pooled;
  auto weight = getWeight().getType().cast<RankedTensorType>();
  if (weight.getDimSize(1) != input.getDimSize(1))
    return emitOpError() << "weight expects " << weight.getDimSize(1)
                         << " input channels, input has "
                         << input.getDimSize(1);
  if (getBias() && getBias().getType().cast<RankedTensorType>().getDimSize(0) !=
                       weight.getDimSize(0))
    return emitOpError("bias size differs from the number of output channels");
  int64_t kernel[2] = {weight.getDimSize(2), weight.getDimSize(3)};
  return verifyWindow(
      *this, input, getOutput().getType().cast<RankedTensorType>(), kernel,
      getStrides(), getPads(), getDilations(), weight.getDimSize(0));
}

LogicalResult DenseOp::verify() {
  if (getInputPoolMax() && !getInputPool())
    return emitOpError("input_pool_max needs an input_pool window");
  FailureOr<int64_t> features =
      denseFeatures(*this, getInput(), getInputPool());
  if (failed(features))
    return failure();
  auto input = getInput().getType().cast<RankedTensorType>();
  auto weight = getWeight().getType().cast<RankedTensorType>();
  auto output = getOutput().getType().cast<RankedTensorType>();
  if (weight.getDimSize(1) != *features)
    return emitOpError() << "weight expects " << weight.getDimSize(1)
                         << " inputs, input has " << *features;
  if (getBias() && getBias().getType().cast<RankedTensorType>().getDimSize(0) !=
                       weight.getDimSize(0))
    return emitOpError("bias size differs from the number of outputs");
  if (output.getDimSize(1) != weight.getDimSize(0) ||
      output.getDimSize(0) != input.getDimSize(0))
    return emitOpError() << "output must be [" << dimStr(input.getDimSize(0))
                         << ", " << weight.getDimSize(0) << "]";
  return success();
}

static LogicalResult verifyThreshold(Operation *op, float threshold) {
  if (!(threshold > 0.0f) || !std::isfinite(threshold))
    return op->emitOpError()
           << "v_threshold must be finite and > 0, got " << threshold;
  return success();
}

LogicalResult TdBatchNormOp::verify() {
  auto input = getInput().getType().cast<RankedTensorType>();
  if (input.getRank() < 2)
    return emitOpError("input needs a channel dim (rank >= 2)");
  int64_t channels = input.getDimSize(1);
  for (Value param : {getScale(), getBias(), getMean(), getVar()})
    if (param.getType().cast<RankedTensorType>().getDimSize(0) != channels)
      return emitOpError() << "per-channel parameters must have " << channels
                           << " entries";
  if (failed(verifyThreshold(*this, getVThreshold().convertToFloat())))
    return failure();
  float alpha = getAlpha().convertToFloat();
  if (!std::isfinite(alpha))
    return emitOpError("alpha must be finite");
  float epsilon = getEpsilon().convertToFloat();
  if (!(epsilon >= 0.0f) || !std::isfinite(epsilon))
    return emitOpError() << "epsilon must be finite and >= 0, got " << epsilon;
  return success();
}

LogicalResult ChannelAffineOp::verify() {
  auto input = getInput().getType().cast<RankedTensorType>();
  if (input.getRank() < 2)
    return emitOpError("input needs a channel dim (rank >= 2)");
  if (getScale().getType().cast<RankedTensorType>().getDimSize(0) !=
      input.getDimSize(1))
    return emitOpError() << "scale and bias must have " << input.getDimSize(1)
                         << " entries";
  return success();
}

LogicalResult AvgPoolOp::verify() {
  auto input = getInput().getType().cast<RankedTensorType>();
  int64_t dilations[2] = {1, 1};
  return verifyWindow(
      *this, input, getOutput().getType().cast<RankedTensorType>(), getKernel(),
      getStrides(), getPads(), dilations, input.getDimSize(1));
}

LogicalResult MaxPoolOp::verify() {
  auto input = getInput().getType().cast<RankedTensorType>();
  int64_t dilations[2] = {1, 1};
  return verifyWindow(
      *this, input, getOutput().getType().cast<RankedTensorType>(), getKernel(),
      getStrides(), getPads(), dilations, input.getDimSize(1));
}

LogicalResult FlattenOp::verify() {
  auto input = getInput().getType().cast<RankedTensorType>();
  auto output = getOutput().getType().cast<RankedTensorType>();
  if (input.getRank() < 2)
    return emitOpError("input must have rank >= 2");
  int64_t features = 1;
  for (int64_t dim : input.getShape().drop_front()) {
    if (ShapedType::isDynamic(dim))
      return emitOpError("only the batch dim may be dynamic");
    features *= dim;
  }
  if (output.getDimSize(1) != features ||
      output.getDimSize(0) != input.getDimSize(0))
    return emitOpError() << "output must be [" << dimStr(input.getDimSize(0))
                         << ", " << features << "]";
  return success();
}

SmallVector<float> LIFOp::getDecays() {
  if (auto one = getDecay().dyn_cast<FloatAttr>())
    return {float(one.getValueAsDouble())};
  ArrayRef<float> all = getDecay().cast<DenseF32ArrayAttr>().asArrayRef();
  return SmallVector<float>(all.begin(), all.end());
}

/// The channel count of an activation (axis 1).
static int64_t channelsOf(Type type) {
  auto shaped = type.cast<ShapedType>();
  return shaped.getRank() >= 2 ? shaped.getDimSize(1) : 1;
}

/// A layer read out by its membranes: [N, K], read by func.return alone.
static LogicalResult verifyMembraneReadout(Operation *op) {
  if (op->getResult(0).getType().cast<RankedTensorType>().getRank() != 2)
    return op->emitOpError("a membrane readout is an [N, K] layer");
  for (Operation *user : op->getUsers())
    if (!isa<func::ReturnOp>(user))
      return op->emitOpError() << "its membranes are the network's readout; "
                                  "'"
                               << user->getName() << "' cannot read them";
  return success();
}

LogicalResult LIFOp::verify() {
  if (failed(verifyThreshold(*this, getVThreshold().convertToFloat())))
    return failure();
  SmallVector<float> decays = getDecays();
  if (getDecay().isa<DenseF32ArrayAttr>() &&
      int64_t(decays.size()) != channelsOf(getInput().getType()))
    return emitOpError() << "a per-channel decay needs "
                         << channelsOf(getInput().getType())
                         << " values, it has " << decays.size();
  for (float decay : decays)
    if (!(decay >= 0.0f && decay <= 1.0f))
      return emitOpError() << "decay must be in [0, 1], got " << decay;
  if (getMembraneReadout())
    return verifyMembraneReadout(*this);
  return success();
}

//===----------------------------------------------------------------------===//
// Integer (core) level
//===----------------------------------------------------------------------===//

LogicalResult EncodeOp::verify() {
  float scale = getScale().convertToFloat();
  if (!(scale > 0.0f) || !std::isfinite(scale))
    return emitOpError("scale must be finite and > 0");
  // ODS checks bits (SNN_I64Range) and that the shapes match.
  auto in = getInput().getType().cast<RankedTensorType>();
  if (in.getRank() < 2 || int64_t(getGain().size()) != in.getDimSize(1) ||
      int64_t(getOffset().size()) != in.getDimSize(1))
    return emitOpError("gain and offset need one entry per input channel");
  return success();
}

// ODS checks weight_bits of every integer projection (SNN_WeightBits).

LogicalResult QConv2dOp::verify() {
  if (getInputPoolMax() && !getInputPool())
    return emitOpError("input_pool_max needs an input_pool window");
  auto pooled = pooledInput(
      *this, getInput().getType().cast<RankedTensorType>(), getInputPool());
  if (failed(pooled))
    return failure();
  auto weight = getWeight().getType().cast<RankedTensorType>();
  if (weight.getDimSize(1) != pooled->getDimSize(1))
    return emitOpError() << "weight expects " << weight.getDimSize(1)
                         << " input channels, input has "
                         << pooled->getDimSize(1);
  int64_t kernel[2] = {weight.getDimSize(2), weight.getDimSize(3)};
  return verifyWindow(
      *this, *pooled, getOutput().getType().cast<RankedTensorType>(), kernel,
      getStrides(), getPads(), getDilations(), weight.getDimSize(0));
}

LogicalResult QDenseOp::verify() {
  if (getInputPoolMax() && !getInputPool())
    return emitOpError("input_pool_max needs an input_pool window");
  FailureOr<int64_t> features =
      denseFeatures(*this, getInput(), getInputPool());
  if (failed(features))
    return failure();
  auto weight = getWeight().getType().cast<RankedTensorType>();
  auto output = getOutput().getType().cast<RankedTensorType>();
  if (weight.getDimSize(1) != *features)
    return emitOpError() << "weight expects " << weight.getDimSize(1)
                         << " inputs, input has " << *features;
  if (output.getDimSize(1) != weight.getDimSize(0))
    return emitOpError("output size differs from the weight's rows");
  return success();
}

LogicalResult QOneToOneOp::verify() {
  // ODS checks that the output has the input's type.
  auto input = getInput().getType().cast<RankedTensorType>();
  if (input.getRank() < 2)
    return emitOpError("output must have the input's type, with a channel dim");
  if (getWeight().getType().cast<RankedTensorType>().getDimSize(0) !=
      input.getDimSize(1))
    return emitOpError("needs one weight per channel");
  return success();
}

/// All currents of a population share its shape; returns the channel count.
static FailureOr<int64_t> verifyCurrents(Operation *op, ValueRange currents,
                                         Type result) {
  if (currents.empty())
    return op->emitOpError("needs at least one current");
  auto shape = result.cast<RankedTensorType>().getShape();
  for (Value current : currents)
    if (current.getType().cast<RankedTensorType>().getShape() != shape)
      return op->emitOpError("every current must have the result's shape");
  if (shape.size() < 2)
    return op->emitOpError("needs a channel dim");
  return shape[1];
}

/// The shape the currents of a population with `current_pool` have: the
/// result's, each pooled axis scaled by its window (the currents may also
/// have up to `window - 1` more rows or columns, which no window reads).
static LogicalResult verifyPooledCurrents(Operation *op, ValueRange currents,
                                          RankedTensorType result,
                                          ArrayRef<int64_t> window) {
  if (currents.empty())
    return op->emitOpError("needs at least one current");
  if (result.getRank() != 4)
    return op->emitOpError("pools currents only of NCHW populations");
  if (window[0] < 1 || window[1] < 1 || window[0] > 255 || window[1] > 255)
    return op->emitOpError("current_pool windows must be in [1, 255]");
  for (Value current : currents) {
    auto shape = current.getType().cast<RankedTensorType>().getShape();
    if (shape.size() != 4 || shape[0] != result.getDimSize(0) ||
        shape[1] != result.getDimSize(1) ||
        shape[2] / window[0] != result.getDimSize(2) ||
        shape[3] / window[1] != result.getDimSize(3))
      return op->emitOpError("every current must be the result's shape "
                             "before its current_pool");
  }
  return success();
}

LogicalResult QLIFOp::verify() {
  FailureOr<int64_t> channels;
  if (auto window = getCurrentPool()) {
    auto type = getOutput().getType().cast<RankedTensorType>();
    if (failed(verifyPooledCurrents(*this, getCurrents(), type, *window)))
      return failure();
    channels = type.getDimSize(1);
  } else {
    channels = verifyCurrents(*this, getCurrents(), getOutput().getType());
  }
  if (failed(channels))
    return failure();
  // ODS checks decay_bits (SNN_I64Range); state_bits stays here, since
  // its message reaches the CLI (see SNNOps.td).
  int64_t stateBits = getStateBits();
  if (stateBits < 4 || stateBits > 32)
    return emitOpError() << "state_bits must be in [4, 32], got " << stateBits;
  if (int64_t(getThreshold().size()) != *channels ||
      int64_t(getBias().size()) != *channels)
    return emitOpError() << "threshold and bias need " << *channels
                         << " entries (one per channel)";
  int64_t limit = (int64_t(1) << (stateBits - 1)) - 1;
  for (int64_t t : getThreshold())
    if (t < 1 || t > limit)
      return emitOpError() << "threshold " << t << " is outside [1, " << limit
                           << "] of the " << stateBits << "-bit state";
  for (int64_t b : getBias())
    if (b < -limit || b > limit)
      return emitOpError() << "bias " << b << " overflows the " << stateBits
                           << "-bit state";
  int64_t decayBits = getDecayBits();
  SmallVector<int64_t> decays = getDecays();
  if (getDecay().isa<DenseI64ArrayAttr>() &&
      int64_t(decays.size()) != *channels)
    return emitOpError() << "a per-channel decay needs " << *channels
                         << " values, it has " << decays.size();
  for (int64_t decay : decays)
    if (decay < 0 || decay > (int64_t(1) << decayBits))
      return emitOpError(
          "decay must be in [0, 2^decay_bits], decay_bits <= 16");
  return verifyOutputKind(*channels);
}

LogicalResult QLIFOp::verifyOutputKind(int64_t channels) {
  auto element =
      getOutput().getType().cast<RankedTensorType>().getElementType();
  std::optional<ArrayRef<float>> unit = getMembraneUnit();
  if (!unit) {
    if (!element.isInteger(32))
      return emitOpError("spikes are i32 events");
    return success();
  }
  if (!element.isF32() || getCurrentPool())
    return emitOpError("a membrane readout is f32 and pools no currents");
  if (int64_t(unit->size()) != channels)
    return emitOpError() << "membrane_unit needs " << channels << " entries";
  return verifyMembraneReadout(*this);
}

SmallVector<int64_t> QLIFOp::getDecays() {
  if (auto one = getDecay().dyn_cast<IntegerAttr>())
    return {one.getInt()};
  ArrayRef<int64_t> all = getDecay().cast<DenseI64ArrayAttr>().asArrayRef();
  return SmallVector<int64_t>(all.begin(), all.end());
}

LogicalResult QReadoutOp::verify() {
  auto channels = verifyCurrents(*this, getCurrents(), getOutput().getType());
  if (failed(channels))
    return failure();
  if (int64_t(getBias().size()) != *channels ||
      int64_t(getUnit().size()) != *channels)
    return emitOpError() << "bias and unit need " << *channels << " entries";
  return success();
}

#define GET_OP_CLASSES
#include "snnc/IR/SNNOps.cpp.inc"
