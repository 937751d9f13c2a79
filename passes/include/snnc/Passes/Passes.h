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
/// The choices of the compile pipeline: snn-quantize's widths and input
/// range and snn-map's target, with the names and defaults Passes.td
/// gives them (written there once).
struct CompilePipelineOptions : QuantizeOptions, MapOptions {};

/// Adds the passes of `snnc compile`, in order: snn-fold-tdbn,
/// snn-distribute-event-sums, snn-lower-pooling, snn-quantize, snn-map.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompilePipelineOptions &options);

/// Registers that pipeline as `snn-compile-pipeline` (snn-opt).
void registerCompilePipeline();

} // namespace snnc

#endif // SNNC_PASSES_PASSES_H
