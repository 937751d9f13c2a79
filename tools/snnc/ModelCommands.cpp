//===- ModelCommands.cpp - import, run, sim, eval, compile -------------===//
#include "Driver.h"

#include "snnc/Pipeline/Compile.h"
#include "snnc/Pipeline/Report.h"
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Npy.h"
#include "snnc/Runtime/Package.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"

#include <chrono>

namespace snnc::driver {

/// Runs the golden engine on the same network and input and compares every
/// output and every spike with the RTL's.
static llvm::Error checkAgainstGolden(const CoreNetwork &network,
                                      const FloatGraph &graph,
                                      const NDArray &input,
                                      const NDArray &rtlOut,
                                      const std::vector<SpikeRecord> &rtlSpikes,
                                      std::optional<uint64_t> boardSpikes) {
  GoldenEngine golden(network);
  golden.recordSpikes(true);
  auto goldenOut =
      pipeline::runEngine(golden, graph, input, requestedSteps(), inputPath);
  if (!goldenOut)
    return goldenOut.takeError();
  const char *who = boardSpikes ? "board" : "RTL";
  auto fail = [&](const llvm::Twine &what) {
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::Twine("the ") + who + " differs from the golden engine: " + what);
  };
  for (size_t i = 0; i < rtlOut.data.size(); ++i)
    if (rtlOut.data[i] != goldenOut->data[i])
      return fail(llvm::formatv("output {0}: {1} vs {2}", i, rtlOut.data[i],
                                goldenOut->data[i]));
  if (boardSpikes) {
    // A board reports how many spikes each step had, not which.
    if (*boardSpikes != golden.spikes().size())
      return fail(llvm::formatv("{0} spikes vs {1}", *boardSpikes,
                                golden.spikes().size()));
    llvm::outs() << llvm::formatv("bit-exact with golden: {0} outputs "
                                  "identical, {1} spikes counted on both\n",
                                  rtlOut.data.size(), *boardSpikes);
    return llvm::Error::success();
  }
  if (auto difference = firstDifference(rtlSpikes, golden.spikes()))
    return fail(*difference);
  llvm::outs() << llvm::formatv("bit-exact with golden: {0} outputs and {1} "
                                "spikes identical\n",
                                rtlOut.data.size(), rtlSpikes.size());
  return llvm::Error::success();
}

/// `snnc import model.nir -o model.onnx`: the NIR graph as the ONNX model it
/// is translated to, for inspection or for other ONNX tools.
static int writeNirAsOnnx() {
  auto bytes = translateNirFile(modelPath, nirOptions());
  if (!bytes)
    return report(bytes.takeError());
  if (llvm::Error err = writeFileAtomically(
          outputPath, [&](llvm::raw_ostream &os) { os << *bytes; }))
    return report(std::move(err));
  return 0;
}

int runImport(mlir::MLIRContext &context) {
  if (llvm::StringRef(modelPath).endswith(".nir") &&
      llvm::StringRef(outputPath).endswith(".onnx"))
    return writeNirAsOnnx();
  auto module = pipeline::loadModel(modelPath, context, nirOptions());
  if (!module)
    return report(module.takeError());
  // Whole or not at all; "-" (the default) is stdout.
  if (llvm::Error err =
          writeFileAtomically(outputPath, [&](llvm::raw_ostream &os) {
            (*module)->print(os);
            os << "\n";
          }))
    return report(std::move(err));
  return 0;
}

/// The model on one engine, with the command line's options (the golden
/// engine on --threads).
static llvm::Expected<pipeline::PreparedModel>
prepare(mlir::MLIRContext &context, EngineKind kind,
        const sim::RtlOptions &rtl) {
  auto model = pipeline::prepareModel(modelPath, context, kind,
                                      compileOptions(), rtl, linkOptions());
  if (model && model->golden)
    model->golden->setThreads(goldenThreads());
  return model;
}

/// The RTL and board engines step the core cycle by cycle, slower than the
/// golden engine: the work bound (--max-ops) holds for them too, checked
/// before the first step.  (The float and golden engines check their own.)
static llvm::Error checkCoreWork(const pipeline::PreparedModel &model,
                                 const NDArray &input,
                                 llvm::StringRef inputName) {
  if (!model.core)
    return llvm::Error::success();
  auto steps =
      resolveTimesteps(model.graph, input, requestedSteps(), inputName);
  if (!steps)
    return steps.takeError();
  return checkWork(stepWork(model.core->network()), *steps,
                   model.link ? "board engine" : "rtl engine");
}

