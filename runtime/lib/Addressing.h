//===- Addressing.h - shared geometry of events and fan-outs ----*- C++ -*-===//
//
// The pieces of docs/numerics.md step 1 that both the golden engine and the
// RTL core's host side compute: population geometry, the kernel taps one
// source row (column) reaches, input pooling and the merging of events
// that land on one pooled address, and gathering one sample's input frames.
// Private to the runtime.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_LIB_ADDRESSING_H
#define SNNC_RUNTIME_LIB_ADDRESSING_H

#include "snnc/Runtime/GoldenEngine.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace snnc::addressing {

/// [C, H, W] of a population (H = W = 1 for [C]).
struct Geometry {
  int64_t c, h, w;
  explicit Geometry(const std::vector<int64_t> &shape)
      : c(shape.empty() ? 0 : shape[0]), h(shape.size() > 1 ? shape[1] : 1),
        w(shape.size() > 2 ? shape[2] : 1) {}
};

/// The (kernel index, output index) pairs that source row (column) `i`
/// reaches along one axis of a convolution.
std::vector<std::pair<int64_t, int64_t>> axisTaps(int64_t i, int64_t out,
                                                  int64_t kernel,
                                                  int64_t stride, int64_t pad,
                                                  int64_t dilation);

/// Input pooling over a [C, H, W] source with a [py, px] window: the pooled
/// row and column of each source row and column (-1 past the last whole
/// window), precomputed so that events need no division.
struct Pooling {
  Pooling(const std::vector<int64_t> &shape, int64_t py, int64_t px);
  int64_t channels, height, width; // the pooled source
  std::vector<int32_t> row, col;
};

/// Events that land on one pooled address merged into one graded event of
/// their summed value, in order of first arrival; dropped past the last
/// whole window, and where the sum is 0.
void mergePooled(const std::vector<GoldenEngine::Event> &events,
                 const Pooling &pooling,
                 std::vector<GoldenEngine::Event> &merged);

/// Sample `n`'s input frames: its one frame (direct encoding, input
/// [N, ...]) or its frame of every step (events, input [T, N, ...]).
void gatherFrames(const NDArray &input, int64_t n, int64_t timesteps,
                  bool events, int64_t frameSize, std::vector<float> &frames);

} // namespace snnc::addressing

#endif // SNNC_RUNTIME_LIB_ADDRESSING_H
