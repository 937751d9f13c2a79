//===- AtomicFile.h - outputs that appear whole or not at all ---*- C++ -*-===//
#ifndef SNNC_RUNTIME_ATOMICFILE_H
#define SNNC_RUNTIME_ATOMICFILE_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace snnc {

/// Writes what `fill` streams to `path` through a unique temporary file
/// beside it (created exclusively, so nothing planted there redirects the
/// write; mode 0666 before the umask), renamed into place only when whole:
/// a failure leaves `path` as it was.  Errors read "PATH: cannot write: ...".
llvm::Error
writeFileAtomically(llvm::StringRef path,
                    llvm::function_ref<void(llvm::raw_ostream &)> fill);

} // namespace snnc

#endif // SNNC_RUNTIME_ATOMICFILE_H
