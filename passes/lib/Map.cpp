//===- Map.cpp - place a network into a core's memories -------------------===//
#include "snnc/Passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace snnc {
#define GEN_PASS_DEF_MAP
#include "snnc/Passes/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;

namespace {

/// A core description: how many lanes its core gets and the widest state it
/// holds.  What a device holds (logic cells, block RAMs) is described once,
/// in backends/boards, and checked against the core's real memory layout
/// by `snnc compile` (before synthesis) and `snnc bitstream` (the tools'
/// own verdict); this pass does not keep a budget of its own.
struct TargetDesc {
  const char *name;
  int64_t lanes;
  int64_t maxStateBits;
};

constexpr TargetDesc kTargets[] = {
    // The simulation core: 8 lanes, the most snn_core has.
    {"sim", 8, 32},
    // iCE40 boards: the smallest core (one lane) is what fits their logic.
    {"ice40-up5k", 1, 32},
    {"ice40-hx8k", 1, 32},
};

const TargetDesc *findTarget(StringRef name) {
  for (const TargetDesc &t : kTargets)
    if (name == t.name)
      return &t;
  return nullptr;
}

struct MapPass : snnc::impl::MapBase<MapPass> {
  using MapBase::MapBase;
  void runOnOperation() override;
};

void MapPass::runOnOperation() {
  const TargetDesc *desc = findTarget(target);
  if (!desc) {
    getOperation().emitError() << "unknown target '" << target
                               << "' (known: sim, ice40-up5k, ice40-hx8k)";
    return signalPassFailure();
  }
  auto main = getOperation().lookupSymbol<func::FuncOp>("main");
  if (!main) {
    getOperation().emitError() << "no @main function to map";
    return signalPassFailure();
  }
  WalkResult result = main.walk([&](snn::QLIFOp lif) -> WalkResult {
    if (int64_t(lif.getStateBits()) > desc->maxStateBits)
      return lif.emitOpError() << desc->name << " holds at most "
                               << desc->maxStateBits << "-bit state";
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return signalPassFailure();
  Builder b(&getContext());
  getOperation()->setAttr(snn::SNNDialect::kTargetAttr,
                          b.getStringAttr(desc->name));
  getOperation()->setAttr(snn::SNNDialect::kLanesAttr,
                          b.getI64IntegerAttr(desc->lanes));
}

} // namespace
