//===- Map.cpp - place a network into a core's memories -------------------===//
#include "snnc/Passes/Passes.h"
#include "snnc/Targets/Targets.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace snnc {
#define GEN_PASS_DEF_MAP
#include "snnc/Passes/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;

namespace {

/// The target comes from the registry (backends/boards, targets/): how
/// many lanes its core gets.  What a device holds (logic cells, block
/// RAMs) is described there too, and checked against the core's real
/// memory layout by `snnc compile` (before synthesis) and `snnc bitstream`
/// (the tools' own verdict); this pass does not keep a budget of its own,
/// nor a state width limit: QLIFOp's verifier caps state at the 32 bits
/// every core holds.
struct MapPass : snnc::impl::MapBase<MapPass> {
  using MapBase::MapBase;
  void runOnOperation() override;
};

void MapPass::runOnOperation() {
  auto desc = targets::findTarget(target);
  if (!desc) {
    getOperation().emitError() << llvm::toString(desc.takeError());
    return signalPassFailure();
  }
  if (!*desc) {
    getOperation().emitError()
        << "unknown target '" << target
        << "' (known: " << targets::knownTargets() << ")";
    return signalPassFailure();
  }
  auto main = getOperation().lookupSymbol<func::FuncOp>("main");
  if (!main) {
    getOperation().emitError() << "no @main function to map";
    return signalPassFailure();
  }
  if (lanes != 0 && lanes != 1 && lanes != 2 && lanes != 4 && lanes != 8) {
    getOperation().emitError()
        << "the core has 1, 2, 4 or 8 lanes, not " << int64_t(lanes);
    return signalPassFailure();
  }
  Builder b(&getContext());
  getOperation()->setAttr(snn::SNNDialect::kTargetAttr,
                          b.getStringAttr((*desc)->target));
  getOperation()->setAttr(
      snn::SNNDialect::kLanesAttr,
      b.getI64IntegerAttr(lanes ? int64_t(lanes) : (*desc)->lanes));
}

} // namespace
