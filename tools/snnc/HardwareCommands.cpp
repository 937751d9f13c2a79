//===- HardwareCommands.cpp - emit-verilog, board-sim, bitstream, flash ---===//
#include "Driver.h"
#include "snnc/Runtime/Errors.h"

#include "snnc/Backends/Bitstream.h"
#include "snnc/Backends/Boards.h"
#include "snnc/Backends/VerilogEmitter.h"
#include "snnc/Runtime/CoreImage.h"
#include "snnc/Sim/BoardSim.h"
#include "snnc/Sim/RtlEngine.h"

#include "llvm/Support/FormatVariadic.h"

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

/// `snnc bitstream`: the network's core on a board, through the FPGA tools.
int runBitstream(mlir::MLIRContext &context) {
  if (outputPath == "-")
    return usage("bitstream: -o DIR is required");
  if (int rc = checkInputRange())
    return rc;
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

} // namespace snnc::driver
