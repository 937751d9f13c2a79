//===- Map.cpp - place a network into a core's memories -------------------===//
#include "snnc/Passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringSwitch.h"

namespace snnc {
#define GEN_PASS_DEF_MAP
#include "snnc/Passes/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;

namespace {

/// A core description: its memories and its parallel lanes.
struct TargetDesc {
  const char *name;
  int64_t lanes;
  const char *stateMemory; // weights, neuron state, event queues
  int64_t stateMemoryBits;
  const char *paramMemory; // per-channel parameters, readout accumulators
  int64_t paramMemoryBits;
  int64_t maxStateBits;
};

constexpr TargetDesc kTargets[] = {
    // A simulation core, generous in size: 8 lanes (the most snn_core
    // has), 64 Mbit + 4 Mbit.
    {"sim", 8, "state_ram", int64_t(64) << 20, "param_ram", int64_t(4) << 20,
     32},
    // Lattice iCE40 UP5K: 4 x 256 Kbit SPRAM, 30 x 4 Kbit EBR, 8 DSPs
    // (one multiplier per lane for graded input events: 8 lanes at most;
    // 4 leave DSPs for the neuron update).
    {"ice40-up5k", 4, "spram", 4 * 256 * 1024, "ebr", 30 * 4 * 1024, 32},
};

const TargetDesc *findTarget(StringRef name) {
  for (const TargetDesc &t : kTargets)
    if (name == t.name)
      return &t;
  return nullptr;
}

int64_t bitsFor(int64_t values) {
  int64_t bits = 1;
  while ((int64_t(1) << bits) < values)
    ++bits;
  return bits;
}

/// One sample's element count (the batch dim is dynamic).
int64_t sampleSize(Value value) {
  int64_t count = 1;
  for (int64_t d :
       value.getType().cast<RankedTensorType>().getShape().drop_front())
    count *= d;
  return count;
}

/// A memory being filled in order.
struct Region {
  const char *name;
  int64_t capacity, used = 0;
  SmallVector<std::pair<std::string, int64_t>> contents; // what, bits

  DictionaryAttr place(Builder &b, StringRef what, int64_t bits) {
    auto attr = b.getDictionaryAttr(
        {b.getNamedAttr("memory", b.getStringAttr(name)),
         b.getNamedAttr("offset", b.getI64IntegerAttr(used)),
         b.getNamedAttr("size", b.getI64IntegerAttr(bits))});
    used += bits;
    contents.push_back({what.str(), bits});
    return attr;
  }
};

struct MapPass : snnc::impl::MapBase<MapPass> {
  using MapBase::MapBase;
  void runOnOperation() override;
  LogicalResult checkFits(Region &region, StringRef targetName);
};

LogicalResult MapPass::checkFits(Region &region, StringRef targetName) {
  if (region.used <= region.capacity)
    return success();
  // Name the three largest consumers, so the user knows what to shrink.
  llvm::sort(region.contents,
             [](auto &a, auto &b) { return a.second > b.second; });
  std::string largest;
  for (size_t i = 0; i < std::min<size_t>(3, region.contents.size()); ++i)
    largest += (i ? ", " : "") + region.contents[i].first + " " +
               std::to_string(region.contents[i].second);
  getOperation().emitError()
      << "the network does not fit " << targetName << ": " << region.name
      << " needs " << region.used << " bits of " << region.capacity
      << ", over by " << region.used - region.capacity
      << " bits (largest: " << largest << ")";
  return failure();
}

void MapPass::runOnOperation() {
  const TargetDesc *desc = findTarget(target);
  if (!desc) {
    getOperation().emitError()
        << "unknown target '" << target << "' (known: sim, ice40-up5k)";
    return signalPassFailure();
  }
  auto main = getOperation().lookupSymbol<func::FuncOp>("main");
  if (!main)
    return signalPassFailure();
  Builder b(&getContext());
  Region memory{desc->stateMemory, desc->stateMemoryBits};
  Region params{desc->paramMemory, desc->paramMemoryBits};
  WalkResult result = main.walk([&](Operation *op) -> WalkResult {
    if (auto lif = dyn_cast<snn::QLIFOp>(op)) {
      if (int64_t(lif.getStateBits()) > desc->maxStateBits)
        return lif.emitOpError() << desc->name << " holds at most "
                                 << desc->maxStateBits << "-bit state";
      int64_t neurons = sampleSize(lif.getOutput());
      int64_t channels = lif.getThreshold().size();
      op->setAttr(snn::SNNDialect::kPlacementAttr,
                  memory.place(b, snn::layerName(op) + " state",
                               neurons * (lif.getStateBits() + 1)));
      memory.place(b, snn::layerName(op) + " queue",
                   neurons * bitsFor(neurons));
      params.place(b, snn::layerName(op) + " parameters",
                   channels * 2 * lif.getStateBits());
    } else if (auto readout = dyn_cast<snn::QReadoutOp>(op)) {
      op->setAttr(
          snn::SNNDialect::kPlacementAttr,
          params.place(b, snn::layerName(op) + " accumulators",
                       sampleSize(readout.getOutput()) * (64 + 32 + 32)));
    } else if (auto encode = dyn_cast<snn::EncodeOp>(op)) {
      int64_t inputs = sampleSize(encode.getOutput());
      op->setAttr(snn::SNNDialect::kPlacementAttr,
                  memory.place(b, "input queue",
                               inputs * (bitsFor(inputs) + encode.getBits())));
    } else if (isa<snn::QConv2dOp, snn::QDenseOp, snn::QOneToOneOp>(op)) {
      Value weight = op->getOperand(1);
      int64_t bits = op->getAttrOfType<IntegerAttr>("weight_bits").getInt();
      auto type = weight.getType().cast<RankedTensorType>();
      op->setAttr(snn::SNNDialect::kPlacementAttr,
                  memory.place(b, snn::layerName(op) + " weights",
                               type.getNumElements() * bits));
    }
    return WalkResult::advance();
  });
  if (result.wasInterrupted() || failed(checkFits(memory, desc->name)) ||
      failed(checkFits(params, desc->name)))
    return signalPassFailure();
  getOperation()->setAttr(snn::SNNDialect::kTargetAttr,
                          b.getStringAttr(desc->name));
  getOperation()->setAttr(snn::SNNDialect::kLanesAttr,
                          b.getI64IntegerAttr(desc->lanes));
}

} // namespace
