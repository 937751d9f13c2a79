//===- BoardsTest.cpp - what goes into the UP5K's SPRAMs ------------------===//
//
// placeInSpram decides which of the core's memories the bitstream flow puts
// in single-port RAM and the fit check counts with; these cases pin its
// ranking: block RAMs that fit first, then currents that are not phased,
// then a state that is not phased, then the fewest block RAMs.
//
//===----------------------------------------------------------------------===//
#include "snnc/Backends/Boards.h"
#include "snnc/Targets/Targets.h"

#include <gtest/gtest.h>

using namespace snnc;

namespace {

BoardDescription board(llvm::StringRef name) {
  auto b = findBoard(name);
  EXPECT_TRUE(bool(b)) << llvm::toString(b.takeError());
  return *b;
}

/// A 1-lane core with 15-bit state (one 16-bit word with the spike bit) and
/// 22-bit events (two SPRAMs wide).
CoreParams smallCore() {
  CoreParams p;
  p.stateBits = 15;
  p.valueBits = 8;
  p.chanBits = 4;
  p.coordBits = 5;
  p.weightDepth = p.stateDepth = p.eventDepth = 300;
  p.currentBits = 17;
  return p;
}

TEST(Boards, BlockCounts) {
  EXPECT_EQ(ebrBlocks(16, 256), 1);
  EXPECT_EQ(ebrBlocks(17, 256), 2);    // wider than one block's port
  EXPECT_EQ(ebrBlocks(8, 4096), 8);    // 32 kbit
  EXPECT_EQ(spramBlocks(8, 32768), 1); // two bytes an entry
  EXPECT_EQ(spramBlocks(16, 16385), 2);
  EXPECT_EQ(spramBlocks(22, 100), 2);
}

TEST(Boards, SmallStateStaysDoubleBuffered) {
  // Everything fits in block RAM either way: the state keeps the full-rate
  // sweep (two banks), and the events take the other two SPRAMs.
  SpramPlacement p = placeInSpram(smallCore(), board("icebreaker"));
  EXPECT_EQ(p.parameters["StateSpram"], 1);
  EXPECT_EQ(p.parameters["EventSpram"], 1);
  EXPECT_EQ(p.parameters["WeightSpram"], 0);
  EXPECT_EQ(p.blocks, 4);
  EXPECT_FALSE(p.phased());
}

TEST(Boards, LargeStateIsPhasedBesideWeightsAndEvents) {
  // The board example's shape: 20,000 weights, 5,000 state words, 6,000
  // events.  Double-buffered, the state would leave the weights or the
  // events to block RAM, which cannot hold them; phased, all three fit.
  CoreParams core = smallCore();
  core.weightDepth = 20000;
  core.stateDepth = 5000;
  core.eventDepth = 6000;
  BoardDescription icebreaker = board("icebreaker");
  SpramPlacement p = placeInSpram(core, icebreaker);
  EXPECT_EQ(p.parameters["WeightSpram"], 1);
  EXPECT_EQ(p.parameters["EventSpram"], 1);
  EXPECT_EQ(p.parameters["StateSpram"], 2);
  EXPECT_EQ(p.blocks, 4);
  auto fit = checkMemoryFit(core, icebreaker, "ice40-up5k");
  ASSERT_TRUE(bool(fit)) << llvm::toString(fit.takeError());
  EXPECT_NE(fit->find("SPRAM        4 / 4: the weights, the neuron state "
                      "(phased) and the events"),
            std::string::npos)
      << *fit;
}

TEST(Boards, WideWeightsShareTheirSpramsWithTheState) {
  // The board example on 4 lanes with a narrow sweep: 32-bit weights take
  // two SPRAMs and 22-bit events two more, so the state (15 kbit over the
  // block RAMs' 30) goes past the weights in their SPRAMs (StateSpram 3).
  CoreParams core = smallCore();
  core.lanes = 4;
  core.narrowSweep = 1;
  core.weightDepth = 4920;
  core.stateDepth = 3920;
  core.eventDepth = 4704;
  BoardDescription icebreaker = board("icebreaker");
  SpramPlacement p = placeInSpram(core, icebreaker);
  EXPECT_EQ(p.parameters["WeightSpram"], 1);
  EXPECT_EQ(p.parameters["EventSpram"], 1);
  EXPECT_EQ(p.parameters["StateSpram"], 3);
  EXPECT_EQ(p.blocks, 4);
  EXPECT_TRUE(p.phased());
  auto fit = checkMemoryFit(core, icebreaker, "ice40-up5k");
  ASSERT_TRUE(bool(fit)) << llvm::toString(fit.takeError());
  EXPECT_NE(fit->find("a 4-lane core with a narrow sweep"), std::string::npos)
      << *fit;
  EXPECT_NE(fit->find("the neuron state (phased, in the weights' SPRAM)"),
            std::string::npos)
      << *fit;
  // Deeper than one SPRAM together: the shared memory costs another pair,
  // and the state rather goes to its own SPRAM... which is not there.
  core.weightDepth = 14000;
  p = placeInSpram(core, icebreaker);
  EXPECT_NE(p.parameters["StateSpram"], 3);
}

TEST(Boards, NoSpramNoPlacement) {
  SpramPlacement p = placeInSpram(smallCore(), board("hx8k-breakout"));
  EXPECT_EQ(p.blocks, 0);
  for (auto &[name, value] : p.parameters)
    EXPECT_EQ(value, 0) << name;
}

TEST(Boards, RefusalNamesTheLargestBlockRamUsers) {
  CoreParams core = smallCore();
  // Too deep for the SPRAMs too (2 x 5 of them): block RAM.
  core.currentDepth = 70000;
  auto fit = checkMemoryFit(core, board("icebreaker"), "ice40-up5k");
  ASSERT_FALSE(bool(fit));
  std::string message = llvm::toString(fit.takeError());
  EXPECT_NE(message.find("the network does not fit ice40-up5k: EBR"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("(largest: currents 291"), std::string::npos)
      << message;
}

TEST(Boards, CurrentsArePhasedInSpramOnlyWhereNothingElseFits) {
  // The bundled example's first layer: 12,544 neurons, 20-bit currents
  // (62 block RAMs).  Only phased in two SPRAMs do they fit, beside the
  // phased state; the weights take the fourth.
  CoreParams core = smallCore();
  core.currentBits = 20;
  core.currentDepth = core.stateDepth = 12544;
  core.weightDepth = 7984;
  core.eventDepth = 1568;
  core.cacheDepth = 0;
  BoardDescription icebreaker = board("icebreaker");
  SpramPlacement p = placeInSpram(core, icebreaker);
  EXPECT_TRUE(p.currentsPhased());
  EXPECT_EQ(p.parameters["StateSpram"], 2);
  EXPECT_EQ(p.parameters["WeightSpram"], 1);
  EXPECT_EQ(p.blocks, 4);
  auto fit = checkMemoryFit(core, icebreaker, "ice40-up5k");
  ASSERT_TRUE(bool(fit)) << llvm::toString(fit.takeError());
  EXPECT_NE(fit->find("and the currents (phased)"), std::string::npos) << *fit;
  // Where they fit in block RAM, they stay there (full-rate delivery),
  // even though SPRAM would leave more block RAM free.
  core.currentDepth = core.stateDepth = 784;
  EXPECT_FALSE(placeInSpram(core, icebreaker).currentsPhased());
}

TEST(Boards, TheCacheIsDroppedOnlyWhereTheCoreFitsOnlyWithoutIt) {
  BoardDescription icebreaker = board("icebreaker");
  CoreParams core = smallCore();
  core.cacheDepth = 300;
  EXPECT_EQ(fitCacheToBoard(core, icebreaker).cacheDepth, 300);
  // A cache as large as the first layer's currents: 62 block RAMs.
  core.currentBits = 20;
  core.currentDepth = core.stateDepth = core.cacheDepth = 12544;
  core.weightDepth = 7984;
  core.eventDepth = 1568;
  ASSERT_FALSE(bool(checkMemoryFit(core, icebreaker, "ice40-up5k")));
  CoreParams fitted = fitCacheToBoard(core, icebreaker);
  EXPECT_EQ(fitted.cacheDepth, 0);
  EXPECT_TRUE(bool(checkMemoryFit(fitted, icebreaker, "ice40-up5k")));
}

TEST(Boards, RegistryHoldsSimAndTheBoards) {
  // snn-map's targets and the boards are one registry: sim first in lists,
  // and only the files with an FPGA are boards.
  EXPECT_EQ(targets::knownTargets(), "sim, ice40-up5k, ice40-hx8k");
  EXPECT_EQ(boardNames(),
            (std::vector<std::string>{"hx8k-breakout", "icebreaker"}));
  auto sim = targets::findTarget("sim");
  ASSERT_TRUE(sim && *sim);
  EXPECT_FALSE((*sim)->board);
  EXPECT_EQ((*sim)->lanes, 8);
  EXPECT_EQ((*sim)->stateBits, 24);
  auto up5k = targets::findTarget("ice40-up5k");
  ASSERT_TRUE(up5k && *up5k);
  EXPECT_EQ((*up5k)->file, "icebreaker");
  EXPECT_EQ((*up5k)->lanes, 1);
  EXPECT_EQ((*up5k)->stateBits, 15);
  // More lanes (--lanes) on the UP5K deliver in parallel beside a
  // one-neuron sweep.
  EXPECT_TRUE((*up5k)->narrowSweep);
  EXPECT_TRUE(targets::narrowSweep("icebreaker"));
  EXPECT_FALSE(targets::narrowSweep("sim"));
  EXPECT_FALSE((*sim)->narrowSweep);
  auto byName = targets::findTarget("icebreaker");
  ASSERT_TRUE(bool(byName));
  EXPECT_FALSE(*byName); // snn-map takes the FPGA's name only
  auto simBoard = findBoard("sim");
  ASSERT_FALSE(bool(simBoard));
  EXPECT_EQ(llvm::toString(simBoard.takeError()),
            "unknown board 'sim' (known: hx8k-breakout, icebreaker)");
  auto unknown = findTargetBoard("loihi");
  ASSERT_FALSE(bool(unknown));
  EXPECT_EQ(llvm::toString(unknown.takeError()),
            "unknown target 'loihi' (known: sim, ice40-hx8k (hx8k-breakout), "
            "ice40-up5k (icebreaker))");
}

TEST(Boards, RegistryRefusesABadLaneCount) {
  auto json = llvm::json::parse(R"({"name": "x", "lanes": 3})");
  ASSERT_TRUE(bool(json));
  auto t = targets::TargetDescription::fromJson(*json, "boards/x.json");
  ASSERT_FALSE(bool(t));
  EXPECT_EQ(llvm::toString(t.takeError()),
            "boards/x.json: lanes must be 1, 2, 4 or 8");
}

} // namespace
