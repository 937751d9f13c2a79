//===- CoreEngine.cpp - the host driver of the RTL core -------------------===//
#include "snnc/Runtime/CoreEngine.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/GoldenEngine.h"
#include "snnc/Runtime/Limits.h"

#include "Addressing.h"

#include "llvm/Support/FormatVariadic.h"

#include <cassert>
#include <chrono>

using namespace snnc;
using llvm::Error;
using llvm::Expected;

CoreBus::~CoreBus() = default;
char BusResetError::ID = 0;

Expected<std::vector<uint32_t>>
CoreBus::readBurst(uint32_t address, uint32_t slices, uint32_t count) {
  std::vector<uint32_t> words;
  for (uint32_t i = 0; i < count; ++i) {
    auto value = read(bus::advance(address, slices, i));
    if (!value)
      return value.takeError();
    words.push_back(*value);
  }
  return words;
}

Error CoreBus::writeEvents(uint32_t firstWord, uint32_t slices,
                           llvm::ArrayRef<uint32_t> words) {
  for (size_t i = 0; i < words.size(); ++i)
    if (Error err = write(bus::address(bus::RegionEvent,
                                       firstWord + uint32_t(i / slices),
                                       uint32_t(i % slices)),
                          words[i]))
      return err;
  return Error::success();
}

llvm::json::Value CoreBus::statsJson() const { return nullptr; }

const LinkStats *CoreBus::linkCounters() const { return nullptr; }

bool CoreBus::seesSpikes() const { return true; }

llvm::StringRef CoreBus::engineName() const { return "rtl engine"; }

bool CoreEngine::recordSpikes(bool on) {
  if (!bus->seesSpikes())
    return false;
  recording = on;
  return true;
}

llvm::json::Value CoreEngine::statsJson() const {
  llvm::json::Value stats = runStats.toJson();
  llvm::json::Value link = bus->statsJson();
  if (link.kind() != llvm::json::Value::Null)
    stats.getAsObject()->insert({"link", std::move(link)});
  return stats;
}

Error CoreBus::recover() {
  return makeError<DeviceError>("the core was reset and its transport "
                                "cannot recover");
}

llvm::json::Value CoreRunStats::toJson() const {
  llvm::json::Array perProjection;
  for (uint64_t ops : projectionOps)
    perProjection.push_back(int64_t(ops));
  double perSample = samples ? double(cycles) / double(samples) : 0.0;
  return llvm::json::Object{
      {"samples", samples},
      {"timesteps", timesteps},
      {"lanes", lanes},
      {"cycles", int64_t(cycles)},
      {"cycles_per_inference", perSample},
      {"lower_bound", int64_t(lowerBound)},
      {"efficiency", efficiency()},
      {"synaptic_ops", int64_t(synapticOps)},
      {"sweep_words", int64_t(sweepWords)},
      {"spikes", int64_t(spikes)},
      {"reloads", reloads},
      {"simulated_cycles_per_second",
       simulationSeconds > 0 ? double(cycles) / simulationSeconds : 0.0},
      {"projection_synaptic_ops", std::move(perProjection)}};
}

std::optional<std::string>
snnc::firstDifference(const std::vector<SpikeRecord> &a,
                      const std::vector<SpikeRecord> &b) {
  auto describe = [](const SpikeRecord &s) {
    return llvm::formatv("sample {0} step {1} population {2} neuron "
                         "(c={3}, y={4}, x={5})",
                         s.sample, s.step, s.population, s.c, s.y, s.x)
        .str();
  };
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i)
    if (!(a[i] == b[i]))
      return llvm::formatv("spike {0}: {1} vs {2}", i, describe(a[i]),
                           describe(b[i]))
          .str();
  if (a.size() != b.size()) {
    const SpikeRecord &extra = a.size() > n ? a[n] : b[n];
    return llvm::formatv("{0} vs {1} spikes; first unmatched: {2}", a.size(),
                         b.size(), describe(extra))
        .str();
  }
  return std::nullopt;
}

CoreEngine::CoreEngine(CoreNetwork network, CoreImage image,
                       std::unique_ptr<CoreBus> bus)
    : net(std::move(network)), coreImage(std::move(image)),
      bus(std::move(bus)) {
  runStats.lanes = coreImage.params.lanes;
  runStats.projectionOps.assign(net.projections.size(), 0);
}

Expected<std::unique_ptr<CoreEngine>>
CoreEngine::create(CoreNetwork network, const CoreParams &params,
                   std::unique_ptr<CoreBus> bus) {
  auto image = buildCoreImage(network, params);
  if (!image)
    return image.takeError();
  return create(std::move(network), std::move(*image), std::move(bus));
}

