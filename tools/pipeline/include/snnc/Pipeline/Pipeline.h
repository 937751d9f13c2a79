//===- Pipeline.h - the stages of snnc, one function each -------*- C++ -*-===//
#ifndef SNNC_TOOLS_PIPELINE_H
#define SNNC_TOOLS_PIPELINE_H

#include "snnc/Frontend/NirImporter.h"
#include "snnc/Passes/Passes.h"
#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/FloatGraph.h"
#include "snnc/Runtime/Session.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace snnc::pipeline {

/// Loads a model into the snn dialect: `.onnx` (binary), `.onnxtxt`
/// (textual ONNX), `.nir` (a NIR graph, discretized as `nir` says) or
/// `.mlir` (snn dialect, verified).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
loadModel(llvm::StringRef path, mlir::MLIRContext &context,
          const NirOptions &nir = {});

/// Lowers a loaded model to the graph the float engine runs.
llvm::Expected<FloatGraph> lowerForFloat(mlir::ModuleOp module);

/// The engines `prepareModel` can build.
enum class EngineKind { Float, Golden, Rtl, Board };

/// The engine's name as the CLI spells it.
llvm::StringRef engineName(EngineKind kind);

/// Choices of the compiler: those of the compile pipeline (widths, input
/// range, target; docs/numerics.md) and how a .nir model is imported.
struct CompileOptions : CompilePipelineOptions {
  NirOptions nir;
};

/// Runs the compiler passes (snn-fold-tdbn, snn-distribute-event-sums,
/// snn-lower-pooling, snn-quantize, snn-map) on a loaded model, in place.
llvm::Error compileModule(mlir::ModuleOp module, const CompileOptions &options);

/// Compiles a loaded model into the integer network of the core.
llvm::Expected<CoreNetwork> compileToCore(mlir::ModuleOp module,
                                          const CompileOptions &options);

/// Loads a model and compiles it to the core network (a package is read
/// as it is).
llvm::Expected<CoreNetwork> loadCoreNetwork(llvm::StringRef path,
                                            mlir::MLIRContext &context,
                                            const CompileOptions &options);

/// loadModel and lowerForFloat in one step; a package has no float form.
llvm::Expected<FloatGraph> loadFloatGraph(llvm::StringRef path,
                                          mlir::MLIRContext &context,
                                          const CompileOptions &options = {});

/// A model loaded and attached to one engine: the float reference
/// (lowered from the model), or a Device (golden, rtl, board) for its
/// compiled network (a package is read as it is).  `device` sets up the
/// rtl and board devices.
llvm::Expected<Session> openSession(llvm::StringRef path,
                                    mlir::MLIRContext &context,
                                    EngineKind engine,
                                    const CompileOptions &options = {},
                                    const DeviceOptions &device = {});

/// `err` with "PATH: " in front, unless its message starts with `path`.
llvm::Error inFile(llvm::StringRef path, llvm::Error err);

} // namespace snnc::pipeline

#endif // SNNC_TOOLS_PIPELINE_H
