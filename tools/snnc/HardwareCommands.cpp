//===- HardwareCommands.cpp - emit-verilog, board-sim, bitstream, flash ---===//
#include "Driver.h"
#include "snnc/Runtime/Errors.h"

#include "snnc/Backends/Bitstream.h"
#include "snnc/Backends/Boards.h"
#include "snnc/Backends/Partition.h"
#include "snnc/Backends/SystemBitstream.h"
#include "snnc/Backends/VerilogEmitter.h"
#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Json.h"
#include "snnc/Runtime/Npy.h"
#include "snnc/Runtime/Session.h"
#include "snnc/Sim/BoardSim.h"
#include "snnc/Sim/Measure.h"
#include "snnc/Sim/RtlEngine.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <unistd.h>

namespace snnc::driver {

int runEmitVerilog(mlir::MLIRContext &context) {
  if (outputPath == "-")
    return usage("emit-verilog: -o DIR is required");
  if (int rc = checkEngineOptions())
    return rc;
  auto device = deviceOptions();
  if (!device)
    return report(device.takeError());
  auto network = loadValidNetwork(context);
  if (!network)
    return report(network.takeError());
  auto params = sim::chooseCore(*network, sim::rtlOptions(*device));
  if (!params)
    return report(params.takeError());
  auto image = buildCoreImage(*network, *params);
  if (!image)
    return report(image.takeError());
  if (llvm::Error err =
          emitVerilogDirectory(*params, &*image, modelPath, outputPath))
    return report(std::move(err));
  llvm::outs() << llvm::formatv("wrote {0}: snn_top.sv ({1} lanes), RTL, "
                                "memory images, load.txt, Makefile\n",
                                outputPath, params->lanes);
  return 0;
}

/// `snnc board-sim DIR`: builds the board top's simulator in DIR and
/// becomes it (it prints its pseudo-terminal and runs until killed).
int runBoardSim() {
  // Written so that NaN, which fails every comparison, is refused too.
  if (!(faultRate >= 0 && faultRate < 1))
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
  return report(plainError("board-sim: cannot start " + board->executable));
}

/// The link's line rate the bitstream was built with (DIR/board.json).
static llvm::Expected<int64_t> builtBaud(llvm::StringRef dir) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "board.json");
  auto text = llvm::MemoryBuffer::getFile(path);
  if (!text)
    return plainError(
        llvm::formatv("{0}: {1}", path, text.getError().message()));
  auto json = parseJson((*text)->getBuffer());
  if (!json)
    return json.takeError();
  std::optional<int64_t> baud = json->getAsObject()
                                    ? json->getAsObject()->getInteger("baud")
                                    : std::nullopt;
  if (!baud || *baud <= 0)
    return plainError(llvm::formatv("{0}: no baud rate", path));
  return *baud;
}

/// `--measure X.npy`: the built board run on X; its figures join
/// report.json (rewritten whole) and the summary.
static llvm::Error measureBitstream(const CoreNetwork &network,
                                    const NDArray &input,
                                    llvm::json::Value &report) {
  llvm::json::Object *object = report.getAsObject();
  sim::MeasureOptions options;
  options.dir = outputPath;
  options.gateLevel = gateLevel;
  options.clockHz = object->getNumber("clock_mhz").value_or(0) * 1e6;
  options.inputName = measurePath;
  auto baud = builtBaud(outputPath);
  if (!baud)
    return baud.takeError();
  options.baud = *baud;
  auto measured = sim::measureBoard(network, input, options);
  if (!measured)
    return measured.takeError();
  sim::printMeasured(*measured, llvm::outs());
  bool exact = measured->getBoolean("bit_exact_with_golden").value_or(false);
  (*object)["measured"] = std::move(*measured);
  llvm::SmallString<256> path(outputPath.getValue());
  llvm::sys::path::append(path, "report.json");
  if (llvm::Error err = writeFileAtomically(path, [&](llvm::raw_ostream &os) {
        os << llvm::formatv("{0:2}", report) << "\n";
      }))
    return err;
  if (!exact)
    return makeError<DeviceError>(
        "bitstream --measure: the board's results differ from the golden "
        "engine's (report.json records it)");
  return llvm::Error::success();
}

/// The input of --measure fits the network (checked as Session::infer
/// checks it, before minutes of synthesis).
static llvm::Error checkMeasureInput(const CoreNetwork &network,
                                     const NDArray &input) {
  auto golden = Session::create(network);
  if (!golden)
    return golden.takeError();
  auto steps =
      resolveTimesteps(golden->signature(), input, std::nullopt, measurePath);
  return steps ? llvm::Error::success() : steps.takeError();
}

