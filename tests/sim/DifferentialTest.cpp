//===- DifferentialTest.cpp - RTL core against the golden engine ----------===//
//
// Random valid networks and random inputs run on the golden engine and on a
// Verilator model of snn_core, loaded through the host bus.  Every output
// and every spike of every population at every step must be identical.
// SNNC_DIFF_NETWORKS sets how many networks (default 120: 40 per core).
//
//===----------------------------------------------------------------------===//
#include "RandomNetwork.h"

#include "snnc/Runtime/GoldenEngine.h"
#include "snnc/Sim/RtlEngine.h"
#include "snnc/Sim/SystemEngine.h"
#include "snnc/Sim/VerilatedBus.h"

#include "VcoreL1.h"
#include "VcoreL2.h"
#include "VcoreL4N.h"
#include "VcoreL8.h"

#include "llvm/ADT/StringExtras.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <tuple>

using namespace snnc;

namespace {
constexpr int64_t kInputsPerNetwork = 10;

/// The parameters CMake verilated a test core with ("Name=Value,...").
CoreParams coreFromDefinition(llvm::StringRef definition) {
  llvm::json::Object object;
  llvm::SmallVector<llvm::StringRef> items;
  definition.split(items, ',');
  for (llvm::StringRef item : items) {
    auto [name, value] = item.split('=');
    object[name] = std::stoll(value.str());
  }
  auto params = CoreParams::fromJson(llvm::json::Value(std::move(object)));
  EXPECT_TRUE(bool(params)) << llvm::toString(params.takeError());
  return *params;
}

struct TestCore {
  const char *name;
  CoreParams params;
  std::function<std::unique_ptr<CoreBus>()> makeBus;
};

const std::vector<TestCore> &testCores() {
  static const std::vector<TestCore> cores = {
      {"L1", coreFromDefinition(SNNC_CORE_L1),
       [] { return std::make_unique<sim::VerilatedBus<VcoreL1>>(); }},
      {"L2", coreFromDefinition(SNNC_CORE_L2),
       [] { return std::make_unique<sim::VerilatedBus<VcoreL2>>(); }},
      {"L8", coreFromDefinition(SNNC_CORE_L8),
       [] { return std::make_unique<sim::VerilatedBus<VcoreL8>>(); }},
      {"L4N", coreFromDefinition(SNNC_CORE_L4N),
       [] { return std::make_unique<sim::VerilatedBus<VcoreL4N>>(); }}};
  return cores;
}

/// What the comparisons covered, so a run shows it compared real activity.
struct Coverage {
  int64_t networks = 0, silent = 0, outputs = 0, spikes = 0, residual = 0,
          pooled = 0, events = 0, cached = 0, merged = 0, subtract = 0,
          channelDecays = 0, maxPooled = 0, maxRefused = 0, rateReadouts = 0,
          currentPools = 0, membraneReadouts = 0, lastStepReadouts = 0,
          standInsRefused = 0;
  /// The 8-lane core's efficiency (lower bound / cycles) on each network
  /// with activity: what bench/efficiency.sh reports (issue 23's target).
  std::vector<double> efficiency8;
} coverage;

llvm::Expected<NDArray> recordedRun(GoldenEngine &golden, const NDArray &inputs,
                                    int64_t steps) {
  golden.recordSpikes(true);
  return golden.run(inputs, steps);
}

/// Network `seed` for `core`, its random inputs, and golden's run of them
/// with every spike recorded.
struct GoldenCase {
  CoreNetwork net;
  NDArray inputs;
  int64_t steps;
  GoldenEngine golden;
  llvm::Expected<NDArray> expected;
  GoldenCase(const TestCore &core, uint64_t seed, int64_t samples)
      : net(randomnet::randomNetwork(seed, core.params)),
        inputs(randomnet::randomInputs(seed, net, samples)),
        steps(*net.timesteps), golden(net),
        expected(recordedRun(golden, inputs, steps)) {}
};

/// Runs network `seed` on `core`; an empty string when RTL and golden agree.
std::string compareOnCore(const TestCore &core, uint64_t seed) {
  GoldenCase c(core, seed, kInputsPerNetwork);
  if (!c.expected)
    return "golden: " + llvm::toString(c.expected.takeError());
  CoreNetwork &net = c.net;
  NDArray &inputs = c.inputs;
  int64_t steps = c.steps;
  GoldenEngine &golden = c.golden;
  auto &expected = c.expected;
  // Every fourth network runs without room in the input-current cache (and
  // on L2, built without one, every network): the host then delivers the
  // input at every step.
  CoreParams params = core.params;
  if (seed % 4 == 0)
    params.cacheDepth = std::min<int64_t>(params.cacheDepth, 2);
  // Every fifth without the slots to merge pooled spikes.
  if (seed % 5 == 0)
    params.slotDepth = 1;
  auto engine = CoreEngine::create(net, params, core.makeBus());
  bool maxPools = llvm::any_of(
      net.projections, [](const CoreProjection &p) { return p.inputPoolMax; });
  if (!engine) {
    std::string message = llvm::toString(engine.takeError());
    // A max pool is exact only merged: a core without the slots for it
    // must refuse the network, naming why.
    if (maxPools && llvm::StringRef(message).contains(
                        "which the core cannot merge into one event per "
                        "window: the core has no merge slots for it")) {
      ++coverage.maxRefused;
      return {};
    }
    // L2 is built without StandIns: a network with a population nothing
    // reads (a readout by membranes) must be refused, naming why.
    if (!params.standIns && llvm::StringRef(message).contains("(StandIns 0)")) {
      ++coverage.standInsRefused;
      return {};
    }
    return "load: " + message;
  }
  coverage.maxPooled += maxPools;
  coverage.rateReadouts +=
      net.projections.back().kind == ProjectionKind::OneToOne;
  coverage.membraneReadouts += net.populations[net.readout].membraneReadout;
  coverage.lastStepReadouts += net.readoutLast;
  coverage.cached += (*engine)->image().cachesInput;
  coverage.merged += (*engine)->image().mergesPooledSpikes;
  (*engine)->recordSpikes(true);
  auto actual = (*engine)->run(inputs, steps);
  if (!actual)
    return "rtl: " + llvm::toString(actual.takeError());
  std::string where = "\n" + randomnet::describe(net);
  for (size_t i = 0; i < actual->data.size(); ++i)
    if (actual->data[i] != expected->data[i])
      return llvm::formatv("output {0}: rtl {1}, golden {2}", i,
                           actual->data[i], expected->data[i])
                 .str() +
             where;
  if (auto diff = firstDifference((*engine)->spikes(), golden.spikes()))
    return "rtl vs golden, " + *diff + where;
  // Where the core merges pooled spikes or caches the input's currents, it
  // must do exactly the golden engine's work, not just reach its currents.
  const CoreImage &image = (*engine)->image();
  for (size_t j = 0; j < net.projections.size(); ++j) {
    const CoreProjection &p = net.projections[j];
    uint32_t flags =
        image.popDescriptors[p.source * bus::DescWords + bus::PopFlags];
    // The same events (unpooled, or merged like the golden engine does)
    // delivered as often (the input only once, unless the core had no room
    // for the cache).
    bool merged = (flags & 1u << bus::PopFlagMerge) ||
                  (p.source == 0 && !image.inputWindow.empty());
    bool sameEvents = p.inputPool.empty() || merged;
    bool sameSteps = p.source != 0 || image.cachesInput ||
                     net.encoding == InputEncoding::Events;
    int64_t rtlOps = int64_t((*engine)->stats().projectionOps[j]);
    int64_t goldenOps = golden.stats().projections[j].synapticOps;
    if (sameEvents && sameSteps && rtlOps != goldenOps)
      return llvm::formatv("projection {0}: rtl {1} SOPs, golden {2}", p.name,
                           rtlOps, goldenOps)
                 .str() +
             where;
  }
  ++coverage.networks;
  if (params.lanes == 8 && (*engine)->stats().cycles > 0)
    coverage.efficiency8.push_back((*engine)->stats().efficiency());
  coverage.silent += golden.spikes().empty();
  coverage.outputs += int64_t(actual->data.size());
  coverage.spikes += int64_t(golden.spikes().size());
  coverage.events += net.encoding == InputEncoding::Events;
  for (size_t i = 1; i < net.projections.size(); ++i)
    coverage.residual +=
        net.projections[i].target == net.projections[i - 1].target;
  for (const CoreProjection &p : net.projections)
    coverage.pooled += !p.inputPool.empty();
  for (const CorePopulation &p : net.populations)
    coverage.subtract +=
        p.kind == PopulationKind::LIF && p.reset == numerics::Reset::Subtract;
  for (const CorePopulation &p : net.populations)
    coverage.channelDecays += !llvm::all_equal(p.decay);
  for (const CorePopulation &p : net.populations)
    coverage.currentPools += !p.currentPool.empty();
  return {};
}

const TestCore *coreNamed(llvm::StringRef name) {
  for (const TestCore &core : testCores())
    if (name == core.name)
      return &core;
  return nullptr;
}

TEST(RtlDifferential, RegressionSeeds) {
  std::ifstream file(SNNC_REGRESSION_SEEDS);
  ASSERT_TRUE(file) << SNNC_REGRESSION_SEEDS;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    std::string name;
    uint64_t seed;
    ASSERT_TRUE(bool(fields >> name >> seed)) << "bad line: " << line;
    const TestCore *core = coreNamed(name);
    ASSERT_NE(core, nullptr) << "unknown core in: " << line;
    std::string failure = compareOnCore(*core, seed);
    EXPECT_TRUE(failure.empty()) << name << " seed " << seed << ": " << failure;
  }
}

