//===- FoldTdBN.cpp - fold per-channel affine maps into projections -------===//
#include "Utils.h"
#include "snnc/Passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <optional>

namespace snnc {
#define GEN_PASS_DEF_FOLDTDBN
#include "snnc/Passes/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;
using namespace snnc::passes;

namespace {

/// y = g[c] * x + h[c], per channel c (axis 1).
struct ChannelAffine {
  std::vector<double> g, h;
};

std::optional<ChannelAffine> tdbnAffine(snn::TdBatchNormOp op) {
  auto scale = constantValues(op.getScale());
  auto bias = constantValues(op.getBias());
  auto mean = constantValues(op.getMean());
  auto var = constantValues(op.getVar());
  if (!scale || !bias || !mean || !var)
    return std::nullopt;
  // The float engine and PyTorch use gain = alpha * v_threshold in float32.
  double gain = double(op.getAlpha().convertToFloat() *
                       op.getVThreshold().convertToFloat());
  double epsilon = op.getEpsilon().convertToFloat();
  ChannelAffine affine;
  for (size_t c = 0; c < scale->size(); ++c) {
    double g = (*scale)[c] * gain / std::sqrt((*var)[c] + epsilon);
    affine.g.push_back(g);
    affine.h.push_back((*bias)[c] - g * (*mean)[c]);
  }
  return affine;
}

/// The affine map of a binary op with one constant operand, in terms of its
/// activation operand.
std::optional<ChannelAffine> binaryAffine(Operation *op, Value &activation) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  bool constantLhs = matchPattern(lhs, m_Constant());
  bool constantRhs = matchPattern(rhs, m_Constant());
  if (constantLhs == constantRhs)
    return std::nullopt;
  activation = constantLhs ? rhs : lhs;
  auto type = activation.getType().cast<RankedTensorType>();
  if (op->getResult(0).getType() != type || type.getRank() < 2)
    return std::nullopt;
  auto c = perChannel(constantLhs ? lhs : rhs, type);
  if (!c)
    return std::nullopt;
  size_t channels = c->size();
  ChannelAffine affine{std::vector<double>(channels, 1.0),
                       std::vector<double>(channels, 0.0)};
  for (size_t i = 0; i < channels; ++i) {
    double k = (*c)[i];
    if (isa<snn::MulOp>(op)) {
      affine.g[i] = k;
    } else if (isa<snn::AddOp>(op)) {
      affine.h[i] = k;
    } else if (isa<snn::SubOp>(op)) {
      affine.g[i] = constantLhs ? -1.0 : 1.0;
      affine.h[i] = constantLhs ? k : -k;
    } else if (isa<snn::DivOp>(op) && !constantLhs && k != 0.0) {
      affine.g[i] = 1.0 / k;
    } else {
      return std::nullopt;
    }
  }
  return affine;
}

/// Scales rows of a [C, ...] weight and folds the affine map into the bias.
void foldIntoRows(std::vector<double> &weight, std::vector<double> &bias,
                  const ChannelAffine &affine) {
  size_t channels = affine.g.size(), row = weight.size() / channels;
  for (size_t c = 0; c < channels; ++c) {
    for (size_t i = 0; i < row; ++i)
      weight[c * row + i] *= affine.g[c];
    bias[c] = affine.g[c] * bias[c] + affine.h[c];
  }
}

/// Folds `affine` into the projection or channel_affine producing `value`.
/// Returns the folded op's result, or a null Value when it cannot fold.
Value foldInto(Value value, const ChannelAffine &affine, OpBuilder &builder) {
  Operation *producer = value.getDefiningOp();
  if (!producer || !value.hasOneUse())
    return Value();
  builder.setInsertionPoint(producer);
  Location loc = producer->getLoc();
  size_t channels = affine.g.size();
  auto foldProjection = [&](Value weight, Value bias, auto rebuild) -> Value {
    auto w = constantValues(weight);
    if (!w)
      return Value();
    std::vector<double> b(channels, 0.0);
    if (bias) {
      auto existing = constantValues(bias);
      if (!existing)
        return Value();
      b = *existing;
    }
    foldIntoRows(*w, b, affine);
    auto wType = weight.getType().cast<RankedTensorType>();
    Value newW = makeConstant(builder, loc, wType.getShape(), *w);
    Value newB = makeConstant(builder, loc, {int64_t(channels)}, b);
    return rebuild(newW, newB);
  };
  return llvm::TypeSwitch<Operation *, Value>(producer)
      .Case([&](snn::Conv2dOp conv) {
        return foldProjection(
            conv.getWeight(), conv.getBias(), [&](Value w, Value b) -> Value {
              return builder.create<snn::Conv2dOp>(
                  loc, conv.getType(), conv.getInput(), w, b,
                  conv.getStridesAttr(), conv.getPadsAttr(),
                  conv.getDilationsAttr(), conv.getInputPoolAttr());
            });
      })
      .Case([&](snn::DenseOp dense) {
        return foldProjection(
            dense.getWeight(), dense.getBias(), [&](Value w, Value b) -> Value {
              return builder.create<snn::DenseOp>(loc, dense.getType(),
                                                  dense.getInput(), w, b,
                                                  dense.getInputPoolAttr());
            });
      })
      .Case([&](snn::ChannelAffineOp prior) {
        auto scale = constantValues(prior.getScale());
        auto bias = constantValues(prior.getBias());
        if (!scale || !bias)
          return Value();
        foldIntoRows(*scale, *bias, affine);
        int64_t c = int64_t(channels);
        return Value(builder.create<snn::ChannelAffineOp>(
            loc, prior.getInput(), makeConstant(builder, loc, {c}, *scale),
            makeConstant(builder, loc, {c}, *bias)));
      })
      .Default([](Operation *) { return Value(); });
}

struct FoldTdBNPass : snnc::impl::FoldTdBNBase<FoldTdBNPass> {
  void runOnOperation() override;
};

void FoldTdBNPass::runOnOperation() {
  OpBuilder builder(&getContext());
  SmallVector<Operation *> work;
  getOperation().walk([&](Operation *op) {
    if (isa<snn::TdBatchNormOp, snn::MulOp, snn::AddOp, snn::SubOp, snn::DivOp>(
            op))
      work.push_back(op);
  });
  // Program order: after a fold, the next map in a chain sees the folded
  // projection as its producer.
  for (Operation *op : work) {
    Value input;
    std::optional<ChannelAffine> affine;
    if (auto norm = dyn_cast<snn::TdBatchNormOp>(op)) {
      input = norm.getInput();
      affine = tdbnAffine(norm);
    } else {
      affine = binaryAffine(op, input);
    }
    if (!affine)
      continue;
    Value folded = foldInto(input, *affine, builder);
    if (!folded && isa<snn::TdBatchNormOp>(op)) {
      // Nothing to fold into (spikes, or the analog input): keep the map as
      // a plain per-channel affine.
      builder.setInsertionPoint(op);
      int64_t c = int64_t(affine->g.size());
      folded = builder.create<snn::ChannelAffineOp>(
          op->getLoc(), input,
          makeConstant(builder, op->getLoc(), {c}, affine->g),
          makeConstant(builder, op->getLoc(), {c}, affine->h));
    }
    if (!folded)
      continue;
    Operation *producer = input.getDefiningOp();
    op->getResult(0).replaceAllUsesWith(folded);
    op->erase();
    if (producer && producer != folded.getDefiningOp() && producer->use_empty())
      producer->erase();
  }
  // Drop the weights and statistics nothing reads any more.
  getOperation().walk([](arith::ConstantOp constant) {
    if (constant->use_empty())
      constant->erase();
  });
}

} // namespace
