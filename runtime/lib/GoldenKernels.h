//===- GoldenKernels.h - the golden engine's hot loops ----------*- C++ -*-===//
//
// The three loops the golden engine spends its time in, apart so that
// tests can hold each to its definition: the neuron update of a whole
// population (against numerics::updateMembrane), the scan of its spike
// flags into events, and the fan-out of one event into a row of currents.
// Private to the runtime.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_LIB_GOLDENKERNELS_H
#define SNNC_RUNTIME_LIB_GOLDENKERNELS_H

#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/GoldenEngine.h"

#include "Addressing.h"

#include <cstdint>
#include <cstring>
#include <vector>

// The loops below are compiled for the x86-64 baseline, AVX2 and AVX-512
// (x86-64-v4), and the loader picks the clone the CPU runs (GCC's function
// multiversioning).  The integers are the same in every clone.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SNNC_VECTOR_CLONES                                                     \
  __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define SNNC_VECTOR_CLONES
#endif

namespace snnc::golden {

// One event's contribution to a row of contiguous targets, inlined into
// the (cloned) delivery loop.  The 32-bit rows wrap like the core's
// accumulator; the 16-bit rows hold partial sums whose bound the caller
// has proven (GoldenEngine::Accumulator), twice the lanes per instruction.
// Rows go 32 or 16 targets at a time in GCC vector types, which every
// clone lowers to its own instructions (16-bit sums from 16-bit weights:
// a load and an add per AVX-512 or AVX2 register; 32-bit sums from int8
// weights: sign extensions and two adds per 16 targets), the few left
// over one at a time.  Written out because the vectorizer, once these are
// inlined into the delivery loop, falls back to scalar code or converts
// int8 to int32 lane by lane.  Lanes are unsigned so that they wrap by
// definition; the callers read them back as signed.
namespace lanes {
typedef int8_t I8x16 __attribute__((vector_size(16)));
typedef int16_t I16x16 __attribute__((vector_size(32)));
typedef uint16_t U16x16 __attribute__((vector_size(32)));
typedef uint16_t U16x32 __attribute__((vector_size(64)));
typedef int16_t I16x8 __attribute__((vector_size(16)));
typedef int32_t I32x8 __attribute__((vector_size(32)));
typedef uint32_t U32x8 __attribute__((vector_size(32)));

// 16-bit rows take their weights already widened (the engine keeps a
// 16-bit copy of the weights it delivers that way): a load and an add.
template <typename Vec, bool Scale>
[[gnu::always_inline]] inline void addLanes(int16_t *out, const int16_t *w,
                                            int32_t v) {
  Vec sum, add;
  std::memcpy(&add, w, sizeof add);
  std::memcpy(&sum, out, sizeof sum);
  if constexpr (Scale)
    add *= uint16_t(v);
  sum += add;
  std::memcpy(out, &sum, sizeof sum);
}

/// 32 targets: one AVX-512 register (two AVX2 ones).
template <bool Scale>
[[gnu::always_inline]] inline void add32(int16_t *out, const int16_t *w,
                                         int32_t v) {
  addLanes<U16x32, Scale>(out, w, v);
}

template <bool Scale>
[[gnu::always_inline]] inline void add16(int16_t *out, const int16_t *w,
                                         int32_t v) {
  addLanes<U16x16, Scale>(out, w, v);
}

template <bool Scale>
[[gnu::always_inline]] inline void add16(uint32_t *out, const int8_t *w,
                                         int32_t v) {
  I8x16 weights;
  std::memcpy(&weights, w, sizeof weights);
  I16x16 w16 = __builtin_convertvector(weights, I16x16);
  I16x8 half[2];
  std::memcpy(half, &w16, sizeof half);
  for (int h = 0; h < 2; ++h) {
    U32x8 sum, add = U32x8(__builtin_convertvector(half[h], I32x8));
    std::memcpy(&sum, out + 8 * h, sizeof sum);
    if constexpr (Scale)
      add *= uint32_t(v);
    sum += add;
    std::memcpy(out + 8 * h, &sum, sizeof sum);
  }
}
} // namespace lanes

template <typename Sum, bool Scale, typename Weight>
[[gnu::always_inline]] inline void addRowOf(Sum *__restrict out,
                                            const Weight *__restrict w,
                                            int64_t n, int32_t v) {
  int64_t o = 0;
  if constexpr (sizeof(Sum) == 2)
    for (; o + 32 <= n; o += 32)
      lanes::add32<Scale>(out + o, w + o, v);
  for (; o + 16 <= n; o += 16)
    lanes::add16<Scale>(out + o, w + o, v);
  for (; o < n; ++o)
    out[o] = Sum(out[o] + Sum((Scale ? v : 1) * int32_t(w[o])));
}

template <typename Sum, typename Weight>
[[gnu::always_inline]] inline void addRow(Sum *out, const Weight *w,
                                          int64_t n) {
  addRowOf<Sum, false>(out, w, n, 1);
}

template <typename Sum, typename Weight>
[[gnu::always_inline]] inline void addRowScaled(Sum *out, const Weight *w,
                                                int64_t n, int32_t v) {
  addRowOf<Sum, true>(out, w, n, v);
}

/// Moves 16-bit partial sums into the 32-bit currents and clears them.
void flushNarrow(uint32_t *wide, int16_t *narrow, int64_t n);

/// A LIF population's per-channel constants, laid out for the population
/// update, which runs in one of two exact forms:
/// - int32 lanes, where every quantity of docs/numerics.md step 2 fits:
///   r * decay within int32 (state_bits - 1 + decay_bits <= 31; with soft
///   reset, r = u - threshold needs one bit more) and the current clamped
///   to +-2^(state_bits + 2), which changes no result since any current
///   past that saturates the state either way (state_bits <= 28).  This is
///   the default compile (24-bit state, 8-bit decay, hard reset): 8 lanes
///   per AVX2 instruction;
/// - otherwise double lanes: every quantity is an integer below 2^49 in
///   magnitude (a 32-bit state less a threshold, times a decay of at most
///   2^16), so doubles hold each exactly and floor(r * decay *
///   2^-decay_bits) is the arithmetic shift, with no 64-bit multiplies or
///   shifts (AVX2 has neither).
/// A population outside both ranges (`exact` false) takes the scalar
/// definition.
struct LIFLanes {
  std::vector<double> threshold, bias, decay;
  double decayScale = 1, lo = 0, hi = 0;
  bool exact = false;
  std::vector<int32_t> threshold32, bias32, decay32;
  int32_t lo32 = 0, hi32 = 0, currentLimit = 0, decayBits = 0;
  bool fitsInt32 = false;

