//===- Pipeline.cpp - the stages of snnc ----------------------------------===//
#include "snnc/Pipeline/Pipeline.h"
#include "snnc/Runtime/FloatEngine.h"

#include "snnc/Backends/CoreLowering.h"
#include "snnc/Backends/FloatLowering.h"
#include "snnc/Frontend/OnnxImporter.h"
#include "snnc/IR/Diagnostics.h"
#include "snnc/IR/SNNDialect.h"
#include "snnc/Passes/Passes.h"
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Package.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"

using namespace snnc;
using llvm::Expected;
using llvm::StringRef;

static llvm::Error pipelineError(const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), what);
}

llvm::Error pipeline::inFile(StringRef path, llvm::Error err) {
  if (!err)
    return err;
  std::string message = llvm::toString(std::move(err));
  if (StringRef(message).startswith(path))
    return pipelineError(message);
  return pipelineError(path + ": " + message);
}

/// Parses and verifies snn IR; the first diagnostic becomes the error.
static Expected<mlir::OwningOpRef<mlir::ModuleOp>>
parseMlir(StringRef path, mlir::MLIRContext &context) {
  context.loadDialect<snn::SNNDialect>();
  DiagnosticCollector diagnostics(&context);
  mlir::ParserConfig config(&context);
  auto module = mlir::parseSourceFile<mlir::ModuleOp>(path, config);
  if (!module)
    return pipelineError(diagnostics.empty() ? path + ": cannot parse"
                                             : StringRef(diagnostics.text()));
  return std::move(module);
}

Expected<mlir::OwningOpRef<mlir::ModuleOp>>
pipeline::loadModel(StringRef path, mlir::MLIRContext &context,
                    const NirOptions &nir) {
  // /dev/zero would be read until memory runs out, a FIFO blocks.
  if (llvm::Error err = requireRegularFile(path))
    return std::move(err);
  if (path.endswith(".onnx") || path.endswith(".onnxtxt"))
    return importOnnxFile(path, context);
  if (path.endswith(".nir"))
    return importNirFile(path, nir, context);
  if (path.endswith(".mlir"))
    return parseMlir(path, context);
  return pipelineError(path + ": unknown model format (expected .onnx, "
                              ".onnxtxt, .nir, .mlir or .snnpkg)");
}

Expected<FloatGraph> pipeline::lowerForFloat(mlir::ModuleOp module) {
  return lowerToFloatGraph(module);
}

llvm::Error pipeline::compileModule(mlir::ModuleOp module,
                                    const CompileOptions &options) {
  mlir::PassManager pm(module->getContext());
  buildCompilePipeline(pm, options);
  DiagnosticCollector diagnostics(module->getContext());
  if (mlir::failed(pm.run(module)))
    return pipelineError("compile: " + (diagnostics.empty()
                                            ? std::string("failed")
                                            : diagnostics.text()));
  return llvm::Error::success();
}

Expected<CoreNetwork> pipeline::compileToCore(mlir::ModuleOp module,
                                              const CompileOptions &options) {
  if (llvm::Error err = compileModule(module, options))
    return std::move(err);
  return lowerToCore(module);
}

llvm::StringRef pipeline::engineName(EngineKind kind) {
  switch (kind) {
  case EngineKind::Float:
    return "float";
  case EngineKind::Golden:
    return "golden";
  case EngineKind::Rtl:
    return "rtl";
  case EngineKind::Board:
    return "board";
  }
  return "?";
}

Expected<CoreNetwork> pipeline::loadCoreNetwork(StringRef path,
                                                mlir::MLIRContext &context,
                                                const CompileOptions &options) {
  if (path.endswith(".snnpkg"))
    return readPackage(path);
  auto module = loadModel(path, context, options.nir);
  if (!module)
    return module.takeError();
  auto network = compileToCore(**module, options);
  if (!network)
    return inFile(path, network.takeError());
  return network;
}

Expected<pipeline::PreparedModel>
pipeline::prepareModel(StringRef path, mlir::MLIRContext &context,
                       EngineKind engine, const CompileOptions &options,
                       const sim::RtlOptions &rtl, const LinkOptions &link) {
  PreparedModel prepared;
  if (engine == EngineKind::Float) {
    if (path.endswith(".snnpkg"))
      return pipelineError(path + ": a compiled package has no float form; "
                                  "use --engine golden or rtl");
    auto module = loadModel(path, context, options.nir);
    if (!module)
      return module.takeError();
    auto graph = lowerForFloat(**module);
    if (!graph)
      return inFile(path, graph.takeError());
    prepared.engine = createFloatEngine(*graph);
    prepared.graph = std::move(*graph);
    return std::move(prepared);
  }
  auto core = loadCoreNetwork(path, context, options);
  if (!core)
    return core.takeError();
  prepared.graph = inputSignature(*core);
  if (engine == EngineKind::Golden) {
    auto golden = std::make_unique<GoldenEngine>(std::move(*core));
    prepared.golden = golden.get();
    prepared.engine = std::move(golden);
    return std::move(prepared);
  }
  if (engine == EngineKind::Board) {
    SerialBus *bus = nullptr;
    auto board = createBoardEngine(std::move(*core), link, &bus);
    if (!board)
      return board.takeError();
    (*board)->setCycleBudget(rtl.cycleBudget);
    prepared.core = board->get();
    prepared.link = bus;
    prepared.engine = std::move(*board);
    return std::move(prepared);
  }
  auto rtlEngine = sim::createRtlEngine(std::move(*core), rtl);
  if (!rtlEngine)
    return rtlEngine.takeError();
  prepared.core = rtlEngine->get();
  prepared.engine = std::move(*rtlEngine);
  return std::move(prepared);
}

Expected<NDArray> pipeline::runEngine(Engine &engine, const FloatGraph &graph,
                                      const NDArray &input,
                                      std::optional<int64_t> timesteps,
                                      StringRef inputName,
                                      int64_t firstSample) {
  auto steps = resolveTimesteps(graph, input, timesteps, inputName);
  if (!steps)
    return steps.takeError();
  if (llvm::Error err = checkRunMemory(engine, input, *steps, inputName))
    return std::move(err);
  auto scores = engine.run(input, *steps);
  if (!scores)
    return scores.takeError();
  // The float and golden engines refuse non-finite scores themselves, with
  // the cause; this holds every other engine (RTL, board: the golden
  // engine's readout arithmetic) to the same before anything is written.
  if (llvm::Error err = checkFiniteScores(*scores, firstSample, "the engine",
                                          "the scores overflow float"))
    return std::move(err);
  return scores;
}

Expected<pipeline::Accuracy>
pipeline::scoreAccuracy(const NDArray &scores, llvm::ArrayRef<int64_t> labels) {
  if (scores.shape.size() != 2 || scores.shape[0] != int64_t(labels.size()))
    return pipelineError(llvm::formatv(
        "{0} scores for {1} labels", scores.shape.empty() ? 0 : scores.shape[0],
        labels.size()));
  Accuracy accuracy;
  int64_t classes = scores.shape[1];
  // A label no output can match would count silently as a miss.
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= classes)
      return pipelineError(llvm::formatv(
          "label {0} of sample {1} is not a class of this model (0..{2})",
          labels[i], i, classes - 1));
  for (size_t i = 0; i < labels.size(); ++i) {
    const float *row = scores.data.data() + i * classes;
    int64_t best = std::max_element(row, row + classes) - row;
    accuracy.correct += best == labels[i];
  }
  accuracy.total = int64_t(labels.size());
  return accuracy;
}
