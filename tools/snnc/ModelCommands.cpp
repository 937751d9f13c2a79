//===- ModelCommands.cpp - import, run, sim, eval, compile -------------===//
#include "Driver.h"

#include "snnc/Pipeline/Compile.h"
#include "snnc/Pipeline/Report.h"
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/GoldenEngine.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Npy.h"
#include "snnc/Runtime/Package.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"

#include <chrono>

namespace snnc::driver {

cl::opt<bool> strictInput(
    cl::cat(modelOptions), "strict-input",
    cl::desc("Refuse inputs with values outside the model's input range "
             "(default: warn once)"),
    cl::sub(runCmd), cl::sub(evalCmd), cl::sub(simCmd));

/// Warns once, on stderr, about input values outside the range the model
/// was compiled for (which the integer engines clamp); --strict-input
/// makes it an error.
static llvm::Error checkInputValues(const Session &session,
                                    const NDArray &input,
                                    llvm::StringRef inputName) {
  std::optional<OutOfRange> counted = session.checkInputRange(input);
  if (!counted || counted->outside == 0)
    return llvm::Error::success();
  std::string what = (inputName + ": " + counted->message()).str();
  if (strictInput)
    return makeError<InputError>(what + " (--strict-input)");
  llvm::WithColor::warning(llvm::errs(), "snnc") << terminalSafe(what) << "\n";
  return llvm::Error::success();
}

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

//===----------------------------------------------------------------------===//
// Event files as inputs.
//===----------------------------------------------------------------------===//

/// --frames, with n_time_bins = the model's time steps where it names no
/// slicing (only sensor_size, say, or nothing).
static llvm::Expected<FrameOptions> frameOptions(std::optional<int64_t> steps) {
  std::string spec = framesSpec;
  llvm::SmallVector<llvm::StringRef, 8> items;
  llvm::StringRef(spec).split(items, ',', -1, /*KeepEmpty=*/false);
  bool sliced = llvm::any_of(items, [](llvm::StringRef item) {
    llvm::StringRef key = item.split('=').first.trim();
    return key == "time_window" || key == "event_count" ||
           key == "n_time_bins" || key == "n_event_bins";
  });
  if (!sliced) {
    if (!steps)
      return makeError<InputError>("event files: the model has no default "
                                   "time steps; give --frames n_time_bins=T "
                                   "(or --timesteps T)");
    spec += (spec.empty() ? "n_time_bins=" : ",n_time_bins=") +
            std::to_string(*steps);
  }
  auto options = parseFrameOptions(spec);
  if (options && steps && options->nTimeBins && *options->nTimeBins != *steps)
    return makeError<InputError>(
        llvm::formatv("--frames n_time_bins={0}, but the model runs {1} time "
                      "steps",
                      *options->nTimeBins, *steps));
  return options;
}

llvm::Expected<bool> isEventInput(llvm::StringRef path) {
  if (isEventDataset(path))
    return true;
  return isEventFile(path);
}

llvm::Expected<NDArray> loadEventInput(llvm::ArrayRef<EventSample> samples,
                                       const FloatGraph &signature) {
  if (signature.encoding != InputEncoding::Events)
    return makeError<InputError>(
        modelPath + ": the model's input encoding is direct (one frame for "
                    "every step); event files need a model of events "
                    "encoding (snn.input_encoding, docs/onnx-convention.md)");
  std::optional<int64_t> steps = requestedSteps();
  if (!steps)
    steps = signature.timesteps;
  auto options = frameOptions(steps);
  if (!options)
    return options.takeError();
  EventFrameTarget target;
  target.steps = steps;
  SensorSize fallback;
  const std::vector<int64_t> &shape = signature.inputShape;
  if (shape.size() == 3) {
    target.frameShape = shape;
    fallback = {shape[2], shape[1], shape[0]};
  }
  return loadEventFrames(samples, *options, fallback, target);
}

/// --frames is for event files only: given with an array, it would be
/// ignored.
static llvm::Error checkFramesForArray(llvm::StringRef path) {
  if (framesSpec.getNumOccurrences())
    return makeError<InputError>(path + ": --frames bins event files; this "
                                        "is an array of numbers, taken as it "
                                        "is");
  return llvm::Error::success();
}

/// The model's input signature, without an engine: a package's as read,
/// a model's as lowered for the float engine.
static llvm::Expected<FloatGraph> modelSignature() {
  if (llvm::StringRef(modelPath).endswith(".snnpkg")) {
    auto network = readPackage(modelPath);
    if (!network)
      return network.takeError();
    return inputSignature(*network);
  }
  mlir::MLIRContext context;
  return pipeline::loadFloatGraph(modelPath, context, compileOptions());
}

llvm::Expected<NDArray> readModelInput() {
  auto events = isEventInput(inputPath);
  if (!events)
    return events.takeError();
  if (!*events) {
    if (llvm::Error err = checkFramesForArray(inputPath))
      return std::move(err);
    return readNpy(inputPath);
  }
  auto samples = listEventSamples(inputPath);
  if (!samples)
    return samples.takeError();
  auto signature = modelSignature();
  if (!signature)
    return signature.takeError();
  return loadEventInput(*samples, *signature);
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

/// What run and sim read before a simulator is built: the list of event
/// files (binned once the model's signature is known), or the array.
static llvm::Error readRunInput(bool events, std::vector<EventSample> &samples,
                                NDArray &input) {
  if (events) {
    auto listed = listEventSamples(inputPath);
    if (!listed)
      return listed.takeError();
    samples = std::move(*listed);
    return llvm::Error::success();
  }
  if (llvm::Error err = checkFramesForArray(inputPath))
    return err;
  auto array = readNpy(inputPath);
  if (!array)
    return array.takeError();
  input = std::move(*array);
  return llvm::Error::success();
}

/// `run` and `sim`: one engine over one input file.
static int runOnEngine(mlir::MLIRContext &context, EngineKind kind,
                       bool check) {
  auto device = deviceOptions();
  if (!device)
    return report(device.takeError());
  // The input is read first: a bad file fails before a simulator is built.
  // Event files are listed first and binned once the model's signature
  // (its time steps, its input shape) is known.
  auto events = isEventInput(inputPath);
  if (!events)
    return report(events.takeError());
  std::vector<EventSample> samples;
  NDArray input;
  if (llvm::Error err = readRunInput(*events, samples, input))
    return report(std::move(err));
  auto session = open(context, kind, *device);
  if (!session)
    return report(session.takeError());
  if (*events) {
    auto frames = loadEventInput(samples, session->signature());
    if (!frames)
      return report(frames.takeError());
    input = std::move(*frames);
  }
  const CoreRunStats *core = session->coreStats();
  // A board counts spikes; the others keep each one for the comparison.
  bool traced = false;
  if (core && check) {
    llvm::Error refused = session->recordSpikes(true);
    traced = !refused;
    llvm::consumeError(std::move(refused));
  }
  if (llvm::Error err = checkInputValues(*session, input, inputPath))
    return report(std::move(err));
  auto output = session->infer(input, requestedSteps(), inputPath);
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
    if (llvm::Error err = checkAgainstGolden(session->network(), input, *output,
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

/// eval's event files, listed, limited to --limit and binned; their labels
/// from the class folders or the list file, else from --labels.
static llvm::Error loadEventData(const FloatGraph &signature, NDArray &images,
                                 std::vector<int64_t> &labels) {
  auto samples = listEventSamples(imagesPath);
  if (!samples)
    return samples.takeError();
  bool labelled = samples->front().label >= 0;
  if (labelled && !labelsPath.empty())
    return makeError<InputError>(imagesPath + ": the class folders or the "
                                              "list give the labels; drop "
                                              "--labels");
  if (!labelled && labelsPath.empty())
    return makeError<InputError>(imagesPath + ": no labels: give --labels, or "
                                              "one folder per class, or a "
                                              "list file of 'path label' "
                                              "lines");
  if (labelled)
    for (const EventSample &sample : *samples)
      labels.push_back(sample.label);
  // Only the files --limit keeps are read.
  if (limit > 0 && size_t(limit) < samples->size()) {
    samples->resize(limit);
    if (labelled)
      labels.resize(limit);
  }
  auto frames = loadEventInput(*samples, signature);
  if (!frames)
    return frames.takeError();
  images = std::move(*frames);
  return llvm::Error::success();
}

/// eval's images and labels: arrays (.npy, IDX), or event files.
static llvm::Error loadEvalData(const FloatGraph &signature, NDArray &images,
                                std::vector<int64_t> &labels) {
  auto events = isEventInput(imagesPath);
  if (!events)
    return events.takeError();
  if (*events) {
    if (llvm::Error err = loadEventData(signature, images, labels))
      return err;
  } else {
    if (llvm::Error err = checkFramesForArray(imagesPath))
      return err;
    auto loaded = loadImages(imagesPath);
    if (!loaded)
      return loaded.takeError();
    images = std::move(*loaded);
  }
  if (!labels.empty() || labelsPath.empty())
    return llvm::Error::success();
  auto loaded = loadLabels(labelsPath);
  if (!loaded)
    return loaded.takeError();
  labels = std::move(*loaded);
  return llvm::Error::success();
}

int runEval(mlir::MLIRContext &context) {
  if (imagesPath.empty())
    return usage("eval: --images and --labels are required");
  // Class folders and list files carry their labels; arrays need --labels.
  if (labelsPath.empty() && !isEventDataset(imagesPath)) {
    auto events = isEventFile(imagesPath);
    if (!events)
      llvm::consumeError(events.takeError()); // the usage error says more
    if (!events || !*events)
      return usage("eval: --images and --labels are required");
  }
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
  NDArray images;
  std::vector<int64_t> labels;
  if (llvm::Error err =
          loadEvalData(sessions.front().signature(), images, labels))
    return report(std::move(err));
  // Events models take [T, N, ...] (a .npy of event frames): samples are
  // along axis 1.
  InputEncoding encoding = sessions.front().signature().encoding;
  size_t axis = encoding == InputEncoding::Events ? 1 : 0;
  int64_t samples = sampleCount(images, encoding);
  if (samples != int64_t(labels.size()))
    return report(llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("{0} {1} but {2} labels", samples,
                      axis ? "samples (dim 1 of the event frames)" : "images",
                      labels.size())));
  if (limit > 0 && limit < samples) {
    images = sliceSamples(images, axis, 0, limit);
    labels.resize(limit);
  }
  // Once for every engine: they all take the same images.
  if (llvm::Error err = checkInputValues(sessions.front(), images, imagesPath))
    return report(std::move(err));
  std::vector<double> percents;
  OutputTransaction outputs;
  for (size_t i = 0; i < sessions.size(); ++i) {
    Session &session = sessions[i];
    auto scores = runWithProgress(session, images, engines[i]);
    if (!scores)
      return report(scores.takeError());
    auto accuracy = Session::accuracy(*scores, labels);
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

std::optional<pipeline::ChipsRequest> chipsRequest(llvm::StringRef command,
                                                   int &refused) {
  refused = 0;
  if (!chipsOption.getNumOccurrences())
    return std::nullopt;
  if (chipsOption == "auto")
    return pipeline::ChipsRequest{pipeline::ChipsRequest::Auto};
  int64_t n = 0;
  if (llvm::StringRef(chipsOption).getAsInteger(10, n) || n < 1 || n > 100000)
    refused = usage(command +
                    ": --chips takes a chip count (1 to 100000) "
                    "or 'auto', not '" +
                    chipsOption + "'");
  return pipeline::ChipsRequest{n};
}

int runCompile(mlir::MLIRContext &context) {
  if (outputPath == "-")
    return usage("compile: -o model.snnpkg is required");
  int refused = 0;
  std::optional<pipeline::ChipsRequest> chips =
      chipsRequest("compile", refused);
  if (refused)
    return refused;
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
                               calibration ? &*calibration : nullptr, chips);
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
  llvm::outs() << compiled->memories << compiled->partition;
  return 0;
}

} // namespace snnc::driver
