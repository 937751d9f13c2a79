//===- snnc_rtl_server.cpp - the per-network Verilator simulator ----------===//
//
// Built by `verilator --build` against the snn_top that `snnc emit-verilog`
// specializes to a network, and run by the runtime (sim/lib/PipeBus.cpp)
// as a child process.  It serves host-bus accesses over stdin/stdout:
//
//   'W' addr:u32 data:u32                   -> (nothing)
//   'R' addr:u32                            -> data:u32
//   'C' reg:u32 cmd:u32 budget:u64          -> ok:u8 cycles:u64 n:u32
//                                              n x (pop c y x):u16
//   'Q'                                     -> exits
//
// Integers are little-endian.  `--vcd FILE` dumps a waveform.  A failed
// assertion (the model is built with --assert) ends the server with one
// line on stderr, `assertion snn_sweep.QueueNoOverflow failed at cycle N
// ...`, and exit status 3, before the reply to the request that ran into
// it (VerilatorOutput.h).
//
//===----------------------------------------------------------------------===//
#include "Vsnn_top.h"
#include "snnc/Sim/VerilatedDriver.h"
#include "snnc/Sim/VerilatorOutput.h"

#include <cstdio>
#include <cstring>

namespace {
// Replies go to the process's original stdout; Verilator prints on the
// diverted one.
std::FILE *replies = nullptr;
snnc::sim::VerilatorOutput verilatorOutput;

template <typename T> bool get(T &value) {
  return std::fread(&value, sizeof value, 1, stdin) == 1;
}
template <typename T> void put(const T &value) {
  std::fwrite(&value, sizeof value, 1, replies);
}

/// The model failed an assertion: one line; main returns (closing a
/// waveform up to the failure) and the host sees the pipe close.
int failAssertion(uint64_t cycle) {
  std::string summary =
      snnc::sim::assertionSummary(verilatorOutput.text(), cycle);
  std::fprintf(stderr, "%s\n",
               summary.empty() ? "an assertion failed" : summary.c_str());
  return snnc::sim::kAssertionExitCode;
}
} // namespace

int main(int argc, char **argv) {
  std::string vcd;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--vcd") == 0)
      vcd = argv[i + 1];
  if (!verilatorOutput.divert() ||
      !(replies = fdopen(verilatorOutput.originalStdout(), "w"))) {
    std::fprintf(stderr, "snnc_rtl_server: cannot divert stdout\n");
    return 2;
  }
  static char inBuffer[1 << 16], outBuffer[1 << 16];
  std::setvbuf(stdin, inBuffer, _IOFBF, sizeof inBuffer);
  std::setvbuf(replies, outBuffer, _IOFBF, sizeof outBuffer);
  snnc::sim::VerilatedDriver<Vsnn_top> driver(vcd,
                                              /*abortOnAssertion=*/false);
  std::vector<snnc::sim::MonitorSpike> spikes;
  char op;
  while (!driver.failed() && get(op)) {
    uint32_t address, data;
    uint64_t budget, cycles;
    switch (op) {
    case 'W':
      if (!get(address) || !get(data))
        return 2;
      driver.write(address, data);
      break;
    case 'R': {
      if (!get(address))
        return 2;
      uint32_t value = driver.read(address);
      if (driver.failed())
        return failAssertion(driver.failedCycle());
      put(value);
      std::fflush(replies);
      break;
    }
    case 'C': {
      if (!get(address) || !get(data) || !get(budget))
        return 2;
      spikes.clear();
      bool ok = driver.command(address, data, budget, spikes, cycles);
      if (driver.failed())
        return failAssertion(driver.failedCycle());
      put(uint8_t(ok));
      put(cycles);
      put(uint32_t(spikes.size()));
      for (const snnc::sim::MonitorSpike &s : spikes) {
        put(s.population);
        put(s.c);
        put(s.y);
        put(s.x);
      }
      std::fflush(replies);
      break;
    }
    case 'Q':
      return 0;
    default:
      std::fprintf(stderr, "snnc_rtl_server: unknown request %d\n", op);
      return 2;
    }
  }
  if (driver.failed())
    return failAssertion(driver.failedCycle());
  return 0;
}
