//===- PllTest.cpp - the iCE40 PLL settings against icestorm's icepll -----===//
//
// ice40Pll must choose exactly what `icepll -i IN -o OUT` chooses (the tool
// every iCE40 user checks a PLL with): the same DIVR, DIVF, DIVQ and
// FILTER_RANGE, hence the same frequency, over a sweep of requests.
//
//===----------------------------------------------------------------------===//
#include "snnc/Backends/Pll.h"
#include "snnc/Backends/Bitstream.h"
#include "snnc/Backends/Boards.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace snnc;

namespace {
struct IcepllAnswer {
  int divr = -1, divf = -1, divq = -1, filterRange = -1;
  double outMhz = 0;
};

/// icepll's choice, parsed from its report; nothing when it refuses.
std::optional<IcepllAnswer> icepll(double inMhz, double outMhz) {
  auto program = llvm::sys::findProgramByName("icepll");
  EXPECT_TRUE(bool(program)) << "icepll (fpga-icestorm) is not installed; "
                                "scripts/setup.sh installs it";
  if (!program)
    return std::nullopt;
  llvm::SmallString<128> log;
  llvm::sys::fs::createTemporaryFile("icepll", "txt", log);
  std::string in = llvm::formatv("{0:F6}", inMhz).str();
  std::string out = llvm::formatv("{0:F6}", outMhz).str();
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(),
                                                log.str()};
  int rc = llvm::sys::ExecuteAndWait(*program, {"icepll", "-i", in, "-o", out},
                                     std::nullopt, redirects);
  auto text = llvm::MemoryBuffer::getFile(log);
  llvm::sys::fs::remove(log);
  if (rc != 0 || !text)
    return std::nullopt;
  IcepllAnswer answer;
  llvm::StringRef report = (*text)->getBuffer();
  auto field = [&](const char *name, int &value) {
    llvm::SmallVector<llvm::StringRef> match;
    if (llvm::Regex(llvm::formatv("{0}: *([0-9]+)", name).str())
            .match(report, &match))
      match[1].getAsInteger(10, value);
  };
  field("DIVR", answer.divr);
  field("DIVF", answer.divf);
  field("DIVQ", answer.divq);
  field("FILTER_RANGE", answer.filterRange);
  llvm::SmallVector<llvm::StringRef> achieved;
  if (llvm::Regex("F_PLLOUT: *([0-9.]+) MHz \\(achieved\\)")
          .match(report, &achieved))
    achieved[1].getAsDouble(answer.outMhz);
  return answer;
}

void expectSameAsIcepll(double inMhz, double outMhz) {
  std::optional<Ice40Pll> ours = ice40Pll(inMhz * 1e6, outMhz * 1e6);
  std::optional<IcepllAnswer> theirs = icepll(inMhz, outMhz);
  ASSERT_TRUE(ours && theirs) << inMhz << " -> " << outMhz;
  EXPECT_EQ(ours->divr, theirs->divr) << inMhz << " -> " << outMhz;
  EXPECT_EQ(ours->divf, theirs->divf) << inMhz << " -> " << outMhz;
  EXPECT_EQ(ours->divq, theirs->divq) << inMhz << " -> " << outMhz;
  EXPECT_EQ(ours->filterRange, theirs->filterRange)
      << inMhz << " -> " << outMhz;
  // icepll prints three decimals.
  EXPECT_NEAR(ours->outHz / 1e6, theirs->outMhz, 0.00051)
      << inMhz << " -> " << outMhz;
}
} // namespace

TEST(Ice40Pll, MatchesIcepllFromTheBoardOscillator) {
  // The iCEBreaker's and the HX8K breakout's 12 MHz, every 1/8 MHz from
  // the PLL's lowest output up to 40 MHz, then coarser.
  for (double mhz = 16; mhz <= 40; mhz += 0.125)
    expectSameAsIcepll(12, mhz);
  for (double mhz : {48.0, 60.0, 75.5, 100.0, 133.0, 200.0, 275.0})
    expectSameAsIcepll(12, mhz);
}

