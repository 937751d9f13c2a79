//===- FoldTdBN.cpp - fold per-channel affine maps into projections -------===//
#include "Utils.h"
#include "snnc/Passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
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
                  conv.getDilationsAttr(), conv.getInputPoolAttr(),
                  conv.getInputPoolMaxAttr());
            });
      })
      .Case([&](snn::DenseOp dense) {
        return foldProjection(
            dense.getWeight(), dense.getBias(), [&](Value w, Value b) -> Value {
              return builder.create<snn::DenseOp>(
                  loc, dense.getType(), dense.getInput(), w, b,
                  dense.getInputPoolAttr(), dense.getInputPoolMaxAttr());
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

/// `avg_pool(conv2d(x, K))` as one convolution: the pool's mean over a
/// window of conv outputs is a convolution of x with the kernel box-filtered
/// through the window, at stride `conv stride * pool stride`:
///   K'[o][c][u][v] = sum over (a, b) in the window, (ky, kx) with
///   s_y a + d_y ky = u and s_x b + d_x kx = v, of K[o][c][ky][kx] / (p_y p_x)
/// (size s (p - 1) + d (k - 1) + 1, dilation 1, the conv's pads). The bias
/// is unchanged: the mean of a constant is that constant. This is exact in
/// real arithmetic, and the output sizes agree (floor((H_c - p) / q) + 1
/// either way). A padded pool (its border windows see no conv output) or a
/// conv read by anything else does not fold.
Value foldPoolIntoConv(snn::AvgPoolOp pool, OpBuilder &builder) {
  auto conv = pool.getInput().getDefiningOp<snn::Conv2dOp>();
  if (!conv || !conv.getResult().hasOneUse() || conv.getInputPool() ||
      llvm::any_of(pool.getPads(), [](int64_t p) { return p != 0; }))
    return Value();
  auto weight = constantValues(conv.getWeight());
  if (!weight)
    return Value();
  ArrayRef<int64_t> shape =
      conv.getWeight().getType().cast<RankedTensorType>().getShape();
  ArrayRef<int64_t> stride = conv.getStrides(), dilation = conv.getDilations();
  ArrayRef<int64_t> window = pool.getKernel(), poolStride = pool.getStrides();
  int64_t outC = shape[0], inC = shape[1], kh = shape[2], kw = shape[3];
  int64_t nh = stride[0] * (window[0] - 1) + dilation[0] * (kh - 1) + 1;
  int64_t nw = stride[1] * (window[1] - 1) + dilation[1] * (kw - 1) + 1;
  // The sizes agree for every pool the verifier accepts; checked all the
  // same, since a mismatch would be a wrong network, not a refusal.
  auto inType = conv.getInput().getType().cast<RankedTensorType>();
  auto outType = pool.getType().cast<RankedTensorType>();
  ArrayRef<int64_t> pads = conv.getPads();
  int64_t newStride[2] = {stride[0] * poolStride[0], stride[1] * poolStride[1]};
  int64_t kernel[2] = {nh, nw};
  for (int axis = 0; axis < 2; ++axis) {
    int64_t span = inType.getDimSize(2 + axis) + pads[axis] + pads[axis + 2] -
                   kernel[axis];
    if (span < 0 || span / newStride[axis] + 1 != outType.getDimSize(2 + axis))
      return Value();
  }
  std::vector<double> folded(size_t(outC * inC * nh * nw), 0.0);
  double share = 1.0 / double(window[0] * window[1]);
  for (int64_t oc = 0; oc < outC * inC; ++oc)
    for (int64_t a = 0; a < window[0]; ++a)
      for (int64_t b = 0; b < window[1]; ++b)
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t kx = 0; kx < kw; ++kx) {
            int64_t u = stride[0] * a + dilation[0] * ky;
            int64_t v = stride[1] * b + dilation[1] * kx;
            folded[size_t((oc * nh + u) * nw + v)] +=
                (*weight)[size_t((oc * kh + ky) * kw + kx)] * share;
          }
  builder.setInsertionPoint(pool);
  Location loc = pool.getLoc();
  Value newWeight = makeConstant(builder, loc, {outC, inC, nh, nw}, folded);
  auto newConv = builder.create<snn::Conv2dOp>(
      loc, pool.getType(), conv.getInput(), newWeight, conv.getBias(),
      builder.getDenseI64ArrayAttr(newStride), conv.getPadsAttr(),
      builder.getDenseI64ArrayAttr({1, 1}), DenseI64ArrayAttr(), UnitAttr());
  return newConv;
}

/// True when `value` is a current: what a projection (or a residual sum of
/// them) produces, through affine maps and pools; not spikes, not the input.
bool isCurrent(Value value) {
  Operation *op = value.getDefiningOp();
  while (op &&
         isa<snn::AvgPoolOp, snn::MaxPoolOp, snn::TdBatchNormOp, snn::MulOp,
             snn::AddOp, snn::SubOp, snn::DivOp, snn::ChannelAffineOp>(op)) {
    bool binary = isa<snn::MulOp, snn::AddOp, snn::SubOp, snn::DivOp>(op);
    bool constantLhs = binary && matchPattern(op->getOperand(0), m_Constant());
    bool constantRhs = binary && matchPattern(op->getOperand(1), m_Constant());
    if (binary && !constantLhs && !constantRhs) // a residual sum: of two
      return isCurrent(op->getOperand(0)) ||    // currents, or of a current
             isCurrent(op->getOperand(1));      // and spikes, not of spikes
    op = op->getOperand(constantLhs ? 1 : 0).getDefiningOp();
  }
  return op && isa<snn::Conv2dOp, snn::DenseOp>(op);
}

/// The affine map `op` applies to its activation, or std::nullopt when it
/// is not a map with constant parameters.
std::optional<ChannelAffine> affineOf(Operation *op, Value &input) {
  if (auto norm = dyn_cast<snn::TdBatchNormOp>(op)) {
    input = norm.getInput();
    return tdbnAffine(norm);
  }
  return binaryAffine(op, input);
}

/// Erases the ops defining `values` that nothing reads any more: the old
/// projection and the weights, biases and statistics the fold replaced.
/// The driver works only on the maps (see runOnOperation), so this is left
/// to the pattern that made them dead.
/// Producers are gathered before any is erased and remembered once erased:
/// one constant can feed several operands (or reach the list twice through
/// a projection), and a Value of an erased op must never be read again.
void eraseDeadProducers(RewriterBase &rewriter, ArrayRef<Value> values) {
  SmallVector<Operation *> worklist;
  for (Value value : values)
    if (Operation *producer = value.getDefiningOp())
      worklist.push_back(producer);
  llvm::SmallPtrSet<Operation *, 8> erased;
  while (!worklist.empty()) {
    Operation *producer = worklist.pop_back_val();
    if (erased.contains(producer) || !producer->use_empty() ||
        !isa<arith::ConstantOp, snn::Conv2dOp, snn::DenseOp,
             snn::ChannelAffineOp>(producer))
      continue;
    for (Value operand : producer->getOperands())
      if (Operation *source = operand.getDefiningOp())
        worklist.push_back(source);
    erased.insert(producer);
    rewriter.eraseOp(producer);
  }
}

/// Replaces `op` by `folded` (failure when there is none) and erases what
/// only `op` read.
LogicalResult replaceWithFolded(Operation *op, Value folded,
                                RewriterBase &rewriter) {
  if (!folded)
    return failure();
  SmallVector<Value> operands(op->getOperands());
  rewriter.replaceOp(op, folded);
  eraseDeadProducers(rewriter, operands);
  return success();
}

/// A max pool of a current, read by an affine map.
snn::MaxPoolOp currentMaxPool(Value value) {
  auto pool = value.getDefiningOp<snn::MaxPoolOp>();
  return pool && isCurrent(pool.getInput()) ? pool : snn::MaxPoolOp();
}

/// `g * max(x) + h` is `max(g * x + h)` for g >= 0 (per channel), so a map
/// after a max pool of a current folds into the projection before the
/// pool, and the pool reads the folded current. A negative g would turn
/// the max into a min: that map stays, and the pass reports it.
LogicalResult foldThroughMaxPool(Operation *op, snn::MaxPoolOp pool,
                                 const ChannelAffine &affine,
                                 RewriterBase &rewriter) {
  if (!pool->hasOneUse() ||
      llvm::any_of(affine.g, [](double g) { return g < 0.0; }))
    return failure();
  Value folded = foldInto(pool.getInput(), affine, rewriter);
  if (!folded)
    return failure();
  rewriter.setInsertionPoint(op);
  Value pooled = rewriter.create<snn::MaxPoolOp>(
      pool.getLoc(), pool.getType(), folded, pool.getKernelAttr(),
      pool.getStridesAttr(), pool.getPadsAttr());
  // What only the map and the old pool read (the map's constants, the old
  // projection): gathered without the pool's result, which is erased here.
  SmallVector<Value> operands;
  for (Value operand : op->getOperands())
    if (operand != pool.getResult())
      operands.push_back(operand);
  operands.push_back(pool.getInput());
  rewriter.replaceOp(op, pooled);
  rewriter.eraseOp(pool);
  eraseDeadProducers(rewriter, operands);
  return success();
}

bool isAffineMap(Operation *op) {
  return isa<snn::TdBatchNormOp, snn::MulOp, snn::AddOp, snn::SubOp,
             snn::DivOp>(op);
}

/// Folds one per-channel affine map (tdBN or a binary op with a constant)
/// into the projection or channel_affine before it; a tdBN with nothing to
/// fold into becomes a channel_affine of its own.
LogicalResult foldMap(Operation *op, RewriterBase &rewriter) {
  Value input;
  std::optional<ChannelAffine> affine = affineOf(op, input);
  if (!affine)
    return failure();
  if (snn::MaxPoolOp pool = currentMaxPool(input))
    return foldThroughMaxPool(op, pool, *affine, rewriter);
  Value folded = foldInto(input, *affine, rewriter);
  // A map after a pooled current folds once the pool has folded into its
  // convolution (the pool comes first in program order).
  if (!folded && input.getDefiningOp<snn::AvgPoolOp>() && isCurrent(input))
    return failure();
  if (!folded &&
      (isa<snn::TdBatchNormOp>(op) || input.getDefiningOp<snn::LIFOp>())) {
    // Nothing to fold into (spikes, or the analog input): keep the map as
    // a plain per-channel affine. A constant map of spikes is one too (a
    // one-to-one projection): a gain on a spiking layer's output makes its
    // spike counts the readout.
    rewriter.setInsertionPoint(op);
    int64_t c = int64_t(affine->g.size());
    folded = rewriter.create<snn::ChannelAffineOp>(
        op->getLoc(), input,
        makeConstant(rewriter, op->getLoc(), {c}, affine->g),
        makeConstant(rewriter, op->getLoc(), {c}, affine->h));
  }
  return replaceWithFolded(op, folded, rewriter);
}

struct FoldAffineMap : RewritePattern {
  explicit FoldAffineMap(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    return isAffineMap(op) ? foldMap(op, rewriter) : failure();
  }
};

/// A pooled current becomes one strided convolution (foldPoolIntoConv).
struct FoldPooledCurrent : OpRewritePattern<snn::AvgPoolOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(snn::AvgPoolOp pool,
                                PatternRewriter &rewriter) const override {
    return replaceWithFolded(pool, foldPoolIntoConv(pool, rewriter), rewriter);
  }
};

struct FoldTdBNPass : snnc::impl::FoldTdBNBase<FoldTdBNPass> {
  void runOnOperation() override;
};

void FoldTdBNPass::runOnOperation() {
  // The maps, in program order, and the constants nothing reads already.
  // Only these ops are simplified (ExistingOps): a whole-region driver would
  // also fold every arith.constant, which hoists and merges the weights and
  // changes the printed IR.
  SmallVector<Operation *> roots, unreadMaps;
  getOperation().walk([&](Operation *op) {
    if (isAffineMap(op))
      (op->use_empty() ? unreadMaps : roots).push_back(op);
    else if (isa<snn::AvgPoolOp>(op))
      roots.push_back(op);
    else if (isa<arith::ConstantOp>(op) && op->use_empty())
      roots.push_back(op);
  });
  // The driver pops its worklist from the back: reversed, the maps fold in
  // program order, so the next map in a chain sees the folded projection.
  std::reverse(roots.begin(), roots.end());
  RewritePatternSet patterns(&getContext());
  patterns.add<FoldAffineMap, FoldPooledCurrent>(&getContext());
  (void)applyOpPatternsAndFold(roots, std::move(patterns),
                               GreedyRewriteStrictness::ExistingOps);
  // The driver would erase a map nothing reads instead of folding it; the
  // pass folds every map, read or not, so these fold here, last (nothing
  // reads them, so no other fold depends on them).
  IRRewriter rewriter(&getContext());
  for (Operation *op : unreadMaps)
    (void)foldMap(op, rewriter);
  // A pool whose convolution was also read by a map nothing reads folds
  // now that the map has folded (or become an unread channel_affine).
  SmallVector<snn::AvgPoolOp> pools;
  getOperation().walk([&](snn::AvgPoolOp pool) { pools.push_back(pool); });
  for (snn::AvgPoolOp pool : pools) {
    // What else reads the pool's convolution and is read by nothing (a map
    // nothing reads, kept as a channel_affine) goes first.
    if (Operation *conv = pool.getInput().getDefiningOp())
      for (Operation *user : llvm::make_early_inc_range(conv->getUsers()))
        if (user != pool.getOperation() && user->use_empty() &&
            isa<snn::ChannelAffineOp>(user))
          rewriter.eraseOp(user);
    (void)replaceWithFolded(pool, foldPoolIntoConv(pool, rewriter), rewriter);
  }
  // A pooled current that no convolution absorbed has no event-driven form
  // (a pool of a residual sum, of a dense layer, or a padded pool).
  WalkResult walk = getOperation().walk([&](snn::AvgPoolOp pool) {
    if (!isCurrent(pool.getInput()))
      return WalkResult::advance();
    pool.emitOpError("pools a current that no convolution absorbs: only an "
                     "unpadded pool directly after a convolution (and its "
                     "norms) folds into it; pool spikes after a LIF instead");
    return WalkResult::interrupt();
  });
  if (walk.wasInterrupted())
    return signalPassFailure();
  // A map after a max-pooled current that could not fold through the pool.
  walk = getOperation().walk([&](Operation *op) {
    Value input;
    std::optional<ChannelAffine> affine;
    if (!isAffineMap(op) || !(affine = affineOf(op, input)) ||
        !currentMaxPool(input))
      return WalkResult::advance();
    auto negative = llvm::find_if(affine->g, [](double g) { return g < 0.0; });
    if (negative != affine->g.end())
      op->emitOpError() << "scales channel " << (negative - affine->g.begin())
                        << " of a max-pooled current by " << *negative
                        << ": after a negative scale the max would be a "
                           "min; apply the norm before the pool";
    else
      op->emitOpError("follows a max-pooled current that is not one "
                      "convolution's or dense layer's output; it cannot "
                      "fold before the pool");
    return WalkResult::interrupt();
  });
  if (walk.wasInterrupted())
    signalPassFailure();
}

} // namespace
