//===- Package.h - the compiled package (.snnpkg) ---------------*- C++ -*-===//
//
// A versioned, checksummed container for a CoreNetwork; the layout is in
// runtime/proto/snnc_package.proto.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_PACKAGE_H
#define SNNC_RUNTIME_PACKAGE_H

#include "snnc/Runtime/CoreNetwork.h"

#include "llvm/Support/Error.h"

namespace snnc {

/// The package format this build writes and reads.
constexpr uint32_t kPackageFormatVersion = 1;

/// Writes `network` atomically: a failure leaves no partial file.
llvm::Error writePackage(llvm::StringRef path, const CoreNetwork &network);

/// Serializes `network` into package bytes (header and payload).
std::string encodePackage(const CoreNetwork &network);

/// Reads and validates a package; errors name the file and the problem
/// (truncated, corrupted, other version, inconsistent contents).
llvm::Expected<CoreNetwork> readPackage(llvm::StringRef path);
llvm::Expected<CoreNetwork> decodePackage(llvm::StringRef bytes);

} // namespace snnc

#endif // SNNC_RUNTIME_PACKAGE_H
