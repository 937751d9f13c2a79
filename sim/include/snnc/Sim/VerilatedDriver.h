//===- VerilatedDriver.h - clocks a Verilator model of snn_core -*- C++ -*-===//
//
// The cycle-level side of the host bus: drives the bus ports one access per
// cycle, runs commands until the core is idle and collects the AER spike
// monitor.  Header-only and free of LLVM, because it is compiled twice:
// into the tests against a CMake-built model, and by `verilator --build`
// into the per-network simulator (harness/snnc_rtl_server.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SIM_VERILATEDDRIVER_H
#define SNNC_SIM_VERILATEDDRIVER_H

#include "verilated.h"
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace snnc::sim {

/// One spike seen on the monitor port.
struct MonitorSpike {
  uint16_t population, c, y, x;
};

template <class Top> class VerilatedDriver {
public:
  /// `vcdPath` non-empty: dump every signal (needs a model built with
  /// --trace).  `abortOnAssertion` false: a failed assertion (--assert)
  /// does not abort the process; failed() says so and commands stop.
  explicit VerilatedDriver(const std::string &vcdPath = {},
                           bool abortOnAssertion = true)
      : context(std::make_unique<VerilatedContext>()) {
    context->fatalOnError(abortOnAssertion);
#if VM_TRACE
    if (!vcdPath.empty())
      context->traceEverOn(true);
#endif
    top = std::make_unique<Top>(context.get());
#if VM_TRACE
    if (!vcdPath.empty()) {
      vcd = std::make_unique<VerilatedVcdC>();
      top->trace(vcd.get(), 99);
      vcd->open(vcdPath.c_str());
    }
#else
    (void)vcdPath;
#endif
    top->clk_i = 0;
    top->rst_ni = 0;
    top->bus_req_i = 0;
    top->bus_we_i = 0;
    top->eval();
    dump();
    top->rst_ni = 1;
    top->eval();
    noteFailure(); // the parameter checks run in the first eval
  }
  ~VerilatedDriver() {
    // Verilator 5.006 erases a model's scopes from the thread's current
    // context, which is the last model built: with several models alive
    // (a system of chips) that may be another's, or one already gone.
    Verilated::threadContextp(context.get());
    top->final();
#if VM_TRACE
    if (vcd)
      vcd->close();
#endif
  }

  void write(uint32_t address, uint32_t data) {
    top->bus_req_i = 1;
    top->bus_we_i = 1;
    top->bus_addr_i = address;
    top->bus_wdata_i = data;
    tick();
    top->bus_req_i = 0;
    top->bus_we_i = 0;
  }

  uint32_t read(uint32_t address) {
    top->bus_req_i = 1;
    top->bus_we_i = 0;
    top->bus_addr_i = address;
    tick();
    top->bus_req_i = 0;
    return top->bus_rdata_o;
  }

  /// Writes `command` to the command register and clocks until the core is
  /// idle.  False when `budget` cycles pass first.
  bool command(uint32_t commandRegister, uint32_t command, uint64_t budget,
               std::vector<MonitorSpike> &spikes, uint64_t &cycles) {
    write(commandRegister, command);
    cycles = 0;
    while (top->busy_o && !failed()) {
      if (cycles >= budget)
        return false;
      if (top->spike_valid_o)
        spikes.push_back({uint16_t(top->spike_pop_o),
                          uint16_t(top->spike_chan_o), uint16_t(top->spike_y_o),
                          uint16_t(top->spike_x_o)});
      tick();
      ++cycles;
    }
    return true;
  }

  uint64_t totalCycles() const { return ticks; }
  /// Whether an assertion failed (a model built with --assert), and in
  /// which cycle the first did.
  bool failed() const { return failedAt.has_value(); }
  uint64_t failedCycle() const { return failedAt.value_or(0); }

private:
  void tick() {
    top->clk_i = 1;
    top->eval();
    noteFailure();
    context->timeInc(1);
    dump();
    top->clk_i = 0;
    top->eval();
    context->timeInc(1);
    dump();
    ++ticks;
  }
  void noteFailure() {
    if (!failedAt && context->gotError())
      failedAt = ticks;
  }
  void dump() {
#if VM_TRACE
    if (vcd)
      vcd->dump(context->time());
#endif
  }

  std::unique_ptr<VerilatedContext> context;
  std::unique_ptr<Top> top;
#if VM_TRACE
  std::unique_ptr<VerilatedVcdC> vcd;
#endif
  uint64_t ticks = 0;
  std::optional<uint64_t> failedAt;
};

} // namespace snnc::sim

#endif // SNNC_SIM_VERILATEDDRIVER_H
