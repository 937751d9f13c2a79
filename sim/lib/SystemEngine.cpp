//===- SystemEngine.cpp - a network partitioned across several cores ------===//
#include "snnc/Sim/SystemEngine.h"

#include "snnc/Backends/Partition.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <tuple>

using namespace snnc;
using namespace snnc::sim;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;

namespace {
/// [C, H, W] of a population ([C]: H = W = 1).
struct Extent {
  int64_t c, h, w;
  explicit Extent(const CorePopulation &p)
      : c(p.shape.empty() ? 0 : p.shape[0]),
        h(p.shape.size() > 1 ? p.shape[1] : 1),
        w(p.shape.size() > 2 ? p.shape[2] : 1) {}
};

} // namespace

struct SystemEngine::Chip {
  ChipNetwork sub;
  std::unique_ptr<CoreEngine> engine;
  bool realInput = false;
};

SystemEngine::SystemEngine(CoreNetwork net) : net(std::move(net)) {}
SystemEngine::~SystemEngine() = default;

const CoreEngine &SystemEngine::chip(int64_t i) const {
  return *chipList[i]->engine;
}

Expected<std::unique_ptr<SystemEngine>>
SystemEngine::create(const CoreNetwork &net,
                     llvm::ArrayRef<CoreChipSlice> slices,
                     const MakeCore &makeCore) {
  int64_t chips = 0;
  for (const CoreChipSlice &s : slices)
    chips = std::max(chips, s.chip + 1);
  std::unique_ptr<SystemEngine> system(new SystemEngine(net));
  system->computedOn.resize(net.populations.size());
  for (const CoreChipSlice &s : slices)
    system->computedOn[s.population].push_back(s.chip);
  system->crossed.assign(chips, std::vector<uint64_t>(chips, 0));
  for (int64_t k = 0; k < chips; ++k) {
    std::vector<CoreChipSlice> held;
    for (const CoreChipSlice &s : slices)
      if (s.chip == k)
        held.push_back(s);
    if (held.empty())
      return makeError<InputError>(formatv("chip {0} holds nothing", k));
    auto chip = std::make_unique<Chip>();
    Chip &c = *chip;
    c.sub = buildChipNetwork(net, held);
    const ChipPopulation &first = c.sub.origins.front();
    c.realInput = first.population == 0 && !first.standIn;
    // Each stand-in's source is computed on earlier chips only: the
    // system steps chip by chip.
    for (const ChipPopulation &o : c.sub.origins) {
      if (!o.standIn || o.population == 0)
        continue;
      for (int64_t from : system->computedOn[o.population])
        if (from >= k)
          return makeError<InputError>(formatv(
              "chip {0} reads population '{1}' within a step, which chip {2} "
              "computes (a part of): the system runs chip by chip",
              k, net.populations[o.population].name, from));
    }
    auto engine = makeCore(c.sub.net);
    if (!engine)
      return prependToError(formatv("chip {0}: ", k).str(), engine.takeError());
    c.engine = std::move(*engine);
    if (!c.engine->recordSpikes(false))
      return makeError<InputError>(
          formatv("chip {0}: its bus does not report single spikes, which "
                  "the host relays between chips",
                  k));
    system->chipList.push_back(std::move(chip));
  }
  return std::move(system);
}

bool SystemEngine::recordSpikes(bool on) {
  recording = on;
  return true;
}

uint64_t SystemEngine::linkEvents(int64_t from, int64_t to) const {
  return crossed[from][to];
}

llvm::json::Value SystemEngine::statsJson() const {
  double perSample = samples ? 1.0 / double(samples) : 0.0;
  llvm::json::Array perChip, links;
  for (int64_t k = 0; k < chips(); ++k) {
    const CoreRunStats &s = chip(k).stats();
    perChip.push_back(llvm::json::Object{
        {"chip", k},
        {"cycles", int64_t(s.cycles)},
        {"cycles_per_inference", double(s.cycles) * perSample},
        {"synaptic_ops", int64_t(s.synapticOps)},
        {"efficiency", s.efficiency()}});
    for (int64_t to = 0; to < chips(); ++to)
      if (crossed[k][to])
        links.push_back(llvm::json::Object{
            {"from", k},
            {"to", to},
            {"events", int64_t(crossed[k][to])},
            {"events_per_inference", double(crossed[k][to]) * perSample}});
  }
  // The host relays chip by chip: a step's cycles are the chips' sum.
  return llvm::json::Object{
      {"chips", chips()},
      {"samples", samples},
      {"timesteps", timesteps},
      {"cycles", int64_t(total.cycles)},
      {"cycles_per_inference", double(total.cycles) * perSample},
      {"synaptic_ops", int64_t(total.synapticOps)},
      {"per_chip", std::move(perChip)},
      {"links", std::move(links)}};
}

/// Stand-in `j` of a chip's sub-network: the events of `source` that fall
/// in its channels and rows, in its own coordinates.
static std::vector<GoldenEngine::Event>
windowOf(const ChipPopulation &origin, const CorePopulation &standIn,
         const std::vector<GoldenEngine::Event> &source) {
  Extent e(standIn);
  std::vector<GoldenEngine::Event> events;
  for (const GoldenEngine::Event &s : source) {
    int64_t c = s.c - origin.firstChannel, y = s.y - origin.firstRow;
    if (c >= 0 && c < e.c && y >= 0 && y < e.h)
      events.push_back({int32_t(c), int32_t(y), s.x, s.value});
  }
  return events;
}

