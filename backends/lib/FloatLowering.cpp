//===- FloatLowering.cpp - snn dialect to FloatGraph ----------------------===//
#include "snnc/Backends/FloatLowering.h"
#include "LoweringUtils.h"
#include "snnc/IR/SNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace snnc;
using llvm::Expected;
using snnc::backends::opError;
using snnc::backends::resetOf;
using snnc::backends::toVector;

namespace {

class Lowering {
public:
  Expected<FloatGraph> run(ModuleOp module);

private:
  int idOf(Value value);
  llvm::Error lowerOp(Operation *op);
  llvm::Error lowerConstant(arith::ConstantOp op);
  FloatOp &addOp(Operation *op, FloatOpKind kind);

  FloatGraph graph;
  llvm::DenseMap<Value, int> ids;
};

int Lowering::idOf(Value value) {
  auto [it, inserted] = ids.try_emplace(value, graph.numValues);
  if (inserted)
    ++graph.numValues;
  return it->second;
}

FloatOp &Lowering::addOp(Operation *op, FloatOpKind kind) {
  FloatOp lowered;
  lowered.kind = kind;
  lowered.name = snn::layerName(op);
  for (Value operand : op->getOperands())
    lowered.operands.push_back(idOf(operand));
  lowered.result = idOf(op->getResult(0));
  // [N, ...]: the elements after the batch dim (for memory estimates).
  if (auto type = op->getResult(0).getType().dyn_cast<RankedTensorType>()) {
    lowered.resultElements = 1;
    for (int64_t dim : type.getShape().drop_front())
      lowered.resultElements *= dim;
  }
  graph.ops.push_back(std::move(lowered));
  return graph.ops.back();
}

llvm::Error Lowering::lowerConstant(arith::ConstantOp op) {
  auto dense = op.getValue().dyn_cast<DenseElementsAttr>();
  auto type = op.getType().dyn_cast<RankedTensorType>();
  if (!dense || !type || !type.getElementType().isF32())
    return opError(op, "only dense float32 tensor constants are supported");
  NDArray array;
  array.shape = toVector(type.getShape());
  for (APFloat value : dense.getValues<APFloat>())
    array.data.push_back(value.convertToFloat());
  graph.constants[idOf(op.getResult())] = std::move(array);
  return llvm::Error::success();
}

llvm::Error Lowering::lowerOp(Operation *op) {
  return llvm::TypeSwitch<Operation *, llvm::Error>(op)
      .Case(
          [&](arith::ConstantOp c) -> llvm::Error { return lowerConstant(c); })
      .Case([&](snn::Conv2dOp conv) -> llvm::Error {
        FloatOp &out = addOp(op, FloatOpKind::Conv2d);
        out.strides = toVector(conv.getStrides());
        out.pads = toVector(conv.getPads());
        out.dilations = toVector(conv.getDilations());
        if (auto pool = conv.getInputPool())
          out.inputPool = toVector(*pool);
        out.inputPoolMax = conv.getInputPoolMax();
        return llvm::Error::success();
      })
      .Case([&](snn::DenseOp dense) -> llvm::Error {
        FloatOp &out = addOp(op, FloatOpKind::Dense);
        if (auto pool = dense.getInputPool())
          out.inputPool = toVector(*pool);
        out.inputPoolMax = dense.getInputPoolMax();
        return llvm::Error::success();
      })
      .Case([&](snn::TdBatchNormOp norm) -> llvm::Error {
        FloatOp &out = addOp(op, FloatOpKind::Norm);
        out.alpha = norm.getAlpha().convertToFloat();
        out.vThreshold = norm.getVThreshold().convertToFloat();
        out.epsilon = norm.getEpsilon().convertToFloat();
        return llvm::Error::success();
      })
      .Case([&](snn::ChannelAffineOp) -> llvm::Error {
        addOp(op, FloatOpKind::ChannelAffine);
        return llvm::Error::success();
      })
      .Case([&](snn::AddOp) -> llvm::Error {
        addOp(op, FloatOpKind::Add);
        return llvm::Error::success();
      })
      .Case([&](snn::SubOp) -> llvm::Error {
        addOp(op, FloatOpKind::Sub);
        return llvm::Error::success();
      })
      .Case([&](snn::MulOp) -> llvm::Error {
        addOp(op, FloatOpKind::Mul);
        return llvm::Error::success();
      })
      .Case([&](snn::DivOp) -> llvm::Error {
        addOp(op, FloatOpKind::Div);
        return llvm::Error::success();
      })
      .Case([&](snn::AvgPoolOp pool) -> llvm::Error {
        FloatOp &out = addOp(op, FloatOpKind::AvgPool);
        out.kernel = toVector(pool.getKernel());
        out.strides = toVector(pool.getStrides());
        out.pads = toVector(pool.getPads());
        out.countIncludePad = pool.getCountIncludePad();
        return llvm::Error::success();
      })
      .Case([&](snn::MaxPoolOp pool) -> llvm::Error {
        FloatOp &out = addOp(op, FloatOpKind::MaxPool);
        out.kernel = toVector(pool.getKernel());
        out.strides = toVector(pool.getStrides());
        out.pads = toVector(pool.getPads());
        return llvm::Error::success();
      })
      .Case([&](snn::FlattenOp) -> llvm::Error {
        addOp(op, FloatOpKind::Flatten);
        return llvm::Error::success();
      })
      .Case([&](snn::LIFOp neuron) -> llvm::Error {
        FloatOp &out = addOp(op, FloatOpKind::LIF);
        out.vThreshold = neuron.getVThreshold().convertToFloat();
        SmallVector<float> decays = neuron.getDecays();
        out.decay.assign(decays.begin(), decays.end());
        out.reset = resetOf(neuron.getReset());
        out.fireGe = neuron.getFire() == snn::FireMode::ge;
        out.membrane = neuron.getMembraneReadout();
        return llvm::Error::success();
      })
      .Case([&](func::ReturnOp ret) -> llvm::Error {
        if (ret.getNumOperands() != 1)
          return opError(op, "@main must return exactly the readout");
        graph.output = idOf(ret.getOperand(0));
        return llvm::Error::success();
      })
      .Default([&](Operation *other) -> llvm::Error {
        return opError(other, "op '" + other->getName().getStringRef() +
                                  "' is not supported by the float engine");
      });
}

Expected<FloatGraph> Lowering::run(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.isExternal())
    return opError(module, "the module has no @main function");
  if (main.getNumArguments() != 1 || main.getNumResults() != 1)
    return opError(main, "@main must take one input and return one readout");
  auto inputType = main.getArgument(0).getType().cast<RankedTensorType>();
  auto outputType = main.getResultTypes()[0].cast<RankedTensorType>();
  graph.inputShape = toVector(inputType.getShape().drop_front());
  graph.numOutputs = outputType.getDimSize(1);
  graph.input = idOf(main.getArgument(0));
  if (auto steps =
          module->getAttrOfType<IntegerAttr>(snn::SNNDialect::kTimestepsAttr))
    graph.timesteps = steps.getInt();
  graph.readoutLast = snn::readsLastStep(module);
  if (auto encoding = module->getAttrOfType<StringAttr>(
          snn::SNNDialect::kInputEncodingAttr))
    graph.encoding = rules::parseEncoding(encoding.getValue())
                         .value_or(InputEncoding::Direct);
  for (Operation &op : main.getBody().front())
    if (llvm::Error err = lowerOp(&op))
      return std::move(err);
  return std::move(graph);
}

} // namespace

Expected<FloatGraph> snnc::lowerToFloatGraph(ModuleOp module) {
  return Lowering().run(module);
}