TEST(RtlDifferential, RandomNetworks) {
  int64_t networks = 120;
  if (const char *env = std::getenv("SNNC_DIFF_NETWORKS"))
    networks = std::max<int64_t>(1, std::atoll(env));
  for (int64_t seed = 1; seed <= networks; ++seed) {
    const TestCore &core = testCores()[seed % testCores().size()];
    std::string failure = compareOnCore(core, uint64_t(seed));
    if (failure.empty())
      continue;
    // Keep the failing seed as a regression case.
    std::ofstream(SNNC_REGRESSION_SEEDS, std::ios::app)
        << core.name << " " << seed << "\n";
    ADD_FAILURE() << core.name << " seed " << seed << " (saved to "
                  << SNNC_REGRESSION_SEEDS << "): " << failure;
  }
  std::cout << "compared " << coverage.networks << " networks ("
            << coverage.events << " with event input, " << coverage.cached
            << " with cached input currents, " << coverage.merged
            << " merging pooled spikes, " << coverage.maxPooled
            << " with max pools of spikes (" << coverage.maxRefused
            << " more refused by a core without merge slots), "
            << coverage.rateReadouts << " reading out a LIF layer's rate, "
            << coverage.currentPools << " populations max-pooling currents, "
            << coverage.membraneReadouts << " read out by membranes and "
            << coverage.lastStepReadouts << " by the last step, "
            << coverage.residual << " residual and " << coverage.pooled
            << " pooled projections, " << coverage.subtract
            << " subtract-reset populations, " << coverage.channelDecays
            << " with per-channel decays, " << coverage.silent
            << " without spikes): " << coverage.outputs << " outputs and "
            << coverage.spikes << " spikes identical\n";
  if (!coverage.efficiency8.empty()) {
    std::vector<double> e = coverage.efficiency8;
    std::sort(e.begin(), e.end());
    std::cout << "8-lane efficiency over " << e.size() << " networks: min "
              << e.front() << ", median " << e[e.size() / 2] << ", max "
              << e.back() << "\n";
    if (const char *path = std::getenv("SNNC_DIFF_EFFICIENCY")) {
      std::ofstream out(path);
      for (double value : coverage.efficiency8)
        out << value << "\n";
    }
  }
  // A generator that stopped producing activity would make this test vacuous.
  EXPECT_GT(coverage.spikes, 1000 * coverage.networks / 10);
  EXPECT_LT(coverage.silent, coverage.networks / 4);
  EXPECT_GT(coverage.subtract, coverage.networks / 10);
  EXPECT_GT(coverage.channelDecays, coverage.networks / 10);
  EXPECT_GT(coverage.maxPooled, coverage.networks / 20);
  EXPECT_GT(coverage.rateReadouts, coverage.networks / 50);
  EXPECT_GT(coverage.currentPools, coverage.networks / 10);
  EXPECT_GT(coverage.membraneReadouts, coverage.networks / 10);
  EXPECT_GT(coverage.lastStepReadouts, coverage.networks / 10);
}

