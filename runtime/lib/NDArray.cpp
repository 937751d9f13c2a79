//===- NDArray.cpp - dense float32 arrays ---------------------------------===//
#include "snnc/Runtime/NDArray.h"

using namespace snnc;

std::string snnc::shapeString(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

NDArray snnc::sliceSamples(const NDArray &data, size_t axis, int64_t start,
                           int64_t count) {
  int64_t outer = axis ? data.shape[0] : 1, samples = data.shape[axis];
  int64_t per = data.numElements() / (outer * samples);
  NDArray out;
  out.shape = data.shape;
  out.shape[axis] = count;
  for (int64_t o = 0; o < outer; ++o)
    out.data.insert(out.data.end(),
                    data.data.begin() + (o * samples + start) * per,
                    data.data.begin() + (o * samples + start + count) * per);
  return out;
}
