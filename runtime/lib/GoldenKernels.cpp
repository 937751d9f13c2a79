//===- GoldenKernels.cpp - the golden engine's hot loops ------------------===//
#include "GoldenKernels.h"

#include "snnc/Runtime/Numerics.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

using namespace snnc;
using namespace snnc::golden;
using numerics::Reset;

LIFLanes::LIFLanes(const CorePopulation &pop) {
  int64_t channels = pop.channels();
  // The bounds of the comment in the header: |r| <= 2^32 and decay <= 2^16
  // keep r * decay below 2^48.
  exact = pop.stateBits >= 2 && pop.stateBits <= 32 && pop.decayBits >= 0 &&
          pop.decayBits <= 16 && int64_t(pop.threshold.size()) == channels &&
          int64_t(pop.bias.size()) == channels &&
          int64_t(pop.decay.size()) == channels;
  if (!exact)
    return;
  int64_t limit = int64_t(1) << (pop.stateBits - 1);
  for (int64_t c = 0; c < channels; ++c) {
    exact = exact && pop.decay[c] >= 0 &&
            pop.decay[c] <= (int64_t(1) << pop.decayBits) &&
            std::abs(pop.threshold[c]) <= limit &&
            std::abs(pop.bias[c]) <= limit;
    threshold.push_back(double(pop.threshold[c]));
    bias.push_back(double(pop.bias[c]));
    decay.push_back(double(pop.decay[c]));
  }
  decayScale = std::ldexp(1.0, -int(pop.decayBits));
  hi = double(limit - 1);
  lo = -double(limit);
  int64_t rBits = pop.reset == Reset::Soft ? pop.stateBits : pop.stateBits - 1;
  fitsInt32 = exact && pop.stateBits <= 28 && rBits + pop.decayBits <= 31;
  if (!fitsInt32)
    return;
  for (int64_t c = 0; c < channels; ++c) {
    threshold32.push_back(int32_t(pop.threshold[c]));
    bias32.push_back(int32_t(pop.bias[c]));
    decay32.push_back(int32_t(pop.decay[c]));
  }
  hi32 = int32_t(limit - 1);
  lo32 = int32_t(-limit);
  currentLimit = int32_t(int64_t(1) << (pop.stateBits + 2));
  decayBits = int32_t(pop.decayBits);
}

namespace {
/// The update of header's LIFLanes: numerics::updateMembrane and
/// numerics::fires, one channel-last position at a time so that the
/// per-channel constants are contiguous and the channel loop vectorizes.
/// `Lane` is int32_t or double; the two forms differ only in the decay's
/// shift (an arithmetic shift, or floor of a product by 2^-decay_bits) and
/// in the int32 form's clamp of the current.
template <typename Lane, Reset ResetMode, bool FireGe>
[[gnu::always_inline]] inline void
updateLanes(const LIFLanes &k, const Lane *__restrict threshold,
            const Lane *__restrict bias, const Lane *__restrict decay, Lane lo,
            Lane hi, int64_t plane, int64_t channels,
            const uint32_t *__restrict current, uint8_t *__restrict spiked,
            int32_t *__restrict membrane) {
  constexpr bool Integer = std::is_same_v<Lane, int32_t>;
  double scale = k.decayScale;
  int32_t limit = k.currentLimit, shift = k.decayBits;
  for (int64_t pos = 0; pos < plane; ++pos) {
    for (int64_t c = 0; c < channels; ++c) {
      Lane u = Lane(membrane[c]);
      bool fired = spiked[c] != 0;
      Lane r = u, after = 0;
      if constexpr (ResetMode == Reset::Hard)
        r = fired ? Lane(0) : u;
      else if constexpr (ResetMode == Reset::Soft)
        r = fired ? u - threshold[c] : u;
      else
        after = fired ? threshold[c] : Lane(0);
      int32_t in = int32_t(current[c]);
      Lane decayed;
      if constexpr (Integer) {
        in = in < -limit ? -limit : (in > limit ? limit : in);
        decayed = (r * decay[c]) >> shift;
      } else {
        decayed = std::floor(r * decay[c] * scale);
      }
      Lane v = decayed - after + Lane(in) + bias[c];
      v = v < lo ? lo : (v > hi ? hi : v);
      membrane[c] = int32_t(v);
      spiked[c] = FireGe ? v >= threshold[c] : v > threshold[c];
    }
    current += channels;
    spiked += channels;
    membrane += channels;
  }
}

/// The definition itself, for populations outside the exact range.
void updateScalar(const CorePopulation &pop, const uint32_t *current,
                  uint8_t *spiked, int32_t *membrane) {
  int64_t channels = pop.channels();
  for (int64_t j = 0; j < pop.size(); ++j) {
    int64_t c = j % channels;
    numerics::LIFParams params{pop.threshold[c], pop.bias[c],   pop.decay[c],
                               pop.decayBits,    pop.stateBits, pop.reset,
                               pop.fireGe};
    int64_t u = numerics::updateMembrane(membrane[j], spiked[j] != 0,
                                         int32_t(current[j]), params);
    membrane[j] = int32_t(u);
    spiked[j] = numerics::fires(u, params);
  }
}

/// One non-template entry per mode, so that each gets its vector clones.
#define SNNC_LANES(NAME, MODE, GE)                                             \
  SNNC_VECTOR_CLONES void NAME(const LIFLanes &k, int64_t plane,               \
                               int64_t channels, const uint32_t *current,      \
                               uint8_t *spiked, int32_t *membrane) {           \
    if (k.fitsInt32)                                                           \
      updateLanes<int32_t, MODE, GE>(k, k.threshold32.data(), k.bias32.data(), \
                                     k.decay32.data(), k.lo32, k.hi32, plane,  \
                                     channels, current, spiked, membrane);     \
    else                                                                       \
      updateLanes<double, MODE, GE>(k, k.threshold.data(), k.bias.data(),      \
                                    k.decay.data(), k.lo, k.hi, plane,         \
                                    channels, current, spiked, membrane);      \
  }
SNNC_LANES(updateHardGt, Reset::Hard, false)
SNNC_LANES(updateHardGe, Reset::Hard, true)
SNNC_LANES(updateSoftGt, Reset::Soft, false)
SNNC_LANES(updateSoftGe, Reset::Soft, true)
SNNC_LANES(updateSubtractGt, Reset::Subtract, false)
SNNC_LANES(updateSubtractGe, Reset::Subtract, true)
#undef SNNC_LANES
} // namespace

