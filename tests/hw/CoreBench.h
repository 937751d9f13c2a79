//===- CoreBench.h - a verilated snn_core driven through its host bus -----===//
//
// What the core-level tests of tests/hw share (PoolMaxTest.cpp,
// ReadoutModesTest.cpp): bit fields of Verilator's ports and memories, and
// a bench that clocks a core, writes and reads its host bus, runs commands
// and records the AER port's spikes.  The models are built with
// --public-flat-rw, so a test may also fill or inspect a memory directly
// (root()).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TESTS_HW_COREBENCH_H
#define SNNC_TESTS_HW_COREBENCH_H

#include "snnc/Runtime/CoreParams.h"
#include "verilated.h"

#include <cstdint>
#include <initializer_list>
#include <type_traits>
#include <utility>
#include <vector>

namespace snnc::hwtest {

inline uint64_t mask(int width) {
  return width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
}

inline int64_t signExtend(uint64_t bits, int width) {
  uint64_t sign = uint64_t(1) << (width - 1);
  bits &= mask(width);
  return int64_t(bits ^ sign) - int64_t(sign);
}

// Bit fields of Verilator's port and memory types (up to 64 bits wide, or
// VlWide).
template <class T>
std::enable_if_t<std::is_integral_v<T>, uint64_t> getBits(const T &value,
                                                          int low, int width) {
  return (uint64_t(value) >> low) & mask(width);
}
template <std::size_t N>
uint64_t getBits(const VlWide<N> &value, int low, int width) {
  uint64_t bits = 0;
  for (int b = 0; b < width; ++b)
    bits |= uint64_t(value.at((low + b) / 32) >> ((low + b) % 32) & 1) << b;
  return bits;
}
template <class T>
std::enable_if_t<std::is_integral_v<T>> setBits(T &value, int low, int width,
                                                uint64_t bits) {
  uint64_t field = mask(width) << low;
  value = T((uint64_t(value) & ~field) | (bits << low & field));
}
template <std::size_t N>
void setBits(VlWide<N> &value, int low, int width, uint64_t bits) {
  for (int b = 0; b < width; ++b) {
    EData &word = value.at((low + b) / 32);
    EData bit = EData(1) << ((low + b) % 32);
    word = (bits >> b & 1) ? word | bit : word & ~bit;
  }
}

/// One spike of the AER monitor port.
struct Spike {
  uint32_t pop, chan, y, x;
  bool operator==(const Spike &o) const {
    return pop == o.pop && chan == o.chan && y == o.y && x == o.x;
  }
};

/// A core of `lanes` lanes and the given state and decay widths (the
/// model's parameters, which Verilator does not expose).
template <class Model> class CoreBench {
public:
  CoreBench(int lanes, int stateBits, int decayBits)
      : lanes(lanes), stateBits(stateBits), decayBits(decayBits) {
    context.fatalOnError(false);
    top.clk_i = 0;
    top.rst_ni = 1;
    top.eval();
    top.rst_ni = 0;
    top.eval();
    top.rst_ni = 1;
    top.eval();
  }
  ~CoreBench() { top.final(); }
  /// One clock; the AER port's spike of this cycle is recorded.
  void tick() {
    if (top.spike_valid_o)
      spikes.push_back(
          {top.spike_pop_o, top.spike_chan_o, top.spike_y_o, top.spike_x_o});
    top.clk_i = 1;
    top.eval();
    top.clk_i = 0;
    top.eval();
  }
  void write(uint32_t address, uint32_t data) {
    top.bus_req_i = 1;
    top.bus_we_i = 1;
    top.bus_addr_i = address;
    top.bus_wdata_i = data;
    tick();
    top.bus_req_i = 0;
    top.bus_we_i = 0;
  }
  uint32_t read(uint32_t address) {
    top.bus_req_i = 1;
    top.bus_we_i = 0;
    top.bus_addr_i = address;
    tick();
    top.bus_req_i = 0;
    return top.bus_rdata_o;
  }
  /// Readout accumulator `index` (lane word index / lanes, lane index %
  /// lanes), as the host reads it: two slices, sign-extended to 64 bits.
  int64_t readout(uint32_t index) {
    uint32_t low = read(bus::address(bus::RegionReadout, index, 0));
    uint32_t high = read(bus::address(bus::RegionReadout, index, 1));
    return int64_t(uint64_t(high) << 32 | low);
  }
  /// A command, run to its end; false if it never ends.
  bool command(uint32_t command) {
    write(bus::address(bus::RegionCtrl, bus::CtrlCommand), command);
    for (int cycle = 0; cycle < 100000; ++cycle) {
      if (!top.busy_o)
        return true;
      tick();
    }
    return false;
  }
  void writePop(int pop,
                std::initializer_list<std::pair<uint32_t, int64_t>> fields) {
    for (auto [field, value] : fields)
      write(bus::address(bus::RegionPop, pop * bus::DescWords + field),
            uint32_t(value));
  }
  /// A population that only the sweep visits: no projection delivers to
  /// it here and no reader pools its spikes.
  struct SweptPop {
    int64_t kind, groups, lastLanes, height, width, stateBase, paramBase,
        eventBase, flags, cacheBase;
  };
  void writeSweptPop(int pop, const SweptPop &p) {
    writePop(pop, {{bus::PopKind, p.kind},
                   {bus::PopGroups, p.groups},
                   {bus::PopLastLanes, p.lastLanes},
                   {bus::PopHeight, p.height},
                   {bus::PopWidth, p.width},
                   {bus::PopStateBase, p.stateBase},
                   {bus::PopParamBase, p.paramBase},
                   {bus::PopEventBase, p.eventBase},
                   {bus::PopProjFirst, 0},
                   {bus::PopProjCount, 0},
                   {bus::PopFlags, p.flags},
                   {bus::PopCacheBase, p.cacheBase},
                   {bus::PopPoolY, 1},
                   {bus::PopPoolX, 1},
                   {bus::PopPooledH, p.height},
                   {bus::PopPooledW, p.width}});
  }
  /// Parameter word `word`: per lane threshold, bias, decay.
  void writeParams(int word, const std::vector<int64_t> &threshold,
                   const std::vector<int64_t> &bias, int64_t decay) {
    int laneW = 2 * stateBits + decayBits + 1;
    std::vector<uint32_t> slices((laneW * lanes + 31) / 32);
    auto put = [&](int low, int width, uint64_t bits) {
      for (int b = 0; b < width; ++b)
        if (bits >> b & 1)
          slices[(low + b) / 32] |= uint32_t(1) << ((low + b) % 32);
    };
    for (int l = 0; l < lanes; ++l) {
      put(laneW * l, stateBits, uint64_t(threshold[l]));
      put(laneW * l + stateBits, stateBits, uint64_t(bias[l]));
      put(laneW * l + 2 * stateBits, decayBits + 1, uint64_t(decay));
    }
    for (size_t s = 0; s < slices.size(); ++s)
      write(bus::address(bus::RegionParam, word, s), slices[s]);
  }
  auto &root() { return *top.rootp; }

  const int lanes, stateBits, decayBits;
  VerilatedContext context;
  Model top{&context};
  std::vector<Spike> spikes;
};

} // namespace snnc::hwtest

#endif // SNNC_TESTS_HW_COREBENCH_H
