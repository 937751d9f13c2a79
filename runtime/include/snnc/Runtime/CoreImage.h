//===- CoreImage.h - a CoreNetwork as the RTL core's memories ---*- C++ -*-===//
//
// A CoreNetwork laid out in the memories and descriptor tables of one
// build of hw/rtl/snn_core.sv (CoreParams.h).  The host loads the image
// through the core's bus (the address map of hw/rtl/snn_pkg.sv, generated
// into SnnPkg.h: namespace `bus`); backends/ writes the same image as
// memory files.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_COREIMAGE_H
#define SNNC_RUNTIME_COREIMAGE_H

#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/CoreParams.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {

/// Per population, a bound on the magnitude of its current in any step:
/// the sum over its projections of the largest fan-in sum of |weight|
/// times the largest event value an address receives (saturating at
/// 2^40). Below 2^31 the numerics' 32-bit sums never wrap.
std::vector<uint64_t> currentBounds(const CoreNetwork &network);

/// The smallest core that runs `network` with `lanes` lanes; with
/// `narrowSweep`, a core whose sweep updates one neuron a cycle
/// (CoreParams::sweepLanes; not where the network pools currents, nor with
/// one lane, where it would change nothing).
llvm::Expected<CoreParams> coreParamsFor(const CoreNetwork &network,
                                         int64_t lanes,
                                         bool narrowSweep = false);

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
