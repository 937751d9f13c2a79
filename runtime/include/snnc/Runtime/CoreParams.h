//===- CoreParams.h - the parameters of one build of snn_core ---*- C++ -*-===//
//
// The hardware parameters of one build of hw/rtl/snn_core.sv and the bus
// address map they are written through.  The parameter list itself is
// generated from snn_core's (CoreParamsTable.h, as SnnPkg.h is from
// snn_pkg.sv): the fields, the JSON and the Verilog parameters all come
// from that one table.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_COREPARAMS_H
#define SNNC_RUNTIME_COREPARAMS_H

#include "snnc/Runtime/CoreParamsTable.h"
#include "snnc/Runtime/SnnPkg.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <string>
#include <utility>
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
/// PopEventBase of a population that stores no events (nothing on the
/// core reads it): past any event memory, in the field's EventAW + 1 bits.
constexpr uint32_t NoEvents = 0xFFFFFFFFu;
/// The address `steps` slices after `start` in a burst whose words have
/// `slices` slices each (slice 0 of the next word follows the last).
inline uint32_t advance(uint32_t start, uint32_t slices, uint32_t steps) {
  uint32_t flat = ((start >> 4) & 0xFFFFF) * slices + (start & 0xF) + steps;
  return address(start >> 24, flat / slices, flat % slices);
}
} // namespace bus

/// The parameters of snn_core: lanes, widths and memory depths, one field
/// per parameter of snn_core's list (SNNC_CORE_PARAMS), with its default.
/// Among them:
///  - cacheDepth: words of the input-current cache (direct encoding); a
///    network whose input currents do not fit runs without it.
///  - slotDepth: slots (lane words of one pooled row) for merging pooled
///    spikes; a network that needs more runs unmerged.
///  - currentBits: bits of a stored synaptic current (and cached input
///    current).  The numerics sum currents in 32 bits, wrapping; a network
///    whose currents provably stay below 2^(B-1) in magnitude
///    (currentBound) runs exactly on B bits, so the core stores no more.
///  - subtractReset: 1: the neurons implement the subtract reset
///    (snnTorch's), a subtractor per lane that only networks using it pay
///    for.
/// The *Spram parameters are not here: the FPGA flow chooses them
/// (placeInSpram).
struct CoreParams {
#define SNNC_CORE_PARAM_FIELD(field, name, value) int64_t field = value;
  SNNC_CORE_PARAMS(SNNC_CORE_PARAM_FIELD)
#undef SNNC_CORE_PARAM_FIELD

  /// Address widths, as snn_core derives them.
  static int64_t addressBits(int64_t depth);
  int64_t weightAW() const { return addressBits(weightDepth); }
  int64_t currentAW() const { return addressBits(currentDepth); }
  int64_t rowTapAW() const { return addressBits(rowTapDepth); }
  int64_t colTapAW() const { return addressBits(colTapDepth); }
  /// Neurons a cycle of the sweep: the lane count of the state, the
  /// per-channel parameters, the readout and the merge slots (the
  /// delivery's, its weights', currents' and cache's, is `lanes`).
  int64_t sweepLanes() const { return narrowSweep ? 1 : lanes; }
  /// Word widths of the host-written memories.
  int64_t paramLaneBits() const { return 2 * stateBits + decayBits + 1; }
  int64_t eventBits() const { return valueBits + eventAddressBits(); }
  /// An event word's address part {c, y, x}, below its value field.
  int64_t eventAddressBits() const { return chanBits + 2 * coordBits; }
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

} // namespace snnc

#endif // SNNC_RUNTIME_COREPARAMS_H