/// `run` and `sim`: one engine over one input file.
static int runOnEngine(mlir::MLIRContext &context, EngineKind kind,
                       bool check) {
  auto rtl = rtlOptions();
  if (!rtl)
    return report(rtl.takeError());
  // The input is read first: a bad file fails before a simulator is built.
  auto input = readNpy(inputPath);
  if (!input)
    return report(input.takeError());
  auto model = prepare(context, kind, *rtl);
  if (!model)
    return report(model.takeError());
  if (llvm::Error err = checkCoreWork(*model, *input, inputPath))
    return report(std::move(err));
  if (model->core && check)
    model->core->recordSpikes(true);
  auto output = pipeline::runEngine(*model->engine, model->graph, *input,
                                    requestedSteps(), inputPath);
  if (!output)
    return report(output.takeError());
  // A board's cycles and link health are shown as well (retransmissions
  // mean a noisy line).
  if (model->core && (bool(simCmd) || model->link))
    printCycles(*model, llvm::outs());
  if (model->core && check) {
    std::optional<uint64_t> boardSpikes;
    if (model->link)
      boardSpikes = model->core->stats().spikes;
    if (llvm::Error err =
            checkAgainstGolden(model->core->network(), model->graph, *input,
                               *output, model->core->spikes(), boardSpikes))
      return report(std::move(err));
  }
  // The output and the stats appear together or not at all.
  OutputTransaction outputs;
  if (outputPath != "-")
    if (llvm::Error err = outputs.add(
            outputPath, [&](llvm::raw_ostream &os) { encodeNpy(*output, os); }))
      return report(std::move(err));
  if (llvm::Error err = addStats(outputs, *model))
    return report(std::move(err));
  if (llvm::Error err = outputs.commit())
    return report(std::move(err));
  return 0;
}

/// The files `run` and `sim` write: each must be a file of its own.
static int checkRunOutputs() {
  return checkDistinctOutputs(
      {{"-o", outputPath}, {"--stats", statsPath}, {"--vcd", vcdPath}});
}

int runRun(mlir::MLIRContext &context) {
  if (inputPath.empty())
    return usage("run: --input X.npy is required");
  if (outputPath == "-")
    return usage("run: -o Y.npy is required");
  if (int rc = checkEngineOptions())
    return rc;
  if (int rc = checkRunOutputs())
    return rc;
  return runOnEngine(context, engineKind, /*check=*/compareGolden);
}

int runSim(mlir::MLIRContext &context) {
  if (inputPath.empty())
    return usage("sim: --input X.npy is required");
  if (int rc = checkEngineOptions())
    return rc;
  if (int rc = checkRunOutputs())
    return rc;
  return runOnEngine(context, EngineKind::Rtl, /*check=*/true);
}

/// Runs an eval's images; on a terminal, in chunks with a progress line
/// (images per second, ETA) on stderr, which logs and CI never see.  The
/// float engine batches 1,000 samples either way, so its rounding is the
/// same with or without the progress line.
static llvm::Expected<NDArray> runWithProgress(pipeline::PreparedModel &model,
                                               const NDArray &images,
                                               EngineKind kind) {
  if (!llvm::sys::Process::StandardErrIsDisplayed())
    return pipeline::runEngine(*model.engine, model.graph, images,
                               requestedSteps(), imagesPath);
  size_t axis = model.graph.encoding == InputEncoding::Events ? 1 : 0;
  int64_t samples = sampleCount(images, model.graph.encoding);
  int64_t chunk = kind == EngineKind::Float    ? 1000
                  : kind == EngineKind::Golden ? 250
                                               : 10;
  NDArray scores;
  auto start = std::chrono::steady_clock::now();
  for (int64_t done = 0; done < samples; done += chunk) {
    int64_t len = std::min(chunk, samples - done);
    auto part = pipeline::runEngine(*model.engine, model.graph,
                                    sliceSamples(images, axis, done, len),
                                    requestedSteps(), imagesPath, done);
    if (!part) {
      llvm::errs() << "\n";
      return part.takeError();
    }
    scores.data.insert(scores.data.end(), part->data.begin(), part->data.end());
    scores.shape = {done + len, part->shape[1]};
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    double rate = double(done + len) / std::max(seconds, 1e-9);
    llvm::errs() << llvm::formatv("\r{0} {1} / {2} images, {3:F0} images/s, "
                                  "ETA {4:F0} s   ",
                                  pipeline::engineName(kind), done + len,
                                  samples, rate,
                                  double(samples - done - len) / rate);
  }
  llvm::errs() << "\n";
  return scores;
}