/// A random split of `net` over at most four chips, as the partitioner
/// could place it: populations in program order, a new chip now and then,
/// some split by output channels over two chips (their consumers on later
/// chips).
std::vector<CoreChipSlice> randomSlices(const CoreNetwork &net, uint64_t seed) {
  std::mt19937_64 rng(seed * 7919);
  std::vector<CoreChipSlice> slices;
  int64_t chip = 0;
  for (size_t p = 1; p < net.populations.size(); ++p) {
    const CorePopulation &pop = net.populations[p];
    int64_t channels = pop.channels();
    int64_t height = pop.shape.size() > 1 ? pop.shape[1] : 1;
    if (chip < 3 && rng() % 3 == 0 && !slices.empty() &&
        slices.back().chip == chip)
      ++chip;
    if (chip < 2 && channels >= 2 && rng() % 2 == 0) {
      int64_t k = 1 + int64_t(rng() % uint64_t(channels - 1));
      slices.push_back({int(p), chip, 0, k, 0, height});
      slices.push_back({int(p), chip + 1, k, channels - k, 0, height});
      chip += 2;
      continue;
    }
    slices.push_back({int(p), chip, 0, channels, 0, height});
  }
  return slices;
}

/// Network `seed` split over chips of `core` and run with the host relaying
/// spikes between them; an empty string when it equals golden.
std::string compareSystem(const TestCore &core, uint64_t seed, int64_t &chips,
                          uint64_t &relayed) {
  GoldenCase c(core, seed, 4);
  if (!c.expected)
    return "golden: " + llvm::toString(c.expected.takeError());
  const CoreNetwork &net = c.net;
  const NDArray &inputs = c.inputs;
  int64_t steps = c.steps;
  GoldenEngine &golden = c.golden;
  auto &expected = c.expected;
  std::vector<CoreChipSlice> slices = randomSlices(net, seed);
  auto system = sim::SystemEngine::create(
      net, slices,
      [&](const CoreNetwork &chip)
          -> llvm::Expected<std::unique_ptr<CoreEngine>> {
        return CoreEngine::create(chip, core.params, core.makeBus());
      });
  if (!system) {
    std::string message = llvm::toString(system.takeError());
    // As on one chip: a max pool needs the slots to merge its source, and
    // a chip with stand-ins past its first population (or a population
    // nothing on it reads) a core with StandIns.
    if (llvm::StringRef(message).contains("which the core cannot merge into "
                                          "one event per window") ||
        (!core.params.standIns &&
         llvm::StringRef(message).contains("(StandIns 0)")))
      return {};
    return "system: " + message;
  }
  chips = (*system)->chips();
  (*system)->recordSpikes(true);
  auto actual = (*system)->run(inputs, steps);
  std::string where = "\n" + randomnet::describe(net);
  for (const CoreChipSlice &s : slices)
    where += llvm::formatv("\n  chip {0}: population {1}, channels {2}+{3}",
                           s.chip, s.population, s.firstChannel, s.channels)
                 .str();
  if (!actual)
    return "system run: " + llvm::toString(actual.takeError()) + where;
  for (size_t i = 0; i < actual->data.size(); ++i)
    if (actual->data[i] != expected->data[i])
      return llvm::formatv("output {0}: system {1}, golden {2}", i,
                           actual->data[i], expected->data[i])
                 .str() +
             where;
  // Every spike, in golden's order (the system sorts each step's).
  if (auto diff = firstDifference((*system)->spikes(), golden.spikes()))
    return "system vs golden, " + *diff + where;
  for (int64_t from = 0; from < chips; ++from)
    for (int64_t to = 0; to < chips; ++to)
      relayed += (*system)->linkEvents(from, to);
  return {};
}

