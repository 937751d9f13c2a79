//===- Limits.h - the resources one command may take ------------*- C++ -*-===//
//
// Models, packages and inputs come from other people.  Everything sized by
// a file is checked against these bounds before it is allocated, so a
// hostile file fails with one line instead of exhausting the machine
// (docs/reliability.md).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_LIMITS_H
#define SNNC_RUNTIME_LIMITS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace snnc {

/// The default memory limit: half the machine's physical memory, and no
/// more than three quarters of an address-space or data limit (ulimit -v,
/// ulimit -d) set on the process.
uint64_t defaultMemoryLimit();

/// The limit in force: the default until setMemoryLimit (--max-memory).
uint64_t memoryLimit();
void setMemoryLimit(uint64_t bytes);

/// Fails with "WHAT needs about X, more than the memory limit of Y (raise it
/// with --max-memory)" when `bytes` is above the limit.
llvm::Error checkMemory(uint64_t bytes, const llvm::Twine &what);

/// Adds and multiplies byte counts, saturating at UINT64_MAX: an estimate
/// of a hostile network is "too much", never a wrapped small number.
uint64_t addBytes(uint64_t a, uint64_t b);
uint64_t mulBytes(uint64_t a, uint64_t b);

/// "1.5 GiB", "640 KiB", "12 B".
std::string formatBytes(uint64_t bytes);

/// Parses "4096", "512K", "300M", "2G", "1.5G" (powers of 1024).
llvm::Expected<uint64_t> parseByteSize(llvm::StringRef text);

} // namespace snnc

#endif // SNNC_RUNTIME_LIMITS_H
