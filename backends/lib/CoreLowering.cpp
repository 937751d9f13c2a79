//===- CoreLowering.cpp - integer snn dialect to CoreNetwork --------------===//
#include "snnc/Backends/CoreLowering.h"
#include "LoweringUtils.h"
#include "snnc/IR/SNNOps.h"
#include "snnc/Runtime/CoreImage.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
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

/// A population or projection name for the package: the layer name, with
/// an index for ops the importer did not name, so names stay distinct.
std::string nameOf(Operation *op, size_t index) {
  if (op->getLoc().isa<NameLoc>())
    return snn::layerName(op);
  return op->getName().stripDialect().str() + "_" + std::to_string(index);
}

/// One sample's shape: the type's shape without the batch dim.
std::vector<int64_t> sampleShape(Value value) {
  return toVector(
      value.getType().cast<RankedTensorType>().getShape().drop_front());
}

class Lowering {
public:
  Expected<CoreNetwork> run(ModuleOp module);

private:
  llvm::Error addProjection(Value current, int target);
  llvm::Error addPopulation(Operation *op, CorePopulation population,
                            ValueRange currents);

  CoreNetwork net;
  llvm::DenseMap<Value, int> populationOf; // event tensor -> population
  size_t opIndex = 0;
};

/// Records where snn-map placed `op`, if it did.
void recordPlacement(CoreNetwork &net, Operation *op, const std::string &name) {
  auto placement =
      op->getAttrOfType<DictionaryAttr>(snn::SNNDialect::kPlacementAttr);
  if (!placement)
    return;
  auto memory = placement.getAs<StringAttr>("memory");
  auto offset = placement.getAs<IntegerAttr>("offset");
  auto size = placement.getAs<IntegerAttr>("size");
  if (memory && offset && size)
    net.placements.push_back(
        {name, memory.str(), offset.getInt(), size.getInt()});
}

llvm::Error Lowering::addProjection(Value current, int target) {
  Operation *op = current.getDefiningOp();
  CoreProjection p;
  p.target = target;
  p.name = op ? nameOf(op, opIndex++) : "";
  Value input, weight;
  if (auto conv = dyn_cast_or_null<snn::QConv2dOp>(op)) {
    p.kind = ProjectionKind::Conv;
    input = conv.getInput(), weight = conv.getWeight();
    p.strides = toVector(conv.getStrides());
    p.pads = toVector(conv.getPads());
    p.dilations = toVector(conv.getDilations());
    if (auto pool = conv.getInputPool())
      p.inputPool = toVector(*pool);
    p.inputPoolMax = conv.getInputPoolMax();
    p.weightBits = conv.getWeightBits();
  } else if (auto dense = dyn_cast_or_null<snn::QDenseOp>(op)) {
    p.kind = ProjectionKind::Dense;
    input = dense.getInput(), weight = dense.getWeight();
    if (auto pool = dense.getInputPool())
      p.inputPool = toVector(*pool);
    p.inputPoolMax = dense.getInputPoolMax();
    p.weightBits = dense.getWeightBits();
  } else if (auto one = dyn_cast_or_null<snn::QOneToOneOp>(op)) {
    p.kind = ProjectionKind::OneToOne;
    input = one.getInput(), weight = one.getWeight();
    p.weightBits = one.getWeightBits();
  } else {
    return opError(op ? op : current.getParentBlock()->getParentOp(),
                   "a population's current must come from an integer "
                   "projection; run snn-quantize first");
  }
  auto source = populationOf.find(input);
  if (source == populationOf.end())
    return opError(op, "reads events from no population");
  p.source = source->second;
  DenseElementsAttr attr;
  if (!matchPattern(weight, m_Constant(&attr)) ||
      !attr.getElementType().isInteger(8))
    return opError(op, "needs a constant i8 weight");
  for (APInt v : attr.getValues<APInt>())
    p.weights.push_back(int8_t(v.getSExtValue()));
  p.weightShape = toVector(attr.getType().getShape());
  recordPlacement(net, op, p.name);
  net.projections.push_back(std::move(p));
  return llvm::Error::success();
}

llvm::Error Lowering::addPopulation(Operation *op, CorePopulation population,
                                    ValueRange currents) {
  int index = int(net.populations.size());
  population.name = nameOf(op, opIndex++);
  population.shape = sampleShape(op->getResult(0));
  recordPlacement(net, op, population.name);
  net.populations.push_back(std::move(population));
  populationOf[op->getResult(0)] = index;
  for (Value current : currents)
    if (llvm::Error err = addProjection(current, index))
      return err;
  return llvm::Error::success();
}

