//===- LifUpdateTest.cpp - hw/rtl/snn_lif_update against numerics ---------===//
//
// Drives the Verilator model of the RTL neuron update with random and
// extreme inputs and compares every output with snnc::numerics, the code
// the golden engine runs.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/Numerics.h"

#include "Vlif12.h"
#include "Vlif24.h"
#include "verilated.h"

#include <gtest/gtest.h>

#include <random>

using namespace snnc;

namespace {

int64_t signExtend(uint64_t bits, int width) {
  uint64_t sign = uint64_t(1) << (width - 1);
  bits &= (sign << 1) - 1;
  return int64_t(bits ^ sign) - int64_t(sign);
}

uint32_t raw(int64_t v, int width) {
  return uint32_t(uint64_t(v) & ((uint64_t(1) << width) - 1));
}

template <typename Model>
void checkAgainstNumerics(int stateBits, int decayBits, uint32_t seed) {
  VerilatedContext context;
  Model model{&context};
  std::mt19937_64 rng(seed);
  int64_t hi = (int64_t(1) << (stateBits - 1)) - 1, lo = -hi - 1;
  auto pick = [&](int64_t a, int64_t b) {
    return std::uniform_int_distribution<int64_t>(a, b)(rng);
  };
  for (int trial = 0; trial < 200000; ++trial) {
    // Every fifth case takes an extreme: saturation is where widths break.
    bool extreme = trial % 5 == 0;
    numerics::LIFParams p{};
    p.stateBits = stateBits;
    p.decayBits = decayBits;
    // Thresholds over the whole state range, the ends most of all: the
    // threshold test reads the sum beside the saturation (snn_lif_fire),
    // and the two part where the saturated sum meets the threshold.
    const int64_t edges[] = {hi, hi - 1, 1, 0, -1, lo + 1, lo};
    p.threshold = extreme ? edges[pick(0, 6)] : pick(lo, hi);
    p.bias = extreme ? (pick(0, 1) ? hi : lo + 1) : pick(lo + 1, hi);
    p.decay = pick(0, int64_t(1) << decayBits);
    p.reset = numerics::Reset(pick(0, 2));
    p.fireGe = pick(0, 1);
    int64_t u = extreme ? (pick(0, 1) ? hi : lo) : pick(lo, hi);
    bool fired = pick(0, 1);
    int32_t current =
        extreme ? (pick(0, 1) ? INT32_MAX : INT32_MIN)
                : int32_t(pick(-(int64_t(1) << 20), int64_t(1) << 20));
    // Every seventh case puts the threshold at the new membrane itself,
    // where > and >= part (a subtract reset that reads the threshold may
    // move the membrane off it again: then it is one more random case).
    if (trial % 7 == 1)
      p.threshold = numerics::updateMembrane(u, fired, current, p);
    model.u_i = raw(u, stateBits);
    model.fired_i = fired;
    model.current_i = uint32_t(current);
    model.bias_i = raw(p.bias, stateBits);
    model.threshold_i = raw(p.threshold, stateBits);
    model.decay_i = uint32_t(p.decay);
    model.soft_reset_i = p.reset == numerics::Reset::Soft;
    model.subtract_reset_i = p.reset == numerics::Reset::Subtract;
    model.fire_ge_i = p.fireGe;
    model.eval();
    int64_t want = numerics::updateMembrane(u, fired, current, p);
    ASSERT_EQ(signExtend(model.u_o, stateBits), want)
        << "trial " << trial << ": u " << u << " fired " << fired << " current "
        << current << " bias " << p.bias << " threshold " << p.threshold
        << " decay " << p.decay << " reset " << int(p.reset);
    ASSERT_EQ(bool(model.spike_o), numerics::fires(want, p))
        << "trial " << trial;
  }
}

TEST(LifUpdateRtl, MatchesNumerics24BitState) {
  checkAgainstNumerics<Vlif24>(24, 8, 1);
}

TEST(LifUpdateRtl, MatchesNumerics12BitState) {
  checkAgainstNumerics<Vlif12>(12, 4, 2);
}

} // namespace
