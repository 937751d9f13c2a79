//===- Pipeline.h - the stages of snnc, one function each -------*- C++ -*-===//
#ifndef SNNC_TOOLS_PIPELINE_H
#define SNNC_TOOLS_PIPELINE_H

#include "snnc/Frontend/NirImporter.h"
#include "snnc/Passes/Passes.h"
#include "snnc/Runtime/CoreEngine.h"
#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/Engine.h"
#include "snnc/Runtime/FloatGraph.h"
#include "snnc/Runtime/GoldenEngine.h"
#include "snnc/Runtime/SerialBus.h"
#include "snnc/Sim/RtlEngine.h"

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

/// Runs the compiler passes (snn-fold-tdbn, snn-lower-pooling,
/// snn-quantize, snn-map) on a loaded model, in place.
llvm::Error compileModule(mlir::ModuleOp module, const CompileOptions &options);

/// Compiles a loaded model into the integer network of the core.
llvm::Expected<CoreNetwork> compileToCore(mlir::ModuleOp module,
                                          const CompileOptions &options);

/// A model loaded, lowered and ready to run on one engine.  `graph` holds
/// the input signature every engine checks inputs against.
struct PreparedModel {
  FloatGraph graph;
  std::unique_ptr<Engine> engine;
  GoldenEngine *golden = nullptr; // set for the golden engine (its stats)
  CoreEngine *core = nullptr;     // set for the RTL and board engines
  SerialBus *link = nullptr;      // set for the board engine
};

/// Loads a model and compiles it to the core network (a package is read
/// as it is).
llvm::Expected<CoreNetwork> loadCoreNetwork(llvm::StringRef path,
                                            mlir::MLIRContext &context,
                                            const CompileOptions &options);

/// loadModel, lowerForFloat and the engine, in one step.
llvm::Expected<PreparedModel>
prepareModel(llvm::StringRef path, mlir::MLIRContext &context,
             EngineKind engine, const CompileOptions &options = {},
             const sim::RtlOptions &rtl = {}, const LinkOptions &link = {});

/// `err` with "PATH: " in front, unless its message starts with `path`.
llvm::Error inFile(llvm::StringRef path, llvm::Error err);

/// Runs `input` through `engine`; see Engine::run for the shapes.  Refuses
/// inputs that do not match the graph, runs that would take more memory
/// than the limit, and non-finite scores ("sample N, output K: ...", N
/// counted from `firstSample`: a chunk of a longer input starts there);
/// errors name the input as `inputName` (its file).  The float and golden
/// engines also refuse work above the limit (--max-ops; Limits.h).
llvm::Expected<NDArray> runEngine(Engine &engine, const FloatGraph &graph,
                                  const NDArray &input,
                                  std::optional<int64_t> timesteps,
                                  llvm::StringRef inputName = "input",
                                  int64_t firstSample = 0);

/// Classification accuracy of [N, K] scores against N labels.
struct Accuracy {
  int64_t correct = 0, total = 0;
  double percent() const { return total ? 100.0 * correct / total : 0.0; }
};
llvm::Expected<Accuracy> scoreAccuracy(const NDArray &scores,
                                       llvm::ArrayRef<int64_t> labels);

} // namespace snnc::pipeline

#endif // SNNC_TOOLS_PIPELINE_H