Expected<std::unique_ptr<CoreEngine>>
CoreEngine::create(CoreNetwork network, CoreImage image,
                   std::unique_ptr<CoreBus> bus) {
  std::unique_ptr<CoreEngine> engine(
      new CoreEngine(std::move(network), std::move(image), std::move(bus)));
  if (Error err = engine->load())
    return std::move(err);
  return std::move(engine);
}

Error CoreEngine::load() {
  // The configuration goes through the host bus, as on a board.
  for (const BusWrite &w : configurationWrites(coreImage))
    if (Error err = bus->write(w.address, w.data))
      return err;
  return Error::success();
}

Error CoreEngine::writeInputs(const float *frame) {
  std::vector<GoldenEngine::Event> events;
  encodeInputFrame(net, frame, events);
  // Merged by its consumers' window (the image's inputWindow) as any
  // input population's events are.
  return writePopulationEvents(0, events);
}

Error CoreEngine::writeEventWords(
    uint32_t firstWord, uint32_t countWord,
    const std::vector<GoldenEngine::Event> &events) {
  // One block, so that a serial link can send it compactly.
  uint32_t slices = uint32_t((coreImage.params.eventBits() + 31) / 32);
  std::vector<uint32_t> words;
  words.reserve(events.size() * slices);
  for (const GoldenEngine::Event &e : events) {
    std::vector<uint32_t> word =
        encodeEventWord(coreImage.params, e.c, e.y, e.x, e.value);
    assert(word.size() == slices && "one width for every event word");
    words.insert(words.end(), word.begin(), word.end());
  }
  if (Error err = bus->writeEvents(firstWord, slices, words))
    return err;
  return bus->write(bus::address(bus::RegionCtrl, countWord),
                    uint32_t(events.size()));
}

Error CoreEngine::writePopulationEvents(
    int population, llvm::ArrayRef<GoldenEngine::Event> spikes) {
  assert(population >= 0 && population < coreImage.numPops &&
         net.populations[population].kind == PopulationKind::Input &&
         "events are written for input populations");
  const uint32_t *desc =
      &coreImage.popDescriptors[size_t(population) * bus::DescWords];
  std::vector<GoldenEngine::Event> events(spikes.begin(), spikes.end());
  int64_t py = desc[bus::PopPoolY], px = desc[bus::PopPoolX];
  if (py * px > 1) {
    // Merged as snn_merge merges spikes (all consumers pool alike).
    std::vector<GoldenEngine::Event> merged;
    addressing::mergePooled(
        events, addressing::Pooling(net.populations[population].shape, py, px),
        merged);
    events = std::move(merged);
    // A max pool of spikes: a window's event is worth 1 (their OR).
    if (desc[bus::PopFlags] >> bus::PopFlagMergeMax & 1)
      for (GoldenEngine::Event &e : events)
        e.value = 1;
  }
  // The first population's count is the input's register, in every core
  // (others exist only in cores with StandIns).
  uint32_t countWord = population == 0
                           ? uint32_t(bus::CtrlInputCount)
                           : bus::CtrlEventCounts + uint32_t(population);
  return writeEventWords(desc[bus::PopEventBase], countWord, events);
}

Error CoreEngine::clear() {
  const CoreParams &params = coreImage.params;
  uint64_t clearCycles =
      uint64_t(std::max(
          {params.stateDepth, params.currentDepth, params.cacheDepth})) +
      64;
  auto cleared = bus->command(bus::CmdClear, clearCycles);
  return cleared ? Error::success() : cleared.takeError();
}

Expected<std::vector<SpikeRecord>> CoreEngine::step(int64_t sample, int64_t t,
                                                    bool replay) {
  uint64_t stepBudget = budget ? budget : coreImage.worstCaseStepCycles;
  auto started = std::chrono::steady_clock::now();
  auto result =
      bus->command(replay ? bus::CmdStepReplay : bus::CmdStep, stepBudget);
  runStats.simulationSeconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  if (!result) {
    Error err = result.takeError();
    // Kept as it is: run() reloads the network and reruns the sample.
    if (err.isA<BusResetError>())
      return std::move(err);
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("sample {0}, step {1}: {2}", sample, t,
                      llvm::toString(std::move(err))));
  }
  runStats.cycles += result->cycles;
  runStats.spikes += result->spikeCount;
  auto ops = bus->readBurst(bus::address(bus::RegionPerf, 0), 1,
                            uint32_t(net.projections.size()));
  if (!ops)
    return ops.takeError();
  int64_t lanes = coreImage.params.lanes;
  for (size_t j = 0; j < net.projections.size(); ++j) {
    runStats.projectionOps[j] += (*ops)[j];
    runStats.synapticOps += (*ops)[j];
    runStats.lowerBound += (uint64_t((*ops)[j]) + lanes - 1) / lanes;
  }
  auto words = bus->read(bus::address(bus::RegionCtrl, bus::CtrlSweepWords));
  if (!words)
    return words.takeError();
  runStats.sweepWords += *words;
  runStats.lowerBound += *words;
  for (SpikeRecord &s : result->spikes) {
    s.sample = int32_t(sample);
    s.step = int32_t(t);
  }
  if (recording)
    trace.insert(trace.end(), result->spikes.begin(), result->spikes.end());
  return std::move(result->spikes);
}