TEST(RtlDifferential, PartitionedNetworks) {
  // Networks split across 2 to 4 chips, the host relaying spikes between
  // their cores (sim/SystemEngine): the chip-to-chip traffic of a system.
  // 160 by default (seconds): fewer left a wrong count register on the
  // StandIns-less L2 core unseen.
  int64_t networks = 160;
  if (const char *env = std::getenv("SNNC_DIFF_NETWORKS"))
    networks = std::max<int64_t>(1, std::atoll(env) / 3);
  int64_t split = 0, chipsTotal = 0;
  uint64_t relayed = 0;
  for (int64_t seed = 1; seed <= networks; ++seed) {
    const TestCore &core = testCores()[seed % testCores().size()];
    int64_t chips = 0;
    std::string failure = compareSystem(core, uint64_t(seed), chips, relayed);
    EXPECT_TRUE(failure.empty())
        << core.name << " seed " << seed << ": " << failure;
    split += chips > 1;
    chipsTotal += chips;
  }
  std::cout << "compared " << networks << " partitioned networks (" << split
            << " on several chips, " << chipsTotal << " chips in all, "
            << relayed << " spikes relayed between chips)\n";
  EXPECT_GT(split, networks / 2);
  EXPECT_GT(relayed, uint64_t(100 * networks));
}

