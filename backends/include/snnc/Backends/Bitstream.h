//===- Bitstream.h - the FPGA flow: network to bitstream --------*- C++ -*-===//
//
// `snnc bitstream`: the core emitted for a network (emitVerilog), wrapped
// for a board's pins (Boards.h), synthesized by yosys (synth_ice40), placed
// and routed by nextpnr and packed by icepack.  Every figure of the report
// comes from the tools' own reports; a design that does not fit or misses
// the board's clock is an error naming the stage and the tool's words.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_BACKENDS_BITSTREAM_H
#define SNNC_BACKENDS_BITSTREAM_H

#include "snnc/Backends/Boards.h"
#include "snnc/Runtime/CoreImage.h"

#include "llvm/Support/JSON.h"

namespace snnc {

struct BitstreamOptions {
  std::string dir;    // written: sources, logs, snn.json/.asc/.bin, report
  std::string origin; // the model, for the generated files' headers
  int64_t seed = 1;   // nextpnr's placement seed
  /// The core's clock: 0 for the board's oscillator, else the closest the
  /// board's PLL makes (Pll.h), refused where it has none.
  double clockHz = 0;
  /// Instead: the PLL's highest setting that place and route meets with
  /// kTimingMargin (a first run on the oscillator measures the Fmax).
  bool autoClock = false;
};

/// The margin `--clock-mhz auto` keeps: Fmax at least 5 % above the clock.
constexpr double kTimingMargin = 1.05;

/// The clock a bitstream runs at: the oscillator's, or a PLL's output.
struct CoreClock {
  double hz = 0;
  std::optional<Ice40Pll> pll;
};

/// What `options.clockHz` gives on `board` (the PLL's closest frequency),
/// or why it cannot.
llvm::Expected<CoreClock> planCoreClock(const BoardDescription &board,
                                        double clockHz);

/// The PLL's highest output from `board`'s oscillator that a design
/// reaching `fmaxHz` runs at with kTimingMargin (icepll's settings for
/// it); nothing without a PLL or below the PLL's 16 MHz.
std::optional<CoreClock> clockWithMargin(const BoardDescription &board,
                                         double fmaxHz);

/// How far below the highest setting `--clock-mhz auto` looks for a faster
/// host link.
constexpr double kLinkWindow = 0.95;

/// `--clock-mhz auto`'s setting for a design reaching `fmaxHz`: within
/// kLinkWindow of clockWithMargin's, the one whose host link runs fastest
/// (linkClocksPerBit), then the highest.
std::optional<CoreClock> autoClock(const BoardDescription &board,
                                   double fmaxHz);

/// The FT2232H's fastest UART rate (12 MHz over a divisor of 1).
constexpr double kFt2232hMaxBaud = 12e6;
/// How far the board's line may be from the rate the FT2232H makes for
/// it: 1 % is 0.1 bit over a frame's 10 bits, inside the half bit less a
/// clock that four clocks a bit leave.
constexpr double kLinkBaudTolerance = 0.01;

/// The rate the FT2232H makes when asked for `baud` (12 MHz / d, d = 1,
/// 1.5, or 2 and up in eighths, the nearest to the request), or 0 if it
/// makes none (above 12 Mbaud).
double ft2232hBaud(double baud);

/// Clocks per bit of the host link's UART at `clockHz`: at least 4, and
/// the fewest whose rate the FT2232H makes within kLinkBaudTolerance
/// (12 MHz: 4, 3 Mbaud; 21.375 MHz: 4, 5.34 Mbaud against the FTDI's
/// 5.33; 20.625 MHz: 6, 3.44 Mbaud).
int64_t linkClocksPerBit(double clockHz);

/// "16.5" for 16.5 MHz: frequencies as people write them, for messages.
std::string mhzText(double hz);

/// Runs the flow; returns report.json's contents (also written to DIR).
/// DIR is an OutputDirectory (VerilogEmitter.h): refused, before
/// synthesis, unless it is new, empty or snnc's.  The tools run by their
/// argv, no shell, in a private temporary directory whose path is snnc's
/// own (yosys scripts cannot quote a path); the files move into DIR when
/// the flow succeeded.  On failure DIR is as it was, and the temporary
/// directory keeps only the tools' logs (the error names the one to read).
llvm::Expected<llvm::json::Value>
buildBitstream(const CoreParams &params, const CoreImage &image,
               const BoardDescription &board, const BitstreamOptions &options);

/// The report for people: one line per resource, Fmax, stage times.
void printBitstreamReport(const llvm::json::Value &report,
                          llvm::raw_ostream &os);

/// The line of a tool's log that states its error (`ERROR:` lines first,
/// then Verilator's `%Error`, make's `***` and compilers' `error:`; never
/// a line that only relays a failure below, nor the closing counts), else
/// its last line; for messages.
std::string lastErrorLine(llvm::StringRef log);

/// `snnc flash DIR`: programs DIR/snn.bin with the board's programmer; a
/// failure says the programmer's reason and its log (DIR/flash.log).
llvm::Error flashBitstream(llvm::StringRef dir);

} // namespace snnc

#endif // SNNC_BACKENDS_BITSTREAM_H
