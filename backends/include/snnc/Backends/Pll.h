//===- Pll.h - the iCE40 PLL's settings for a core clock --------*- C++ -*-===//
//
// The iCE40's PLL (SB_PLL40_PAD, simple feedback) makes
//   F_out = F_in * (DIVF + 1) / ((DIVR + 1) * 2^DIVQ)
// with F_in / (DIVR + 1) (the phase detector) in 10..133 MHz and the VCO
// in 533..1066 MHz, for a requested F_out in 16..275 MHz (Lattice TN1251;
// the same limits and search as icestorm's `icepll`, which
// tests/unit/PllTest.cpp runs against these settings).  `snnc bitstream
// --clock-mhz` uses it.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_BACKENDS_PLL_H
#define SNNC_BACKENDS_PLL_H

#include <cstdint>
#include <optional>
#include <string>

namespace snnc {

struct Ice40Pll {
  int divr = 0, divf = 0, divq = 0, filterRange = 0;
  double inHz = 0, outHz = 0;
  double vcoHz() const { return inHz / (divr + 1) * (divf + 1); }
};

/// The settings whose output is closest to `wantHz` from an `inHz` clock
/// (the first found on a tie, in icepll's order); nothing when icepll
/// refuses too (the input outside 10..133 MHz, the request outside
/// 16..275 MHz).
std::optional<Ice40Pll> ice40Pll(double inHz, double wantHz);

/// The range of a requested output: 16..275 MHz.
constexpr double kIce40PllMinHz = 16e6, kIce40PllMaxHz = 275e6;

/// The SB_PLL40_PAD instance of `pll`, named u_pll, from the pad `pad` to
/// the global net `clock`, its lock on `lock` (SystemVerilog).
std::string emitIce40Pll(const Ice40Pll &pll, const std::string &pad,
                         const std::string &clock, const std::string &lock);

} // namespace snnc

#endif // SNNC_BACKENDS_PLL_H
