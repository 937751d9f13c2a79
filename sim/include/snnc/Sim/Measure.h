//===- Measure.h - a bitstream's core measured on its own board model -*- C++
//-*-===//
//
// `snnc bitstream --measure X.npy`: the board top of a bitstream directory
// (its RTL in Verilator, or the gate-level netlist of the bitstream), run
// behind a pseudo-terminal and driven by the host code of a real board
// (Session on Device::board), over X.  The figures are simulated time at
// the clock the bitstream is built for: the core's cycles, and the board's
// active cycles (a byte on the line, the link or the core running) for the
// end-to-end rate, as if the host answered at once.  The golden engine runs
// X too: `bit_exact_with_golden` compares every output and the spike
// counts.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SIM_MEASURE_H
#define SNNC_SIM_MEASURE_H

#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/NDArray.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace snnc::sim {

struct MeasureOptions {
  std::string dir;        // written by snnc bitstream (or emit-verilog)
  bool gateLevel = false; // the bitstream's netlist instead of the RTL
  double clockHz = 0;     // the clock the bitstream is built for
  int64_t baud = 0;       // the link's line rate at that clock
  std::optional<int64_t> timesteps;
  std::string inputName = "input"; // for messages
};

/// The `measured` object of report.json: images, cycles_per_inference,
/// sops_per_inference, sop_per_second, link_bytes_per_inference, baud,
/// inferences_per_second, latency_ms, clock_mhz, engine,
/// bit_exact_with_golden.  Refuses an empty input.
llvm::Expected<llvm::json::Object> measureBoard(const CoreNetwork &network,
                                                const NDArray &input,
                                                const MeasureOptions &options);

/// The figures for people, one per line.
void printMeasured(const llvm::json::Object &measured, llvm::raw_ostream &os);

} // namespace snnc::sim

#endif // SNNC_SIM_MEASURE_H
