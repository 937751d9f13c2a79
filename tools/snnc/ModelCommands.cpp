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
                                      const NDArray &input,
                                      const NDArray &rtlOut,
                                      const std::vector<SpikeRecord> &rtlSpikes,
                                      std::optional<uint64_t> boardSpikes) {
  auto golden = Session::create(network);
  if (!golden)
    return golden.takeError();
  if (llvm::Error err = golden->recordSpikes(true))
    return err;
  auto goldenOut = golden->infer(input, requestedSteps(), inputPath);
  if (!goldenOut)
    return goldenOut.takeError();
  const std::vector<SpikeRecord> &goldenSpikes = golden->spikes();
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
    if (*boardSpikes != goldenSpikes.size())
      return fail(llvm::formatv("{0} spikes vs {1}", *boardSpikes,
                                goldenSpikes.size()));
    llvm::outs() << llvm::formatv("bit-exact with golden: {0} outputs "
                                  "identical, {1} spikes counted on both\n",
                                  rtlOut.data.size(), *boardSpikes);
    return llvm::Error::success();
  }
  if (auto difference = firstDifference(rtlSpikes, goldenSpikes))
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
static llvm::Expected<Session> open(mlir::MLIRContext &context, EngineKind kind,
                                    const DeviceOptions &device) {
  auto session =
      pipeline::openSession(modelPath, context, kind, compileOptions(), device);
  if (session)
    session->setThreads(goldenThreads());
  return session;
}

/// `run` and `sim`: one engine over one input file.
static int runOnEngine(mlir::MLIRContext &context, EngineKind kind,
                       bool check) {
  auto device = deviceOptions();
  if (!device)
    return report(device.takeError());
  // The input is read first: a bad file fails before a simulator is built.
  auto input = readNpy(inputPath);
  if (!input)
    return report(input.takeError());
  auto session = open(context, kind, *device);
  if (!session)
    return report(session.takeError());
  const CoreRunStats *core = session->coreStats();
  // A board counts spikes; the others keep each one for the comparison.
  bool traced = false;
  if (core && check) {
    llvm::Error refused = session->recordSpikes(true);
    traced = !refused;
    llvm::consumeError(std::move(refused));
  }
  auto output = session->infer(*input, requestedSteps(), inputPath);
  if (!output)
    return report(output.takeError());
  // A board's cycles and link health are shown as well (retransmissions
  // mean a noisy line).
  if (core && (bool(simCmd) || session->linkStats()))
    printCycles(*session, llvm::outs());
  if (core && check) {
    std::optional<uint64_t> boardSpikes;
    if (!traced)
      boardSpikes = core->spikes;
    if (llvm::Error err =
            checkAgainstGolden(session->network(), *input, *output,
                               session->spikes(), boardSpikes))
      return report(std::move(err));
  }
  // The output and the stats appear together or not at all.
  OutputTransaction outputs;
  if (outputPath != "-")
    if (llvm::Error err = outputs.add(
            outputPath, [&](llvm::raw_ostream &os) { encodeNpy(*output, os); }))
      return report(std::move(err));
  if (llvm::Error err = addStats(outputs, *session))
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
static llvm::Expected<NDArray>
runWithProgress(Session &session, const NDArray &images, EngineKind kind) {
  if (!llvm::sys::Process::StandardErrIsDisplayed())
    return session.infer(images, requestedSteps(), imagesPath);
  InputEncoding encoding = session.signature().encoding;
  size_t axis = encoding == InputEncoding::Events ? 1 : 0;
  int64_t samples = sampleCount(images, encoding);
  int64_t chunk = kind == EngineKind::Float    ? 1000
                  : kind == EngineKind::Golden ? 250
                                               : 10;
  NDArray scores;
  auto start = std::chrono::steady_clock::now();
  for (int64_t done = 0; done < samples; done += chunk) {
    int64_t len = std::min(chunk, samples - done);
    auto part = session.infer(sliceSamples(images, axis, done, len),
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
  std::vector<Session> sessions;
  auto device = deviceOptions();
  if (!device)
    return report(device.takeError());
  for (EngineKind kind : engines) {
    auto session = open(context, kind, *device);
    if (!session)
      return report(session.takeError());
    sessions.push_back(std::move(*session));
  }
  auto images = loadImages(imagesPath);
  if (!images)
    return report(images.takeError());
  auto labels = loadLabels(labelsPath);
  if (!labels)
    return report(labels.takeError());
  // Events models take [T, N, ...] (a .npy of event frames): samples are
  // along axis 1.
  InputEncoding encoding = sessions.front().signature().encoding;
  size_t axis = encoding == InputEncoding::Events ? 1 : 0;
  int64_t samples = sampleCount(*images, encoding);
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
  for (size_t i = 0; i < sessions.size(); ++i) {
    Session &session = sessions[i];
    auto scores = runWithProgress(session, *images, engines[i]);
    if (!scores)
      return report(scores.takeError());
    auto accuracy = Session::accuracy(*scores, *labels);
    if (!accuracy)
      return report(accuracy.takeError());
    llvm::outs() << llvm::formatv("accuracy ({0}): {1:F2}% ({2} / {3} {4})\n",
                                  pipeline::engineName(engines[i]),
                                  accuracy->percent(), accuracy->correct,
                                  accuracy->total, axis ? "samples" : "images");
    percents.push_back(accuracy->percent());
    if (session.coreStats())
      printCycles(session, llvm::outs());
    if (llvm::Error err = addStats(outputs, session))
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
