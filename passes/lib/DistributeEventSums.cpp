//===- DistributeEventSums.cpp - a sum of spikes, one projection each -----===//
//
// SEW ResNet's ADD of two spike tensors gives events of value 0, 1 or 2.
// No core population holds such a sum: each operand is a population of its
// own, so every projection that reads the sum is split into one projection
// per operand with the same weights (Passes.td).
//
//===----------------------------------------------------------------------===//
#include "snnc/Passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>

namespace snnc {
#define GEN_PASS_DEF_DISTRIBUTEEVENTSUMS
#include "snnc/Passes/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;

namespace {

/// True when `value` carries events (spikes, pooled or summed spikes), not
/// a current or the analog input.
bool isEvents(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return false;
  if (auto lif = dyn_cast<snn::LIFOp>(op))
    return !lif.getMembraneReadout(); // a membrane readout holds membranes
  if (isa<snn::AvgPoolOp, snn::FlattenOp>(op))
    return isEvents(op->getOperand(0));
  if (isa<snn::AddOp>(op))
    return isEvents(op->getOperand(0)) && isEvents(op->getOperand(1));
  return false;
}

/// Whether `user` reads `sum` as the input it can apply to each operand (a
/// projection, pool or flatten; not as a weight, not another op).
bool distributes(Operation *user, Value sum) {
  return isa<snn::Conv2dOp, snn::DenseOp, snn::AvgPoolOp, snn::FlattenOp>(
             user) &&
         user->getOperand(0) == sum;
}

/// The op `user` applied to `input` in its place (same attributes); for a
/// projection, `withBias` keeps or drops its bias.
Value rebuildOn(PatternRewriter &rewriter, Operation *user, Value input,
                bool withBias) {
  Location loc = user->getLoc();
  return llvm::TypeSwitch<Operation *, Value>(user)
      .Case([&](snn::Conv2dOp conv) -> Value {
        return rewriter.create<snn::Conv2dOp>(
            loc, conv.getType(), input, conv.getWeight(),
            withBias ? conv.getBias() : Value(), conv.getStridesAttr(),
            conv.getPadsAttr(), conv.getDilationsAttr(),
            conv.getInputPoolAttr(), conv.getInputPoolMaxAttr());
      })
      .Case([&](snn::DenseOp dense) -> Value {
        return rewriter.create<snn::DenseOp>(
            loc, dense.getType(), input, dense.getWeight(),
            withBias ? dense.getBias() : Value(), dense.getInputPoolAttr(),
            dense.getInputPoolMaxAttr());
      })
      .Case([&](snn::AvgPoolOp pool) -> Value {
        auto type = pool.getType().cast<RankedTensorType>();
        return rewriter.create<snn::AvgPoolOp>(
            loc, type, input, pool.getKernelAttr(), pool.getStridesAttr(),
            pool.getPadsAttr(), pool.getCountIncludePadAttr());
      })
      .Case([&](snn::FlattenOp flatten) -> Value {
        return rewriter.create<snn::FlattenOp>(loc, flatten.getType(), input);
      })
      .Default([](Operation *) { return Value(); });
}

/// A sum of events: each user applies to both operands, and the results
/// are added (a current for a projection; a sum of events again for a
/// pool or flatten, which the driver then distributes further).
struct DistributeSum : OpRewritePattern<snn::AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(snn::AddOp sum,
                                PatternRewriter &rewriter) const override {
    if (!isEvents(sum.getResult()))
      return failure();
    for (Operation *user : sum->getUsers())
      if (!distributes(user, sum.getResult()))
        return failure(); // reported by the pass, after the driver
    for (Operation *user : llvm::make_early_inc_range(sum->getUsers())) {
      rewriter.setInsertionPoint(user);
      Value lhs = rebuildOn(rewriter, user, sum.getLhs(), true);
      Value rhs = rebuildOn(rewriter, user, sum.getRhs(), false);
      rewriter.replaceOpWithNewOp<snn::AddOp>(user, lhs.getType(), lhs, rhs);
    }
    rewriter.eraseOp(sum);
    return success();
  }
};

/// Each projection that reads a sum becomes one projection per spike tensor
/// the sum adds up (counted with repeats: `a1 = a0 + a0` is two of each of
/// a0's): at most this many, or a chain of sums would grow exponentially.
constexpr uint64_t kMaxSumTerms = 64;

/// The spike tensors `value` adds up, counted with repeats (saturating
/// past kMaxSumTerms); memoized, so a chain costs its length.
uint64_t sumTerms(Value value, llvm::DenseMap<Value, uint64_t> &memo) {
  Operation *op = value.getDefiningOp();
  if (!op || !isa<snn::AddOp, snn::AvgPoolOp, snn::FlattenOp>(op))
    return 1;
  if (auto it = memo.find(value); it != memo.end())
    return it->second;
  uint64_t terms = 0;
  for (Value operand : op->getOperands())
    terms = std::min(kMaxSumTerms + 1, terms + sumTerms(operand, memo));
  return memo[value] = terms;
}

struct DistributeEventSumsPass
    : snnc::impl::DistributeEventSumsBase<DistributeEventSumsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> sums;
    getOperation().walk([&](snn::AddOp op) { sums.push_back(op); });
    llvm::DenseMap<Value, uint64_t> memo;
    for (Operation *op : sums) {
      auto sum = cast<snn::AddOp>(op);
      if (!isEvents(sum.getResult()) ||
          sumTerms(sum.getResult(), memo) <= kMaxSumTerms)
        continue;
      sum.emitOpError() << "adds up more than " << kMaxSumTerms
                        << " spike tensors (counting repeats); each reader "
                           "of the sum would need one projection per tensor";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<DistributeSum>(&getContext());
    (void)applyOpPatternsAndFold(sums, std::move(patterns),
                                 GreedyRewriteStrictness::ExistingAndNewOps);
    // What is left was read by something that cannot take a sum of events.
    WalkResult walk = getOperation().walk([&](snn::AddOp sum) {
      if (!isEvents(sum.getResult()))
        return WalkResult::advance();
      for (Operation *user : sum->getUsers())
        if (!distributes(user, sum.getResult())) {
          user->emitOpError("reads a sum of spike tensors (events of value "
                            "2 where both fire); only a projection, a pool "
                            "or a flatten may");
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