  explicit LIFLanes(const CorePopulation &pop);
};

/// Step 2 of docs/numerics.md for every neuron of `pop` (channel-last:
/// neuron j is channel j % C): reads this step's currents, updates the
/// membranes and leaves the spike flags (0 or 1) of this step in `spiked`.
void updateLIF(const CorePopulation &pop, const LIFLanes &lanes,
               const uint32_t *current, uint8_t *spiked, int32_t *membrane);

/// Input pooling of docs/numerics.md: the events that land on one pooled
/// address merged into one event of their summed value (none where the sum
/// is 0 or past the last whole window), in pooled neuron order (row,
/// column, channel).  The sums go through `plane`, a channel-last pooled
/// plane that is all zeros before and after (it grows as needed), so the
/// work is one add per event and a scan of the plane, with no search.
/// The max, per channel, of each qy x qx window of `current` (the
/// population's currentShape(), channel-last, as 32-bit two's complement)
/// into `pooled` (its shape): a max pool of the currents before the neuron.
void maxPoolCurrents(const CorePopulation &pop, const uint32_t *current,
                     std::vector<uint32_t> &pooled);

void poolEvents(const std::vector<GoldenEngine::Event> &events,
                const addressing::Pooling &pooling, std::vector<int32_t> &plane,
                std::vector<GoldenEngine::Event> &pooled);

/// Appends one event per set flag of a channel-last [H, W, C] plane, in
/// neuron order (row, column, channel).
void collectSpikes(const uint8_t *spiked, int64_t height, int64_t width,
                   int64_t channels, std::vector<GoldenEngine::Event> &events);

} // namespace snnc::golden

#endif // SNNC_RUNTIME_LIB_GOLDENKERNELS_H
