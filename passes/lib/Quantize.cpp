//===- Quantize.cpp - the integer core level of a network -----------------===//
//
// Implements the quantization rules of docs/numerics.md.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "snnc/Passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace snnc {
#define GEN_PASS_DEF_QUANTIZE
#include "snnc/Passes/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;
using namespace snnc::passes;

namespace {

/// An analog (input-side) value: its per-channel range and the per-channel
/// affine map from the network input that produced it.
struct Interval {
  std::vector<double> lo, hi;
  std::vector<double> gain, offset;
};

/// A float projection into a population, ready to quantize.
struct Projection {
  Operation *op;
  Value events; // the integer events it reads
  double worth; // the real value of one event unit
  std::vector<double> weights, bias;
  size_t rowSize; // weights per output channel (1 for one-to-one)
};

double roundAway(double x) { return std::round(x); }

RankedTensorType withElement(Type type, Type element) {
  auto ranked = type.cast<RankedTensorType>();
  return RankedTensorType::get(ranked.getShape(), element);
}

class Quantizer {
public:
  Quantizer(OpBuilder &builder, int64_t weightBits, int64_t inputBits,
            int64_t stateBits, int64_t decayBits, double inputMin,
            double inputMax)
      : builder(builder), weightBits(weightBits), inputBits(inputBits),
        stateBits(stateBits), decayBits(decayBits), inputMin(inputMin),
        inputMax(inputMax) {}

  LogicalResult run(func::FuncOp func);

private:
  LogicalResult analyzeInput(func::FuncOp func);
  FailureOr<Value> eventsOf(Operation *user, Value source, double &worth);
  LogicalResult collect(Value current, SmallVectorImpl<Projection> &out);
  FailureOr<Projection> describe(Operation *op);
  std::vector<double> units(ArrayRef<Projection> projections, size_t channels);
  FailureOr<SmallVector<Value>> emit(ArrayRef<Projection> projections,
                                     ArrayRef<double> unit);
  LogicalResult quantizeLIF(snn::LIFOp lif);
  LogicalResult quantizeReadout(func::ReturnOp ret);
  int64_t maxWeight() const { return (int64_t(1) << (weightBits - 1)) - 1; }
  int64_t maxState() const { return (int64_t(1) << (stateBits - 1)) - 1; }

