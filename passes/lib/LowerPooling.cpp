//===- LowerPooling.cpp - pooling and flatten into event addressing -------===//
#include "snnc/Passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

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
FailureOr<SmallVector<int64_t, 2>> addressWindow(snn::AvgPoolOp pool) {
  ArrayRef<int64_t> kernel = pool.getKernel(), strides = pool.getStrides();
  auto outType = pool.getOutput().getType().cast<RankedTensorType>();
  bool global = outType.getDimSize(2) == 1 && outType.getDimSize(3) == 1;
  bool padded = llvm::any_of(pool.getPads(), [](int64_t p) { return p != 0; });
  if (padded || (!global && kernel != strides))
    return failure();
  return SmallVector<int64_t, 2>(kernel.begin(), kernel.end());
}

/// Rebuilds `dense` to read `source` (NCHW) directly, through `pool`.
LogicalResult rewireDense(OpBuilder &builder, snn::DenseOp dense, Value source,
                          ArrayRef<int64_t> pool) {
  builder.setInsertionPoint(dense);
  Value weight = dense.getWeight();
  DenseI64ArrayAttr poolAttr;
  if (!pool.empty()) {
    weight = scaledWeight(builder, dense.getLoc(), weight,
                          1.0 / double(pool[0] * pool[1]));
    if (!weight)
      return dense.emitOpError("needs a constant weight to absorb pooling");
    poolAttr = builder.getDenseI64ArrayAttr(pool);
  }
  auto lowered =
      builder.create<snn::DenseOp>(dense.getLoc(), dense.getType(), source,
                                   weight, dense.getBias(), poolAttr);
  dense.replaceAllUsesWith(lowered.getOutput());
  dense.erase();
  return success();
}

LogicalResult lowerPool(OpBuilder &builder, snn::AvgPoolOp pool) {
  auto window = addressWindow(pool);
  if (failed(window))
    return pool.emitOpError("cannot become an event address transform: its "
                            "windows overlap or are padded");
  for (Operation *user : llvm::make_early_inc_range(pool->getUsers())) {
    if (auto conv = dyn_cast<snn::Conv2dOp>(user)) {
      if (conv.getInputPool())
        return conv.emitOpError("reads two pools in a row");
      builder.setInsertionPoint(conv);
      Value weight = scaledWeight(builder, conv.getLoc(), conv.getWeight(),
                                  1.0 / double((*window)[0] * (*window)[1]));
      if (!weight)
        return conv.emitOpError("needs a constant weight to absorb pooling");
      auto lowered = builder.create<snn::Conv2dOp>(
          conv.getLoc(), conv.getType(), pool.getInput(), weight,
          conv.getBias(), conv.getStridesAttr(), conv.getPadsAttr(),
          conv.getDilationsAttr(), builder.getDenseI64ArrayAttr(*window));
      conv.replaceAllUsesWith(lowered.getOutput());
      conv.erase();
      continue;
    }
    auto flatten = dyn_cast<snn::FlattenOp>(user);
    if (!flatten)
      return user->emitOpError("reads pooled events; only a projection can");
    for (Operation *flatUser :
         llvm::make_early_inc_range(flatten->getUsers())) {
      auto dense = dyn_cast<snn::DenseOp>(flatUser);
      if (!dense)
        return flatUser->emitOpError(
            "reads pooled events; only a projection can");
      if (failed(rewireDense(builder, dense, pool.getInput(), *window)))
        return failure();
    }
    flatten.erase();
  }
  pool.erase();
  return success();
}

struct LowerPoolingPass : snnc::impl::LowerPoolingBase<LowerPoolingPass> {
  void runOnOperation() override {
    OpBuilder builder(&getContext());
    SmallVector<snn::AvgPoolOp> pools;
    getOperation().walk([&](snn::AvgPoolOp pool) { pools.push_back(pool); });
    for (snn::AvgPoolOp pool : pools)
      if (failed(lowerPool(builder, pool)))
        return signalPassFailure();
    // Flatten without a pool: dense addressing of the NCHW source.
    SmallVector<snn::FlattenOp> flattens;
    getOperation().walk([&](snn::FlattenOp f) { flattens.push_back(f); });
    for (snn::FlattenOp flatten : flattens) {
      if (flatten.getInput().getType().cast<RankedTensorType>().getRank() !=
              4 ||
          !llvm::all_of(flatten->getUsers(),
                        [](Operation *op) { return isa<snn::DenseOp>(op); }))
        continue;
      for (Operation *user : llvm::make_early_inc_range(flatten->getUsers()))
        if (failed(rewireDense(builder, cast<snn::DenseOp>(user),
                               flatten.getInput(), {})))
          return signalPassFailure();
      flatten.erase();
    }
    getOperation().walk([](arith::ConstantOp constant) {
      if (constant->use_empty())
        constant->erase();
    });
  }
};

} // namespace
