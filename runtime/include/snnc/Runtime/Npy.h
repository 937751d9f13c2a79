//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
#ifndef SNNC_RUNTIME_NPY_H
#define SNNC_RUNTIME_NPY_H

#include "snnc/Runtime/NDArray.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace snnc {

/// Reads a C-order little-endian float32 .npy file.
llvm::Expected<NDArray> readNpy(llvm::StringRef path);

/// Reads a 1-D integer .npy file (int64, int32 or uint8), e.g. labels.
llvm::Expected<std::vector<int64_t>> readNpyIntegers(llvm::StringRef path);

/// Streams `array` as a float32 .npy file.
void encodeNpy(const NDArray &array, llvm::raw_ostream &out);

/// Writes a float32 .npy file atomically: a failure leaves no partial file.
llvm::Error writeNpy(llvm::StringRef path, const NDArray &array);

} // namespace snnc

#endif // SNNC_RUNTIME_NPY_H
