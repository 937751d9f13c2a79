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
#include <utility>
#include <vector>

namespace snnc {

/// A file of the core: RTL, lint waivers and the simulator harness.
struct EmbeddedFile {
  const char *name, *contents;
};
llvm::ArrayRef<EmbeddedFile> coreSources();

/// The build recipe (make sim, lint, synth).
std::string coreMakefile();

/// snn_core's synthesis choices (its *Spram parameters) and their values.
using MemoryChoices = std::vector<std::pair<std::string, int64_t>>;

/// The top level `snn_top`: snn_core with `params` (and `choices`, the
/// bitstream flow's: every simulation of its directory, RTL or gate-level,
/// then runs the core the bitstream holds).
std::string emitTopModule(const CoreParams &params, llvm::StringRef origin,
                          const MemoryChoices &choices = {});

/// The serial link of a board top: the board clock and the UART timing.
struct BoardLinkParams {
  int64_t clockHz = 12000000;
  int64_t clksPerBit = 4; // 3 Mbaud at 12 MHz (linkClocksPerBit)
  int64_t bufferBytes = 1024;
  /// The bitstream's memory placement (placeInSpram), for snn_top.
  MemoryChoices memoryChoices;
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

/// emitVerilog for `snnc emit-verilog -o DIR`, through OutputDirectory:
/// refused unless DIR is new, empty or snnc's; written whole or not at all.
llvm::Error emitVerilogDirectory(const CoreParams &params,
                                 const CoreImage *image, llvm::StringRef origin,
                                 llvm::StringRef dir);

} // namespace snnc

#endif // SNNC_BACKENDS_VERILOGEMITTER_H
