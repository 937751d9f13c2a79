//===- VerilatedBus.h - a CoreBus over an in-process model ------*- C++ -*-===//
//
// For tests that link a Verilator model built by CMake: one model of a
// generous core serves many networks, each loaded through the bus.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SIM_VERILATEDBUS_H
#define SNNC_SIM_VERILATEDBUS_H

#include "snnc/Runtime/CoreEngine.h"
#include "snnc/Sim/VerilatedDriver.h"

#include "llvm/Support/FormatVariadic.h"

namespace snnc::sim {

template <class Top> class VerilatedBus : public CoreBus {
public:
  explicit VerilatedBus(const std::string &vcdPath = {}) : driver(vcdPath) {}
  llvm::Error write(uint32_t address, uint32_t data) override {
    driver.write(address, data);
    return llvm::Error::success();
  }
  llvm::Expected<uint32_t> read(uint32_t address) override {
    return driver.read(address);
  }
  llvm::Expected<CommandResult> command(uint32_t command,
                                        uint64_t budget) override {
    std::vector<MonitorSpike> spikes;
    CommandResult result;
    if (!driver.command(bus::address(bus::RegionCtrl, bus::CtrlCommand),
                        command, budget, spikes, result.cycles))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          llvm::formatv("the core ran past the cycle budget of {0} cycles",
                        budget));
    for (const MonitorSpike &s : spikes)
      result.spikes.push_back({0, 0, s.population, s.c, s.y, s.x});
    result.spikeCount = result.spikes.size();
    return result;
  }

private:
  VerilatedDriver<Top> driver;
};

} // namespace snnc::sim

#endif // SNNC_SIM_VERILATEDBUS_H
