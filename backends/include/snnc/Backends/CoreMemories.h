//===- CoreMemories.h - the memories snn_core builds ------------*- C++ -*-===//
//
// The memories of one build of hw/rtl/snn_core.sv (with snn_merge,
// snn_perf and snn_readout), word widths and depths as the RTL derives
// them from its parameters: what the FPGA fit check (Boards.h) maps onto
// block RAMs and SPRAMs.  tests/unit/CoreMemoriesTest.cpp holds them to
// the RTL's localparams by elaborating the core with yosys.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_BACKENDS_COREMEMORIES_H
#define SNNC_BACKENDS_COREMEMORIES_H

#include "snnc/Runtime/CoreParams.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {

/// One memory of the core: what it holds, its word width and its depth, as
/// snn_core declares it (the FPGA fit check maps these onto block RAMs).
struct CoreMemory {
  std::string name;
  int64_t width = 0, depth = 0;
  /// How the memory can live in single-port RAM (the UP5K's SPRAM): not
  /// at all; as it is (never read and written in one cycle: the weights,
  /// WeightSpram, and the events, EventSpram; or phased, read and written
  /// in alternate cycles: the currents, CurrentSpram); or, for the neuron
  /// state
  /// (StateSpram), double-buffered by step parity or phased.
  enum class SinglePort { No, AsIs, Banked } singlePort = SinglePort::No;
  /// The snn_core parameter that puts it there (0: block RAM; for Banked,
  /// 1: double-buffered, 2: phased, 3: phased in the weights' SPRAM).
  std::string spramParameter = {};
};
std::vector<CoreMemory> coreMemories(const CoreParams &params);

} // namespace snnc

#endif // SNNC_BACKENDS_COREMEMORIES_H
