//===- VerilogEmitter.h - the core specialized to a network -----*- C++ -*-===//
//
// `snnc emit-verilog`: a directory with the top level (snn_core with the
// network's lanes, widths and memory depths), the core's RTL, memory images,
// the host-bus configuration program and a Makefile (sim, lint, synth).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_BACKENDS_VERILOGEMITTER_H
#define SNNC_BACKENDS_VERILOGEMITTER_H

#include "snnc/Runtime/CoreImage.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace snnc {

/// A file of the core: RTL, lint waivers and the simulator harness.
struct EmbeddedFile {
  const char *name, *contents;
};
llvm::ArrayRef<EmbeddedFile> coreSources();
/// backends/boards/*.json.
llvm::ArrayRef<EmbeddedFile> boardFiles();

/// The build recipe (make sim, lint, synth).
std::string coreMakefile();

/// The top level `snn_top`: snn_core with `params`.
std::string emitTopModule(const CoreParams &params, llvm::StringRef origin);

/// The serial link of a board top: the board clock and the UART timing.
struct BoardLinkParams {
  int64_t clockHz = 12000000;
  int64_t clksPerBit = 4; // 3 Mbaud at 12 MHz, the FT2232H's fastest
  int64_t bufferBytes = 1024;
};

/// The board top `snn_board`: snn_top behind the serial link (snn_link).
std::string emitBoardTop(const CoreParams &params, const BoardLinkParams &link,
                         llvm::StringRef origin);

/// `text` (a model's path, a board's name) made safe for a comment of a
/// generated file: printable ASCII stays, every other byte and the
/// backslash become `\xNN`, so that no file name can end a `//` comment
/// and start code.
std::string escapeUserText(llvm::StringRef text);

/// One file of an output directory: its path inside it and its contents.
struct GeneratedFile {
  std::string name, contents;
};

/// Every file emitVerilog writes, rendered in memory.
llvm::Expected<std::vector<GeneratedFile>>
renderCore(const CoreParams &params, const CoreImage *image,
           llvm::StringRef origin,
           const BoardLinkParams &link = BoardLinkParams());

/// Writes `files` under `dir`, creating directories as needed.
llvm::Error writeFiles(llvm::StringRef dir,
                       llvm::ArrayRef<GeneratedFile> files);

/// Writes the core for `params` into `dir` (created if missing).  With an
/// `image`, also its memory images (`*.hex`, $readmemh format) and the
/// bus writes that load it (`load.txt`: address data, hex).  `link` is
/// the board top's serial link (the bitstream flow passes its board's).
llvm::Error emitVerilog(const CoreParams &params, const CoreImage *image,
                        llvm::StringRef origin, llvm::StringRef dir,
                        const BoardLinkParams &link = BoardLinkParams());

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

/// emitVerilog for `snnc emit-verilog -o DIR`, through OutputDirectory:
/// refused unless DIR is new, empty or snnc's; written whole or not at all.
llvm::Error emitVerilogDirectory(const CoreParams &params,
                                 const CoreImage *image, llvm::StringRef origin,
                                 llvm::StringRef dir);

} // namespace snnc

#endif // SNNC_BACKENDS_VERILOGEMITTER_H