void golden::updateLIF(const CorePopulation &pop, const LIFLanes &lanes,
                       const uint32_t *current, uint8_t *spiked,
                       int32_t *membrane) {
  if (!lanes.exact)
    return updateScalar(pop, current, spiked, membrane);
  int64_t plane = pop.plane(), channels = pop.channels();
  auto *update = updateHardGt;
  switch (pop.reset) {
  case Reset::Hard:
    update = pop.fireGe ? updateHardGe : updateHardGt;
    break;
  case Reset::Soft:
    update = pop.fireGe ? updateSoftGe : updateSoftGt;
    break;
  case Reset::Subtract:
    update = pop.fireGe ? updateSubtractGe : updateSubtractGt;
    break;
  }
  update(lanes, plane, channels, current, spiked, membrane);
}

SNNC_VECTOR_CLONES
void golden::flushNarrow(uint32_t *__restrict wide, int16_t *__restrict narrow,
                         int64_t n) {
  for (int64_t o = 0; o < n; ++o) {
    wide[o] += uint32_t(int32_t(narrow[o]));
    narrow[o] = 0;
  }
}

static constexpr bool LittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

void golden::collectSpikes(const uint8_t *spiked, int64_t height, int64_t width,
                           int64_t channels,
                           std::vector<GoldenEngine::Event> &events) {
  // Flags are 0 or 1, so a zero word skips eight neurons and clearing a
  // word's lowest set bit removes one spike (the first byte is the lowest
  // on a little-endian machine; elsewhere the byte loop does all).
  for (int32_t y = 0; y < height; ++y)
    for (int32_t x = 0; x < width; ++x, spiked += channels) {
      int64_t c = 0;
      for (; LittleEndian && c + 8 <= channels; c += 8) {
        uint64_t word;
        std::memcpy(&word, spiked + c, 8);
        for (; word; word &= word - 1) {
          int32_t channel = int32_t(c) + (__builtin_ctzll(word) >> 3);
          events.push_back({channel, y, x, 1});
        }
      }
      for (; c < channels; ++c)
        if (spiked[c])
          events.push_back({int32_t(c), y, x, 1});
    }
}

void golden::poolEvents(const std::vector<GoldenEngine::Event> &events,
                        const addressing::Pooling &pooling,
                        std::vector<int32_t> &plane,
                        std::vector<GoldenEngine::Event> &pooled) {
  int64_t channels = pooling.channels, width = pooling.width;
  size_t size = size_t(channels * pooling.height * width);
  if (plane.size() < size)
    plane.resize(size, 0);
  pooled.clear();
  int32_t firstRow = INT32_MAX, lastRow = -1;
  for (const GoldenEngine::Event &e : events) {
    int32_t y = pooling.row[e.y], x = pooling.col[e.x];
    if (y < 0 || x < 0)
      continue; // rows and columns past the last whole pooling window
    plane[(y * width + x) * channels + e.c] += e.value;
    firstRow = std::min(firstRow, y);
    lastRow = std::max(lastRow, y);
  }
  // Rows no event reached are all zeros.  The scan writes every sum and
  // keeps the non-zero ones, without a branch: about half are non-zero,
  // which a branch would mispredict.
  if (lastRow < 0)
    return;
  size_t count = 0;
  pooled.resize(size_t((lastRow - firstRow + 1) * width * channels));
  GoldenEngine::Event *out = pooled.data();
  for (int32_t y = firstRow; y <= lastRow; ++y)
    for (int32_t x = 0; x < width; ++x) {
      int32_t *sums = plane.data() + (y * width + x) * channels;
      for (int32_t c = 0; c < channels; ++c) {
        out[count] = {c, y, x, sums[c]};
        count += sums[c] != 0;
        sums[c] = 0;
      }
    }
  pooled.resize(count);
}

void golden::maxPoolCurrents(const CorePopulation &pop, const uint32_t *current,
                             std::vector<uint32_t> &pooled) {
  int64_t c = pop.shape[0], h = pop.shape[1], w = pop.shape[2];
  int64_t qy = pop.currentPool[0], qx = pop.currentPool[1];
  int64_t gridRow = w * qx * c; // currents of one row of the finer grid
  pooled.resize(size_t(pop.size()));
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      uint32_t *out = pooled.data() + (y * w + x) * c;
      const uint32_t *first = current + (y * qy) * gridRow + (x * qx) * c;
      for (int64_t k = 0; k < c; ++k)
        out[k] = first[k];
      for (int64_t i = 0; i < qy; ++i)
        for (int64_t j = 0; j < qx; ++j) {
          const uint32_t *at = first + i * gridRow + j * c;
          for (int64_t k = 0; k < c; ++k)
            if (int32_t(at[k]) > int32_t(out[k]))
              out[k] = at[k];
        }
    }
}