  OpBuilder &builder;
  int64_t weightBits, inputBits, stateBits, decayBits;
  double inputMin, inputMax;
  llvm::DenseMap<Value, Interval> analog;
  llvm::DenseMap<Value, std::pair<Value, double>> events; // value, worth
};

LogicalResult Quantizer::analyzeInput(func::FuncOp func) {
  Value arg = func.getArgument(0);
  int64_t channels = arg.getType().cast<RankedTensorType>().getDimSize(1);
  analog[arg] = Interval{std::vector<double>(channels, inputMin),
                         std::vector<double>(channels, inputMax),
                         std::vector<double>(channels, 1.0),
                         std::vector<double>(channels, 0.0)};
  for (Operation &op : func.getBody().front()) {
    if (!isa<snn::AddOp, snn::SubOp, snn::MulOp, snn::DivOp,
             snn::ChannelAffineOp>(op))
      continue;
    Value x = op.getOperand(0), c;
    bool constantFirst = false;
    if (isa<snn::ChannelAffineOp>(op)) {
      c = Value();
    } else if (analog.count(op.getOperand(1))) {
      x = op.getOperand(1);
      c = op.getOperand(0);
      constantFirst = true;
    } else {
      c = op.getOperand(1);
    }
    if (!analog.count(x))
      continue;
    const Interval &in = analog[x];
    auto type = x.getType().cast<RankedTensorType>();
    std::vector<double> g(in.lo.size(), 1.0), h(in.lo.size(), 0.0);
    if (auto affine = dyn_cast<snn::ChannelAffineOp>(op)) {
      auto scale = constantValues(affine.getScale());
      auto bias = constantValues(affine.getBias());
      if (!scale || !bias)
        return op.emitOpError("needs constant parameters");
      g = *scale;
      h = *bias;
    } else {
      auto k = perChannel(c, type);
      if (!k)
        return op.emitOpError("input preprocessing needs a scalar or "
                              "per-channel constant");
      for (size_t i = 0; i < g.size(); ++i) {
        double v = (*k)[i];
        if (isa<snn::AddOp>(op))
          h[i] = v;
        else if (isa<snn::SubOp>(op))
          g[i] = constantFirst ? -1.0 : 1.0, h[i] = constantFirst ? v : -v;
        else if (isa<snn::MulOp>(op))
          g[i] = v;
        else if (!constantFirst && v != 0.0)
          g[i] = 1.0 / v;
        else
          return op.emitOpError("divides by zero or by the input");
      }
    }
    Interval out = in;
    for (size_t i = 0; i < g.size(); ++i) {
      double a = g[i] * in.lo[i] + h[i], b = g[i] * in.hi[i] + h[i];
      out.lo[i] = std::min(a, b);
      out.hi[i] = std::max(a, b);
      out.gain[i] = g[i] * in.gain[i];
      out.offset[i] = g[i] * in.offset[i] + h[i];
    }
    analog[op.getResult(0)] = out;
  }
  return success();
}

FailureOr<Value> Quantizer::eventsOf(Operation *user, Value source,
                                     double &worth) {
  auto it = events.find(source);
  if (it != events.end()) {
    worth = it->second.second;
    return it->second.first;
  }
  auto range = analog.find(source);
  if (range == analog.end())
    return user->emitOpError("reads neither spikes nor the network input; run "
                             "snn-fold-tdbn and snn-lower-pooling first");
  double peak = 0.0;
  for (size_t i = 0; i < range->second.lo.size(); ++i)
    peak = std::max(
        {peak, std::abs(range->second.lo[i]), std::abs(range->second.hi[i])});
  double scale =
      peak > 0.0 ? peak / double((int64_t(1) << (inputBits - 1)) - 1) : 1.0;
  // The encoder reads the network input itself and applies the composed
  // normalization, so the integer level needs no float ops.
  OpBuilder::InsertionGuard guard(builder);
  Block *body = source.getParentBlock();
  builder.setInsertionPointToStart(body);
  Value encoded = builder.create<snn::EncodeOp>(
      source.getLoc(), withElement(source.getType(), builder.getI32Type()),
      body->getArgument(0), builder.getDenseF64ArrayAttr(range->second.gain),
      builder.getDenseF64ArrayAttr(range->second.offset),
      builder.getF32FloatAttr(float(scale)),
      builder.getI64IntegerAttr(inputBits));
  // The integer level works with the scale the encoder really applies.
  worth = double(float(scale));
  events[source] = {encoded, worth};
  return encoded;
}

FailureOr<Projection> Quantizer::describe(Operation *op) {
  Projection p;
  p.op = op;
  Value input, weight, bias;
  if (auto conv = dyn_cast<snn::Conv2dOp>(op)) {
    input = conv.getInput(), weight = conv.getWeight(), bias = conv.getBias();
  } else if (auto dense = dyn_cast<snn::DenseOp>(op)) {
    input = dense.getInput(), weight = dense.getWeight(),
    bias = dense.getBias();
  } else if (auto affine = dyn_cast<snn::ChannelAffineOp>(op)) {
    input = affine.getInput(), weight = affine.getScale(),
    bias = affine.getBias();
  } else {
    return op->emitOpError("cannot feed a neuron population on the core; "
                           "expected a projection or a residual add of them");
  }
  auto events = eventsOf(op, input, p.worth);
  if (failed(events))
    return failure();
  p.events = *events;
  auto w = constantValues(weight);
  if (!w)
    return op->emitOpError("needs a constant weight");
  p.weights = *w;
  int64_t channels =
      op->getResult(0).getType().cast<RankedTensorType>().getDimSize(1);
  p.rowSize = p.weights.size() / channels;
  p.bias.assign(channels, 0.0);
  if (bias) {
    auto b = constantValues(bias);
    if (!b)
      return op->emitOpError("needs a constant bias");
    p.bias = *b;
  }
  return p;
}

LogicalResult Quantizer::collect(Value current,
                                 SmallVectorImpl<Projection> &out) {
  Operation *def = current.getDefiningOp();
  if (auto add = dyn_cast_or_null<snn::AddOp>(def)) {
    if (add.getLhs().getType() == add.getRhs().getType())
      return success(succeeded(collect(add.getLhs(), out)) &&
                     succeeded(collect(add.getRhs(), out)));
  }
  if (!def)
    return emitError(current.getLoc(), "a neuron reads the network input "
                                       "directly; it needs a projection");
  auto projection = describe(def);
  if (failed(projection))
    return failure();
  out.push_back(*projection);
  return success();
}

std::vector<double> Quantizer::units(ArrayRef<Projection> projections,
                                     size_t channels) {
  std::vector<double> unit(channels, 0.0);
  for (const Projection &p : projections)
    for (size_t c = 0; c < channels; ++c)
      for (size_t i = 0; i < p.rowSize; ++i)
        unit[c] = std::max(unit[c], std::abs(p.weights[c * p.rowSize + i]) *
                                        p.worth / double(maxWeight()));
  return unit;
}

FailureOr<SmallVector<Value>> Quantizer::emit(ArrayRef<Projection> projections,
                                              ArrayRef<double> unit) {
  SmallVector<Value> currents;
  for (const Projection &p : projections) {
    SmallVector<int8_t> q;
    bool anyWeight = false, anyLeft = false;
    for (size_t c = 0; c < unit.size(); ++c)
      for (size_t i = 0; i < p.rowSize; ++i) {
        double v = roundAway(p.weights[c * p.rowSize + i] * p.worth / unit[c]);
        // Finite weights can still scale past double's range (inf / inf).
        if (!std::isfinite(v))
          return p.op->emitOpError()
                 << "layer '" << snn::layerName(p.op) << "': weights of "
                 << "channel " << c << " scale beyond the float range";
        v = std::clamp(v, double(-maxWeight()), double(maxWeight()));
        anyWeight = anyWeight || p.weights[c * p.rowSize + i] != 0.0;
        anyLeft = anyLeft || v != 0.0;
        q.push_back(int8_t(v));
      }
    // The state's range puts a floor under the unit (the threshold takes at
    // most 2^(B-2) of them): weights far below the threshold can all round
    // to 0, which would silently cut the projection.
    if (anyWeight && !anyLeft)
      return p.op->emitOpError()
             << "layer '" << snn::layerName(p.op) << "': every weight rounds "
             << "to 0 at " << stateBits << "-bit state (the weights are under "
             << "half a unit of the threshold's scale); raise --state-bits or "
             << "the weights' share of the threshold";
    Operation *op = p.op;
    builder.setInsertionPoint(op);
    Type i8 = builder.getIntegerType(8), i32 = builder.getI32Type();
    auto weightOf = [&](Value floatWeight) {
      auto type = withElement(floatWeight.getType(), i8);
      return builder.create<arith::ConstantOp>(
          op->getLoc(), DenseElementsAttr::get(type, ArrayRef<int8_t>(q)));
    };
    auto bits = builder.getI64IntegerAttr(weightBits);
    Type resultType = withElement(op->getResult(0).getType(), i32);
    Value current =
        llvm::TypeSwitch<Operation *, Value>(op)
            .Case([&](snn::Conv2dOp conv) {
              return builder.create<snn::QConv2dOp>(
                  conv.getLoc(), resultType, p.events,
                  weightOf(conv.getWeight()), conv.getStridesAttr(),
                  conv.getPadsAttr(), conv.getDilationsAttr(),
                  conv.getInputPoolAttr(), conv.getInputPoolMaxAttr(), bits);
            })
            .Case([&](snn::DenseOp dense) {
              return builder.create<snn::QDenseOp>(
                  dense.getLoc(), resultType, p.events,
                  weightOf(dense.getWeight()), dense.getInputPoolAttr(),
                  dense.getInputPoolMaxAttr(), bits);
            })
            .Case([&](snn::ChannelAffineOp affine) {
              return builder.create<snn::QOneToOneOp>(
                  affine.getLoc(), resultType, p.events,
                  weightOf(affine.getScale()), bits);
            });
    currents.push_back(current);
  }
  return currents;
}

/// A count of units for messages: exact while it fits int64 (converting a
/// larger double to int64 is undefined), else in scientific notation.
std::string unitsText(double units) {
  if (std::abs(units) < 9.2e18)
    return std::to_string(int64_t(units));
  return llvm::formatv("{0:E2}", units).str();
}

/// The channels' summed float bias over all projections.
std::vector<double> totalBias(ArrayRef<Projection> projections,
                              size_t channels) {
  std::vector<double> bias(channels, 0.0);
  for (const Projection &p : projections)
    for (size_t c = 0; c < channels; ++c)
      bias[c] += p.bias[c];
  return bias;
}

LogicalResult Quantizer::quantizeLIF(snn::LIFOp lif) {
  // A max pool of the current before the neuron becomes the population's
  // current_pool: the neurons take the max of a window of the summed
  // currents (the bias is per channel, so adding it after the max is the
  // same). snn-lower-pooling checked the pool's windows tile the plane.
  Value input = lif.getInput();
  DenseI64ArrayAttr currentPool;
  if (auto pool = input.getDefiningOp<snn::MaxPoolOp>()) {
    currentPool = pool.getKernelAttr();
    input = pool.getInput();
  }
  SmallVector<Projection> projections;
  if (failed(collect(input, projections)))
    return failure();
  auto type = lif.getType().cast<RankedTensorType>();
  size_t channels = type.getDimSize(1);
  double threshold = lif.getVThreshold().convertToFloat();
  std::vector<double> unit = units(projections, channels);
  std::vector<double> bias = totalBias(projections, channels);
  double floor = threshold / double(int64_t(1) << (stateBits - 2));
  SmallVector<int64_t> thresholdQ, biasQ;
  for (size_t c = 0; c < channels; ++c) {
    if (unit[c] == 0.0) // a channel without weights: a constant current
      unit[c] = std::max(std::abs(bias[c]), threshold) / double(maxWeight());
    unit[c] = std::max(unit[c], floor);
    if (!std::isfinite(unit[c]) || !std::isfinite(bias[c]))
      return lif.emitOpError()
             << "layer '" << snn::layerName(lif) << "': the weights or bias "
             << "of channel " << c << " overflow the float range";
    thresholdQ.push_back(
        std::max<int64_t>(1, int64_t(roundAway(threshold / unit[c]))));
    double b = roundAway(bias[c] / unit[c]);
    if (!(std::abs(b) <= double(maxState()))) // also NaN (inf - inf)
      return lif.emitOpError()
             << "layer '" << snn::layerName(lif) << "': bias of "
             << "channel " << c << " is " << unitsText(b) << " units, "
             << "beyond the " << stateBits << "-bit state";
    biasQ.push_back(int64_t(b));
  }
  auto currents = emit(projections, unit);
  if (failed(currents))
    return failure();
  builder.setInsertionPoint(lif);
  // A shared decay stays one integer; per-channel decays stay an array.
  SmallVector<int64_t> decayQ;
  for (float decay : lif.getDecays())
    decayQ.push_back(
        int64_t(roundAway(double(decay) * double(int64_t(1) << decayBits))));
  Attribute decayAttr = lif.getDecay().isa<FloatAttr>()
                            ? Attribute(builder.getI64IntegerAttr(decayQ[0]))
                            : Attribute(builder.getDenseI64ArrayAttr(decayQ));
  // A layer read out by its membranes yields them as the readout: one
  // state unit of channel c is worth unit[c].
  DenseF32ArrayAttr membraneUnit;
  Type element = builder.getI32Type();
  if (lif.getMembraneReadout()) {
    SmallVector<float> unitF(unit.begin(), unit.end());
    membraneUnit = builder.getDenseF32ArrayAttr(unitF);
    element = builder.getF32Type();
  }
  auto q = builder.create<snn::QLIFOp>(
      lif.getLoc(), withElement(type, element), *currents, lif.getResetAttr(),
      lif.getFireAttr(), builder.getDenseI64ArrayAttr(thresholdQ),
      builder.getDenseI64ArrayAttr(biasQ), decayAttr,
      builder.getI64IntegerAttr(decayBits),
      builder.getI64IntegerAttr(stateBits), lif.getVThresholdAttr(),
      currentPool, membraneUnit);
  events[lif.getResult()] = {q.getResult(), 1.0};
  return success();
}

LogicalResult Quantizer::quantizeReadout(func::ReturnOp ret) {
  // A LIF read out by its membranes is its own readout (quantizeLIF).
  if (auto lif = ret.getOperand(0).getDefiningOp<snn::LIFOp>();
      lif && lif.getMembraneReadout()) {
    ret->setOperand(0, events[lif.getResult()].first);
    return success();
  }
  SmallVector<Projection> projections;
  if (failed(collect(ret.getOperand(0), projections)))
    return failure();
  auto type = ret.getOperand(0).getType().cast<RankedTensorType>();
  size_t channels = type.getDimSize(1);
  std::vector<double> unit = units(projections, channels);
  std::vector<double> bias = totalBias(projections, channels);
  SmallVector<int64_t> biasQ;
  SmallVector<float> unitF;
  for (size_t c = 0; c < channels; ++c) {
    if (unit[c] == 0.0)
      unit[c] = bias[c] != 0.0 ? std::abs(bias[c]) / double(maxWeight()) : 1.0;
    double b = roundAway(bias[c] / unit[c]);
    if (!(std::abs(b) <= double(INT32_MAX))) // also NaN (inf - inf)
      return ret.emitOpError()
             << "readout bias of output " << c << " overflows 32 bits";
    biasQ.push_back(int64_t(b));
    unitF.push_back(float(unit[c]));
  }
  auto currents = emit(projections, unit);
  if (failed(currents))
    return failure();
  builder.setInsertionPoint(ret);
  // Named after the projection that feeds it (the ONNX readout layer).
  auto readout = builder.create<snn::QReadoutOp>(
      projections.front().op->getLoc(), type, *currents,
      builder.getDenseI64ArrayAttr(biasQ), builder.getDenseF32ArrayAttr(unitF));
  ret->setOperand(0, readout.getResult());
  return success();
}

LogicalResult Quantizer::run(func::FuncOp func) {
  if (weightBits < 2 || weightBits > 8)
    return func.emitError()
           << "weight-bits must be in [2, 8], got " << weightBits;
  if (stateBits < weightBits + 1 || stateBits > 32)
    return func.emitError()
           << "a " << stateBits << "-bit state cannot hold " << weightBits
           << "-bit weights (need " << weightBits + 1 << " to 32 bits)";
  if (inputBits < 2 || inputBits > 16 || decayBits < 0 || decayBits > 16)
    return func.emitError(
        "input-bits must be in [2, 16], decay-bits in [0, 16]");
  if (!(inputMax > inputMin))
    return func.emitError("input-max must be larger than input-min");
  if (failed(analyzeInput(func)))
    return failure();
  SmallVector<snn::LIFOp> lifs(func.getOps<snn::LIFOp>());
  for (snn::LIFOp lif : lifs)
    if (failed(quantizeLIF(lif)))
      return failure();
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  if (failed(quantizeReadout(ret)))
    return failure();
  // Erase the float network (everything now unused, the input's
  // normalization included).  LIF populations stay even when nothing reads
  // their spikes: they are stateful.
  bool changed = true;
  while (changed) {
    changed = false;
    for (Operation &op :
         llvm::make_early_inc_range(llvm::reverse(func.getBody().front())))
      if (&op != ret && op.use_empty() && !isa<snn::QLIFOp>(op)) {
        op.erase();
        changed = true;
      }
  }
  return success();
}

struct QuantizePass : snnc::impl::QuantizeBase<QuantizePass> {
  using QuantizeBase::QuantizeBase;
  void runOnOperation() override {
    auto main = getOperation().lookupSymbol<func::FuncOp>("main");
    if (!main || main.isExternal() || main.getNumArguments() != 1) {
      getOperation().emitError("snn-quantize needs @main with one input");
      return signalPassFailure();
    }
    OpBuilder builder(&getContext());
    Quantizer quantizer(builder, weightBits, inputBits, stateBits, decayBits,
                        inputMin, inputMax);
    if (failed(quantizer.run(main)))
      signalPassFailure();
  }
};

} // namespace
