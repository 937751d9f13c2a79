//===- OnnxShapeOps.cpp - ONNX pooling and reshaping to snn ops -----------===//
#include "OnnxGraph.h"
#include "OnnxOpsCommon.h"
#include "snnc/IR/SNNOps.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace snnc;
using namespace snnc::frontend;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// Pooling and reshaping
//===----------------------------------------------------------------------===//

/// A pool's window: kernel_shape required, no ceil mode, no dilation.
static Expected<Window> readPoolWindow(const NodeAttrs &attrs,
                                       RankedTensorType input) {
  if (!attrs.has("kernel_shape"))
    return fail("required attribute 'kernel_shape' is missing");
  SNNC_TRY(kernelShape, attrs.getInts("kernel_shape", {}));
  SNNC_TRY(ceilMode, attrs.getInt("ceil_mode", 0));
  if (ceilMode != 0 && ceilMode != 1)
    return fail(formatv("ceil_mode must be 0 or 1, got {0}", ceilMode));
  if (ceilMode != 0)
    return fail("ceil_mode = 1 is not supported");
  SNNC_TRY(dilations, attrs.getInts("dilations", {1, 1}));
  if (llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    return fail("dilated pooling is not supported");
  return readWindow(attrs, input, kernelShape);
}

Error GraphImporter::convertPool(const onnx::NodeProto &node, bool global) {
  NodeAttrs attrs(node);
  if (Error err = global ? attrs.checkKnown({})
                         : attrs.checkKnown(
                               {"auto_pad", "ceil_mode", "count_include_pad",
                                "kernel_shape", "pads", "strides"}))
    return err;
  SNNC_TRY(x, activation(node, 0));
  if (Error err = requireRank(*x, 4, "the input"))
    return err;
  RankedTensorType inType = activationType(x->value);
  std::vector<int64_t> kernel = {inType.getDimSize(2), inType.getDimSize(3)};
  Window window{kernel, {1, 1}, {0, 0, 0, 0}, {1, 1}};
  int64_t countIncludePad = 0;
  if (!global) {
    SNNC_TRY(includePad, attrs.getInt("count_include_pad", 0));
    if (includePad != 0 && includePad != 1)
      return fail(
          formatv("count_include_pad must be 0 or 1, got {0}", includePad));
    SNNC_TRY(parsed, readPoolWindow(attrs, inType));
    window = parsed;
    countIncludePad = includePad;
  }
  SNNC_TRY(resultType,
           windowResult(builder, inType, window, inType.getDimSize(1)));
  auto op = builder.create<snn::AvgPoolOp>(
      loc(node), resultType, x->value,
      builder.getDenseI64ArrayAttr(window.kernel),
      builder.getDenseI64ArrayAttr(window.strides),
      builder.getDenseI64ArrayAttr(window.pads),
      builder.getBoolAttr(countIncludePad != 0));
  // A pooled current stays a current: snn-fold-tdbn folds the pool into
  // the convolution before it (a strided, box-filtered kernel).
  ValueKind kind = x->kind == ValueKind::Spikes ? ValueKind::Graded : x->kind;
  return defineOutput(node, op, kind);
}

mlir::Value GraphImporter::rateReadout(Value spikes, StringRef outputName) {
  auto type = spikes.getType().cast<RankedTensorType>();
  HostTensor ones;
  ones.dims = {type.getDimSize(1)};
  ones.floats.assign(size_t(type.getDimSize(1)), 1.0f);
  Location location = NameLoc::get(builder.getStringAttr(outputName + "/rate"));
  return builder.create<snn::MulOp>(location, type, spikes, materialize(ones));
}

/// Max pooling of spikes: their OR, one event per window (graded events
/// for what reads it, as a sum pool's are). Max pooling of a current (before
/// the neuron, snnTorch tutorial 6) stays a current: each neuron of the LIF
/// that reads it takes the max of its window's currents (snn-quantize puts
/// the window on the population). That needs windows that tile the plane:
/// no padding, stride equal to the kernel. The max of graded values has no
/// event-driven form.
Error GraphImporter::convertMaxPool(const onnx::NodeProto &node) {
  NodeAttrs attrs(node);
  if (Error err = attrs.checkKnown({"auto_pad", "ceil_mode", "dilations",
                                    "kernel_shape", "pads", "storage_order",
                                    "strides"}))
    return err;
  SNNC_TRY(x, activation(node, 0));
  if (Error err = requireRank(*x, 4, "the input"))
    return err;
  if (x->kind != ValueKind::Spikes && x->kind != ValueKind::Current)
    return fail(formatv("max pooling reads spikes (their max is their OR) or "
                        "a convolution's current; its input is {0}",
                        kindName(x->kind)));
  SNNC_TRY(storageOrder, attrs.getInt("storage_order", 0));
  if (storageOrder != 0 && storageOrder != 1)
    return fail(formatv("storage_order must be 0 or 1, got {0}", storageOrder));
  RankedTensorType inType = activationType(x->value);
  SNNC_TRY(window, readPoolWindow(attrs, inType));
  if (x->kind == ValueKind::Current &&
      (window.kernel != window.strides ||
       llvm::any_of(window.pads, [](int64_t p) { return p != 0; })))
    return fail(formatv(
        "max pooling a current needs windows that tile the plane (no "
        "padding, strides equal to kernel_shape); got kernel [{0}], strides "
        "[{1}], pads [{2}]",
        llvm::make_range(window.kernel.begin(), window.kernel.end()),
        llvm::make_range(window.strides.begin(), window.strides.end()),
        llvm::make_range(window.pads.begin(), window.pads.end())));
  SNNC_TRY(resultType,
           windowResult(builder, inType, window, inType.getDimSize(1)));
  auto op = builder.create<snn::MaxPoolOp>(
      loc(node), resultType, x->value,
      builder.getDenseI64ArrayAttr(window.kernel),
      builder.getDenseI64ArrayAttr(window.strides),
      builder.getDenseI64ArrayAttr(window.pads));
  return defineOutput(node, op,
                      x->kind == ValueKind::Current ? ValueKind::Current
                                                    : ValueKind::Graded);
}

/// Elements per sample: the product of the dims after the batch dim.
static int64_t featuresOf(RankedTensorType type) {
  int64_t features = 1;
  for (int64_t dim : type.getShape().drop_front())
    features *= dim;
  return features;
}

/// [N, d1, ..., dk] -> [N, d1 * ... * dk]; an identity on rank-2 values.
static Value buildFlatten(OpBuilder &builder, Location loc, Value input) {
  RankedTensorType type = activationType(input);
  if (type.getRank() == 2)
    return input;
  auto resultType = f32Tensor(builder, {type.getDimSize(0), featuresOf(type)});
  return builder.create<snn::FlattenOp>(loc, resultType, input);
}

Error GraphImporter::convertFlatten(const onnx::NodeProto &node) {
  NodeAttrs attrs(node);
  if (Error err = attrs.checkKnown({"axis"}))
    return err;
  SNNC_TRY(x, activation(node, 0));
  SNNC_TRY(axis, attrs.getInt("axis", 1));
  int64_t rank = activationType(x->value).getRank();
  if (axis != 1 && axis != 1 - rank)
    return fail(formatv("axis = {0} is not supported (only axis 1, which keeps "
                        "the batch dim)",
                        axis));
  return defineOutput(node, buildFlatten(builder, loc(node), x->value),
                      x->kind);
}

Error GraphImporter::convertReshape(const onnx::NodeProto &node) {
  NodeAttrs attrs(node);
  if (Error err = attrs.checkKnown({"allowzero"}))
    return err;
  SNNC_TRY(x, activation(node, 0));
  SNNC_TRY(shape, constant(node, 1));
  if (!shape->isInt || shape->dims.size() != 1)
    return fail("the shape input must be a 1-D int64 constant");
  int64_t features = featuresOf(activationType(x->value));
  const std::vector<int64_t> &target = shape->ints;
  // Accept exactly the spellings of "flatten to [N, features]" that exporters
  // produce: [0|-1, features|-1] (the batch dim is dynamic).
  bool batchOk = target.size() == 2 && (target[0] == 0 || target[0] == -1);
  bool featOk = target.size() == 2 &&
                (target[1] == features || (target[1] == -1 && target[0] != -1));
  if (!batchOk || !featOk) {
    std::string spelled;
    for (size_t i = 0; i < target.size(); ++i)
      spelled += (i ? ", " : "") + std::to_string(target[i]);
    return fail(formatv("Reshape to [{0}] is not supported; only a flatten to "
                        "[N, {1}] is",
                        spelled, features));
  }
  return defineOutput(node, buildFlatten(builder, loc(node), x->value),
                      x->kind);
}

Error GraphImporter::convertPad(const onnx::NodeProto &node) {
  NodeAttrs attrs(node);
  if (Error err = attrs.checkKnown({"mode"}))
    return err;
  SNNC_TRY(mode, attrs.getString("mode", "constant"));
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return fail(formatv("mode '{0}' is not a Pad mode (constant, reflect or "
                        "edge)",
                        mode));
  SNNC_TRY(pads, constant(node, 1));
  if (!pads->isInt || pads->dims.size() != 1)
    return fail("the pads input must be a 1-D int64 constant");
  for (int64_t pad : pads->ints)
    if (pad != 0)
      return fail("non-zero Pad is not supported; use the pads of Conv or "
                  "AveragePool");
  // With every pad zero, each mode is the identity.
  return alias(node);
}
