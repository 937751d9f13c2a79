//===- Pipeline.h - the stages of snnc, one function each -------*- C++ -*-===//
#ifndef SNNC_TOOLS_PIPELINE_H
#define SNNC_TOOLS_PIPELINE_H

#include "snnc/Runtime/Engine.h"
#include "snnc/Runtime/FloatGraph.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace snnc::pipeline {

/// Loads a model into the snn dialect: `.onnx` (binary), `.onnxtxt`
/// (textual ONNX) or `.mlir` (snn dialect, verified).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
loadModel(llvm::StringRef path, mlir::MLIRContext &context);

/// Lowers a loaded model to the graph the float engine runs.
llvm::Expected<FloatGraph> lowerForFloat(mlir::ModuleOp module);

/// The engines `prepareModel` can build.
enum class EngineKind { Float };

/// A model loaded, lowered and ready to run on one engine.
struct PreparedModel {
  FloatGraph graph;
  std::unique_ptr<Engine> engine;
};

/// loadModel, lowerForFloat and the engine, in one step.
llvm::Expected<PreparedModel> prepareModel(llvm::StringRef path,
                                           mlir::MLIRContext &context,
                                           EngineKind engine);

/// Runs `input` through `engine`; see Engine::run for the shapes.
llvm::Expected<NDArray> runEngine(Engine &engine, const FloatGraph &graph,
                                  const NDArray &input,
                                  std::optional<int64_t> timesteps);

/// Classification accuracy of [N, K] scores against N labels.
struct Accuracy {
  int64_t correct = 0, total = 0;
  double percent() const { return total ? 100.0 * correct / total : 0.0; }
};
llvm::Expected<Accuracy> scoreAccuracy(const NDArray &scores,
                                       llvm::ArrayRef<int64_t> labels);

} // namespace snnc::pipeline

#endif // SNNC_TOOLS_PIPELINE_H