TEST(SystemEngine, RefusesAChipReadingWhatItComputesAPartOf) {
  // Population 1 split over chips 0 and 1, its consumer on chip 1: within
  // a step chip 1 would need its own slice's spikes before computing them.
  const TestCore &core = testCores()[0];
  CoreNetwork net;
  for (uint64_t seed = 1;; ++seed) {
    net = randomnet::randomNetwork(seed, core.params);
    if (net.populations.size() >= 3 && net.populations[1].channels() >= 2)
      break;
  }
  std::vector<CoreChipSlice> slices;
  const CorePopulation &p1 = net.populations[1];
  int64_t h = p1.shape.size() > 1 ? p1.shape[1] : 1;
  slices.push_back({1, 0, 0, 1, 0, h});
  slices.push_back({1, 1, 1, p1.channels() - 1, 0, h});
  for (size_t p = 2; p < net.populations.size(); ++p) {
    const CorePopulation &pop = net.populations[p];
    slices.push_back({int(p), 1, 0, pop.channels(), 0,
                      pop.shape.size() > 1 ? pop.shape[1] : 1});
  }
  auto system = sim::SystemEngine::create(
      net, slices,
      [&](const CoreNetwork &chip)
          -> llvm::Expected<std::unique_ptr<CoreEngine>> {
        return CoreEngine::create(chip, core.params, core.makeBus());
      });
  ASSERT_FALSE(bool(system));
  std::string message = llvm::toString(system.takeError());
  EXPECT_NE(message.find("chip 1 reads population 'lif0' within a step, "
                         "which chip 1 computes (a part of)"),
            std::string::npos)
      << message;
}

TEST(RtlEngine, CycleBudgetStopsAStuckRun) {
  const TestCore &core = testCores()[0];
  CoreNetwork net = randomnet::randomNetwork(3, core.params);
  auto engine = CoreEngine::create(net, core.params, core.makeBus());
  ASSERT_TRUE(bool(engine)) << llvm::toString(engine.takeError());
  (*engine)->setCycleBudget(5);
  auto out = (*engine)->run(randomnet::randomInputs(3, net, 1), *net.timesteps);
  ASSERT_FALSE(bool(out));
  std::string message = llvm::toString(out.takeError());
  EXPECT_NE(message.find("sample 0, step 0: the core ran past the cycle "
                         "budget of 5 cycles"),
            std::string::npos)
      << message;
}

TEST(RtlEngine, RefusesMoreStepsThanTheReadoutHolds) {
  // 48-bit accumulators are exact for 2^14 steps of at most 2^33 each.
  const TestCore &core = testCores()[0];
  CoreNetwork net = randomnet::randomNetwork(3, core.params);
  auto engine = CoreEngine::create(net, core.params, core.makeBus());
  ASSERT_TRUE(bool(engine)) << llvm::toString(engine.takeError());
  auto out = (*engine)->run(randomnet::randomInputs(3, net, 1), 16385);
  ASSERT_FALSE(bool(out));
  std::string message = llvm::toString(out.takeError());
  EXPECT_EQ(message, "16385 time steps exceed the core's 48-bit readout "
                     "accumulators (at most 16384 steps a sample)");
}

/// input [1, 2, 2] (8-bit events, |value| <= 128) -> dense readout [2]
/// with the given weight rows.
CoreNetwork denseReadout(std::vector<int8_t> weights) {
  CoreNetwork net;
  net.encoding = InputEncoding::Events;
  net.timesteps = 2;
  net.input.bits = 8;
  net.input.gain = {1.0};
  net.input.offset = {0.0};
  CorePopulation input;
  input.name = "input";
  input.kind = PopulationKind::Input;
  input.shape = {1, 2, 2};
  CorePopulation readout;
  readout.name = "readout";
  readout.kind = PopulationKind::Readout;
  readout.shape = {2};
  readout.bias = {0, 0};
  readout.unit = {1.0f, 1.0f};
  CoreProjection dense;
  dense.name = "dense";
  dense.kind = ProjectionKind::Dense;
  dense.source = 0;
  dense.target = 1;
  dense.weightShape = {2, 4};
  dense.weights = std::move(weights);
  net.populations = {input, readout};
  net.projections = {dense};
  net.readout = 1;
  return net;
}