Expected<CoreNetwork> Lowering::run(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.isExternal())
    return opError(module, "the module has no @main function");
  if (auto steps =
          module->getAttrOfType<IntegerAttr>(snn::SNNDialect::kTimestepsAttr))
    net.timesteps = steps.getInt();
  if (auto target =
          module->getAttrOfType<StringAttr>(snn::SNNDialect::kTargetAttr))
    net.target = target.str();
  if (auto lanes =
          module->getAttrOfType<IntegerAttr>(snn::SNNDialect::kLanesAttr))
    net.lanes = lanes.getInt();
  if (auto encoding = module->getAttrOfType<StringAttr>(
          snn::SNNDialect::kInputEncodingAttr))
    net.encoding = rules::parseEncoding(encoding.getValue())
                       .value_or(InputEncoding::Direct);
  net.readoutLast = snn::readsLastStep(module);
  for (Operation &op : main.getBody().front()) {
    llvm::Error err =
        llvm::TypeSwitch<Operation *, llvm::Error>(&op)
            .Case([&](snn::EncodeOp encode) -> llvm::Error {
              if (!net.populations.empty())
                return opError(&op, "the network has one input encoder");
              net.input.gain.assign(encode.getGain().begin(),
                                    encode.getGain().end());
              net.input.offset.assign(encode.getOffset().begin(),
                                      encode.getOffset().end());
              net.input.scale = encode.getScale().convertToFloat();
              net.input.bits = encode.getBits();
              CorePopulation input;
              input.kind = PopulationKind::Input;
              return addPopulation(&op, std::move(input), {});
            })
            .Case([&](snn::QLIFOp lif) -> llvm::Error {
              CorePopulation p;
              p.kind = PopulationKind::LIF;
              p.threshold = toVector(lif.getThreshold());
              p.bias = toVector(lif.getBias());
              SmallVector<int64_t> decays = lif.getDecays();
              // One decay per channel, shared or not.
              p.decay.assign(p.threshold.size(), decays[0]);
              if (decays.size() > 1)
                p.decay.assign(decays.begin(), decays.end());
              p.decayBits = lif.getDecayBits();
              p.stateBits = lif.getStateBits();
              p.reset = resetOf(lif.getReset());
              p.fireGe = lif.getFire() == snn::FireMode::ge;
              if (std::optional<llvm::APFloat> v = lif.getVThreshold())
                p.vThreshold = v->convertToDouble();
              if (std::optional<ArrayRef<int64_t>> w = lif.getCurrentPool())
                p.currentPool.assign(w->begin(), w->end());
              // A LIF read out by its membranes is the readout.
              if (std::optional<ArrayRef<float>> u = lif.getMembraneUnit()) {
                p.membraneReadout = true;
                p.unit.assign(u->begin(), u->end());
                net.readout = int(net.populations.size());
              }
              return addPopulation(&op, std::move(p), lif.getCurrents());
            })
            .Case([&](snn::QReadoutOp readout) -> llvm::Error {
              CorePopulation p;
              p.kind = PopulationKind::Readout;
              p.bias = toVector(readout.getBias());
              p.unit.assign(readout.getUnit().begin(), readout.getUnit().end());
              net.readout = int(net.populations.size());
              return addPopulation(&op, std::move(p), readout.getCurrents());
            })
            .Case<snn::QConv2dOp, snn::QDenseOp, snn::QOneToOneOp,
                  arith::ConstantOp>(
                [](Operation *) { return llvm::Error::success(); })
            .Case([&](func::ReturnOp ret) -> llvm::Error {
              Operation *readout = ret.getNumOperands() == 1
                                       ? ret.getOperand(0).getDefiningOp()
                                       : nullptr;
              auto lif = dyn_cast_or_null<snn::QLIFOp>(readout);
              if (!isa_and_nonnull<snn::QReadoutOp>(readout) &&
                  !(lif && lif.getMembraneUnit()))
                return opError(&op, "@main must return the readout");
              return llvm::Error::success();
            })
            .Default([&](Operation *other) {
              return opError(other,
                             "op '" + other->getName().getStringRef() +
                                 "' is not part of the integer core level; "
                                 "compile the model first");
            });
    if (err)
      return std::move(err);
  }
  if (net.populations.empty() || net.readout < 0)
    return opError(main, "the network needs an input encoder and a readout");
  if (llvm::Error err = validateNetwork(net))
    return opError(main, "the integer network is inconsistent: " +
                             llvm::toString(std::move(err)));
  // The numerics sum currents in 32 bits, wrapping: a network whose sums
  // could wrap would silently compute another network.
  std::vector<uint64_t> bounds = currentBounds(net);
  for (size_t i = 0; i < bounds.size(); ++i)
    if (bounds[i] >= (uint64_t(1) << 31))
      return opError(
          main,
          llvm::formatv("population '{0}': its current can reach {1} (fan-in "
                        "sums of |weight| times the largest input value), past "
                        "the 32-bit accumulator; lower --weight-bits or "
                        "--input-bits, or the layer's fan-in",
                        net.populations[i].name, bounds[i])
              .str());
  return std::move(net);
}

} // namespace

Expected<CoreNetwork> snnc::lowerToCore(ModuleOp module) {
  return Lowering().run(module);
}