TEST(Ice40Pll, MatchesIcepllFromOtherInputs) {
  for (double in : {10.0, 25.0, 27.0, 100.0})
    for (double mhz : {16.0, 24.0, 30.0, 48.0, 96.0})
      expectSameAsIcepll(in, mhz);
}

TEST(Ice40Pll, KnownSettings) {
  // 24 MHz from 12 MHz: VCO 768 MHz / 32.
  std::optional<Ice40Pll> pll = ice40Pll(12e6, 24e6);
  ASSERT_TRUE(pll);
  EXPECT_EQ(pll->divr, 0);
  EXPECT_EQ(pll->divf, 63);
  EXPECT_EQ(pll->divq, 5);
  EXPECT_EQ(pll->filterRange, 1);
  EXPECT_DOUBLE_EQ(pll->outHz, 24e6);
  // Refused as icepll refuses: a request below 16 MHz, an input below
  // the phase detector's 10 MHz.
  EXPECT_FALSE(ice40Pll(12e6, 15e6));
  EXPECT_FALSE(icepll(12, 15));
  EXPECT_FALSE(ice40Pll(5e6, 24e6));
}

TEST(CoreClock, PlansThePllForTheBoard) {
  auto board = findBoard("icebreaker");
  ASSERT_TRUE(bool(board)) << llvm::toString(board.takeError());
  // The oscillator needs no PLL; 16.5 MHz is one of the PLL's settings.
  auto oscillator = planCoreClock(*board, 0);
  ASSERT_TRUE(bool(oscillator));
  EXPECT_FALSE(oscillator->pll);
  EXPECT_EQ(oscillator->hz, 12e6);
  auto pll = planCoreClock(*board, 16.5e6);
  ASSERT_TRUE(bool(pll)) << llvm::toString(pll.takeError());
  ASSERT_TRUE(pll->pll);
  EXPECT_EQ(pll->hz, 16.5e6);
  EXPECT_EQ(pll->pll->divf, 87);
  EXPECT_EQ(pll->pll->divq, 6);
  // The UART runs at least 4 clocks a bit, at the first rate the FT2232H
  // makes within 1 %: 12 MHz / 4 = 3 M and 24 MHz / 4 = 6 M exactly;
  // 16.5 MHz / 4 = 4.125 M is 1.2 % from the FTDI's 4.174 M, / 5 = 3.3 M
  // is 0.3 % from its 3.310 M; 21.375 MHz / 4 against 5.333 M (0.2 %);
  // 20.625 MHz: / 4 and / 5 are 2 % and 1.2 % off, / 6 0.3 %.
  EXPECT_EQ(linkClocksPerBit(12e6), 4);
  EXPECT_EQ(linkClocksPerBit(16.5e6), 5);
  EXPECT_EQ(linkClocksPerBit(24e6), 4);
  EXPECT_EQ(linkClocksPerBit(21.375e6), 4);
  EXPECT_EQ(linkClocksPerBit(20.625e6), 6);
  // Above 48 MHz four clocks a bit would pass 12 Mbaud: more clocks.
  EXPECT_EQ(linkClocksPerBit(48e6), 4);
  EXPECT_EQ(linkClocksPerBit(60e6), 5);
}

