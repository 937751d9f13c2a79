//===- CoreEngine.h - the host driver of the RTL core -----------*- C++ -*-===//
//
// Runs a CoreNetwork on an snn_core through its host bus: the same
// sequence of bus accesses drives the Verilator model (sim/) and a board.
// The transport is a CoreBus; the engine loads the image, encodes inputs
// into input events, steps the core and reads the readout.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_COREENGINE_H
#define SNNC_RUNTIME_COREENGINE_H

#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/Engine.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/GoldenEngine.h"
#include "snnc/Runtime/Trace.h"

#include "llvm/Support/JSON.h"

#include <memory>

namespace snnc {

/// What one command did: the cycles it took and the spikes the AER monitor
/// saw, in order (a simulator), or only how many there were (a board).
struct CommandResult {
  uint64_t cycles = 0;
  std::vector<SpikeRecord> spikes; // sample and step left 0 by the bus
  uint64_t spikeCount = 0;         // spikes.size() where they are seen
};

/// A transport to one core.
class CoreBus {
public:
  virtual ~CoreBus();
  virtual llvm::Error write(uint32_t address, uint32_t data) = 0;
  virtual llvm::Expected<uint32_t> read(uint32_t address) = 0;
  /// Reads `count` words from `address` on: consecutive slices, the next
  /// word after `slices` slices.  Transports with round trips batch it.
  virtual llvm::Expected<std::vector<uint32_t>>
  readBurst(uint32_t address, uint32_t slices, uint32_t count);
  /// Writes input event words from word `firstWord` of the event memory
  /// on, `slices` slices each (encodeEventWord).  Default: whole-word
  /// writes; a serial link sends them compactly where the board can.
  virtual llvm::Error writeEvents(uint32_t firstWord, uint32_t slices,
                                  llvm::ArrayRef<uint32_t> words);
  /// Writes `command` and waits until the core is idle again; fails once
  /// `cycleBudget` cycles pass without it finishing.
  virtual llvm::Expected<CommandResult> command(uint32_t command,
                                                uint64_t cycleBudget) = 0;
  /// What the transport did (a serial link's frames), or null.
  virtual llvm::json::Value statsJson() const;
  /// A serial link's counters; null for other transports.
  virtual const LinkStats *linkCounters() const;
  /// Whether commands report each spike (a simulator's AER monitor) or
  /// only how many there were (a board).
  virtual bool seesSpikes() const;
  /// How the engine on this bus is named in messages ("rtl engine").
  virtual llvm::StringRef engineName() const;
  /// After a BusResetError: makes the transport usable again (the core's
  /// contents are lost and must be loaded again).  Default: impossible.
  virtual llvm::Error recover();
};

/// The core behind a bus was reset while a sample ran (a board's reset
/// button, a power glitch): its memories no longer hold the network.
class BusResetError : public llvm::ErrorInfo<BusResetError, DeviceError> {
public:
  static char ID;
  using ErrorInfo::ErrorInfo;
};

/// Cycle statistics of the RTL runs, all samples together.
struct CoreRunStats {
  int64_t samples = 0, timesteps = 0, lanes = 1;
  uint64_t cycles = 0;     // step commands only (clearing excluded)
  uint64_t lowerBound = 0; // sum over steps: ceil(SOPs_proj / L) + words swept
  uint64_t synapticOps = 0, sweepWords = 0, spikes = 0;
  int64_t reloads = 0; // the network loaded again after a reset
  std::vector<uint64_t> projectionOps;
  double simulationSeconds = 0; // wall time of the step commands
  double efficiency() const {
    return cycles ? double(lowerBound) / double(cycles) : 0.0;
  }
  llvm::json::Value toJson() const;
};

class CoreEngine : public Engine {
public:
  /// Builds the image and loads it through `bus`.  `network` is validated
  /// (by its owner: Session::create, readPackage or lowerToCore).
  static llvm::Expected<std::unique_ptr<CoreEngine>>
  create(CoreNetwork network, const CoreParams &params,
         std::unique_ptr<CoreBus> bus);
  /// Loads an image already built for `network` (buildCoreImage).
  static llvm::Expected<std::unique_ptr<CoreEngine>>
  create(CoreNetwork network, CoreImage image, std::unique_ptr<CoreBus> bus);

  llvm::Expected<NDArray> run(const NDArray &input, int64_t timesteps) override;

  const CoreRunStats &stats() const { return runStats; }
  /// The run's cycles and activity, and the transport's ("link").
  llvm::json::Value statsJson() const override;
  const CoreImage &image() const { return coreImage; }
  const CoreNetwork &network() const { return net; }
  /// Keeps every spike of every population (off by default), where the
  /// bus sees them.
  bool recordSpikes(bool on) override;
  const std::vector<SpikeRecord> &spikes() const override { return trace; }
  std::vector<SpikeRecord> takeSpikes() override {
    return std::exchange(trace, {});
  }
  const CoreRunStats *coreStats() const override { return &runStats; }
  const LinkStats *linkStats() const override { return bus->linkCounters(); }
  /// Cycles one step may take before the run fails (default: the image's
  /// worst case at full activity).
  void setCycleBudget(uint64_t cycles) { budget = cycles; }

  // One sample step by step, as run() does it; a system of chips
  // (sim/SystemEngine) drives each chip's core with these, feeding its
  // stand-in populations the spikes of the others between steps.

  /// Zeroes membranes, spikes, currents and readout (a sample's start).
  llvm::Error clear();
  /// Writes one input frame's events (the network input, population 0).
  llvm::Error writeInputs(const float *frame);
  /// Writes the events of this step of input population `population` (the
  /// network input's, or a stand-in's for a population on another chip:
  /// spikes of value 1 in its own coordinates), merged by its consumers'
  /// pooling window as the image plans them, and their count.
  llvm::Error writePopulationEvents(int population,
                                    llvm::ArrayRef<GoldenEngine::Event> spikes);
  /// Runs step `t` of sample `sample` (CmdStepReplay where the input's
  /// currents are cached) and returns its spikes, where the bus sees them.
  llvm::Expected<std::vector<SpikeRecord>> step(int64_t sample, int64_t t,
                                                bool replay);
  /// The readout after `steps` steps: its mean over them (or its last
  /// step's value), [C x plane] floats into `out`.
  llvm::Error readOutputs(int64_t steps, float *out);

private:
  CoreEngine(CoreNetwork network, CoreImage image,
             std::unique_ptr<CoreBus> bus);
  llvm::Error runSample(const float *frames, int64_t frameSize, int64_t steps,
                        bool perStep, int64_t sample, float *out);
  llvm::Error writeEventWords(uint32_t firstWord, uint32_t countWord,
                              const std::vector<GoldenEngine::Event> &events);
  llvm::Error load();

  CoreNetwork net;
  CoreImage coreImage;
  std::unique_ptr<CoreBus> bus;
  CoreRunStats runStats;
  bool recording = false;
  std::vector<SpikeRecord> trace;
  uint64_t budget = 0;
};

} // namespace snnc

#endif // SNNC_RUNTIME_COREENGINE_H
