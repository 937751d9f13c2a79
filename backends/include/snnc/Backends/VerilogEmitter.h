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

/// Writes the core for `params` into `dir` (created if missing).  With an
/// `image`, also its memory images (`*.hex`, $readmemh format) and the
/// bus writes that load it (`load.txt`: address data, hex).  `link` is
/// the board top's serial link (the bitstream flow passes its board's).
llvm::Error emitVerilog(const CoreParams &params, const CoreImage *image,
                        llvm::StringRef origin, llvm::StringRef dir,
                        const BoardLinkParams &link = BoardLinkParams());

/// emitVerilog for `snnc emit-verilog -o DIR`: written into a staging
/// directory beside `dir` and renamed into place whole, so that a failure
/// leaves no half-written core.  An older core in `dir` (one with
/// snn_top.sv) is replaced; any other non-empty directory is refused.
llvm::Error emitVerilogDirectory(const CoreParams &params,
                                 const CoreImage *image, llvm::StringRef origin,
                                 llvm::StringRef dir);

} // namespace snnc

#endif // SNNC_BACKENDS_VERILOGEMITTER_H
