//===- LowerPooling.cpp - pooling and flatten into event addressing -------===//
#include "snnc/Passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <type_traits>

namespace snnc {
#define GEN_PASS_DEF_LOWERPOOLING
#include "snnc/Passes/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;

namespace {

/// The weight scaled by `factor`, as a new constant; null if not constant.
Value scaledWeight(OpBuilder &builder, Location loc, Value weight,
                   double factor) {
  DenseElementsAttr attr;
  if (!matchPattern(weight, m_Constant(&attr)))
    return Value();
  SmallVector<float> values;
  for (APFloat v : attr.getValues<APFloat>())
    values.push_back(float(v.convertToDouble() * factor));
  return builder.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(attr.getType(), ArrayRef<float>(values)));
}

/// The window a pool becomes as an address transform, or failure when its
/// windows overlap or are padded.
template <typename PoolOp>
FailureOr<SmallVector<int64_t, 2>> addressWindow(PoolOp pool) {
  ArrayRef<int64_t> kernel = pool.getKernel(), strides = pool.getStrides();
  auto outType = pool.getOutput().getType().template cast<RankedTensorType>();
  bool global = outType.getDimSize(2) == 1 && outType.getDimSize(3) == 1;
  bool padded = llvm::any_of(pool.getPads(), [](int64_t p) { return p != 0; });
  if (padded || (!global && kernel != strides))
    return failure();
  return SmallVector<int64_t, 2>(kernel.begin(), kernel.end());
}

/// The weight a pooled projection reads through `window`: scaled by
/// 1 / (ky * kx) when there is a window, else unchanged.
Value pooledWeight(PatternRewriter &rewriter, Location loc, Value weight,
                   ArrayRef<int64_t> window) {
  if (window.empty())
    return weight;
  return scaledWeight(rewriter, loc, weight,
                      1.0 / double(window[0] * window[1]));
}

bool hasConstantWeight(Value weight) {
  DenseElementsAttr attr;
  return matchPattern(weight, m_Constant(&attr));
}

/// Rebuilds `dense` to read `source` (NCHW) directly, through `pool` (a
/// max pool of spikes with `max`: the weights stay, an event counts once).
void rewireDense(PatternRewriter &rewriter, snn::DenseOp dense, Value source,
                 ArrayRef<int64_t> pool, bool max = false) {
  rewriter.setInsertionPoint(dense);
  Value weight =
      max ? dense.getWeight()
          : pooledWeight(rewriter, dense.getLoc(), dense.getWeight(), pool);
  DenseI64ArrayAttr poolAttr;
  if (!pool.empty())
    poolAttr = rewriter.getDenseI64ArrayAttr(pool);
  rewriter.replaceOpWithNewOp<snn::DenseOp>(
      dense, dense.getType(), source, weight, dense.getBias(), poolAttr,
      max ? rewriter.getUnitAttr() : UnitAttr());
}

/// Reports the first reason, in the order the pool's users are rewritten,
/// why `pool` cannot become an address transform; checked before any
/// rewrite so that a failing pattern leaves the IR as it was.
template <typename PoolOp>
LogicalResult checkPool(PoolOp pool, ArrayRef<Operation *> users) {
  if (failed(addressWindow(pool)))
    return pool.emitOpError("cannot become an event address transform: its "
                            "windows overlap or are padded");
  for (Operation *user : users) {
    if (auto conv = dyn_cast<snn::Conv2dOp>(user)) {
      if (conv.getInputPool())
        return conv.emitOpError("reads two pools in a row");
      if (!hasConstantWeight(conv.getWeight()))
        return conv.emitOpError("needs a constant weight to absorb pooling");
      continue;
    }
    auto flatten = dyn_cast<snn::FlattenOp>(user);
    if (!flatten)
      return user->emitOpError("reads pooled events; only a projection can");
    for (Operation *flatUser : flatten->getUsers()) {
      auto dense = dyn_cast<snn::DenseOp>(flatUser);
      if (!dense)
        return flatUser->emitOpError(
            "reads pooled events; only a projection can");
      if (!hasConstantWeight(dense.getWeight()))
        return dense.emitOpError("needs a constant weight to absorb pooling");
    }
  }
  return success();
}

/// A max pool of a current (a projection's output, or a residual sum of
/// them) before the neuron, not of spikes.
bool poolsCurrent(Operation *pool) {
  Operation *def = pool->getOperand(0).getDefiningOp();
  return isa<snn::MaxPoolOp>(pool) && def &&
         isa<snn::Conv2dOp, snn::DenseOp, snn::ChannelAffineOp, snn::AddOp>(
             def);
}

/// A max pool of a current stays for snn-quantize, which makes it the
/// window of the LIF population that reads it: the windows must tile the
/// plane, and only neurons may read it.
LogicalResult checkCurrentPool(snn::MaxPoolOp pool) {
  if (failed(addressWindow(pool)))
    return pool.emitOpError("max-pools a current with windows that overlap "
                            "or are padded; the neurons' windows must tile "
                            "the plane");
  for (Operation *user : pool->getUsers())
    if (!isa<snn::LIFOp>(user))
      return user->emitOpError("reads a max-pooled current; only a neuron "
                               "population can (each neuron takes the max "
                               "of its window)");
  return success();
}

/// Erases the constants in `values` that nothing reads any more (the
/// weights the rewrite scaled).  The driver works only on the pools and
/// flattens (see runOnOperation), so this is left to the pattern.
void eraseDeadConstants(PatternRewriter &rewriter, ArrayRef<Value> values) {
  for (Value value : values)
    if (auto constant = value.getDefiningOp<arith::ConstantOp>())
      if (constant->use_empty())
        rewriter.eraseOp(constant);
}

/// Shared by the patterns: after the first error the pass fails, and no
/// pattern rewrites or reports anything more (the error is the pass's one).
struct LoweringState {
  bool failed = false;
};

/// avg_pool or max_pool followed by conv2d, or by flatten and dense: the
/// projections read the pool's input through `input_pool` (a max pool with
/// `input_pool_max`, its weights unscaled).
template <typename PoolOp> struct LowerPool : OpRewritePattern<PoolOp> {
  LowerPool(MLIRContext *context, LoweringState &state)
      : OpRewritePattern<PoolOp>(context), state(state) {}

  LogicalResult matchAndRewrite(PoolOp pool,
                                PatternRewriter &rewriter) const override {
    constexpr bool max = std::is_same_v<PoolOp, snn::MaxPoolOp>;
    if (state.failed)
      return failure();
    if (max && poolsCurrent(pool))
      return failure(); // checked before the driver; snn-quantize reads it
    SmallVector<Operation *> users(pool->getUsers());
    if (failed(checkPool(pool, users))) {
      state.failed = true;
      return failure();
    }
    SmallVector<int64_t, 2> window = *addressWindow(pool);
    for (Operation *user : users) {
      if (auto conv = dyn_cast<snn::Conv2dOp>(user)) {
        rewriter.setInsertionPoint(conv);
        Value weight = max ? conv.getWeight()
                           : pooledWeight(rewriter, conv.getLoc(),
                                          conv.getWeight(), window);
        Value oldWeight = conv.getWeight();
        rewriter.replaceOpWithNewOp<snn::Conv2dOp>(
            conv, conv.getType(), pool.getInput(), weight, conv.getBias(),
            conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
            rewriter.getDenseI64ArrayAttr(window),
            max ? rewriter.getUnitAttr() : UnitAttr());
        if (!max)
          eraseDeadConstants(rewriter, oldWeight);
        continue;
      }
      auto flatten = cast<snn::FlattenOp>(user);
      for (Operation *flatUser :
           llvm::make_early_inc_range(flatten->getUsers())) {
        auto dense = cast<snn::DenseOp>(flatUser);
        Value oldWeight = dense.getWeight();
        rewireDense(rewriter, dense, pool.getInput(), window, max);
        if (!max)
          eraseDeadConstants(rewriter, oldWeight);
      }
      rewriter.eraseOp(flatten);
    }
    rewriter.eraseOp(pool);
    return success();
  }

  LoweringState &state;
};

bool isNCHW(Value value) {
  return value.getType().cast<RankedTensorType>().getRank() == 4;
}

/// Flatten without a pool: dense addressing of the NCHW source.
struct LowerFlatten : OpRewritePattern<snn::FlattenOp> {
  LowerFlatten(MLIRContext *context, LoweringState &state)
      : OpRewritePattern(context), state(state) {}

