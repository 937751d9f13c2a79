//===- NDArray.h - a dense float32 array ------------------------*- C++ -*-===//
#ifndef SNNC_RUNTIME_NDARRAY_H
#define SNNC_RUNTIME_NDARRAY_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snnc {

/// A dense row-major float32 array: what engines take and return.
struct NDArray {
  std::vector<int64_t> shape;
  std::vector<float> data;

  static int64_t product(const std::vector<int64_t> &dims) {
    int64_t count = 1;
    for (int64_t dim : dims)
      count *= dim;
    return count;
  }
  /// The product of dims from a file: nothing if a dim is negative or the
  /// product leaves int64 (checked before anything is allocated).
  static std::optional<int64_t>
  checkedProduct(const std::vector<int64_t> &dims) {
    int64_t count = 1;
    for (int64_t dim : dims)
      if (dim < 0 || (dim != 0 && count > INT64_MAX / dim))
        return std::nullopt;
      else
        count *= dim;
    return count;
  }
  int64_t numElements() const { return product(shape); }
};

/// "[2, 3, 4]", for messages.
std::string shapeString(const std::vector<int64_t> &shape);

/// Samples [start, start + count) of `data`, whose samples run along `axis`
/// (0 for [N, ...], 1 for event frames [T, N, ...]).
NDArray sliceSamples(const NDArray &data, size_t axis, int64_t start,
                     int64_t count);

} // namespace snnc

#endif // SNNC_RUNTIME_NDARRAY_H
