//===- OutputDirectory.h - directories snnc writes ---------------*- C++
//-*-===//
#ifndef SNNC_BACKENDS_OUTPUTDIRECTORY_H
#define SNNC_BACKENDS_OUTPUTDIRECTORY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace snnc {

/// The file of an output directory that lists what snnc wrote there.
inline constexpr const char *kManifestName = ".snnc-manifest";

/// A directory that `snnc emit-verilog -o` or `snnc bitstream -o` writes.
/// snnc writes only into a directory that is missing, empty, or holds its
/// manifest (.snnc-manifest: the command that wrote it and every file it
/// wrote), so that no file of the user's is ever overwritten or deleted: a
/// rerun replaces the manifest's files and leaves every other file alone.
/// The new files are written into a staging directory beside it and moved
/// into place at commit; a failure at any point leaves it as it was.
class OutputDirectory {
public:
  /// Checks `dir` for `command` ("emit-verilog" or "bitstream"): refuses a
  /// path that is not a directory, a non-empty directory without a valid
  /// manifest, and, for emit-verilog, a bitstream's directory (its snn.bin
  /// could not stay in step with new sources).
  static llvm::Expected<OutputDirectory> open(llvm::StringRef dir,
                                              llvm::StringRef command);
  /// Refuses when a file of `names` exists but is not the manifest's: snnc
  /// would overwrite a file it did not write.
  llvm::Error checkNames(llvm::ArrayRef<std::string> names) const;
  /// A new, empty directory beside the output directory (the same file
  /// system, so that commit only renames).
  llvm::Expected<std::string> createStaging() const;
  /// Moves `names` from `staging` into the directory with a new manifest,
  /// removes the previous manifest's other files, and `staging`.  On
  /// failure, everything moved is moved back.
  llvm::Error commit(llvm::StringRef staging,
                     llvm::ArrayRef<std::string> names);

private:
  OutputDirectory() = default;
  std::string dir;     // absolute, normalized: what the file system sees
  std::string display; // as the user wrote it: what messages say
  std::string command;
  bool hasManifest = false;
  std::vector<std::string> previous; // the manifest's files
};

} // namespace snnc

#endif // SNNC_BACKENDS_OUTPUTDIRECTORY_H