TEST(CoreImage, StoredCurrentsAreAsWideAsTheCurrentBound) {
  // Row sums of |w|: 508 and 4; times the largest input value, 128:
  // 65,024 needs 16 bits and a sign.
  CoreNetwork net = denseReadout({127, -127, 127, -127, 1, 1, 1, 1});
  auto params = coreParamsFor(net, 1);
  ASSERT_TRUE(bool(params)) << llvm::toString(params.takeError());
  EXPECT_EQ(params->currentBits, 17);
  // A core with narrower currents refuses the network, naming the limit.
  CoreParams narrow = *params;
  narrow.currentBits = 16;
  auto image = buildCoreImage(net, narrow);
  ASSERT_FALSE(bool(image));
  EXPECT_NE(llvm::toString(image.takeError())
                .find("the network needs 17 bits of stored current; the core "
                      "has 16"),
            std::string::npos);
  // Small weights need few bits.
  EXPECT_EQ(
      coreParamsFor(denseReadout({1, 0, 0, 0, 0, 0, 0, -1}), 1)->currentBits,
      9);
}

TEST(RtlEngine, RefusesANetworkLargerThanTheCore) {
  const TestCore &core = testCores()[0];
  CoreParams small = core.params;
  small.weightDepth = 4;
  CoreNetwork net = randomnet::randomNetwork(5, core.params);
  auto image = buildCoreImage(net, small);
  ASSERT_FALSE(bool(image));
  std::string message = llvm::toString(image.takeError());
  EXPECT_NE(message.find("weight words; the core has 4"), std::string::npos)
      << message;
}

TEST(RtlEngine, ReadsBackWhatTheHostWrote) {
  // The accumulators are cleared by CmdClear and read back as two slices.
  auto bus = testCores()[0].makeBus();
  auto cleared = bus->command(bus::CmdClear, 1 << 16);
  ASSERT_TRUE(bool(cleared)) << llvm::toString(cleared.takeError());
  auto lo = bus->read(bus::address(bus::RegionReadout, 0, 0));
  auto hi = bus->read(bus::address(bus::RegionReadout, 0, 1));
  ASSERT_TRUE(lo && hi);
  EXPECT_EQ(*lo, 0u);
  EXPECT_EQ(*hi, 0u);
  auto status = bus->read(bus::address(bus::RegionCtrl, bus::CtrlStatus));
  ASSERT_TRUE(bool(status));
  EXPECT_EQ(*status, 0u);
}
} // namespace

TEST(Trace, FirstDifferenceNamesTheSpike) {
  std::vector<SpikeRecord> a = {{0, 0, 1, 2, 3, 4}, {0, 1, 2, 5, 0, 1}};
  EXPECT_FALSE(firstDifference(a, a).has_value());
  std::vector<SpikeRecord> b = a;
  b[1].x = 2;
  auto differs = firstDifference(a, b);
  ASSERT_TRUE(differs.has_value());
  EXPECT_EQ(*differs, "spike 1: sample 0 step 1 population 2 neuron (c=5, "
                      "y=0, x=1) vs sample 0 step 1 population 2 neuron "
                      "(c=5, y=0, x=2)");
  b = a;
  b.pop_back();
  differs = firstDifference(a, b);
  ASSERT_TRUE(differs.has_value());
  EXPECT_EQ(*differs, "2 vs 1 spikes; first unmatched: sample 0 step 1 "
                      "population 2 neuron (c=5, y=0, x=1)");
}

TEST(RtlEngine, ASimulatorThatDiesIsAnError) {
  // Any process that closes the pipe stands in for a crashed simulator.
  auto bus = sim::startSimulator("/bin/false", "");
  ASSERT_TRUE(bool(bus)) << llvm::toString(bus.takeError());
  auto data = (*bus)->read(bus::address(bus::RegionCtrl, bus::CtrlStatus));
  ASSERT_FALSE(bool(data));
  EXPECT_EQ(llvm::toString(data.takeError()),
            "the RTL simulator exited unexpectedly");
  auto step = (*bus)->command(bus::CmdStep, 100);
  ASSERT_FALSE(bool(step));
  EXPECT_EQ(llvm::toString(step.takeError()),
            "the RTL simulator exited unexpectedly");
}

