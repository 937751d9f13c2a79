//===- CoreMemories.cpp - the memories snn_core builds --------------------===//
#include "snnc/Backends/CoreMemories.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace snnc;

std::vector<CoreMemory> snnc::coreMemories(const CoreParams &p) {
  // The widths of hw/rtl/snn_core.sv, snn_merge.sv and snn_perf.sv.
  int64_t eventAW = CoreParams::addressBits(p.eventDepth);
  int64_t popAW = CoreParams::addressBits(p.maxPops);
  // {tag, event index, count}
  int64_t slotEntry = popAW + 16 + p.coordBits + eventAW + p.valueBits;
  // snn_core's descriptor RAM holds its widest field.
  auto bits = [](int64_t depth) { return CoreParams::addressBits(depth); };
  int64_t fieldBits = std::max<int64_t>(
      {int64_t(bus::PopFlagMergeMax + 1), p.currentAW(), bits(p.stateDepth),
       bits(p.paramDepth), eventAW, bits(p.cacheDepth), p.weightAW(),
       bits(p.rowIdxDepth), bits(p.colIdxDepth), p.coordBits,
       bits(p.maxProjs) + 1, bits(p.lanes + 1),
       eventAW + 1, // the event counts after the descriptors
       // a narrow sweep's groups field counts channels
       p.narrowSweep ? p.chanBits + 1 : 0,
       // PopFlags with the current pool's window (snn_pkg)
       p.poolCurrents ? int64_t(bus::PopFlagPoolXShift + bus::PopFlagPoolBits)
                      : 0,
       // ... and the readout's last-step flag
       p.readoutModes ? int64_t(bus::PopFlagReadoutLast + 1) : 0});
  using SinglePort = CoreMemory::SinglePort;
  // The sweep's memories are one neuron a word with a narrow sweep.
  int64_t sweepLanes = p.sweepLanes();
  std::vector<CoreMemory> memories{
      {"weights", 8 * p.lanes, p.weightDepth, SinglePort::AsIs, "WeightSpram"},
      {"per-channel parameters", p.paramLaneBits() * sweepLanes, p.paramDepth},
      {"neuron state", (p.stateBits + 1) * sweepLanes, p.stateDepth,
       SinglePort::Banked, "StateSpram"},
      // Phased in single-port memory where no pooler shares its port.
      {"currents", p.currentBits * p.lanes, p.currentDepth,
       p.poolCurrents ? SinglePort::No : SinglePort::AsIs, "CurrentSpram"},
      {"input-current cache", p.currentBits * p.lanes, p.cacheDepth},
      {"events", p.eventBits(), p.eventDepth, SinglePort::AsIs, "EventSpram"},
      {"row tap lists", p.tapBits(), p.rowTapDepth},
      {"column tap lists", p.tapBits(), p.colTapDepth},
      {"row tap index", p.rowTapAW() + 8, p.rowIdxDepth},
      {"column tap index", p.colTapAW() + 8, p.colIdxDepth},
      {"merge slots", slotEntry * sweepLanes, p.slotDepth},
      {"readout accumulators", int64_t(bus::ReadoutBits) * sweepLanes,
       p.readoutWords},
      {"SOP counts", 32, p.maxProjs},
      {"descriptors", fieldBits,
       (p.maxPops + p.maxProjs) * int64_t(bus::DescWords) + p.maxPops}};
  // A memory of no words is not built (SlotDepth 0).
  llvm::erase_if(memories, [](const CoreMemory &m) { return m.depth == 0; });
  return memories;
}
