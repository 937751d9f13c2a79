//===- Partition.h - a network split across several chips -------*- C++ -*-===//
//
// `snnc compile --chips N|auto`: the populations of a network, or slices of
// them (output channels, then rows where one channel does not fit), placed
// on chips of one board.  Every chip is held to the same fit check as a
// single-chip compile (coreParamsFor, checkMemoryFit) on the sub-network it
// holds: its populations and slices, plus, for every projection into them,
// its weights and tap tables, fed by the sources' events (a source on
// another chip, or a slice of one, arrives as an input-like population of
// the rows and channels the chip needs).  The chip-to-chip link is not
// built yet: the plan counts the events it would carry.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_BACKENDS_PARTITION_H
#define SNNC_BACKENDS_PARTITION_H

#include "snnc/Backends/Boards.h"
#include "snnc/Runtime/CoreNetwork.h"

#include "llvm/ADT/ArrayRef.h"

#include <optional>

namespace snnc {

struct RunStats;

/// What of its source a projection into the slice `t` reads: a range of
/// channels (all; one-to-one: t's) and of rows (the source's rows, before
/// input pooling), half-open.
struct SourceWindow {
  int64_t chanLo, chanHi, rowLo, rowHi;
};
SourceWindow sourceWindow(const CoreNetwork &net, const CoreProjection &p,
                          const CoreChipSlice &t);

/// The sub-network one chip holds: `held` (slices of `net`'s populations,
/// their `chip` ignored) and the projections into them, each source on the
/// chip as it is when the chip holds all of it, otherwise as an input
/// population of the channels and rows the chip needs.
CoreNetwork chipNetwork(const CoreNetwork &net,
                        llvm::ArrayRef<CoreChipSlice> held);

/// Where a population of a chip's sub-network comes from: population
/// `population` of the whole network, from its channel `firstChannel` and
/// row `firstRow` on; a stand-in takes its events from elsewhere (another
/// chip's spikes, or rows of the network input), otherwise the chip
/// computes it (or it is the network input, all of it).
struct ChipPopulation {
  int population = 0;
  bool standIn = false;
  int64_t firstChannel = 0, firstRow = 0;
};
struct ChipNetwork {
  CoreNetwork net;
  std::vector<ChipPopulation> origins; // one per population of `net`
};
ChipNetwork buildChipNetwork(const CoreNetwork &net,
                             llvm::ArrayRef<CoreChipSlice> held);

/// compile's fit check (checkMemoryFit) on chipNetwork(net, held): the
/// per-resource lines, or why it does not fit.
llvm::Expected<std::string> checkChipFit(const CoreNetwork &net,
                                         llvm::ArrayRef<CoreChipSlice> held,
                                         const BoardDescription &board,
                                         llvm::StringRef target);

struct PartitionPlan {
  /// Every slice, with its chip; chips are numbered in program order.
  std::vector<CoreChipSlice> slices;
  int64_t chips = 0;
  /// The fit check's lines for each chip.
  std::vector<std::string> fits;
  /// Chips by memory alone (all the network's core memories over one
  /// chip's block RAM and SPRAM bits); none when the whole network cannot
  /// be sized.
  std::optional<int64_t> lowerBound;
};

/// Places `net` on chips of `board`, greedily in program order, filling
/// each chip before opening the next (a population that does not fit what
/// is left is split by output channels, and the chip after its last slice
/// is a new one: a chip never reads, within a step, a population of which
/// it computes a part, so the system runs chip by chip; one whose single
/// channel does not
/// fit an empty chip, by channels x rows, the tile size chosen on a middle
/// tile and halved where another tile does not fit).  `maxChips` 0: as many as
/// it takes; otherwise more are refused with one line naming the count.
llvm::Expected<PartitionPlan> partitionNetwork(const CoreNetwork &net,
                                               const BoardDescription &board,
                                               llvm::StringRef target,
                                               int64_t maxChips);

/// The plan as compile prints it: per chip, what it holds, its memories
/// against the device, its events in and out per inference (measured with
/// `measured`, the golden engine's run on calibration inputs, otherwise
/// upper bounds: every neuron firing every step), and each link's load.
std::string printPartition(const CoreNetwork &net, const PartitionPlan &plan,
                           const RunStats *measured, llvm::StringRef target);

} // namespace snnc

#endif // SNNC_BACKENDS_PARTITION_H
