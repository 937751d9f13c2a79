//===- ReadoutModesTest.cpp - a core built with ReadoutModes --------------===//
//
// The readouts of snn_core's ReadoutModes (docs/core.md): a LIF population
// read out by its membranes (snn_pkg::PopKindMembrane) and a readout that
// keeps the last step's value (PopFlagReadoutLast), on Vcore_readout (2
// lanes, 12-bit state, its PopFlags field widened for bit 7; parameters in
// tests/hw/CMakeLists.txt), whose current memory the test fills directly
// (--public-flat-rw) before each step.  A membrane readout must sweep
// exactly as the same population of kind PopKindLif on a second core (its
// state and spikes), and every accumulator must hold the sum over the
// steps, or the last step's value, of what the population computed: its
// new membranes (the state memory's words), or a readout's current + bias;
// 0 in the lanes past its last channel.  A plain population swept after it
// must leave the accumulators alone.  Until the differential test
// (tests/sim) draws these readouts, this is their proof in the RTL.
//
//===----------------------------------------------------------------------===//
#include "CoreBench.h"
#include "Vcore_readout.h"
#include "Vcore_readout___024root.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace snnc;
using namespace snnc::hwtest;

namespace {

// Vcore_readout's parameters (tests/hw/CMakeLists.txt).
constexpr int kLanes = 2, kStateBits = 12, kDecayBits = 4, kCurrentBits = 16;
constexpr int kReadoutWords = 8, kCurrentDepth = 64;
constexpr int kStateW = kStateBits + 1;
// The plain population swept after the readout: its state and parameters.
constexpr int kPlainState = 16, kPlainParam = 8;

using Bench = CoreBench<Vcore_readout>;

/// The population under test (population 1): its kind, flags and shape.
struct Readout {
  uint32_t kind;
  bool last, softReset, fireGe;
  int height, width, groups, lastLanes, decay;
  int words() const { return height * width * groups; }
  bool laneValid(int word, int lane) const {
    return word % groups < groups - 1 || lane < lastLanes;
  }
  std::string describe() const {
    return std::string(kind == bus::PopKindMembrane ? "membrane" : "readout") +
           (last ? " (last)" : " (sum)") + ", " + std::to_string(height) + "x" +
           std::to_string(width) + "x" + std::to_string(groups) +
           ", last lanes " + std::to_string(lastLanes);
  }
};

/// Loads the two populations: the one under test as `kind` (and its
/// last-step flag only where `withLast`), then a plain LIF population.
void load(Bench &bench, const Readout &r, uint32_t kind, bool withLast,
          const std::vector<std::vector<int64_t>> &threshold,
          const std::vector<std::vector<int64_t>> &bias) {
  uint32_t flags = (r.softReset ? 1u << bus::PopFlagSoftReset : 0) |
                   (r.fireGe ? 1u << bus::PopFlagFireGe : 0) |
                   (withLast && r.last ? 1u << bus::PopFlagReadoutLast : 0);
  bench.writeSweptPop(
      1, {kind, r.groups, r.lastLanes, r.height, r.width, 0, 0, 0, flags, 0});
  bench.writeSweptPop(2, {bus::PopKindLif, 1, kLanes, 1, 1, kPlainState,
                          kPlainParam, 32, 0, 0});
  bench.write(bus::address(bus::RegionCtrl, bus::CtrlNumPops), 3);
  bench.write(bus::address(bus::RegionCtrl, bus::CtrlInputCount), 0);
  for (int g = 0; g < r.groups; ++g)
    bench.writeParams(g, threshold[g], bias[g], r.decay);
  // The plain population never fires and keeps a constant membrane.
  bench.writeParams(kPlainParam, {2047, 2047}, {-5, 7}, 0);
}

/// Lane l of word w of the state memory: the membrane, sign-extended.
int64_t membrane(Bench &bench, int word, int lane) {
  uint32_t bits =
      bench.root()
          .snn_core__DOT__g_state_ram__DOT__u_state__DOT__g_block__DOT__mem_q
              [word];
  return signExtend(getBits(bits, kStateW * lane, kStateBits), kStateBits);
}

uint32_t stateWord(Bench &bench, int word) {
  return bench.root()
      .snn_core__DOT__g_state_ram__DOT__u_state__DOT__g_block__DOT__mem_q[word];
}

/// A random current, an extreme one time in four.
uint64_t randomCurrent(std::mt19937_64 &rng) {
  switch (rng() % 8) {
  case 0:
    return mask(kCurrentBits) >> 1;
  case 1:
    return uint64_t(1) << (kCurrentBits - 1);
  default:
    return rng() & mask(kCurrentBits);
  }
}

/// What one step left: the population's state words and spikes, every
/// accumulator, the plain population's membranes; whether the step ended
/// and no assertion fired.
struct Observed {
  bool ran = false;
  std::vector<uint32_t> state;
  std::vector<Spike> spikes;
  std::vector<int64_t> readout;
  int64_t plain[kLanes];
};

/// Runs the population as `kind` on a fresh core: samples of steps, each
/// step's currents (a lane word per neuron word) written before it, a
/// clear before each sample.  (One core at a time: with two models built
/// with --public-flat-rw alive, Verilator 5.006 hung destroying them.)
std::vector<Observed>
run(const Readout &r, uint32_t kind, bool withLast,
    const std::vector<std::vector<int64_t>> &threshold,
    const std::vector<std::vector<int64_t>> &bias,
    const std::vector<std::vector<std::vector<uint32_t>>> &currents) {
  Bench bench(kLanes, kStateBits, kDecayBits);
  load(bench, r, kind, withLast, threshold, bias);
  std::vector<Observed> steps;
  for (const auto &sample : currents) {
    if (!bench.command(bus::CmdClear))
      return steps;
    for (const auto &step : sample) {
      for (size_t w = 0; w < step.size(); ++w)
        bench.root().snn_core__DOT__u_current__DOT__g_block__DOT__mem_q[w] =
            step[w];
      bench.spikes.clear();
      Observed o;
      o.ran = bench.command(bus::CmdStep) && !bench.context.gotError();
      for (int w = 0; w < r.words(); ++w)
        o.state.push_back(stateWord(bench, w));
      o.spikes = bench.spikes;
      for (int i = 0; i < kReadoutWords * kLanes; ++i)
        o.readout.push_back(bench.readout(i));
      for (int l = 0; l < kLanes; ++l)
        o.plain[l] = membrane(bench, kPlainState, l);
      steps.push_back(o);
      if (!o.ran)
        return steps;
    }
  }
  return steps;
}

TEST(ReadoutModes, MembraneAndLastStepReadouts) {
  constexpr int kSamples = 2, kSteps = 4;
  std::mt19937_64 rng(11);
  int membranes = 0, lasts = 0, spikes = 0;
  for (int network = 0; network < 48; ++network) {
    Readout r;
    r.kind = network % 2 ? bus::PopKindMembrane : bus::PopKindReadout;
    r.last = network / 2 % 2;
    r.softReset = rng() % 2;
    r.fireGe = rng() % 2;
    do {
      r.height = 1 + int(rng() % 3);
      r.width = 1 + int(rng() % 3);
      r.groups = 1 + int(rng() % 2);
    } while (r.words() > kReadoutWords);
    r.lastLanes = 1 + int(rng() % kLanes);
    r.decay = int(rng() % ((1 << kDecayBits) + 1));
    bool membraneReadout = r.kind == bus::PopKindMembrane;
    membranes += membraneReadout;
    lasts += r.last;
    std::vector<std::vector<int64_t>> threshold(r.groups), bias(r.groups);
    for (int g = 0; g < r.groups; ++g)
      for (int l = 0; l < kLanes; ++l) {
        threshold[g].push_back(1 + int64_t(rng() % 1500));
        bias[g].push_back(int64_t(rng() % 2048) - 1024);
      }
    std::vector<std::vector<std::vector<uint32_t>>> currents(
        kSamples, std::vector<std::vector<uint32_t>>(
                      kSteps, std::vector<uint32_t>(r.words())));
    for (auto &sample : currents)
      for (auto &step : sample)
        for (uint32_t &word : step)
          for (int l = 0; l < kLanes; ++l)
            setBits(word, kCurrentBits * l, kCurrentBits, randomCurrent(rng));
    std::string where =
        "network " + std::to_string(network) + ": " + r.describe();

    auto got = run(r, r.kind, true, threshold, bias, currents);
    ASSERT_EQ(got.size(), size_t(kSamples * kSteps)) << where << ": stopped";
    // A membrane readout sweeps as the same population of kind LIF.
    std::vector<Observed> lif;
    if (membraneReadout) {
      lif = run(r, bus::PopKindLif, false, threshold, bias, currents);
      ASSERT_EQ(lif.size(), got.size()) << where << ": LIF stopped";
    }
    for (int sample = 0; sample < kSamples; ++sample) {
      // The accumulators' expected values, word * lanes + lane.
      std::vector<int64_t> want(kReadoutWords * kLanes, 0);
      for (int step = 0; step < kSteps; ++step) {
        std::string at = where + ", sample " + std::to_string(sample) +
                         ", step " + std::to_string(step);
        const Observed &o = got[sample * kSteps + step];
        ASSERT_TRUE(o.ran) << at << ": never ended, or an assertion fired";
        for (int w = 0; w < r.words(); ++w)
          for (int l = 0; l < kLanes; ++l) {
            int64_t value = 0;
            if (!r.laneValid(w, l))
              value = 0;
            else if (membraneReadout)
              value = signExtend(getBits(o.state[w], kStateW * l, kStateBits),
                                 kStateBits);
            else
              value = signExtend(getBits(currents[sample][step][w],
                                         kCurrentBits * l, kCurrentBits),
                                 kCurrentBits) +
                      bias[w % r.groups][l];
            int64_t &acc = want[w * kLanes + l];
            acc = r.last ? value : acc + value;
          }
        for (int i = 0; i < kReadoutWords * kLanes; ++i)
          ASSERT_EQ(o.readout[i], want[i])
              << at << ", accumulator " << i << " (word " << i / kLanes
              << ", lane " << i % kLanes << ")";
        // Swept exactly as a LIF population: the same state and spikes.
        if (membraneReadout) {
          const Observed &ref = lif[sample * kSteps + step];
          ASSERT_TRUE(ref.ran) << at << ": LIF never ended, or fired";
          for (int w = 0; w < r.words(); ++w)
            ASSERT_EQ(o.state[w], ref.state[w]) << at << ", state word " << w;
          EXPECT_EQ(o.spikes, ref.spikes) << at;
          spikes += int(o.spikes.size());
        }
        // The plain population after it computed what it always does.
        ASSERT_EQ(o.plain[0], -5) << at;
        ASSERT_EQ(o.plain[1], 7) << at;
      }
    }
  }
  // The draw covers both kinds, both modes, and membranes that fire.
  EXPECT_GT(membranes, 0);
  EXPECT_GT(lasts, 0);
  EXPECT_GT(spikes, 0);
}

} // namespace
