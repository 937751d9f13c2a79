//===- GoldenKernelsTest.cpp - the golden engine's loops vs their definitions //
//
// The population update runs in double lanes and the spike scan a word at
// a time; each must equal the one-neuron definition (numerics.h) and the
// plain scan for every parameter the validator lets through, extremes
// included.
//
//===----------------------------------------------------------------------===//
#include "GoldenKernels.h"

#include "snnc/Runtime/Numerics.h"

#include <gtest/gtest.h>

#include <random>

using namespace snnc;
using numerics::Reset;

namespace {
/// A random LIF population of `channels` x `plane` neurons whose constants
/// reach the validator's limits (docs/numerics.md).
CorePopulation randomPopulation(std::mt19937_64 &rng, int64_t stateBits,
                                int64_t decayBits, Reset reset, bool fireGe,
                                int64_t channels, int64_t plane) {
  CorePopulation pop;
  pop.shape = {channels, plane, 1};
  pop.stateBits = stateBits;
  pop.decayBits = decayBits;
  pop.reset = reset;
  pop.fireGe = fireGe;
  int64_t limit = (int64_t(1) << (stateBits - 1)) - 1;
  std::uniform_int_distribution<int64_t> threshold(1, limit),
      bias(-limit, limit), decay(0, int64_t(1) << decayBits);
  for (int64_t c = 0; c < channels; ++c) {
    // Every third channel takes an extreme: the largest threshold, bias
    // and decay the validator accepts.
    bool extreme = c % 3 == 0;
    pop.threshold.push_back(extreme ? limit : threshold(rng));
    pop.bias.push_back(extreme ? (c % 2 ? -limit : limit) : bias(rng));
    pop.decay.push_back(extreme ? int64_t(1) << decayBits : decay(rng));
  }
  return pop;
}

/// Runs `steps` updates of `pop` with the kernel and with the definition
/// on the same random currents and compares every membrane and flag.
void expectSameAsDefinition(std::mt19937_64 &rng, const CorePopulation &pop,
                            int steps) {
  golden::LIFLanes lanes(pop);
  int64_t n = pop.size(), limit = int64_t(1) << (pop.stateBits - 1);
  std::uniform_int_distribution<int64_t> state(-limit, limit - 1);
  std::uniform_int_distribution<uint32_t> anyCurrent;
  std::uniform_int_distribution<int32_t> smallCurrent(-4096, 4096);
  std::vector<int32_t> membrane(n);
  std::vector<uint8_t> spiked(n);
  for (int64_t j = 0; j < n; ++j) {
    membrane[j] = int32_t(state(rng));
    spiked[j] = uint8_t(rng() & 1);
  }
  std::vector<int64_t> expectedState(membrane.begin(), membrane.end());
  std::vector<uint8_t> expectedSpikes = spiked;
  std::vector<uint32_t> current(n);
  for (int step = 0; step < steps; ++step) {
    for (int64_t j = 0; j < n; ++j)
      current[j] = step % 2 ? anyCurrent(rng) : uint32_t(smallCurrent(rng));
    golden::updateLIF(pop, lanes, current.data(), spiked.data(),
                      membrane.data());
    for (int64_t j = 0; j < n; ++j) {
      int64_t c = j % pop.channels();
      numerics::LIFParams params{pop.threshold[c], pop.bias[c],   pop.decay[c],
                                 pop.decayBits,    pop.stateBits, pop.reset,
                                 pop.fireGe};
      expectedState[j] =
          numerics::updateMembrane(expectedState[j], expectedSpikes[j] != 0,
                                   int32_t(current[j]), params);
      expectedSpikes[j] = numerics::fires(expectedState[j], params);
      ASSERT_EQ(int64_t(membrane[j]), expectedState[j])
          << "neuron " << j << " step " << step;
      ASSERT_EQ(spiked[j], expectedSpikes[j])
          << "neuron " << j << " step " << step;
    }
  }
}
} // namespace

TEST(GoldenKernels, UpdateEqualsTheDefinitionAtEveryWidth) {
  std::mt19937_64 rng(7);
  int int32Lanes = 0, doubleLanes = 0;
  for (Reset reset : {Reset::Hard, Reset::Soft, Reset::Subtract})
    for (bool fireGe : {false, true})
      for (int64_t stateBits : {4, 9, 16, 24, 32})
        for (int64_t decayBits : {0, 1, 8, 16})
          for (int64_t channels : {1, 3, 16, 37}) {
            CorePopulation pop = randomPopulation(rng, stateBits, decayBits,
                                                  reset, fireGe, channels, 5);
            golden::LIFLanes lanes(pop);
            ASSERT_TRUE(lanes.exact);
            ++(lanes.fitsInt32 ? int32Lanes : doubleLanes);
            expectSameAsDefinition(rng, pop, 6);
          }
  // Both forms ran, the int32 one up to its edge (24-bit state, 8-bit
  // decay, hard reset: r * decay reaches -2^31).
  EXPECT_GT(int32Lanes, 0);
  EXPECT_GT(doubleLanes, 0);
  std::mt19937_64 edge(13);
  CorePopulation pop =
      randomPopulation(edge, 24, 8, Reset::Hard, false, 16, 64);
  EXPECT_TRUE(golden::LIFLanes(pop).fitsInt32);
  EXPECT_FALSE(
      golden::LIFLanes(randomPopulation(edge, 24, 8, Reset::Soft, false, 16, 1))
          .fitsInt32);
  expectSameAsDefinition(edge, pop, 8);
}

TEST(GoldenKernels, OutsideTheExactRangeTheDefinitionRuns) {
  // A decay wider than 16 bits could push r * decay past 2^53: the lanes
  // refuse it and the scalar definition runs.
  std::mt19937_64 rng(11);
  CorePopulation pop = randomPopulation(rng, 32, 16, Reset::Soft, false, 8, 4);
  pop.decayBits = 30;
  for (int64_t &d : pop.decay)
    d = (int64_t(1) << 30) - 1;
  EXPECT_FALSE(golden::LIFLanes(pop).exact);
  expectSameAsDefinition(rng, pop, 4);
}

TEST(GoldenKernels, CollectSpikesIsTheNeuronOrderScan) {
  std::mt19937_64 rng(3);
  for (int64_t channels : {1, 3, 8, 13, 16, 64})
    for (double density : {0.0, 0.05, 0.5, 1.0}) {
      int64_t height = 3, width = 5;
      std::vector<uint8_t> flags(height * width * channels);
      std::bernoulli_distribution fire(density);
      for (uint8_t &f : flags)
        f = fire(rng);
      std::vector<GoldenEngine::Event> events, expected;
      golden::collectSpikes(flags.data(), height, width, channels, events);
      for (int32_t y = 0, j = 0; y < height; ++y)
        for (int32_t x = 0; x < width; ++x)
          for (int32_t c = 0; c < channels; ++c, ++j)
            if (flags[j])
              expected.push_back({c, y, x, 1});
      ASSERT_EQ(events.size(), expected.size());
      for (size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].c, expected[i].c);
        EXPECT_EQ(events[i].y, expected[i].y);
        EXPECT_EQ(events[i].x, expected[i].x);
        EXPECT_EQ(events[i].value, 1);
      }
    }
}
