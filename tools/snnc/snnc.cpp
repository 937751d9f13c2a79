//===- snnc.cpp - the snnc driver -----------------------------------------===//
//
// A thin driver over the pipeline library:
//   snnc import MODEL [-o out.mlir]   (a .nir MODEL also -o out.onnx)
//   snnc run    MODEL --input X.npy [--timesteps T] [--engine float] -o Y.npy
//   snnc eval   MODEL --images X --labels Y [--limit N] [--engine float|golden]
//   snnc compile MODEL -o model.snnpkg [--target T] [--weight-bits B]
//                [--state-bits S] [--report report.json]
//   snnc sim    MODEL --input X.npy [-o Y.npy] [--lanes L] [--vcd out.vcd]
//   snnc emit-verilog MODEL -o DIR [--lanes L]
//   snnc board-sim DIR [--fault-rate P --seed S --reset-after-frames N]
//   snnc bitstream MODEL --board B -o DIR [--lanes L]
//   snnc flash DIR
// Errors: one line on stderr, exit status 1; usage errors: exit status 2.
//
//===----------------------------------------------------------------------===//
#include "snnc/Pipeline/Pipeline.h"

#include "snnc/Backends/Bitstream.h"
#include "snnc/Backends/VerilogEmitter.h"
#include "snnc/Pipeline/Report.h"
#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Npy.h"
#include "snnc/Runtime/Package.h"
#include "snnc/Runtime/Session.h"
#include "snnc/Sim/BoardSim.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <unistd.h>

using namespace snnc;
namespace cl = llvm::cl;