Error SystemEngine::feedStandIns(
    size_t k, const float *frame,
    const std::vector<std::vector<GoldenEngine::Event>> &spikes) {
  Chip &chip = *chipList[k];
  std::vector<GoldenEngine::Event> input;
  for (size_t j = 0; j < chip.sub.origins.size(); ++j) {
    const ChipPopulation &o = chip.sub.origins[j];
    if (!o.standIn)
      continue;
    if (o.population == 0 && input.empty())
      encodeInputFrame(net, frame, input);
    std::vector<GoldenEngine::Event> events =
        windowOf(o, chip.sub.net.populations[j],
                 o.population == 0 ? input : spikes[o.population]);
    if (Error err = chip.engine->writePopulationEvents(int(j), events))
      return err;
  }
  return Error::success();
}

Error SystemEngine::runStep(
    const float *frame, int64_t sample, int64_t t, bool perStep,
    std::vector<std::vector<GoldenEngine::Event>> &spikes) {
  std::vector<std::vector<int64_t>> emitter(net.populations.size());
  size_t traced = trace.size();
  for (size_t k = 0; k < chipList.size(); ++k) {
    Chip &chip = *chipList[k];
    if (Error err = feedStandIns(k, frame, spikes))
      return prependToError(formatv("chip {0}: ", k).str(), std::move(err));
    // What crossed into this chip: the spikes its stand-ins read.
    for (const ChipPopulation &o : chip.sub.origins)
      if (o.standIn && o.population != 0)
        for (int64_t from : emitter[o.population])
          ++crossed[from][k];
    if (chip.realInput && (t == 0 || perStep))
      if (Error err = chip.engine->writeInputs(frame))
        return prependToError(formatv("chip {0}: ", k).str(), std::move(err));
    bool replay = t > 0 && !perStep && chip.engine->image().cachesInput;
    auto emitted = chip.engine->step(sample, t, replay);
    if (!emitted)
      return prependToError(formatv("chip {0}: ", k).str(),
                            emitted.takeError());
    for (const SpikeRecord &s : *emitted) {
      const ChipPopulation &o = chip.sub.origins[s.population];
      int32_t c = int32_t(s.c + o.firstChannel), y = int32_t(s.y + o.firstRow);
      spikes[o.population].push_back({c, y, s.x, 1});
      emitter[o.population].push_back(int64_t(k));
      if (recording)
        trace.push_back(
            {int32_t(sample), int32_t(t), int32_t(o.population), c, y, s.x});
    }
  }
  // In the golden engine's order: populations in program order, each in
  // neuron order (row, column, channel), whichever chips hold them.
  std::sort(trace.begin() + traced, trace.end(),
            [](const SpikeRecord &a, const SpikeRecord &b) {
              return std::tie(a.population, a.y, a.x, a.c) <
                     std::tie(b.population, b.y, b.x, b.c);
            });
  return Error::success();
}

Expected<NDArray> SystemEngine::run(const NDArray &input, int64_t steps) {
  bool perStep = net.encoding == InputEncoding::Events;
  int64_t count = sampleCount(input, net.encoding);
  int64_t frameSize = net.populations.front().size();
  if (int64_t(input.data.size()) != count * frameSize * (perStep ? steps : 1))
    return makeError<InputError>(formatv(
        "the input holds {0} values, not {1} sample(s) of {2}{3}",
        input.data.size(), count, frameSize, perStep ? " per step" : ""));
  const CorePopulation &readout = net.populations[net.readout];
  int64_t outputs = readout.size();
  NDArray out{{count, outputs}, std::vector<float>(count * outputs)};
  for (int64_t n = 0; n < count; ++n) {
    for (auto &chip : chipList)
      if (Error err = chip->engine->clear())
        return std::move(err);
    for (int64_t t = 0; t < steps; ++t) {
      // Events input: [T, N, ...], one frame per step and sample.
      const float *frame =
          input.data.data() + (perStep ? t * count + n : n) * frameSize;
      std::vector<std::vector<GoldenEngine::Event>> spikes(
          net.populations.size());
      // Samples numbered across runs, as the other engines number them.
      if (Error err = runStep(frame, samples, t, perStep, spikes))
        return std::move(err);
    }
    // The readout, from the chips that hold its channels.
    for (auto &chipPtr : chipList) {
      Chip &chip = *chipPtr;
      const CoreNetwork &sub = chip.sub.net;
      if (sub.readout < 0)
        continue;
      const ChipPopulation &o = chip.sub.origins[sub.readout];
      const CorePopulation &part = sub.populations[sub.readout];
      std::vector<float> values(size_t(part.size()));
      if (Error err = chip.engine->readOutputs(steps, values.data()))
        return std::move(err);
      int64_t plane = part.plane();
      for (int64_t c = 0; c < part.channels(); ++c)
        for (int64_t pos = 0; pos < plane; ++pos)
          out.data[n * outputs + (c + o.firstChannel) * plane + pos] =
              values[c * plane + pos];
    }
    ++samples;
  }
  timesteps = steps;
  total = CoreRunStats();
  total.samples = samples;
  total.timesteps = timesteps;
  total.lanes = chipList.front()->engine->stats().lanes;
  for (auto &chip : chipList) {
    const CoreRunStats &s = chip->engine->stats();
    total.cycles += s.cycles;
    total.lowerBound += s.lowerBound;
    total.synapticOps += s.synapticOps;
    total.sweepWords += s.sweepWords;
    total.spikes += s.spikes;
    total.reloads += s.reloads;
    total.simulationSeconds += s.simulationSeconds;
  }
  return out;
}