TEST(CoreClock, AutoPrefersTheFasterLinkNearTheTop) {
  auto board = findBoard("icebreaker");
  ASSERT_TRUE(bool(board)) << llvm::toString(board.takeError());
  // Fmax 26 MHz: 24.75 MHz is the highest with 5 % margin, but its link
  // runs 7 clocks a bit (3.54 Mbaud); 24 MHz, within 5 % of it, runs 4
  // (6 Mbaud, the FTDI's 12 MHz / 2).
  auto at26 = autoClock(*board, 26e6);
  ASSERT_TRUE(at26);
  EXPECT_DOUBLE_EQ(at26->hz, 24e6);
  EXPECT_DOUBLE_EQ(clockWithMargin(*board, 26e6)->hz, 24.75e6);
  // Fmax 17.9 MHz: 16.125 MHz (4.03 Mbaud) over 16.875 (2.81 Mbaud).
  EXPECT_DOUBLE_EQ(autoClock(*board, 17.9e6)->hz, 16.125e6);
  // Where the highest also has the fastest link, it stays: 25.5 MHz, 5.1
  // Mbaud (5 clocks a bit) at Fmax 27 MHz; 21.375 MHz at 23 MHz.
  EXPECT_DOUBLE_EQ(autoClock(*board, 27e6)->hz, 25.5e6);
  EXPECT_DOUBLE_EQ(autoClock(*board, 23e6)->hz, 21.375e6);
  // Nothing below the PLL's range, as clockWithMargin.
  EXPECT_FALSE(autoClock(*board, 16.5e6));
}

TEST(CoreClock, Ft2232hRates) {
  // 12 MHz over 1, 1.5, or 2 and up in eighths, the nearest divisor.
  EXPECT_DOUBLE_EQ(ft2232hBaud(12e6), 12e6);
  EXPECT_DOUBLE_EQ(ft2232hBaud(8e6), 8e6);
  EXPECT_DOUBLE_EQ(ft2232hBaud(3e6), 3e6);
  EXPECT_DOUBLE_EQ(ft2232hBaud(5.34375e6), 12e6 / 2.25);
  // Between 8 and 12 M (a divisor between 1 and 1.5, or 1.5 and 2) and
  // above 12 M it makes no rate.
  EXPECT_EQ(ft2232hBaud(10e6), 0);
  EXPECT_EQ(ft2232hBaud(6.6e6), 0);
  EXPECT_EQ(ft2232hBaud(12.5e6), 0);
  // Every rate linkClocksPerBit picks is one the FTDI makes within 1 %.
  for (double mhz = 12; mhz <= 100; mhz += 0.125) {
    double baud = mhz * 1e6 / double(linkClocksPerBit(mhz * 1e6));
    double made = ft2232hBaud(baud);
    ASSERT_GT(made, 0) << mhz;
    EXPECT_LE(std::abs(made - baud), 0.01 * baud) << mhz;
    EXPECT_GE(linkClocksPerBit(mhz * 1e6), 4);
  }
}

TEST(CoreClock, HighestSettingWithMargin) {
  auto board = findBoard("icebreaker");
  ASSERT_TRUE(bool(board)) << llvm::toString(board.takeError());
  // Fmax 17.9 MHz: at most 17.05 MHz with 5 % margin, 16.875 MHz exactly.
  auto clock = clockWithMargin(*board, 17.9e6);
  ASSERT_TRUE(clock);
  EXPECT_DOUBLE_EQ(clock->hz, 16.875e6);
  EXPECT_LE(clock->hz * kTimingMargin, 17.9e6);
  // Its settings are icepll's for that frequency.
  auto icepllChoice = ice40Pll(12e6, 16.875e6);
  ASSERT_TRUE(icepllChoice);
  EXPECT_EQ(clock->pll->divf, icepllChoice->divf);
  EXPECT_EQ(clock->pll->divq, icepllChoice->divq);
  // Fmax 30 MHz: 28.5 MHz (12 * 76 / 32) is the highest below 28.57.
  auto faster = clockWithMargin(*board, 30e6);
  ASSERT_TRUE(faster);
  EXPECT_LE(faster->hz * kTimingMargin, 30e6);
  EXPECT_GT(faster->hz * kTimingMargin, 30e6 - 0.375e6 * kTimingMargin);
  // Below the PLL's 16 MHz with margin, and a board without a PLL: none.
  EXPECT_FALSE(clockWithMargin(*board, 16.5e6));
  auto hx8k = findBoard("hx8k-breakout");
  ASSERT_TRUE(bool(hx8k));
  EXPECT_FALSE(clockWithMargin(*hx8k, 40e6));
}