int runEval(mlir::MLIRContext &context) {
  if (imagesPath.empty() || labelsPath.empty())
    return usage("eval: --images and --labels are required");
  if (int rc = checkEngineOptions())
    return rc;
  if (limit < 0)
    return usage("eval: --limit must be >= 0");
  // The float reference runs too, and another engine is compared against
  // it, unless the model is a compiled package (which has no float form).
  std::vector<EngineKind> engines;
  if (!llvm::StringRef(modelPath).endswith(".snnpkg"))
    engines.push_back(EngineKind::Float);
  if (engineKind != EngineKind::Float)
    engines.push_back(engineKind);
  std::vector<pipeline::PreparedModel> models;
  auto rtl = rtlOptions();
  if (!rtl)
    return report(rtl.takeError());
  for (EngineKind kind : engines) {
    auto model = prepare(context, kind, *rtl);
    if (!model)
      return report(model.takeError());
    models.push_back(std::move(*model));
  }
  auto images = loadImages(imagesPath);
  if (!images)
    return report(images.takeError());
  auto labels = loadLabels(labelsPath);
  if (!labels)
    return report(labels.takeError());
  // Events models take [T, N, ...] (a .npy of event frames): samples are
  // along axis 1.
  size_t axis = models.front().graph.encoding == InputEncoding::Events ? 1 : 0;
  int64_t samples = sampleCount(*images, models.front().graph.encoding);
  if (samples != int64_t(labels->size()))
    return report(llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("{0} {1} but {2} labels", samples,
                      axis ? "samples (dim 1 of the event frames)" : "images",
                      labels->size())));
  if (limit > 0 && limit < samples) {
    *images = sliceSamples(*images, axis, 0, limit);
    labels->resize(limit);
  }
  std::vector<double> percents;
  OutputTransaction outputs;
  for (size_t i = 0; i < models.size(); ++i) {
    pipeline::PreparedModel &model = models[i];
    if (llvm::Error err = checkCoreWork(model, *images, imagesPath))
      return report(std::move(err));
    auto scores = runWithProgress(model, *images, engines[i]);
    if (!scores)
      return report(scores.takeError());
    auto accuracy = pipeline::scoreAccuracy(*scores, *labels);
    if (!accuracy)
      return report(accuracy.takeError());
    llvm::outs() << llvm::formatv("accuracy ({0}): {1:F2}% ({2} / {3} {4})\n",
                                  pipeline::engineName(engines[i]),
                                  accuracy->percent(), accuracy->correct,
                                  accuracy->total, axis ? "samples" : "images");
    percents.push_back(accuracy->percent());
    if (model.core)
      printCycles(model, llvm::outs());
    if (llvm::Error err = addStats(outputs, model))
      return report(std::move(err));
  }
  if (llvm::Error err = outputs.commit())
    return report(std::move(err));
  if (percents.size() == 2)
    llvm::outs() << llvm::formatv("difference ({0} - float): {1:F2} points\n",
                                  pipeline::engineName(engines[1]),
                                  percents[1] - percents[0]);
  return 0;
}

int runCompile(mlir::MLIRContext &context) {
  if (outputPath == "-")
    return usage("compile: -o model.snnpkg is required");
  if (int rc = checkEngineOptions())
    return rc;
  if (int rc =
          checkDistinctOutputs({{"-o", outputPath}, {"--report", reportPath}}))
    return rc;
  auto module = pipeline::loadModel(modelPath, context, nirOptions());
  if (!module)
    return report(module.takeError());
  std::optional<NDArray> calibration;
  if (!calibratePath.empty()) {
    auto inputs = loadImages(calibratePath);
    if (!inputs)
      return report(inputs.takeError());
    calibration = std::move(*inputs);
  }
  auto compiled =
      pipeline::compilePackage(**module, modelPath, compileOptions(),
                               calibration ? &*calibration : nullptr);
  if (!compiled)
    return report(compiled.takeError());
  // The package and the report appear together or not at all.
  OutputTransaction outputs;
  if (!reportPath.empty())
    if (llvm::Error err = outputs.add(reportPath, [&](llvm::raw_ostream &os) {
          os << llvm::formatv("{0:2}", pipeline::reportToJson(compiled->report))
             << "\n";
        }))
      return report(std::move(err));
  if (llvm::Error err = outputs.add(outputPath, [&](llvm::raw_ostream &os) {
        os << encodePackage(compiled->network);
      }))
    return report(std::move(err));
  if (llvm::Error err = outputs.commit())
    return report(std::move(err));
  pipeline::printReport(compiled->report, llvm::outs());
  llvm::outs() << compiled->memories;
  return 0;
}

} // namespace snnc::driver
