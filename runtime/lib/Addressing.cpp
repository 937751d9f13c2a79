//===- Addressing.cpp - shared geometry of events and fan-outs ------------===//
#include "Addressing.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace snnc;
using namespace snnc::addressing;

std::vector<std::pair<int64_t, int64_t>>
addressing::axisTaps(int64_t i, int64_t out, int64_t kernel, int64_t stride,
                     int64_t pad, int64_t dilation) {
  std::vector<std::pair<int64_t, int64_t>> taps;
  for (int64_t k = 0; k < kernel; ++k) {
    int64_t t = i + pad - k * dilation;
    if (t >= 0 && t % stride == 0 && t / stride < out)
      taps.emplace_back(k, t / stride);
  }
  return taps;
}

Pooling::Pooling(const std::vector<int64_t> &shape, int64_t py, int64_t px) {
  Geometry src(shape);
  channels = src.c;
  height = src.h / py;
  width = src.w / px;
  for (int64_t y = 0; y < src.h; ++y)
    row.push_back(y / py < height ? int32_t(y / py) : -1);
  for (int64_t x = 0; x < src.w; ++x)
    col.push_back(x / px < width ? int32_t(x / px) : -1);
}

void addressing::mergePooled(const std::vector<GoldenEngine::Event> &events,
                             const Pooling &pooling,
                             std::vector<GoldenEngine::Event> &merged) {
  merged.clear();
  std::vector<int32_t> slot(pooling.channels * pooling.height * pooling.width,
                            -1);
  for (const GoldenEngine::Event &e : events) {
    int32_t y = pooling.row[e.y], x = pooling.col[e.x];
    if (y < 0 || x < 0)
      continue; // rows and columns past the last whole pooling window
    int32_t &at = slot[(e.c * pooling.height + y) * pooling.width + x];
    if (at < 0) {
      at = int32_t(merged.size());
      merged.push_back({e.c, y, x, 0});
    }
    merged[at].value += e.value;
  }
  // Sums of graded values can cancel to 0: no event then.
  llvm::erase_if(merged,
                 [](const GoldenEngine::Event &e) { return e.value == 0; });
}

void addressing::gatherFrames(const NDArray &input, int64_t n,
                              int64_t timesteps, bool events, int64_t frameSize,
                              std::vector<float> &frames) {
  if (!events) {
    frames.assign(input.data.begin() + n * frameSize,
                  input.data.begin() + (n + 1) * frameSize);
    return;
  }
  int64_t samples = input.shape[1];
  frames.resize(timesteps * frameSize);
  for (int64_t t = 0; t < timesteps; ++t)
    std::copy_n(input.data.data() + (t * samples + n) * frameSize, frameSize,
                frames.data() + t * frameSize);
}
