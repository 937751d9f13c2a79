//===- CoreClock.cpp - the clock a bitstream's core runs at ---------------===//
//
// The board's oscillator, or its PLL (Pll.h): at a frequency the user asks
// for (--clock-mhz F), or the highest that meets timing with margin
// (--clock-mhz auto, Bitstream.cpp).
//
//===----------------------------------------------------------------------===//
#include "snnc/Backends/Bitstream.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace snnc;
using llvm::formatv;

namespace {
llvm::Error clockError(const llvm::Twine &what) {
  return plainError("bitstream: " + what);
}
} // namespace

std::string snnc::mhzText(double hz) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", hz / 1e6);
  return text;
}

llvm::Expected<CoreClock> snnc::planCoreClock(const BoardDescription &board,
                                              double clockHz) {
  CoreClock clock;
  clock.hz = double(board.clockHz);
  if (clockHz == 0 || clockHz == clock.hz)
    return clock;
  std::string mhz = mhzText(clockHz);
  std::string oscillator = mhzText(double(board.clockHz));
  if (board.pll.empty())
    return clockError(formatv("--clock-mhz {0}: {1} has no PLL in its "
                              "description; its clock is the {2} MHz "
                              "oscillator",
                              mhz, board.name, oscillator));
  clock.pll = ice40Pll(double(board.clockHz), clockHz);
  if (!clock.pll)
    return clockError(formatv("--clock-mhz {0}: {1}'s PLL makes 16..275 MHz "
                              "from its {2} MHz oscillator",
                              mhz, board.name, oscillator));
  // The closest setting may miss a request between two of them; a core
  // clock more than 1 % off is not what was asked for.
  if (std::fabs(clock.pll->outHz - clockHz) > 0.01 * clockHz)
    return clockError(formatv("--clock-mhz {0}: the PLL's closest frequency "
                              "is {1:F3} MHz; ask for that",
                              mhz, clock.pll->outHz / 1e6));
  clock.hz = clock.pll->outHz;
  return clock;
}

namespace {
/// Every output the PLL makes from `board`'s oscillator that a design
/// reaching `fmaxHz` runs at with kTimingMargin (none without a PLL).
std::vector<double> outputsWithMargin(const BoardDescription &board,
                                      double fmaxHz) {
  std::vector<double> outputs;
  if (board.pll.empty())
    return outputs;
  double in = double(board.clockHz), limitHz = fmaxHz / kTimingMargin;
  for (int divr = 0; divr <= 15; ++divr)
    for (int divf = 0; divf <= 127; ++divf)
      for (int divq = 1; divq <= 6; ++divq) {
        Ice40Pll candidate{divr, divf, divq, 0, in, 0};
        double pfd = in / (divr + 1), vco = candidate.vcoHz();
        double out = vco / double(1 << divq);
        if (pfd >= 10e6 && pfd <= 133e6 && vco >= 533e6 && vco <= 1066e6 &&
            out >= kIce40PllMinHz && out <= limitHz)
          outputs.push_back(out);
      }
  return outputs;
}

/// The PLL's settings for `hz`, icepll's.
std::optional<CoreClock> pllClock(const BoardDescription &board, double hz) {
  std::optional<Ice40Pll> pll = ice40Pll(double(board.clockHz), hz);
  if (!pll)
    return std::nullopt;
  return CoreClock{pll->outHz, pll};
}
} // namespace

std::optional<CoreClock> snnc::clockWithMargin(const BoardDescription &board,
                                               double fmaxHz) {
  std::vector<double> outputs = outputsWithMargin(board, fmaxHz);
  if (outputs.empty())
    return std::nullopt;
  return pllClock(board, *std::max_element(outputs.begin(), outputs.end()));
}

std::optional<CoreClock> snnc::autoClock(const BoardDescription &board,
                                         double fmaxHz) {
  std::vector<double> outputs = outputsWithMargin(board, fmaxHz);
  if (outputs.empty())
    return std::nullopt;
  double top = *std::max_element(outputs.begin(), outputs.end());
  // Within kLinkWindow of the highest, the setting whose host link is
  // fastest (then the higher): the line carries every byte of every
  // inference, and the FT2232H's rates make it jump (24.75 MHz: 7 clocks a
  // bit, 3.54 Mbaud; 24 MHz: 4, 6 Mbaud).
  auto key = [](double hz) {
    return std::make_pair(hz / double(linkClocksPerBit(hz)), hz);
  };
  double chosen = top;
  for (double hz : outputs)
    if (hz >= kLinkWindow * top && key(hz) > key(chosen))
      chosen = hz;
  return pllClock(board, chosen);
}

double snnc::ft2232hBaud(double baud) {
  // The FT2232H's UART divides 12 MHz (its 120 MHz clock over 10 samples a
  // bit) by 1, 1.5, or 2 and up in eighths; Linux's ftdi_sio rounds a
  // requested rate to the nearest such divisor, as here.  None above 12 M.
  if (baud > kFt2232hMaxBaud * (1 + 1e-9) || baud <= 0)
    return 0;
  int64_t eighths = std::llround(8 * kFt2232hMaxBaud / baud);
  if (eighths != 8 && eighths != 12 && eighths < 16)
    return 0;
  return 8 * kFt2232hMaxBaud / double(eighths);
}

int64_t snnc::linkClocksPerBit(double clockHz) {
  // Four clocks a bit at least (the receiver samples a bit's middle with a
  // clock of margin either side), then the first rate the FT2232H makes
  // within kLinkBaudTolerance: the line is what an inference waits for
  // most, and 3 Mbaud had left two thirds of the FTDI's rates unused.
  for (int64_t clocks = 4;; ++clocks) {
    double baud = clockHz / double(clocks);
    double made = ft2232hBaud(baud);
    if (made > 0 && std::abs(made - baud) <= kLinkBaudTolerance * baud)
      return clocks;
  }
}
