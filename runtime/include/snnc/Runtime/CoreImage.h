//===- CoreImage.h - a CoreNetwork as the RTL core's memories ---*- C++ -*-===//
//
// The hardware parameters of one build of hw/rtl/snn_core.sv, and a
// CoreNetwork laid out in that core's memories and descriptor tables.  The
// host loads the image through the core's bus (the address map of
// hw/rtl/snn_pkg.sv, generated into SnnPkg.h: namespace `bus`); backends/
// writes the same image as memory files.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_COREIMAGE_H
#define SNNC_RUNTIME_COREIMAGE_H

#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/SnnPkg.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {

/// The bus address map: hw/rtl/snn_pkg.sv's constants (SnnPkg.h is
/// generated from it) and how an address is formed.
namespace bus {
inline uint32_t address(uint32_t region, uint32_t word, uint32_t slice = 0) {
  return region << 24 | word << 4 | slice;
}
/// Words a region can hold: an address has a 20-bit word index, and
/// snn_link bounds each region's bursts with a 24-bit word count
/// (RegionWords), which this bound keeps exact.
constexpr int64_t MaxRegionWords = int64_t(1) << 20;
/// The address `steps` slices after `start` in a burst whose words have
/// `slices` slices each (slice 0 of the next word follows the last).
inline uint32_t advance(uint32_t start, uint32_t slices, uint32_t steps) {
  uint32_t flat = ((start >> 4) & 0xFFFFF) * slices + (start & 0xF) + steps;
  return address(start >> 24, flat / slices, flat % slices);
}
} // namespace bus

/// The parameters of snn_core: lanes, widths and memory depths.
struct CoreParams {
  int64_t lanes = 1, stateBits = 24, decayBits = 8, valueBits = 8;
  int64_t chanBits = 8, coordBits = 8;
  int64_t maxPops = 4, maxProjs = 4;
  int64_t weightDepth = 64, paramDepth = 16, stateDepth = 64;
  int64_t currentDepth = 64, eventDepth = 64;
  int64_t rowIdxDepth = 16, rowTapDepth = 16, colIdxDepth = 16,
          colTapDepth = 16;
  int64_t readoutWords = 2;
  /// Words of the input-current cache (direct encoding); a network whose
  /// input currents do not fit runs without it.
  int64_t cacheDepth = 2;
  /// Slots (lane words of one pooled row) for merging pooled spikes; a
  /// network that needs more runs unmerged.
  int64_t slotDepth = 2;
  /// Bits of a stored synaptic current (and cached input current).  The
  /// numerics sum currents in 32 bits, wrapping; a network whose currents
  /// provably stay below 2^(B-1) in magnitude (currentBound) runs exactly
  /// on B bits, so the core stores no more.
  int64_t currentBits = 32;
  /// 1: the neurons implement the subtract reset (snnTorch's), a subtractor
  /// per lane that only networks using it pay for.
  int64_t subtractReset = 0;

  /// Address widths, as snn_core derives them.
  static int64_t addressBits(int64_t depth);
  int64_t weightAW() const { return addressBits(weightDepth); }
  int64_t currentAW() const { return addressBits(currentDepth); }
  int64_t rowTapAW() const { return addressBits(rowTapDepth); }
  int64_t colTapAW() const { return addressBits(colTapDepth); }
  /// Word widths of the host-written memories.
  int64_t paramLaneBits() const { return 2 * stateBits + decayBits + 1; }
  int64_t eventBits() const { return valueBits + chanBits + 2 * coordBits; }
  int64_t tapBits() const { return weightAW() + currentAW(); }

  /// The SystemVerilog parameter list, name = value, in declaration order.
  std::vector<std::pair<std::string, int64_t>> verilogParameters() const;
  llvm::json::Value toJson() const;
  /// Reads the core.json that `snnc emit-verilog` writes.
  static llvm::Expected<CoreParams> fromJson(const llvm::json::Value &value);
  static llvm::Expected<CoreParams> readFile(llvm::StringRef path);
  /// The parameters in verilogParameters() order (a board's Identify).
  static llvm::Expected<CoreParams> fromValues(llvm::ArrayRef<int64_t> values);
  /// Checks that a core with these parameters can be built (lanes a power
  /// of two up to 8, widths the bus can write, every bus region within
  /// bus::MaxRegionWords words); an error names the parameter and its
  /// bound.
  llvm::Error validate() const;
};

/// One memory of the core: what it holds, its word width and its depth, as
/// snn_core declares it (the FPGA fit check maps these onto block RAMs).
struct CoreMemory {
  std::string name;
  int64_t width = 0, depth = 0;
  /// How the memory can live in single-port RAM (the UP5K's SPRAM): not
  /// at all; as it is (never read and written in one cycle: the weights,
  /// WeightSpram, and the events, EventSpram); or, for the neuron state
  /// (StateSpram), double-buffered by step parity or phased.
  enum class SinglePort { No, AsIs, Banked } singlePort = SinglePort::No;
  /// The snn_core parameter that puts it there (0: block RAM; for Banked,
  /// 1: double-buffered, 2: phased).
  std::string spramParameter = {};
};
std::vector<CoreMemory> coreMemories(const CoreParams &params);

/// The smallest core that runs `network` with `lanes` lanes.
llvm::Expected<CoreParams> coreParamsFor(const CoreNetwork &network,
                                         int64_t lanes);

/// One memory: words of `width` bits, each as 32-bit slices, lowest first.
struct MemoryImage {
  std::string name;
  uint32_t region = 0;
  int64_t width = 0;
  std::vector<std::vector<uint32_t>> words;
};

/// A network laid out for one core.
struct CoreImage {
  CoreParams params;
  int64_t numPops = 0;
  std::vector<uint32_t> popDescriptors;  // DescWords per population
  std::vector<uint32_t> projDescriptors; // DescWords per projection
  MemoryImage weights, channelParams, rowIdx, rowTaps, colIdx, colTaps;
  /// Direct encoding with the input currents cached: steps after the
  /// first of a sample run CmdStepReplay.
  bool cachesInput = false;
  /// Some population's events are merged per pooling window.
  bool mergesPooledSpikes = false;
  /// Non-empty: the host merges the input events over this window [py, px]
  /// before writing them (the input's consumers all pool with it).
  std::vector<int64_t> inputWindow;
  /// An upper bound on the cycles of one time step at full activity: a
  /// simulation that passes it is stuck.
  uint64_t worstCaseStepCycles = 0;

  std::vector<const MemoryImage *> memories() const {
    return {&weights, &channelParams, &rowIdx, &rowTaps, &colIdx, &colTaps};
  }
};

/// Lays `network` out for a core with `params`; refuses, with a message
/// naming the limit and the population or projection, a network that
/// exceeds them.
llvm::Expected<CoreImage> buildCoreImage(const CoreNetwork &network,
                                         const CoreParams &params);

/// The bus writes that load an image (descriptors, then memories).
struct BusWrite {
  uint32_t address, data;
};
std::vector<BusWrite> configurationWrites(const CoreImage &image);

/// One input event as an event-memory word.
std::vector<uint32_t> encodeEventWord(const CoreParams &params, int64_t c,
                                      int64_t y, int64_t x, int64_t value);

} // namespace snnc

#endif // SNNC_RUNTIME_COREIMAGE_H
