//===- SystemEngine.h - a network partitioned across several cores -*- C++
//-*-===//
//
// The partition of `snnc compile --chips` (backends/Partition.h) run as a
// system: one core per chip, each loaded with its chip's sub-network, and
// every step run chip by chip in order.  Before a chip steps, each of its
// stand-in populations gets this step's spikes of the population it stands
// for, as the chips that compute it emitted them (their AER monitors),
// moved into the stand-in's channels and rows; a stand-in for rows of the
// network input gets those rows of the input frame.  The readout's
// accumulators are read from the chips that hold it.  The chip-to-chip
// event link is this relay in hardware; until it exists the host relays,
// which is exactly what makes a partition's semantics testable against
// golden (tests/sim/DifferentialTest.cpp, "partitioned networks").
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SIM_SYSTEMENGINE_H
#define SNNC_SIM_SYSTEMENGINE_H

#include "snnc/Runtime/CoreEngine.h"

#include <functional>
#include <memory>
#include <vector>

namespace snnc::sim {

class SystemEngine : public Engine {
public:
  /// The core of one chip: its parameters (sized for the chip's
  /// sub-network, or a fixed build) and a bus to it.
  using MakeCore = std::function<llvm::Expected<std::unique_ptr<CoreEngine>>(
      const CoreNetwork &chip)>;

  /// `net` split by `slices` (a partition's, with their chips numbered
  /// from 0); each chip's core from `makeCore`.  Refused where a chip
  /// reads, within a step, a population of which it or a later chip
  /// computes a part (the partitioner never places so), and where the bus
  /// of a chip does not see single spikes (the relay needs them).
  static llvm::Expected<std::unique_ptr<SystemEngine>>
  create(const CoreNetwork &net, llvm::ArrayRef<CoreChipSlice> slices,
         const MakeCore &makeCore);
  ~SystemEngine() override;

  llvm::Expected<NDArray> run(const NDArray &input, int64_t timesteps) override;
  /// Per chip its cycles and synaptic operations, per link the spikes
  /// relayed, each also per inference.
  llvm::json::Value statsJson() const override;
  /// The chips' cycles, lower bounds, synaptic operations and spikes,
  /// summed (the host steps them one after another).
  const CoreRunStats *coreStats() const override { return &total; }
  bool recordSpikes(bool on) override;
  const std::vector<SpikeRecord> &spikes() const override { return trace; }
  std::vector<SpikeRecord> takeSpikes() override {
    return std::exchange(trace, {});
  }

  int64_t chips() const { return int64_t(chipList.size()); }
  const CoreEngine &chip(int64_t i) const;
  /// Spikes relayed from chip `from` to chip `to` (each spike once per
  /// chip that reads it, before a stand-in merges them) over all runs.
  uint64_t linkEvents(int64_t from, int64_t to) const;

private:
  struct Chip;
  SystemEngine(CoreNetwork net);
  llvm::Error runStep(const float *frame, int64_t sample, int64_t t,
                      bool perStep,
                      std::vector<std::vector<GoldenEngine::Event>> &spikes);
  llvm::Error
  feedStandIns(size_t k, const float *frame,
               const std::vector<std::vector<GoldenEngine::Event>> &spikes);

  CoreNetwork net;
  std::vector<std::unique_ptr<Chip>> chipList;
  /// Which chips compute a part of each population of `net`.
  std::vector<std::vector<int64_t>> computedOn;
  std::vector<std::vector<uint64_t>> crossed; // [from][to] events
  bool recording = false;
  std::vector<SpikeRecord> trace;
  int64_t samples = 0, timesteps = 0;
  CoreRunStats total;
};

} // namespace snnc::sim

#endif // SNNC_SIM_SYSTEMENGINE_H
