//===- BoardSim.cpp - build the board top's simulator ---------------------===//
#include "snnc/Sim/BoardSim.h"
#include "snnc/Backends/Bitstream.h"
#include "snnc/Backends/Boards.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Json.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace snnc;
using namespace snnc::sim;
using llvm::formatv;

namespace {
llvm::Error boardError(const llvm::Twine &what) {
  return makeError<DeviceError>("board-sim: " + what);
}

/// The line of a build log that says what went wrong.
std::string errorLineOf(llvm::StringRef log) {
  auto buffer = llvm::MemoryBuffer::getFile(log);
  return buffer ? lastErrorLine((*buffer)->getBuffer()) : "";
}
} // namespace

llvm::Expected<BoardSimulator> sim::buildBoardSimulator(llvm::StringRef dir,
                                                        bool gateLevel) {
  llvm::SmallString<256> top(dir), description(dir), log(dir), exe(dir);
  llvm::sys::path::append(top, "snn_board.sv");
  llvm::sys::path::append(description, "board.json");
  llvm::sys::path::append(log, "board-sim.log");
  llvm::sys::path::append(exe, gateLevel ? "Vboard_gate" : "Vsnn_board");
  if (!llvm::sys::fs::exists(top) || !llvm::sys::fs::exists(description))
    return boardError(formatv("{0}: not a directory written by snnc "
                              "emit-verilog (no snn_board.sv and board.json)",
                              dir));
  auto text = llvm::MemoryBuffer::getFile(description);
  if (!text)
    return boardError(
        formatv("{0}: {1}", description, text.getError().message()));
  auto json = snnc::parseJson((*text)->getBuffer());
  if (!json) {
    llvm::consumeError(json.takeError());
    return boardError(formatv("{0}: not valid JSON", description));
  }
  BoardSimulator board;
  const llvm::json::Object *object = json->getAsObject();
  std::optional<int64_t> clocks =
      object ? object->getInteger("clocks_per_bit") : std::nullopt;
  if (!clocks || *clocks < 2)
    return boardError(formatv("{0}: no valid clocks_per_bit", description));
  board.clocksPerBit = *clocks;
  auto make = llvm::sys::findProgramByName("make");
  if (!make)
    return boardError("building the board simulator needs make and "
                      "verilator (scripts/setup.sh installs them)");
  // The gate-level harness needs the board's button and LED polarity.
  std::string gateFlags = "GATE_FLAGS=";
  if (gateLevel) {
    llvm::SmallString<256> netlist(dir), reportPath(dir);
    llvm::sys::path::append(netlist, "snn_netlist.v");
    llvm::sys::path::append(reportPath, "report.json");
    auto report = llvm::MemoryBuffer::getFile(reportPath);
    if (!llvm::sys::fs::exists(netlist) || !report)
      return boardError(formatv("{0}: no netlist and report of snnc "
                                "bitstream (snn_netlist.v, report.json)",
                                dir));
    auto parsed = snnc::parseJson((*report)->getBuffer());
    std::optional<llvm::StringRef> name;
    if (parsed && parsed->getAsObject())
      name = parsed->getAsObject()->getString("board");
    else if (!parsed)
      llvm::consumeError(parsed.takeError());
    if (!name)
      return boardError(formatv("{0}: not a valid report", reportPath));
    auto board = findBoard(*name);
    if (!board)
      return boardError(llvm::toString(board.takeError()));
    if (!board->hasButton())
      gateFlags += "-DSNNC_NO_BUTTON ";
    if (board->ledActiveLow)
      gateFlags += "-DSNNC_LED_ACTIVE_LOW";
  }
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(),
                                                log.str()};
  llvm::SmallVector<llvm::StringRef> args = {
      *make, "-C", dir, gateLevel ? "gate-sim" : "board-sim"};
  if (gateLevel)
    args.push_back(gateFlags);
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*make, args, std::nullopt, redirects, 0, 0,
                                     &message);
  if (rc != 0)
    return boardError(formatv("building the simulator failed (see {0}): {1}",
                              log,
                              message.empty() ? errorLineOf(log) : message));
  board.executable = std::string(exe);
  return board;
}
