//===- CoreLayout.h - a CoreNetwork planned for a core's memories -*- C++
//-*-===//
//
// Layout, in two phases: plan() (CoreLayout.cpp) decides every memory's
// contents as plain integers for a lane count; buildCoreImage()
// (CoreImage.cpp) packs them into words of a core's widths.
// coreParamsFor() sizes a core from the plan, buildCoreImage() checks a
// plan against a given core.  Private to the runtime.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_LIB_CORELAYOUT_H
#define SNNC_RUNTIME_LIB_CORELAYOUT_H

#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/MathExtras.h"

#include <cstdint>
#include <vector>

namespace snnc::layout {

/// The network does not fit the core (its counts, widths or depths).
inline llvm::Error refuse(const llvm::Twine &what) {
  return makeError<LimitError>(what);
}

struct Tap {
  int64_t weightOffset, currentOffset;
};
struct ListHead {
  int64_t start, count;
};
struct ParamLane {
  int64_t threshold = 0, bias = 0, decay = 0;
};

/// Every memory's contents as integers, for `lanes` lanes of delivery
/// (weights, currents, cache) and `sweepLanes` of the sweep (state,
/// parameters, readout, merge slots: 1, or `lanes`).
struct Plan {
  int64_t lanes = 1, sweepLanes = 1;
  std::vector<std::vector<uint32_t>> pops, projs; // descriptor words
  std::vector<std::vector<int8_t>> weights;       // lanes per word
  std::vector<std::vector<ParamLane>> params;     // lanes per word
  std::vector<ListHead> rowIdx, colIdx;
  std::vector<Tap> rowTaps, colTaps;
  int64_t stateWords = 0, currentWords = 0, eventWords = 0, readoutWords = 0;
  int64_t cacheWords = 0;           // input-current cache (direct encoding)
  int64_t slotWords = 0;            // spike-merging slots: one pooled row
  bool merges = false;              // some population merges its pooled spikes
  std::vector<int64_t> inputWindow; // the host merges input events over it
  int64_t maxChannel = 0, maxCoord = 1, valueBits = 2;
  int64_t currentBits = 2;   // stored current width the network needs
  int64_t subtractReset = 0; // 1: a population resets by subtract
  int64_t poolCurrents = 0;  // 1: a population max-pools its currents
  int64_t readoutModes = 0;  // 1: a membrane or a last-step readout
  int64_t stateBits = 0, decayBits = 0;
  int64_t maxReadoutBias = 0;
  uint64_t worstCase = 0;
};

inline int64_t bitsFor(int64_t value) {
  return value < 2 ? 1 : int64_t(llvm::Log2_64_Ceil(uint64_t(value) + 1));
}

/// Every memory's contents for `lanes` delivery lanes and `sweepLanes`
/// sweep lanes; with `merge`, pooled spikes merged where the consumers
/// allow it.
llvm::Expected<Plan> plan(const CoreNetwork &net, int64_t lanes,
                          int64_t sweepLanes, bool merge);

/// CoreParams::validate; without `regions`, the bus regions' bounds are
/// left out (coreParamsFor: compile reports the memories of a network too
/// large for the bus, which every command that builds its core refuses).
llvm::Error checkParams(const CoreParams &p, bool regions);

/// Whether a core for `net` needs snn_core's StandIns: input populations
/// past the first (a chip's stand-ins) or populations nothing reads (which
/// store no events).
bool needsStandIns(const CoreNetwork &net);

} // namespace snnc::layout

#endif // SNNC_RUNTIME_LIB_CORELAYOUT_H
