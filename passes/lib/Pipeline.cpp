//===- Pipeline.cpp - the compile pipeline, registered --------------------===//
//
// The passes of `snnc compile` in their order, built in one place: the
// driver runs this function, and `snn-opt --snn-compile-pipeline` runs the
// same registration, so lit tests can reproduce the compiler's IR.
//
//===----------------------------------------------------------------------===//
#include "snnc/Passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace {

/// snn-opt's spelling of CompilePipelineOptions; the defaults are the
/// passes' own (Passes.td), so the two cannot drift.
struct PipelineOptions : public PassPipelineOptions<PipelineOptions> {
  const snnc::CompilePipelineOptions defaults;
  Option<int64_t> weightBits{*this, "weight-bits",
                             llvm::cl::desc("weight width, 2..8 bits"),
                             llvm::cl::init(defaults.weightBits)};
  Option<int64_t> inputBits{*this, "input-bits",
                            llvm::cl::desc("graded input event width"),
                            llvm::cl::init(defaults.inputBits)};
  Option<int64_t> stateBits{*this, "state-bits",
                            llvm::cl::desc("membrane state width"),
                            llvm::cl::init(defaults.stateBits)};
  Option<int64_t> decayBits{*this, "decay-bits",
                            llvm::cl::desc("fraction bits of the decay"),
                            llvm::cl::init(defaults.decayBits)};
  Option<double> inputMin{*this, "input-min",
                          llvm::cl::desc("smallest raw input value"),
                          llvm::cl::init(defaults.inputMin)};
  Option<double> inputMax{*this, "input-max",
                          llvm::cl::desc("largest raw input value"),
                          llvm::cl::init(defaults.inputMax)};
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("core description (snn-map)"),
                             llvm::cl::init(defaults.target)};
};

} // namespace

void snnc::buildCompilePipeline(OpPassManager &pm,
                                const CompilePipelineOptions &options) {
  pm.addPass(createFoldTdBN());
  pm.addPass(createDistributeEventSums());
  pm.addPass(createLowerPooling());
  pm.addPass(createQuantize(static_cast<const QuantizeOptions &>(options)));
  pm.addPass(createMap(static_cast<const MapOptions &>(options)));
}

void snnc::registerCompilePipeline() {
  PassPipelineRegistration<PipelineOptions>(
      "snn-compile-pipeline",
      "The passes of snnc compile: snn-fold-tdbn, snn-distribute-event-sums, "
      "snn-lower-pooling, snn-quantize, snn-map",
      [](OpPassManager &pm, const PipelineOptions &o) {
        CompilePipelineOptions options;
        options.weightBits = o.weightBits;
        options.inputBits = o.inputBits;
        options.stateBits = o.stateBits;
        options.decayBits = o.decayBits;
        options.inputMin = o.inputMin;
        options.inputMax = o.inputMax;
        options.target = o.target;
        buildCompilePipeline(pm, options);
      });
}
