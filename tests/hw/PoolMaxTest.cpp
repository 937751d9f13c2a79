//===- PoolMaxTest.cpp - hw/rtl/snn_pool_max, alone and in the core -------===//
//
// The pooling of currents before the neuron (snn_pkg::PopFlagPoolCurrents):
// snn_pool_max alone, driven by a model of the current memory and the
// cache (snn_ram's timing) and a sweep that takes words at random, on two
// parameterizations (1 lane of 32-bit currents, 4 lanes of 11-bit ones);
// and a core built with PoolCurrents, whose current memory and cache the
// test fills directly (--public-flat-rw) before each step: the pooled
// population's new membranes, its spikes and the swept-word count, and a
// plain population after it that must find the currents all zero.
//
//===----------------------------------------------------------------------===//
#include "CoreBench.h"
#include "Vcore_pool.h"
#include "Vcore_pool___024root.h"
#include "Vpool_max1.h"
#include "Vpool_max4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace snnc;
using namespace snnc::hwtest;

namespace {

/// A pooled population: window, pooled extent, lane words, cache.
struct Pooled {
  int qy, qx, height, width, groups;
  bool cached;
  int cacheBase;
  int fineWidth() const { return width * qx; }
  int fineWords() const { return height * qy * fineWidth() * groups; }
  int words() const { return height * width * groups; }
};

/// A memory of lane words, each lane a raw `bits`-bit value.
using Memory = std::vector<std::vector<uint64_t>>;

/// The pooled words' currents, lane by lane (the golden model's rule:
/// the signed maximum of the 32-bit wrapping sums of current and cache).
std::vector<std::vector<int32_t>> expectedMaxima(const Pooled &p,
                                                 const Memory &current,
                                                 const Memory &cache, int lanes,
                                                 int bits) {
  std::vector<std::vector<int32_t>> maxima;
  for (int py = 0; py < p.height; ++py)
    for (int px = 0; px < p.width; ++px)
      for (int g = 0; g < p.groups; ++g) {
        std::vector<int32_t> best(lanes, INT32_MIN);
        for (int i = 0; i < p.qy; ++i)
          for (int j = 0; j < p.qx; ++j) {
            int a =
                ((py * p.qy + i) * p.fineWidth() + px * p.qx + j) * p.groups +
                g;
            for (int l = 0; l < lanes; ++l) {
              uint32_t sum = uint32_t(signExtend(current[a][l], bits));
              if (p.cached)
                sum += uint32_t(signExtend(cache[p.cacheBase + a][l], bits));
              best[l] = std::max(best[l], int32_t(sum));
            }
          }
        maxima.push_back(best);
      }
  return maxima;
}

/// A random raw lane value, an extreme one time in four.
uint64_t randomLane(std::mt19937_64 &rng, int bits) {
  switch (rng() % 8) {
  case 0:
    return mask(bits) >> 1; // the largest
  case 1:
    return uint64_t(1) << (bits - 1); // the smallest
  default:
    return rng() & mask(bits);
  }
}

Memory randomMemory(std::mt19937_64 &rng, int depth, int lanes, int bits) {
  Memory memory(depth, std::vector<uint64_t>(lanes));
  for (auto &word : memory)
    for (uint64_t &lane : word)
      lane = randomLane(rng, bits);
  return memory;
}

/// snn_pool_max on its own: populations one after the other, each checked
/// for its maxima in order, for every fine word read and cleared exactly
/// once (and nothing else), and, where the sweep takes every word at once,
/// for its cycle count.
template <class Model>
void checkPoolMax(int lanes, int bits, int depth, int cacheDepth, int maxExtent,
                  uint64_t seed) {
  VerilatedContext context;
  context.fatalOnError(false);
  Model m{&context};
  std::mt19937_64 rng(seed);
  m.clk_i = 0;
  m.rst_ni = 1;
  m.eval();
  m.rst_ni = 0;
  m.eval();
  m.rst_ni = 1;
  m.eval();
  int64_t totalCycles = 0;
  for (int trial = 0; trial < 150; ++trial) {
    Pooled p;
    do {
      p.qy = 1 + int(rng() % 3);
      p.qx = 1 + int(rng() % 3);
      p.height = 1 + int(rng() % maxExtent);
      p.width = 1 + int(rng() % maxExtent);
      p.groups = 1 + int(rng() % 3);
    } while (p.fineWords() > depth);
    p.cached = rng() % 2;
    p.cacheBase = int(rng() % (cacheDepth - p.fineWords() + 1));
    // The sweep takes a waiting word with this probability a cycle.
    static const double readiness[] = {1.0, 0.7, 0.3, 0.05};
    double ready = readiness[trial % 4];
    std::bernoulli_distribution take(ready);
    Memory current = randomMemory(rng, depth, lanes, bits);
    Memory cache = randomMemory(rng, cacheDepth, lanes, bits);
    const Memory initial = current;
    auto want = expectedMaxima(p, current, cache, lanes, bits);
    std::string where = "trial " + std::to_string(trial) + ": " +
                        std::to_string(p.qy) + "x" + std::to_string(p.qx) +
                        " windows, " + std::to_string(p.height) + "x" +
                        std::to_string(p.width) + "x" +
                        std::to_string(p.groups) + (p.cached ? ", cached" : "");

    m.start_i = 1;
    m.cached_i = p.cached;
    m.groups_i = p.groups;
    m.height_i = p.height;
    m.width_i = p.width;
    m.pool_y_i = p.qy;
    m.pool_x_i = p.qx;
    m.cache_base_i = p.cacheBase;
    std::vector<int> reads(depth), clears(depth);
    std::vector<std::vector<int32_t>> got;
    std::vector<int32_t> held;
    bool tookLast = false;
    int64_t cycles = 0, words = 0;
    const int64_t limit = 100000;
    for (; cycles < limit; ++cycles) {
      bool taking = m.max_valid_o && take(rng);
      m.max_ready_i = taking;
      m.eval();
      auto lanesOf = [&](const auto &port) {
        std::vector<int32_t> values(lanes);
        for (int l = 0; l < lanes; ++l)
          values[l] = int32_t(uint32_t(getBits(port, 32 * l, 32)));
        return values;
      };
      // The sweep reads a word the cycle after it takes it.
      if (tookLast) {
        ASSERT_EQ(lanesOf(m.max_o), held) << where << ", cycle " << cycles;
      }
      tookLast = taking;
      if (taking) {
        held = lanesOf(m.max_o);
        got.push_back(held);
      }
      uint32_t raddr = m.current_raddr_o, cacheRaddr = m.cache_raddr_o;
      if (m.word_o) {
        ++words;
        ASSERT_LT(raddr, uint32_t(depth)) << where;
        ++reads[raddr];
        ASSERT_EQ(cacheRaddr, uint32_t(p.cacheBase) + raddr) << where;
      }
      std::vector<uint64_t> currentData = current[raddr % depth];
      std::vector<uint64_t> cacheData = cache[cacheRaddr % cacheDepth];
      if (m.current_we_o) {
        uint32_t waddr = m.current_waddr_o;
        ASSERT_LT(waddr, uint32_t(depth)) << where;
        // snn_ram leaves a read of the word written undefined.
        ASSERT_FALSE(m.word_o && waddr == raddr) << where;
        ++clears[waddr];
        current[waddr].assign(lanes, 0);
      }
      m.clk_i = 1;
      m.eval();
      m.start_i = 0;
      for (int l = 0; l < lanes; ++l) {
        setBits(m.current_rdata_i, bits * l, bits, currentData[l]);
        setBits(m.cache_rdata_i, bits * l, bits, cacheData[l]);
      }
      m.clk_i = 0;
      m.eval();
      if (!m.busy_o)
        break;
    }
    m.max_ready_i = 0;
    ++cycles; // the start
    totalCycles += cycles;
    ASSERT_LT(cycles, limit) << where << ": never done";
    ASSERT_FALSE(context.gotError()) << where << ": an assertion fired";
    ASSERT_EQ(got.size(), want.size()) << where;
    for (size_t w = 0; w < want.size(); ++w)
      ASSERT_EQ(got[w], want[w]) << where << ", pooled word " << w;
    EXPECT_EQ(words, p.fineWords()) << where;
    for (int a = 0; a < depth; ++a) {
      bool fine = a < p.fineWords();
      ASSERT_EQ(reads[a], fine ? 1 : 0) << where << ", word " << a;
      ASSERT_EQ(clears[a], fine ? 1 : 0) << where << ", word " << a;
      ASSERT_EQ(current[a], fine ? std::vector<uint64_t>(lanes, 0) : initial[a])
          << where << ", word " << a;
    }
    // Where the sweep takes each word at once: the start, the row stride
    // (a cycle per fine column), max(2, qy * qx) cycles per pooled word
    // but the last (qy * qx), and two to drain (the last read's data, the
    // sweep taking the last maximum).
    int64_t window = p.qy * p.qx;
    if (ready == 1.0) {
      EXPECT_EQ(cycles, 1 + p.fineWidth() +
                            (p.words() - 1) * std::max<int64_t>(2, window) +
                            window + 2)
          << where;
    }
    EXPECT_GE(cycles, p.fineWords()) << where;
    // Idle a few cycles between populations, now and then.
    for (int idle = int(rng() % 3); idle > 0; --idle) {
      m.clk_i = 1;
      m.eval();
      m.clk_i = 0;
      m.eval();
    }
  }
  ::testing::Test::RecordProperty("cycles", int(totalCycles));
}

TEST(PoolMax, OneLaneOf32Bits) {
  checkPoolMax<Vpool_max1>(/*lanes=*/1, /*bits=*/32, /*depth=*/1024,
                           /*cacheDepth=*/1024, /*maxExtent=*/4, 1);
}

TEST(PoolMax, FourLanesOf11Bits) {
  checkPoolMax<Vpool_max4>(/*lanes=*/4, /*bits=*/11, /*depth=*/512,
                           /*cacheDepth=*/1024, /*maxExtent=*/4, 2);
}

// ---- In the core ----------------------------------------------------------
// Vcore_pool's parameters (tests/hw/CMakeLists.txt).
constexpr int kLanes = 2, kStateBits = 24, kDecayBits = 8, kCurrentBits = 16;
constexpr int kCurrentDepth = 256, kCacheDepth = 256, kStateDepth = 64;
constexpr int kStateW = kStateBits + 1;

int64_t saturate(int64_t value) {
  int64_t high = (int64_t(1) << (kStateBits - 1)) - 1;
  return std::clamp(value, -high - 1, high);
}

TEST(PoolMaxCore, APooledPopulationThenAPlainOne) {
  std::mt19937_64 rng(7);
  for (int network = 0; network < 40; ++network) {
    CoreBench<Vcore_pool> bench(kLanes, kStateBits, kDecayBits);
    auto &mem = bench.root();
    ASSERT_TRUE(bench.command(bus::CmdClear));
    Pooled p;
    do {
      p.qy = 1 + int(rng() % 3);
      p.qx = 1 + int(rng() % 3);
      p.height = 1 + int(rng() % 3);
      p.width = 1 + int(rng() % 3);
      p.groups = 1 + int(rng() % 2);
    } while (p.fineWords() > kCurrentDepth);
    p.cached = rng() % 2;
    p.cacheBase = int(rng() % (kCacheDepth - p.fineWords() + 1));
    int lastLanes = 1 + int(rng() % kLanes);
    std::string where = "network " + std::to_string(network) + ": " +
                        std::to_string(p.qy) + "x" + std::to_string(p.qx) +
                        " windows, " + std::to_string(p.height) + "x" +
                        std::to_string(p.width) + "x" +
                        std::to_string(p.groups) + (p.cached ? ", cached" : "");

    // Population 1 pools; population 2 (2x2, one lane word) does not.
    const int plainBase = 32, plainParam = 8;
    uint32_t flags = 1u << bus::PopFlagPoolCurrents |
                     uint32_t(p.qy) << bus::PopFlagPoolYShift |
                     uint32_t(p.qx) << bus::PopFlagPoolXShift |
                     (p.cached ? 1u << bus::PopFlagCached : 0);
    bench.writeSweptPop(1, {bus::PopKindLif, p.groups, lastLanes, p.height,
                            p.width, 0, 0, 0, flags, p.cacheBase});
    bench.writeSweptPop(2, {bus::PopKindLif, 1, kLanes, 2, 2, plainBase,
                            plainParam, 128, 0, 0});
    bench.write(bus::address(bus::RegionCtrl, bus::CtrlNumPops), 3);
    bench.write(bus::address(bus::RegionCtrl, bus::CtrlInputCount), 0);
    // No decay: a membrane is its input, current plus bias, saturated.
    std::vector<std::vector<int64_t>> threshold(p.groups), bias(p.groups);
    for (int g = 0; g < p.groups; ++g) {
      for (int l = 0; l < kLanes; ++l) {
        threshold[g].push_back(int64_t(rng() % 40000) - 8000);
        bias[g].push_back(int64_t(rng() % 4000) - 2000);
      }
      bench.writeParams(g, threshold[g], bias[g], 0);
    }
    std::vector<int64_t> plainBias = {int64_t(rng() % 4000) - 2000,
                                      int64_t(rng() % 4000) - 2000};
    bench.writeParams(plainParam, {(1 << 23) - 1, (1 << 23) - 1}, plainBias, 0);
    Memory cache = randomMemory(rng, kCacheDepth, kLanes, kCurrentBits);
    for (int a = 0; a < kCacheDepth; ++a)
      for (int l = 0; l < kLanes; ++l)
        setBits(
            mem.snn_core__DOT__g_cache__DOT__u_cache__DOT__g_block__DOT__mem_q
                [a],
            kCurrentBits * l, kCurrentBits, cache[a][l]);

    for (int step = 0; step < 3; ++step) {
      std::string at = where + ", step " + std::to_string(step);
      Memory current(kCurrentDepth, std::vector<uint64_t>(kLanes, 0));
      for (int a = 0; a < p.fineWords(); ++a)
        for (int l = 0; l < kLanes; ++l) {
          current[a][l] = randomLane(rng, kCurrentBits);
          setBits(mem.snn_core__DOT__u_current__DOT__g_block__DOT__mem_q[a],
                  kCurrentBits * l, kCurrentBits, current[a][l]);
        }
      auto maxima = expectedMaxima(p, current, cache, kLanes, kCurrentBits);
      bench.spikes.clear();
      ASSERT_TRUE(bench.command(bus::CmdStep)) << at;
      ASSERT_FALSE(bench.context.gotError()) << at << ": an assertion fired";

      std::vector<Spike> want;
      for (int m = 0; m < p.words(); ++m) {
        int g = m % p.groups, position = m / p.groups;
        uint64_t word =
            mem.snn_core__DOT__g_state_ram__DOT__u_state__DOT__g_block__DOT__mem_q
                [m];
        for (int l = 0; l < kLanes; ++l) {
          int64_t u = saturate(int64_t(maxima[m][l]) + bias[g][l]);
          // Lanes past the last word's lanes never spike.
          bool spike =
              (g < p.groups - 1 || l < lastLanes) && u > threshold[g][l];
          ASSERT_EQ(
              signExtend(getBits(word, kStateW * l, kStateBits), kStateBits), u)
              << at << ", word " << m << " lane " << l << ", current "
              << maxima[m][l];
          ASSERT_EQ(bool(getBits(word, kStateW * l + kStateBits, 1)), spike)
              << at << ", word " << m << " lane " << l;
          if (spike)
            want.push_back({1, uint32_t(g * kLanes + l),
                            uint32_t(position / p.width),
                            uint32_t(position % p.width)});
        }
      }
      // The plain population found every current cleared.
      for (int n = 0; n < 4; ++n) {
        uint64_t word =
            mem.snn_core__DOT__g_state_ram__DOT__u_state__DOT__g_block__DOT__mem_q
                [plainBase + n];
        for (int l = 0; l < kLanes; ++l)
          ASSERT_EQ(
              signExtend(getBits(word, kStateW * l, kStateBits), kStateBits),
              plainBias[l])
              << at << ", plain word " << n << " lane " << l;
      }
      EXPECT_EQ(bench.spikes, want) << at;
      for (int a = 0; a < kCurrentDepth; ++a)
        ASSERT_EQ(mem.snn_core__DOT__u_current__DOT__g_block__DOT__mem_q[a], 0u)
            << at << ", current word " << a;
      EXPECT_EQ(bench.read(bus::address(bus::RegionCtrl, bus::CtrlSweepWords)),
                uint32_t(p.fineWords() + 4))
          << at;
    }
  }
}

} // namespace