  LogicalResult matchAndRewrite(snn::FlattenOp flatten,
                                PatternRewriter &rewriter) const override {
    // A pool's flatten is lowered with the pool (LowerPool).
    if (state.failed || flatten.getInput().getDefiningOp<snn::AvgPoolOp>() ||
        flatten.getInput().getDefiningOp<snn::MaxPoolOp>() ||
        !isNCHW(flatten.getInput()) ||
        !llvm::all_of(flatten->getUsers(),
                      [](Operation *op) { return isa<snn::DenseOp>(op); }))
      return failure();
    for (Operation *user : llvm::make_early_inc_range(flatten->getUsers()))
      rewireDense(rewriter, cast<snn::DenseOp>(user), flatten.getInput(), {});
    rewriter.eraseOp(flatten);
    return success();
  }

  LoweringState &state;
};

struct LowerPoolingPass : snnc::impl::LowerPoolingBase<LowerPoolingPass> {
  void runOnOperation() override;
};

void LowerPoolingPass::runOnOperation() {
  // The pools, then the flattens of NCHW tensors (the others stay, even
  // when dead), each in program order, and the constants nothing reads
  // already.  Only these ops are simplified (ExistingOps): a
  // whole-region driver would also fold every arith.constant, which hoists
  // and merges the weights and changes the printed IR.
  SmallVector<Operation *> pools, flattens, deadConstants;
  getOperation().walk([&](Operation *op) {
    if (isa<snn::AvgPoolOp, snn::MaxPoolOp>(op))
      pools.push_back(op);
    else if (isa<snn::FlattenOp>(op) && isNCHW(op->getOperand(0)))
      flattens.push_back(op);
    else if (isa<arith::ConstantOp>(op) && op->use_empty())
      deadConstants.push_back(op);
  });
  // The driver erases a dead pool before any pattern sees it; its window
  // is still checked, as every pool's is.
  for (Operation *op : pools) {
    if (!op->use_empty())
      continue;
    auto avg = dyn_cast<snn::AvgPoolOp>(op);
    if (avg ? failed(checkPool(avg, {}))
            : failed(checkPool(cast<snn::MaxPoolOp>(op), {})))
      return signalPassFailure();
  }
  // Max pools of currents stay (LowerPool keeps them), checked here.
  for (Operation *op : pools) {
    if (!op->use_empty() && poolsCurrent(op) &&
        failed(checkCurrentPool(cast<snn::MaxPoolOp>(op))))
      return signalPassFailure();
  }
  // The driver pops its worklist from the back.
  SmallVector<Operation *> roots(deadConstants.rbegin(), deadConstants.rend());
  roots.append(flattens.rbegin(), flattens.rend());
  roots.append(pools.rbegin(), pools.rend());
  LoweringState state;
  RewritePatternSet patterns(&getContext());
  patterns
      .add<LowerPool<snn::AvgPoolOp>, LowerPool<snn::MaxPoolOp>, LowerFlatten>(
          &getContext(), state);
  (void)applyOpPatternsAndFold(roots, std::move(patterns),
                               GreedyRewriteStrictness::ExistingOps);
  if (state.failed)
    signalPassFailure();
}

} // namespace
