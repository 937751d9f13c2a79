//===- Pll.cpp - the iCE40 PLL's settings for a core clock ----------------===//
#include "snnc/Backends/Pll.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace snnc;

namespace {
/// The loop filter's range for a phase-detector frequency (TN1251).
int filterRangeFor(double pfdHz) {
  const double bounds[] = {17e6, 26e6, 44e6, 66e6, 101e6};
  int range = 1;
  for (double bound : bounds) {
    if (pfdHz < bound)
      return range;
    ++range;
  }
  return range;
}
} // namespace

std::optional<Ice40Pll> snnc::ice40Pll(double inHz, double wantHz) {
  // In MHz, in icepll's order and arithmetic, so that equal-looking
  // candidates (100 MHz in: DIVR 2 or 8 for 23.958 MHz) round alike and the
  // choice is icepll's.
  double in = inHz / 1e6, want = wantHz / 1e6;
  if (in < 10 || in > 133 || want < kIce40PllMinHz / 1e6 ||
      want > kIce40PllMaxHz / 1e6)
    return std::nullopt;
  std::optional<Ice40Pll> best;
  double bestOut = 0;
  for (int divr = 0; divr <= 15; ++divr) {
    double pfd = in / (divr + 1);
    if (pfd < 10 || pfd > 133)
      continue;
    for (int divf = 0; divf <= 127; ++divf) {
      double vco = pfd * (divf + 1);
      if (vco < 533 || vco > 1066)
        continue;
      for (int divq = 1; divq <= 6; ++divq) {
        double out = vco * std::exp2(-divq);
        if (best && !(std::fabs(out - want) < std::fabs(bestOut - want)))
          continue;
        bestOut = out;
        best = Ice40Pll{divr, divf,     divq, filterRangeFor(pfd * 1e6),
                        inHz, out * 1e6};
      }
    }
  }
  return best;
}

std::string snnc::emitIce40Pll(const Ice40Pll &pll, const std::string &pad,
                               const std::string &clock,
                               const std::string &lock) {
  return llvm::formatv(
             "  // F_out = {0} MHz * (DIVF + 1) / ((DIVR + 1) * 2^DIVQ) = "
             "{1:F3} MHz (VCO {2:F1} MHz)\n"
             "  SB_PLL40_PAD #(\n"
             "    .FEEDBACK_PATH(\"SIMPLE\"),\n"
             "    .DIVR(4'd{3}),\n"
             "    .DIVF(7'd{4}),\n"
             "    .DIVQ(3'd{5}),\n"
             "    .FILTER_RANGE(3'd{6})\n"
             "  ) u_pll (\n"
             "    .PACKAGEPIN({7}),\n"
             "    .PLLOUTGLOBAL({8}),\n"
             "    .LOCK({9}),\n"
             "    .RESETB(1'b1),\n"
             "    .BYPASS(1'b0)\n"
             "  );\n",
             pll.inHz / 1e6, pll.outHz / 1e6, pll.vcoHz() / 1e6, pll.divr,
             pll.divf, pll.divq, pll.filterRange, pad, clock, lock)
      .str();
}