Error CoreEngine::runSample(const float *frames, int64_t frameSize,
                            int64_t steps, bool perStep, int64_t sample,
                            float *out) {
  if (Error err = clear())
    return err;
  for (int64_t t = 0; t < steps; ++t) {
    // Direct encoding: the input events stay in the core's event memory;
    // their currents are cached at the first step (or, without room for
    // the cache, delivered again at every step).
    if (t == 0 || perStep)
      if (Error err = writeInputs(frames + (perStep ? t * frameSize : 0)))
        return err;
    bool replay = t > 0 && !perStep && coreImage.cachesInput;
    auto spikes = step(sample, t, replay);
    if (!spikes)
      return spikes.takeError();
  }
  return readOutputs(steps, out);
}

Error CoreEngine::readOutputs(int64_t steps, float *out) {
  const CoreParams &params = coreImage.params;
  // Readout, step 3 of docs/numerics.md: the mean over the steps, or the
  // last step's value (the core replaced the accumulators every step).
  const CorePopulation &readout = net.populations[net.readout];
  int64_t channels = readout.channels(), plane = readout.plane();
  // The readout accumulators are the sweep's words.
  int64_t sweepLanes = params.sweepLanes();
  int64_t groups = (channels + sweepLanes - 1) / sweepLanes;
  double divisor = net.readoutLast ? 1.0 : double(steps);
  // Every accumulator in one burst: two slices each.
  auto words = bus->readBurst(bus::address(bus::RegionReadout, 0), 2,
                              uint32_t(2 * plane * groups * sweepLanes));
  if (!words)
    return words.takeError();
  for (int64_t pos = 0; pos < plane; ++pos)
    for (int64_t c = 0; c < channels; ++c) {
      size_t word =
          size_t((pos * groups + c / sweepLanes) * sweepLanes + c % sweepLanes);
      int64_t accumulator =
          int64_t(uint64_t((*words)[2 * word + 1]) << 32 | (*words)[2 * word]);
      out[c * plane + pos] =
          float(double(readout.unit[c]) * double(accumulator) / divisor);
    }
  return Error::success();
}

Expected<NDArray> CoreEngine::run(const NDArray &input, int64_t timesteps) {
  // The core steps cycle by cycle, slower than the golden engine: the work
  // bound (--max-ops) holds here too, checked before the first step.
  if (Error err = checkWork(stepWork(net), timesteps, bus->engineName()))
    return std::move(err);
  // A step adds at most 2^33 in magnitude to a readout accumulator (a
  // 32-bit current and a bias); the core keeps bus::ReadoutBits.
  constexpr int64_t maxSteps = int64_t(1) << (bus::ReadoutBits - 34);
  if (timesteps > maxSteps)
    return makeError<InputError>(
        llvm::formatv("{0} time steps exceed the core's {1}-bit readout "
                      "accumulators (at most {2} steps a sample)",
                      timesteps, bus::ReadoutBits, maxSteps));
  bool events = net.encoding == InputEncoding::Events;
  int64_t samples = sampleCount(input, net.encoding);
  int64_t frame = net.populations.front().size();
  int64_t outputs = net.populations[net.readout].size();
  NDArray out{{samples, outputs}, std::vector<float>(samples * outputs)};
  std::vector<float> frames;
  for (int64_t n = 0; n < samples; ++n) {
    addressing::gatherFrames(input, n, timesteps, events, frame, frames);
    // A core that was reset mid-sample lost the network: load it again and
    // run the sample from its start (a few times at most).
    for (int attempt = 0;; ++attempt) {
      size_t traced = trace.size();
      CoreRunStats before = runStats;
      Error err = runSample(frames.data(), frame, timesteps, events,
                            runStats.samples, out.data.data() + n * outputs);
      if (!err)
        break;
      // What fails while the core runs is the device's (its transport,
      // its simulator), whatever class the bus gave it.
      if (!err.isA<BusResetError>() || attempt == 2)
        return classify<DeviceError>(std::move(err));
      llvm::consumeError(std::move(err));
      trace.resize(traced);
      runStats = before;
      if (Error recovered = bus->recover())
        return classify<DeviceError>(std::move(recovered));
      if (Error loaded = load())
        return classify<DeviceError>(std::move(loaded));
      ++runStats.reloads;
    }
    ++runStats.samples;
  }
  runStats.timesteps = timesteps;
  return out;
}