TEST(RtlEngine, AFailedAssertionIsOneErrorLineNamingIt) {
  // The simulator `snnc sim` builds (the emitted Makefile, with --assert),
  // driven against the core's rules: a command written while the core is
  // still clearing breaks snn_core's CommandWhenIdle in cycle 1.
  auto executable = sim::buildSimulator(testCores()[0].params, SNNC_RTL_CACHE);
  ASSERT_TRUE(bool(executable)) << llvm::toString(executable.takeError());
  auto bus = sim::startSimulator(*executable, "");
  ASSERT_TRUE(bool(bus)) << llvm::toString(bus.takeError());
  uint32_t command = bus::address(bus::RegionCtrl, bus::CtrlCommand);
  ASSERT_FALSE(bool((*bus)->write(command, bus::CmdClear)));
  ASSERT_FALSE(bool((*bus)->write(command, bus::CmdClear)));
  auto status = (*bus)->read(bus::address(bus::RegionCtrl, bus::CtrlStatus));
  ASSERT_FALSE(bool(status));
  const char *expected =
      "the core's assertion snn_core.CommandWhenIdle failed at cycle 1 (in "
      "u_core): snn_core: command 2 written while busy";
  EXPECT_EQ(llvm::toString(status.takeError()), expected);
  // Every later access reports the same.
  auto step = (*bus)->command(bus::CmdStep, 100);
  ASSERT_FALSE(bool(step));
  EXPECT_EQ(llvm::toString(step.takeError()), expected);
}

/// A transport whose core is reset (its network lost) at the k-th command:
/// as a board's SerialBus reports it, with a BusResetError.
class ResettingBus : public CoreBus {
public:
  ResettingBus(std::unique_ptr<CoreBus> inner, int resetAt)
      : inner(std::move(inner)), resetAt(resetAt) {}
  llvm::Error write(uint32_t address, uint32_t data) override {
    return inner->write(address, data);
  }
  llvm::Expected<uint32_t> read(uint32_t address) override {
    return inner->read(address);
  }
  llvm::Expected<CommandResult> command(uint32_t command,
                                        uint64_t budget) override {
    if (++commands == resetAt) {
      // The real core's configuration is wiped: clear every descriptor.
      for (uint32_t w = 0; w < 16 * 16; ++w)
        if (llvm::Error err = inner->write(bus::address(bus::RegionPop, w), 0))
          return std::move(err);
      return llvm::make_error<BusResetError>("the board was reset");
    }
    return inner->command(command, budget);
  }
  llvm::Error recover() override {
    ++recoveries;
    return llvm::Error::success();
  }
  int recoveries = 0;

private:
  std::unique_ptr<CoreBus> inner;
  int resetAt, commands = 0;
};

TEST(RtlEngine, AResetMidStepReloadsAndRerunsTheSample) {
  const TestCore &core = testCores()[2];
  CoreNetwork net = randomnet::randomNetwork(7, core.params);
  NDArray inputs = randomnet::randomInputs(7, net, 3);
  GoldenEngine golden(net);
  auto expected = golden.run(inputs, *net.timesteps);
  ASSERT_TRUE(bool(expected)) << llvm::toString(expected.takeError());
  // Command 4 is a step of the first sample (command 1 clears).
  auto bus = std::make_unique<ResettingBus>(core.makeBus(), 4);
  ResettingBus *resetting = bus.get();
  auto engine = CoreEngine::create(net, core.params, std::move(bus));
  ASSERT_TRUE(bool(engine)) << llvm::toString(engine.takeError());
  auto actual = (*engine)->run(inputs, *net.timesteps);
  ASSERT_TRUE(bool(actual)) << llvm::toString(actual.takeError());
  EXPECT_EQ(actual->data, expected->data);
  EXPECT_EQ(resetting->recoveries, 1);
  EXPECT_EQ((*engine)->stats().reloads, 1);
  EXPECT_EQ((*engine)->stats().samples, 3);
}