namespace {
using pipeline::EngineKind;

cl::SubCommand
    importCmd("import",
              "Import an ONNX or NIR model and print the snn dialect");
cl::SubCommand runCmd("run", "Run a model on inputs from a .npy file");
cl::SubCommand evalCmd("eval", "Measure a model's classification accuracy");
cl::SubCommand compileCmd("compile",
                          "Compile a model into a core package (.snnpkg)");
cl::SubCommand simCmd("sim", "Run a model cycle-accurately on the RTL core and "
                             "check it against the golden engine");
cl::SubCommand boardSimCmd(
    "board-sim",
    "Simulate the board (core and serial link) behind a pseudo-terminal; "
    "prints its path, runs until killed");
cl::SubCommand bitstreamCmd(
    "bitstream",
    "Build an FPGA bitstream for a board: core and host link, synthesized, "
    "placed, routed and packed");
cl::SubCommand flashCmd("flash", "Program a board with a bitstream directory");
cl::SubCommand emitCmd("emit-verilog",
                       "Write the core specialized to a model: SystemVerilog, "
                       "memory images, build recipe");

/// Option groups: `snnc CMD --help` shows these and nothing of LLVM's.
cl::OptionCategory modelOptions("Models and inputs");
cl::OptionCategory compilerOptions("Compiler");
cl::OptionCategory engineOptions("Engines and devices");
cl::OptionCategory boardOptions("Boards and FPGA");
cl::OptionCategory outputOptions("Outputs and resources");

cl::opt<std::string>
    modelPath(cl::cat(modelOptions), cl::Positional, cl::Required,
              cl::desc("<model.onnx|.onnxtxt|.nir|.mlir|.snnpkg>"),
              cl::sub(importCmd), cl::sub(runCmd), cl::sub(evalCmd),
              cl::sub(compileCmd), cl::sub(simCmd), cl::sub(emitCmd),
              cl::sub(bitstreamCmd));
cl::opt<std::string> outputPath(cl::cat(outputOptions), "o",
                                cl::desc("Output file (emit-verilog: "
                                         "directory)"),
                                cl::value_desc("file"), cl::init("-"),
                                cl::sub(importCmd), cl::sub(runCmd),
                                cl::sub(compileCmd), cl::sub(simCmd),
                                cl::sub(emitCmd), cl::sub(bitstreamCmd));
cl::opt<std::string> targetName(cl::cat(compilerOptions), "target",
                                cl::desc("Core description: sim (default), "
                                         "ice40-up5k or ice40-hx8k"),
                                cl::init("sim"), cl::sub(compileCmd),
                                cl::sub(runCmd), cl::sub(evalCmd),
                                cl::sub(simCmd), cl::sub(emitCmd));
cl::opt<int64_t> stateBits(cl::cat(compilerOptions), "state-bits",
                           cl::desc("Membrane state width (default 24, or the "
                                    "target board's state_bits)"),
                           cl::init(24), cl::sub(compileCmd), cl::sub(runCmd),
                           cl::sub(evalCmd), cl::sub(simCmd), cl::sub(emitCmd),
                           cl::sub(bitstreamCmd));
cl::opt<std::string> calibratePath(
    cl::cat(compilerOptions), "calibrate",
    cl::desc("Inputs (.npy or IDX images) on which the golden engine measures "
             "the report's SOPs and cycles"),
    cl::value_desc("file"), cl::sub(compileCmd));
cl::opt<std::string> inputRange(
    cl::cat(modelOptions), "input-range",
    cl::desc("Smallest and largest raw input value, for the input encoder's "
             "scale (default 0,1)"),
    cl::value_desc("min,max"), cl::init("0,1"), cl::sub(compileCmd),
    cl::sub(runCmd), cl::sub(evalCmd), cl::sub(simCmd), cl::sub(emitCmd),
    cl::sub(bitstreamCmd));
cl::opt<std::string> reportPath(cl::cat(outputOptions), "report",
                                cl::desc("Write the per-layer report as JSON"),
                                cl::value_desc("report.json"),
                                cl::sub(compileCmd));
cl::opt<std::string> inputPath(cl::cat(modelOptions), "input",
                               cl::desc("Input .npy: [N, ...] (direct) "
                                        "or [T, N, ...] (events)"),
                               cl::value_desc("X.npy"), cl::sub(runCmd),
                               cl::sub(simCmd));
cl::opt<int64_t> timesteps(cl::cat(modelOptions), "timesteps",
                           cl::desc("Time steps T (default: the model's; "
                                    "import of NIR: stored as the default)"),
                           cl::init(0), cl::sub(runCmd), cl::sub(evalCmd),
                           cl::sub(simCmd), cl::sub(importCmd));
cl::opt<double> nirDt(cl::cat(modelOptions), "dt",
                      cl::desc("NIR models: the time step of the "
                               "discretization (default: the graph's "
                               "metadata)"),
                      cl::sub(importCmd), cl::sub(runCmd), cl::sub(evalCmd),
                      cl::sub(compileCmd), cl::sub(simCmd), cl::sub(emitCmd),
                      cl::sub(bitstreamCmd));
cl::opt<std::string> nirEncoding(
    cl::cat(modelOptions), "encoding",
    cl::desc("NIR models: input encoding, direct (default) or events"),
    cl::init("direct"), cl::sub(importCmd), cl::sub(runCmd), cl::sub(evalCmd),
    cl::sub(compileCmd), cl::sub(simCmd), cl::sub(emitCmd),
    cl::sub(bitstreamCmd));
cl::opt<EngineKind>
    engineKind(cl::cat(engineOptions), "engine", cl::desc("Execution engine"),
               cl::init(EngineKind::Float),
               cl::values(clEnumValN(EngineKind::Float, "float",
                                     "LibTorch float reference"),
                          clEnumValN(EngineKind::Golden, "golden",
                                     "bit-exact integer model of the core"),
                          clEnumValN(EngineKind::Rtl, "rtl",
                                     "cycle-accurate Verilator model of the "
                                     "core's RTL"),
                          clEnumValN(EngineKind::Board, "board",
                                     "a board on a serial port (--device)")),
               cl::sub(runCmd), cl::sub(evalCmd));
cl::opt<std::string> devicePath(cl::cat(engineOptions), "device",
                                cl::desc("The board's serial port (--engine "
                                         "board), e.g. /dev/ttyUSB1"),
                                cl::value_desc("path"), cl::sub(runCmd),
                                cl::sub(evalCmd));
cl::opt<int64_t> baudRate(cl::cat(engineOptions), "baud",
                          cl::desc("The serial line's baud rate (default "
                                   "3000000, the board link's)"),
                          cl::init(3000000), cl::sub(runCmd), cl::sub(evalCmd));
cl::opt<int64_t> linkTimeout(cl::cat(engineOptions), "link-timeout",
                             cl::desc("Milliseconds to wait for a reply "
                                      "before retransmitting (default 500)"),
                             cl::init(500), cl::sub(runCmd), cl::sub(evalCmd));
cl::opt<std::string> boardDir(cl::cat(boardOptions), cl::Positional,
                              cl::Required, cl::desc("<dir from emit-verilog>"),
                              cl::sub(boardSimCmd));
cl::opt<double> faultRate(cl::cat(boardOptions), "fault-rate",
                          cl::desc("Flip, drop or duplicate each byte on the "
                                   "simulated line with this probability"),
                          cl::init(0.0), cl::sub(boardSimCmd));
cl::opt<bool> gateLevel(cl::cat(boardOptions), "gate-level",
                        cl::desc("Simulate the gate-level netlist of the "
                                 "bitstream built in DIR (snnc bitstream)"),
                        cl::sub(boardSimCmd));
cl::opt<uint64_t> faultSeed(cl::cat(boardOptions), "seed",
                            cl::desc("Seed of the line's faults"), cl::init(1),
                            cl::sub(boardSimCmd));
cl::opt<int64_t> resetAfterFrames(
    cl::cat(boardOptions), "reset-after-frames",
    cl::desc("Press the board's reset button once, after the host's N-th "
             "frame"),
    cl::init(-1), cl::sub(boardSimCmd));
cl::opt<std::string> statsPath(cl::cat(outputOptions), "stats",
                               cl::desc("Write the engine's activity as JSON "
                                        "(golden: spikes, SOPs, firing rates; "
                                        "rtl: cycles, lower bound, "
                                        "efficiency)"),
                               cl::value_desc("stats.json"), cl::sub(runCmd),
                               cl::sub(evalCmd), cl::sub(simCmd));
cl::opt<int64_t> weightBits(cl::cat(compilerOptions), "weight-bits",
                            cl::desc("Weight width, 2..8 bits"), cl::init(8),
                            cl::sub(runCmd), cl::sub(evalCmd),
                            cl::sub(compileCmd), cl::sub(simCmd),
                            cl::sub(emitCmd), cl::sub(bitstreamCmd));
cl::opt<int64_t> lanes(cl::cat(compilerOptions), "lanes",
                       cl::desc("RTL core lanes: 1, 2, 4 or 8 (default: the "
                                "target's, at most 8; bitstream: 1)"),
                       cl::init(0), cl::sub(runCmd), cl::sub(evalCmd),
                       cl::sub(simCmd), cl::sub(emitCmd),
                       cl::sub(bitstreamCmd));
cl::opt<std::string> boardName(cl::cat(boardOptions), "board",
                               cl::desc("The board (backends/boards): "
                                        "icebreaker (default), "
                                        "hx8k-breakout"),
                               cl::init("icebreaker"), cl::sub(bitstreamCmd));
cl::opt<std::string> flashDir(cl::cat(boardOptions), cl::Positional,
                              cl::Required,
                              cl::desc("<dir from snnc bitstream>"),
                              cl::sub(flashCmd));
cl::opt<std::string> corePath(
    cl::cat(compilerOptions), "core",
    cl::desc("Run on an already emitted core (its core.json) instead of one "
             "sized to the model"),
    cl::value_desc("core.json"), cl::sub(runCmd), cl::sub(evalCmd),
    cl::sub(simCmd), cl::sub(emitCmd));
cl::opt<std::string> vcdPath(cl::cat(engineOptions), "vcd",
                             cl::desc("Write the RTL waveform (VCD)"),
                             cl::value_desc("out.vcd"), cl::sub(runCmd),
                             cl::sub(simCmd));
cl::opt<uint64_t> cycleBudget(
    cl::cat(engineOptions), "cycle-budget",
    cl::desc("Cycles one time step may take on the RTL before the run fails "
             "(default: the network's worst case)"),
    cl::init(0), cl::sub(runCmd), cl::sub(evalCmd), cl::sub(simCmd));
cl::opt<std::string> imagesPath(cl::cat(modelOptions), "images",
                                cl::desc("Images: .npy or IDX (.gz)"),
                                cl::value_desc("file"), cl::sub(evalCmd));
cl::opt<std::string> labelsPath(cl::cat(modelOptions), "labels",
                                cl::desc("Labels: .npy or IDX (.gz)"),
                                cl::value_desc("file"), cl::sub(evalCmd));
cl::opt<int64_t> limit(cl::cat(modelOptions), "limit",
                       cl::desc("Evaluate only the first N images"),
                       cl::init(0), cl::sub(evalCmd));
cl::opt<bool> compareGolden(
    cl::cat(engineOptions), "compare-golden",
    cl::desc("Also run the golden engine and fail unless every output and "
             "every spike is identical"),
    cl::sub(runCmd));

cl::opt<std::string> maxMemory(
    cl::cat(outputOptions), "max-memory",
    cl::desc("Refuse runs whose estimated memory exceeds this (e.g. 512M, "
             "4G; default: half the physical memory)"),
    cl::value_desc("size"), cl::sub(runCmd), cl::sub(evalCmd),
    cl::sub(compileCmd), cl::sub(simCmd));

constexpr int kError = 1, kUsage = 2;

int report(llvm::Error err) {
  llvm::WithColor::error(llvm::errs(), "snnc")
      << llvm::toString(std::move(err)) << "\n";
  return kError;
}

int usage(const llvm::Twine &what) {
  llvm::WithColor::error(llvm::errs(), "snnc") << what << "\n";
  return kUsage;
}

/// Parses --input-range; false if it is not "min,max" with min < max.
bool parseInputRange(double &lo, double &hi) {
  auto [a, b] = llvm::StringRef(inputRange).split(',');
  return !a.trim().getAsDouble(lo) && !b.trim().getAsDouble(hi) && lo < hi &&
         std::isfinite(lo) && std::isfinite(hi);
}

/// The board `named` gives, or nothing: an unknown board or target is
/// reported where it is used, with the names snnc knows.
std::optional<BoardDescription>
boardOrNothing(llvm::Expected<BoardDescription> named) {
  if (!named) {
    llvm::consumeError(named.takeError());
    return std::nullopt;
  }
  return std::move(*named);
}

/// --state-bits, else the width the board's memories make natural (the
/// compile target's, or bitstream's --board), else 24.
int64_t chosenStateBits() {
  if (stateBits.getNumOccurrences() || (!bitstreamCmd && targetName == "sim"))
    return stateBits;
  auto board = boardOrNothing(bitstreamCmd ? findBoard(boardName)
                                           : findTargetBoard(targetName));
  return board ? board->stateBits : stateBits;
}

/// --target as the compiler knows it: a board's name becomes its FPGA's
/// (icebreaker: ice40-up5k).
std::string canonicalTarget() {
  if (targetName == "sim")
    return targetName;
  auto board = boardOrNothing(findTargetBoard(targetName));
  return board ? board->family + "-" + board->device : targetName;
}

NirOptions nirOptions() {
  NirOptions options;
  if (nirDt.getNumOccurrences())
    options.dt = nirDt;
  options.encoding = nirEncoding;
  if (timesteps.getNumOccurrences())
    options.timesteps = int64_t(timesteps);
  return options;
}

pipeline::CompileOptions compileOptions() {
  pipeline::CompileOptions options;
  parseInputRange(options.inputMin, options.inputMax);
  options.weightBits = weightBits;
  options.stateBits = chosenStateBits();
  options.target = canonicalTarget();
  options.nir = nirOptions();
  return options;
}

std::optional<int64_t> requestedSteps() {
  if (timesteps.getNumOccurrences())
    return int64_t(timesteps);
  return std::nullopt;
}

/// Options of the RTL engine; fails on an unreadable --core.
llvm::Expected<sim::RtlOptions> rtlOptions() {
  sim::RtlOptions options;
  options.lanes = lanes;
  options.vcdPath = vcdPath;
  options.cycleBudget = cycleBudget;
  if (!corePath.empty()) {
    auto core = CoreParams::readFile(corePath);
    if (!core)
      return core.takeError();
    options.core = *core;
  }
  return options;
}

/// Options of the board engine.
LinkOptions linkOptions() {
  LinkOptions options;
  options.device = devicePath;
  options.baud = baudRate;
  options.timeoutMs = linkTimeout;
  return options;
}

/// Adds the engine's stats to a command's outputs, if asked for and
/// available.
llvm::Error addStats(OutputTransaction &outputs,
                     const pipeline::PreparedModel &model) {
  if (statsPath.empty() || (!model.golden && !model.core))
    return llvm::Error::success();
  llvm::json::Value stats = model.engine->statsJson();
  return outputs.add(statsPath, [&](llvm::raw_ostream &os) {
    os << llvm::formatv("{0:2}", stats) << "\n";
  });
}

/// The cycle figures of an RTL or board run, for people.
void printCycles(const pipeline::PreparedModel &model, llvm::raw_ostream &os) {
  const CoreRunStats &stats = model.core->stats();
  double samples = double(std::max<int64_t>(1, stats.samples));
  os << llvm::formatv("{0}: {1} samples x {2} steps on {3} lanes\n",
                      model.link ? "board" : "rtl", stats.samples,
                      stats.timesteps, stats.lanes);
  os << llvm::formatv("cycles per inference: {0:F1}\n",
                      double(stats.cycles) / samples);
  os << llvm::formatv("lower bound per inference: {0:F1} (sum of ceil(SOPs / "
                      "{1}) + {2:F1} neuron words swept)\n",
                      double(stats.lowerBound) / samples, stats.lanes,
                      double(stats.sweepWords) / samples);
  os << llvm::formatv("efficiency: {0:F3}\n", stats.efficiency());
  if (model.link) {
    const LinkStats &link = model.link->stats();
    os << llvm::formatv("link: {0} requests, {1} frames, {2} retransmissions "
                        "({3} timeouts, {4} corrupt replies, {5} rejected "
                        "requests), {6} reloads after a reset\n",
                        link.requests, link.frames, link.retransmissions,
                        link.timeouts, link.corruptReplies,
                        link.rejectedRequests, stats.reloads);
    return;
  }
  if (stats.simulationSeconds > 0)
    os << llvm::formatv("simulated: {0:F2} M cycles/s (Verilator)\n",
                        double(stats.cycles) / stats.simulationSeconds / 1e6);
}

/// Runs the golden engine on the same network and input and compares every
/// output and every spike with the RTL's.
llvm::Error checkAgainstGolden(const CoreNetwork &network,
                               const FloatGraph &graph, const NDArray &input,
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
int writeNirAsOnnx() {
  auto bytes = translateNirFile(modelPath, nirOptions());
  if (!bytes)
    return report(bytes.takeError());
  std::error_code ec;
  llvm::ToolOutputFile out(outputPath, ec, llvm::sys::fs::OF_None);
  if (ec)
    return report(
        llvm::createStringError(ec, outputPath + ": " + ec.message()));
  out.os() << *bytes;
  out.keep();
  return 0;
}

int runImport(mlir::MLIRContext &context) {
  if (llvm::StringRef(modelPath).endswith(".nir") &&
      llvm::StringRef(outputPath).endswith(".onnx"))
    return writeNirAsOnnx();
  auto module = pipeline::loadModel(modelPath, context, nirOptions());
  if (!module)
    return report(module.takeError());
  std::error_code ec;
  // ToolOutputFile deletes the file unless keep() runs: nothing half-written.
  llvm::ToolOutputFile out(outputPath, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return report(
        llvm::createStringError(ec, outputPath + ": " + ec.message()));
  (*module)->print(out.os());
  out.os() << "\n";
  out.keep();
  return 0;
}

/// Options that only some engines take.
int checkEngineOptions() {
  bool sim = bool(simCmd);
  if (!statsPath.empty() && engineKind == EngineKind::Float && !sim)
    return usage("--stats needs --engine golden, rtl or board");
  if (engineKind != EngineKind::Rtl && !sim && !bool(emitCmd) &&
      (lanes.getNumOccurrences() || !vcdPath.empty() || !corePath.empty()))
    return usage("--lanes, --core and --vcd need --engine rtl");
  bool onCore =
      engineKind == EngineKind::Rtl || engineKind == EngineKind::Board;
  if (!onCore && !sim && (cycleBudget.getNumOccurrences() || compareGolden))
    return usage("--cycle-budget and --compare-golden need --engine rtl or "
                 "board");
  bool board = engineKind == EngineKind::Board && !sim;
  if (board != !devicePath.empty() && !sim && !bool(emitCmd))
    return usage(board ? "--engine board needs --device PATH"
                       : "--device needs --engine board");
  if (!board &&
      (baudRate.getNumOccurrences() || linkTimeout.getNumOccurrences()))
    return usage("--baud and --link-timeout need --engine board");
  double lo, hi;
  if (!parseInputRange(lo, hi))
    return usage("--input-range must be MIN,MAX with MIN < MAX, got '" +
                 inputRange + "'");
  return 0;
}

int runOnEngine(mlir::MLIRContext &context, EngineKind kind, bool check);

int runRun(mlir::MLIRContext &context) {
  if (inputPath.empty())
    return usage("run: --input X.npy is required");
  if (outputPath == "-")
    return usage("run: -o Y.npy is required");
  if (int rc = checkEngineOptions())
    return rc;
  return runOnEngine(context, engineKind, /*check=*/compareGolden);
}

/// `run` and `sim`: one engine over one input file.
int runOnEngine(mlir::MLIRContext &context, EngineKind kind, bool check) {
  auto rtl = rtlOptions();
  if (!rtl)
    return report(rtl.takeError());
  // The input is read first: a bad file fails before a simulator is built.
  auto input = readNpy(inputPath);
  if (!input)
    return report(input.takeError());
  auto model = pipeline::prepareModel(modelPath, context, kind,
                                      compileOptions(), *rtl, linkOptions());
  if (!model)
    return report(model.takeError());
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

int runSim(mlir::MLIRContext &context) {
  if (inputPath.empty())
    return usage("sim: --input X.npy is required");
  if (int rc = checkEngineOptions())
    return rc;
  return runOnEngine(context, EngineKind::Rtl, /*check=*/true);
}

/// The model as the core's network (compiled, or a package as it is),
/// checked.
llvm::Expected<CoreNetwork> loadValidNetwork(mlir::MLIRContext &context) {
  auto network =
      pipeline::loadCoreNetwork(modelPath, context, compileOptions());
  if (!network)
    return network.takeError();
  if (llvm::Error err = validateNetwork(*network))
    return pipeline::inFile(modelPath, std::move(err));
  return network;
}

int runEmitVerilog(mlir::MLIRContext &context) {
  if (outputPath == "-")
    return usage("emit-verilog: -o DIR is required");
  if (int rc = checkEngineOptions())
    return rc;
  auto rtl = rtlOptions();
  if (!rtl)
    return report(rtl.takeError());
  auto network = loadValidNetwork(context);
  if (!network)
    return report(network.takeError());
  auto params = sim::chooseCore(*network, *rtl);
  if (!params)
    return report(params.takeError());
  auto image = buildCoreImage(*network, *params);
  if (!image)
    return report(image.takeError());
  if (llvm::Error err = emitVerilog(*params, &*image, modelPath, outputPath))
    return report(std::move(err));
  llvm::outs() << llvm::formatv("wrote {0}: snn_top.sv ({1} lanes), RTL, "
                                "memory images, load.txt, Makefile\n",
                                outputPath, params->lanes);
  return 0;
}

/// `snnc board-sim DIR`: builds the board top's simulator in DIR and
/// becomes it (it prints its pseudo-terminal and runs until killed).
int runBoardSim() {
  if (faultRate < 0 || faultRate >= 1)
    return usage("board-sim: --fault-rate must be in [0, 1)");
  auto board = sim::buildBoardSimulator(boardDir, gateLevel);
  if (!board)
    return report(board.takeError());
  std::vector<std::string> args = {
      board->executable,
      "--clocks-per-bit",
      std::to_string(board->clocksPerBit),
      "--fault-rate",
      llvm::formatv("{0}", double(faultRate)).str(),
      "--seed",
      std::to_string(faultSeed)};
  if (resetAfterFrames >= 0) {
    args.push_back("--reset-after-frames");
    args.push_back(std::to_string(resetAfterFrames));
  }
  std::vector<char *> argv;
  for (std::string &arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  llvm::outs().flush();
  ::execv(argv[0], argv.data());
  return report(
      llvm::createStringError(llvm::inconvertibleErrorCode(),
                              "board-sim: cannot start " + board->executable));
}

/// `snnc bitstream`: the network's core on a board, through the FPGA tools.
int runBitstream(mlir::MLIRContext &context) {
  if (outputPath == "-")
    return usage("bitstream: -o DIR is required");
  double lo, hi;
  if (!parseInputRange(lo, hi))
    return usage("--input-range must be MIN,MAX with MIN < MAX, got '" +
                 inputRange + "'");
  auto board = findBoard(boardName);
  if (!board)
    return report(board.takeError());
  auto network = loadValidNetwork(context);
  if (!network)
    return report(network.takeError());
  // The smallest core: one lane unless asked for more.
  auto params = coreParamsFor(*network, lanes ? int64_t(lanes) : 1);
  if (!params)
    return report(params.takeError());
  auto image = buildCoreImage(*network, *params);
  if (!image)
    return report(image.takeError());
  BitstreamOptions options;
  options.dir = outputPath;
  options.origin = modelPath;
  auto built = buildBitstream(*params, *image, *board, options);
  if (!built)
    return report(built.takeError());
  printBitstreamReport(*built, llvm::outs());
  llvm::outs() << llvm::formatv("wrote {0}/snn.bin and report.json\n",
                                outputPath);
  return 0;
}

int runFlash() {
  if (llvm::Error err = flashBitstream(flashDir))
    return report(std::move(err));
  llvm::outs() << "flashed " << flashDir << "/snn.bin\n";
  return 0;
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
    auto model = pipeline::prepareModel(modelPath, context, kind,
                                        compileOptions(), *rtl, linkOptions());
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
    auto scores = pipeline::runEngine(*model.engine, model.graph, *images,
                                      requestedSteps(), imagesPath);
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
  auto module = pipeline::loadModel(modelPath, context, nirOptions());
  if (!module)
    return report(module.takeError());
  auto core = pipeline::compileToCore(**module, compileOptions());
  if (!core)
    return report(pipeline::inFile(modelPath, core.takeError()));
  std::optional<Session> calibration;
  if (!calibratePath.empty()) {
    auto inputs = loadImages(calibratePath);
    if (!inputs)
      return report(inputs.takeError());
    auto session = Session::create(*core);
    if (!session)
      return report(session.takeError());
    if (auto out = session->infer(*inputs); !out)
      return report(out.takeError());
    calibration = std::move(*session);
  }
  // A device target: the core's real memory layout against what the
  // board holds, before anything is written.
  std::string fit;
  if (targetName == "sim") {
    auto params = coreParamsFor(*core, core->lanes);
    if (!params)
      return report(params.takeError());
    llvm::raw_string_ostream os(fit);
    pipeline::printSimMemories(*params, os);
  } else {
    auto board = findTargetBoard(targetName);
    if (!board)
      return report(board.takeError());
    auto params = coreParamsFor(*core, core->lanes);
    if (!params)
      return report(params.takeError());
    auto checked = checkMemoryFit(*params, *board, canonicalTarget());
    if (!checked)
      return report(llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          modelPath + ": compile: " + llvm::toString(checked.takeError())));
    fit = *checked;
  }
  pipeline::CompileReport table =
      pipeline::buildReport(*core, core->timesteps.value_or(1),
                            calibration ? calibration->goldenStats() : nullptr);
  // The package and the report appear together or not at all.
  OutputTransaction outputs;
  if (!reportPath.empty())
    if (llvm::Error err = outputs.add(reportPath, [&](llvm::raw_ostream &os) {
          os << llvm::formatv("{0:2}", pipeline::reportToJson(table)) << "\n";
        }))
      return report(std::move(err));
  if (llvm::Error err = outputs.add(outputPath, [&](llvm::raw_ostream &os) {
        os << encodePackage(*core);
      }))
    return report(std::move(err));
  if (llvm::Error err = outputs.commit())
    return report(std::move(err));
  pipeline::printReport(table, llvm::outs());
  llvm::outs() << fit;
  return 0;
}
/// Parses the command line; on failure `errors` holds what LLVM said.
/// An option's bad value is reported by LLVM straight to stderr, not to
/// the stream ParseCommandLineOptions takes, so stderr is captured too.
/// Leaves snnc's own options in every command's --help: LLVM registers
/// hundreds of its own (--amdgpu-..., --aarch64-...) that mean nothing here.
void hideLLVMOptions() {
  const cl::OptionCategory *mine[] = {&modelOptions, &compilerOptions,
                                      &engineOptions, &boardOptions,
                                      &outputOptions};
  cl::HideUnrelatedOptions(mine);
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
    cl::HideUnrelatedOptions(mine, *sub);
}

bool parseCommandLine(int argc, char **argv, std::string &errors) {
  hideLLVMOptions();
  llvm::raw_string_ostream errs(errors);
  std::FILE *captured = std::tmpfile();
  int saved = captured ? ::dup(STDERR_FILENO) : -1;
  if (saved >= 0)
    ::dup2(::fileno(captured), STDERR_FILENO);
  bool parsed = cl::ParseCommandLineOptions(
      argc, argv, "snnc: the spiking neural network compiler\n", &errs);
  llvm::errs().flush();
  if (saved >= 0) {
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::rewind(captured);
    char chunk[4096];
    std::string direct;
    while (size_t n = std::fread(chunk, 1, sizeof(chunk), captured))
      direct.append(chunk, n);
    errors = direct + errs.str();
  }
  if (captured)
    std::fclose(captured);
  return parsed;
}

/// An allocation failed: an estimate missed.  Still one line and exit
/// status 1; no output was committed (outputs are renamed into place only
/// after the command's work is done).
[[noreturn]] void outOfMemory() {
  llvm::errs() << "snnc: error: out of memory (the memory limit is "
               << formatBytes(memoryLimit()) << "; see --max-memory)\n";
  llvm::errs().flush();
  std::_Exit(kError);
}

/// The chosen command, on the parsed options.
int runCommand() {
  mlir::MLIRContext context;
  // An ONNX model states its encoding; silently ignoring these would hide
  // a mistake.
  if ((nirDt.getNumOccurrences() || nirEncoding.getNumOccurrences()) &&
      !llvm::StringRef(modelPath).endswith(".nir"))
    return usage("--dt and --encoding apply to NIR models (.nir) only; an "
                 "ONNX model states its encoding in its metadata");
  if (importCmd)
    return runImport(context);
  if (runCmd)
    return runRun(context);
  if (evalCmd)
    return runEval(context);
  if (compileCmd)
    return runCompile(context);
  if (simCmd)
    return runSim(context);
  if (emitCmd)
    return runEmitVerilog(context);
  if (boardSimCmd)
    return runBoardSim();
  if (bitstreamCmd)
    return runBitstream(context);
  if (flashCmd)
    return runFlash();
  return usage("no command given; see 'snnc --help' (import, compile, run, "
               "eval, sim, emit-verilog, board-sim, bitstream, flash)");
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Past a file-size limit, a write fails with EFBIG and is reported as
  // one line; the default SIGXFSZ would kill snnc with LLVM's crash dump.
  std::signal(SIGXFSZ, SIG_IGN);
  std::string parseErrors;
  if (!parseCommandLine(argc, argv, parseErrors)) {
    // LLVM's complaint, as one "snnc: error:" line (it adds "Did you
    // mean" lines and prefixes each with the program name).
    llvm::StringRef first = llvm::StringRef(parseErrors).trim();
    first = first.take_until([](char c) { return c == '\n'; }).trim();
    first.consume_front("snnc:");
    return usage(first.trim());
  }
  if (maxMemory.getNumOccurrences()) {
    auto bytes = parseByteSize(maxMemory);
    if (!bytes)
      return usage("--max-memory: " + llvm::toString(bytes.takeError()));
    setMemoryLimit(*bytes);
  }
  std::set_new_handler(outOfMemory);
  llvm::install_bad_alloc_error_handler(
      [](void *, const char *, bool) { outOfMemory(); });
  return runCommand();
}
