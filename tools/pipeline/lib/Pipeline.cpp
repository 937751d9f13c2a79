//===- Pipeline.cpp - the stages of snnc ----------------------------------===//
#include "snnc/Pipeline/Pipeline.h"
#include "snnc/Runtime/FloatEngine.h"

#include "snnc/Backends/CoreLowering.h"
#include "snnc/Backends/FloatLowering.h"
#include "snnc/Frontend/OnnxImporter.h"
#include "snnc/IR/Diagnostics.h"
#include "snnc/IR/SNNDialect.h"
#include "snnc/Passes/Passes.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Package.h"
#include "snnc/Sim/RtlEngine.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"

using namespace snnc;
using llvm::Expected;
using llvm::StringRef;

/// The model or the compiler refused the model.
static llvm::Error pipelineError(const llvm::Twine &what) {
  return makeError<ModelError>(what);
}

llvm::Error pipeline::inFile(StringRef path, llvm::Error err) {
  // The error keeps its class (a package's, an input's): only its text
  // gains the path.
  return prependToError(path + ": ", std::move(err), path);
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
    return classify<ModelError>(std::move(err));
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
  auto network = lowerToCore(module);
  // Recorded in the package: run, eval and infer count inputs outside it.
  if (network)
    network->input.range = InputRange{options.inputMin, options.inputMax};
  return network;
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

Expected<FloatGraph> pipeline::loadFloatGraph(StringRef path,
                                              mlir::MLIRContext &context,
                                              const CompileOptions &options) {
  if (path.endswith(".snnpkg"))
    return pipelineError(path + ": a compiled package has no float form; "
                                "use --engine golden or rtl");
  auto module = loadModel(path, context, options.nir);
  if (!module)
    return module.takeError();
  auto graph = lowerForFloat(**module);
  if (!graph)
    return inFile(path, graph.takeError());
  return graph;
}

Expected<Session> pipeline::openSession(StringRef path,
                                        mlir::MLIRContext &context,
                                        EngineKind engine,
                                        const CompileOptions &options,
                                        const DeviceOptions &device) {
  if (engine == EngineKind::Float) {
    auto graph = loadFloatGraph(path, context, options);
    if (!graph)
      return graph.takeError();
    std::unique_ptr<Engine> floats = createFloatEngine(*graph);
    Session session =
        Session::attach(std::move(floats), std::move(*graph), "float");
    session.setInputRange(InputRange{options.inputMin, options.inputMax});
    return session;
  }
  sim::registerRtlDevice();
  auto target = Device::parse(engineName(engine), device);
  if (!target)
    return target.takeError();
  if (path.endswith(".snnpkg"))
    return Session::open(path, *target);
  auto core = loadCoreNetwork(path, context, options);
  if (!core)
    return core.takeError();
  return Session::create(std::move(*core), *target);
}
