//===- Dataset.h - image and label files for snnc eval ----------*- C++ -*-===//
#ifndef SNNC_RUNTIME_DATASET_H
#define SNNC_RUNTIME_DATASET_H

#include "snnc/Runtime/NDArray.h"

#include "llvm/Support/Error.h"

namespace snnc {

/// Loads images from a float32 .npy file, or from an IDX file (optionally
/// gzip-compressed, as Fashion-MNIST ships).  IDX bytes are scaled to [0, 1]
/// and given a channel dim: [N, H, W] becomes [N, 1, H, W].
llvm::Expected<NDArray> loadImages(llvm::StringRef path);

/// Loads integer labels from a .npy or an IDX (.gz) file.
llvm::Expected<std::vector<int64_t>> loadLabels(llvm::StringRef path);

} // namespace snnc

#endif // SNNC_RUNTIME_DATASET_H