/// `snnc bitstream --chips`: the network partitioned across chips of the
/// board, a bitstream for each (SystemBitstream.h).
static int runSystemBitstream(CoreNetwork network,
                              const BoardDescription &board,
                              std::optional<pipeline::ChipsRequest> chips,
                              int64_t lanes, BitstreamOptions options) {
  // Every chip's core has the lanes of the bitstream's, and the plan is
  // checked against those cores.
  network.lanes = lanes;
  // --chips partitions anew; without it, a package's own partition.
  llvm::Expected<PartitionPlan> plan = PartitionPlan{};
  if (chips) {
    plan = partitionNetwork(network, board, board.targetName(), chips->chips);
  } else if (network.target != board.targetName()) {
    plan = makeError<InputError>(
        llvm::formatv("the package is partitioned for {0}, not "
                      "for {1}'s {2}: compile it again for --target {1}",
                      network.target, board.name, board.targetName()));
  } else {
    plan->slices = network.partition;
    plan->chips = network.chips;
  }
  if (!plan)
    return report(prependToError("bitstream: ", plan.takeError()));
  auto system = buildSystemBitstreams(network, *plan, board, lanes, options,
                                      llvm::outs());
  if (!system)
    return report(system.takeError());
  llvm::outs() << llvm::formatv(
      "wrote {0}/chip0 .. chip{1} (snn.bin and report.json each) and "
      "system.json\n",
      outputPath, plan->chips - 1);
  return 0;
}

/// `snnc bitstream`: the network's core on a board, through the FPGA tools.
int runBitstream(mlir::MLIRContext &context) {
  if (outputPath == "-")
    return usage("bitstream: -o DIR is required");
  if (gateLevel && measurePath.empty())
    return usage("bitstream: --gate-level needs --measure X.npy");
  int refused = 0;
  std::optional<pipeline::ChipsRequest> chips =
      chipsRequest("bitstream", refused);
  if (refused)
    return refused;
  if (chips && !measurePath.empty())
    return usage("bitstream: --measure runs one chip's board; a "
                 "partitioned network runs with snnc run --engine rtl");
  double clockHz = 0;
  if (!clockMhz.empty() && clockMhz != "auto") {
    double mhz = 0;
    // Written so that NaN, which fails every comparison, is refused too.
    if (llvm::StringRef(clockMhz).getAsDouble(mhz) || !(mhz > 0 && mhz <= 1000))
      return usage("bitstream: --clock-mhz must be 'auto' or a frequency in "
                   "(0, 1000] MHz");
    clockHz = mhz * 1e6;
  }
  if (int rc = checkInputRange())
    return rc;
  // A bad input fails before minutes of synthesis.
  std::optional<NDArray> measureInput;
  if (!measurePath.empty()) {
    auto input = readNpy(measurePath);
    if (!input)
      return report(input.takeError());
    measureInput = std::move(*input);
  }
  auto board = findBoard(boardName);
  if (!board)
    return report(board.takeError());
  auto network = loadValidNetwork(context);
  if (!network)
    return report(network.takeError());
  if (measureInput)
    if (llvm::Error err = checkMeasureInput(*network, *measureInput))
      return report(std::move(err));
  // The lanes asked for, else those the model was compiled for where it
  // was compiled for this board's FPGA (compile --lanes), else the
  // board's; with the board's sweep.
  int64_t coreLanes = lanes                                    ? int64_t(lanes)
                      : network->target == board->targetName() ? network->lanes
                                                               : board->lanes;
  BitstreamOptions options;
  options.dir = outputPath;
  options.origin = modelPath;
  options.clockHz = clockHz;
  options.autoClock = clockMhz == "auto";
  if (chips || network->chips > 1) {
    if (!measurePath.empty())
      return usage("bitstream: --measure runs one chip's board; a "
                   "partitioned network runs with snnc run --engine rtl");
    return runSystemBitstream(*network, *board, chips, coreLanes, options);
  }
  auto params = coreParamsFor(*network, coreLanes, board->narrowSweep);
  if (!params)
    return report(params.takeError());
  *params = fitCacheToBoard(*params, *board);
  auto image = buildCoreImage(*network, *params);
  if (!image)
    return report(image.takeError());
  auto built = buildBitstream(*params, *image, *board, options);
  if (!built)
    return report(built.takeError());
  printBitstreamReport(*built, llvm::outs());
  if (measureInput)
    if (llvm::Error err = measureBitstream(*network, *measureInput, *built))
      return report(std::move(err));
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

} // namespace snnc::driver
