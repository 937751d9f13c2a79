//===- BoardSim.h - the board top simulated behind a pty --------*- C++ -*-===//
//
// `snnc board-sim DIR`: the board top that goes into the bitstream
// (snn_board: core, serial link, reset), built with Verilator from a
// directory `snnc emit-verilog` wrote, run behind a pseudo-terminal
// (harness/snnc_board_sim.cpp).  The host drives it with `--engine board`.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SIM_BOARDSIM_H
#define SNNC_SIM_BOARDSIM_H

#include "llvm/Support/Error.h"

#include <string>

namespace snnc::sim {

struct BoardSimulator {
  std::string executable;
  int64_t clocksPerBit = 4;
};

/// Builds (make board-sim; up to date: nothing to do) the board simulator
/// in `dir` and returns how to start it.  `gateLevel`: the netlist of the
/// bitstream `snnc bitstream` built in `dir` instead (make gate-sim).
llvm::Expected<BoardSimulator> buildBoardSimulator(llvm::StringRef dir,
                                                   bool gateLevel = false);

} // namespace snnc::sim

#endif // SNNC_SIM_BOARDSIM_H
