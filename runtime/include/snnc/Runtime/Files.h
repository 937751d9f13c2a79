//===- Files.h - regular inputs, outputs whole or not at all ----*- C++ -*-===//
#ifndef SNNC_RUNTIME_FILES_H
#define SNNC_RUNTIME_FILES_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>
#include <vector>

namespace snnc {

/// Succeeds if `path` is a regular file; otherwise "PATH: cannot read: ..."
/// or "PATH: not a regular file".  Inputs are checked before they are
/// opened: /dev/zero would be read until memory runs out, a FIFO blocks.
llvm::Error requireRegularFile(llvm::StringRef path);

/// The outputs of one command, written together: each through a unique
/// temporary file beside it (created exclusively, so nothing planted there
/// redirects the write; mode 0666 before the umask), and renamed into place
/// only by commit(), after every one was written whole.  Outputs not
/// committed are removed when the transaction ends, so a failed command
/// leaves every older output as it was.  Errors read "PATH: cannot write:
/// ...".
class OutputTransaction {
public:
  OutputTransaction() = default;
  OutputTransaction(const OutputTransaction &) = delete;
  OutputTransaction &operator=(const OutputTransaction &) = delete;
  ~OutputTransaction();

  /// Writes what `fill` streams into the temporary file of `path`.
  llvm::Error add(llvm::StringRef path,
                  llvm::function_ref<void(llvm::raw_ostream &)> fill);
  /// Renames every output into place.
  llvm::Error commit();

private:
  std::vector<std::pair<std::string, llvm::sys::fs::TempFile>> files;
};

/// One output on its own, as an OutputTransaction of one (a temporary file
/// beside it, mode 0666 before the umask, renamed into place when written
/// whole); "-" is stdout.
llvm::Error
writeFileAtomically(llvm::StringRef path,
                    llvm::function_ref<void(llvm::raw_ostream &)> fill);

} // namespace snnc

#endif // SNNC_RUNTIME_FILES_H
