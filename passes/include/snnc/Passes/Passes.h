//===- Passes.h - snn dialect passes ----------------------------*- C++ -*-===//
#ifndef SNNC_PASSES_PASSES_H
#define SNNC_PASSES_PASSES_H

#include "snnc/IR/SNNOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <memory>
#include <string>

namespace snnc {

#define GEN_PASS_DECL
#include "snnc/Passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "snnc/Passes/Passes.h.inc"

/// The choices of the compile pipeline (docs/numerics.md).
struct CompilePipelineOptions {
  int64_t weightBits = 8, inputBits = 8, stateBits = 24, decayBits = 8;
  double inputMin = 0.0, inputMax = 1.0; // raw input range for the encoder
  std::string target = "sim";            // core description for snn-map
};

/// Adds the passes of `snnc compile`, in order: snn-fold-tdbn,
/// snn-lower-pooling, snn-quantize, snn-map.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompilePipelineOptions &options);

/// Registers that pipeline as `snn-compile-pipeline` (snn-opt).
void registerCompilePipeline();

} // namespace snnc

#endif // SNNC_PASSES_PASSES_H
