//===- PartitionTest.cpp - snnc compile --chips: the partitioner ---------===//
#include "snnc/Backends/Partition.h"
#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/Package.h"

#include <gtest/gtest.h>

using namespace snnc;

namespace {

/// input [1, 8, 8] -conv 3x3 pad 1-> LIF [4, 8, 8] -dense (pooled 2x2)->
/// readout [3].
CoreNetwork smallNetwork() {
  CoreNetwork net;
  net.timesteps = 2;
  net.input = {{1.0}, {0.0}, 0.05f, 8};
  CorePopulation input{"in", PopulationKind::Input, {1, 8, 8}};
  CorePopulation lif{"lif",
                     PopulationKind::LIF,
                     {4, 8, 8},
                     {40, 50, 60, 70},
                     {3, -2, 0, 1},
                     {128, 96, 64, 32},
                     8,
                     16,
                     numerics::Reset::Subtract,
                     false};
  CorePopulation readout{"out", PopulationKind::Readout, {3}, {}, {1, 0, -1}};
  readout.unit = {0.1f, 0.2f, 0.3f};
  net.populations = {input, lif, readout};
  net.readout = 2;
  CoreProjection conv{"conv", ProjectionKind::Conv, 0, 1, 8, {4, 1, 3, 3}};
  for (int i = 0; i < 36; ++i)
    conv.weights.push_back(int8_t(i * 7 % 31 - 15));
  conv.strides = {1, 1};
  conv.pads = {1, 1, 1, 1};
  conv.dilations = {1, 1};
  CoreProjection dense{"fc", ProjectionKind::Dense, 1, 2, 8, {3, 64}};
  for (int i = 0; i < 192; ++i)
    dense.weights.push_back(int8_t(i * 5 % 23 - 11));
  dense.inputPool = {2, 2};
  net.projections = {conv, dense};
  return net;
}

BoardDescription icebreaker() {
  auto board = findTargetBoard("ice40-up5k");
  EXPECT_TRUE(bool(board)) << llvm::toString(board.takeError());
  return *board;
}

/// The lif population in two channel slices on chips 0 and 1, the
/// readout on chip 1.
CoreNetwork partitioned() {
  CoreNetwork net = smallNetwork();
  net.chips = 2;
  net.partition = {{1, 0, 0, 2, 0, 8}, {1, 1, 2, 2, 0, 8}, {2, 1, 0, 3, 0, 1}};
  return net;
}

std::string validationError(const CoreNetwork &net) {
  llvm::Error err = validateNetwork(net);
  return err ? llvm::toString(std::move(err)) : "";
}

TEST(Partition, PlacementRoundTripsThroughThePackage) {
  CoreNetwork net = partitioned();
  ASSERT_EQ(validationError(net), "");
  auto decoded = decodePackage(encodePackage(net));
  ASSERT_TRUE(bool(decoded)) << llvm::toString(decoded.takeError());
  EXPECT_EQ(decoded->chips, 2);
  ASSERT_EQ(decoded->partition.size(), 3u);
  EXPECT_EQ(decoded->partition[1].chip, 1);
  EXPECT_EQ(decoded->partition[1].firstChannel, 2);
  EXPECT_EQ(decoded->partition[1].channels, 2);
  EXPECT_EQ(decoded->partition[1].rows, 8);
  // A package without a partition reads as one core, as before.
  auto plain = decodePackage(encodePackage(smallNetwork()));
  ASSERT_TRUE(bool(plain));
  EXPECT_EQ(plain->chips, 0);
  EXPECT_TRUE(plain->partition.empty());
}

TEST(Partition, ValidationRefusesBadPlacements) {
  CoreNetwork net = partitioned();
  net.partition[1].chip = 2;
  EXPECT_NE(validationError(net).find("out of range"), std::string::npos);
  net = partitioned();
  net.partition[1].firstChannel = 1; // overlaps channel 1 of the first
  EXPECT_NE(validationError(net).find("overlap"), std::string::npos);
  net = partitioned();
  net.partition.pop_back(); // the readout on no chip
  EXPECT_NE(validationError(net).find("do not cover"), std::string::npos);
  net = partitioned();
  net.partition.push_back({0, 0, 0, 1, 0, 8}); // the input is the host's
  EXPECT_NE(validationError(net).find("past the input"), std::string::npos);
  net = partitioned();
  net.partition[0].rows = 9;
  EXPECT_NE(validationError(net).find("out of range"), std::string::npos);
  // Corrupt placements are refused when a package is read.
  net = partitioned();
  net.partition[2].chip = 7;
  auto decoded = decodePackage(encodePackage(net));
  ASSERT_FALSE(bool(decoded));
  EXPECT_NE(llvm::toString(decoded.takeError()).find("out of range"),
            std::string::npos);
}

TEST(Partition, OneChipHoldingEverythingIsCompilesOwnCheck) {
  CoreNetwork net = smallNetwork();
  std::vector<CoreChipSlice> all = {{1, 0, 0, 4, 0, 8}, {2, 0, 0, 3, 0, 1}};
  CoreNetwork sub = chipNetwork(net, all);
  EXPECT_EQ(encodePackage(sub), encodePackage(net));
  BoardDescription board = icebreaker();
  auto params = coreParamsFor(net, 1);
  ASSERT_TRUE(bool(params));
  auto whole = checkMemoryFit(*params, board, "ice40-up5k");
  auto chip = checkChipFit(net, all, board, "ice40-up5k");
  ASSERT_TRUE(whole && chip);
  EXPECT_EQ(*whole, *chip);
  auto plan = partitionNetwork(net, board, "ice40-up5k", 0);
  ASSERT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
  EXPECT_EQ(plan->chips, 1);
  EXPECT_EQ(plan->lowerBound, 1);
}

TEST(Partition, AChannelSliceKeepsItsWeightsAndReadsEventsFromElsewhere) {
  CoreNetwork net = smallNetwork();
  // Chip 1 of partitioned(): lif channels 2-3 and the readout, which also
  // reads channels 0-1 from chip 0.
  CoreNetwork sub = chipNetwork(net, {{1, 1, 2, 2, 0, 8}, {2, 1, 0, 3, 0, 1}});
  ASSERT_EQ(sub.populations.size(), 4u);
  EXPECT_EQ(sub.populations[0].name, "in");
  EXPECT_EQ(sub.populations[1].kind, PopulationKind::Input); // lif's events
  EXPECT_EQ(sub.populations[1].shape, (std::vector<int64_t>{4, 8, 8}));
  EXPECT_EQ(sub.populations[2].shape, (std::vector<int64_t>{2, 8, 8}));
  EXPECT_EQ(sub.populations[2].threshold, (std::vector<int64_t>{60, 70}));
  EXPECT_EQ(sub.readout, 3);
  ASSERT_EQ(sub.projections.size(), 2u);
  // The conv keeps output channels 2-3's weights.
  EXPECT_EQ(sub.projections[0].weightShape[0], 2);
  EXPECT_EQ(sub.projections[0].weights.front(), net.projections[0].weights[18]);
  // The readout reads all of lif, from the stand-in.
  EXPECT_EQ(sub.projections[1].source, 1);
  EXPECT_EQ(sub.projections[1].weights, net.projections[1].weights);
  EXPECT_EQ(sub.encoding, net.encoding);
}

TEST(Partition, ARowTileReadsOnlyTheRowsItsKernelReaches) {
  CoreNetwork net = smallNetwork();
  // Rows 3-4 of lif: the 3x3 kernel (pad 1) reaches input rows 2-5.
  CoreNetwork sub = chipNetwork(net, {{1, 0, 0, 4, 3, 2}});
  ASSERT_EQ(sub.populations.size(), 2u);
  EXPECT_EQ(sub.populations[0].shape, (std::vector<int64_t>{1, 4, 8}));
  EXPECT_EQ(sub.populations[1].shape, (std::vector<int64_t>{4, 2, 8}));
  const CoreProjection &conv = sub.projections.at(0);
  EXPECT_EQ(conv.pads, (std::vector<int64_t>{0, 1, 0, 1}));
  // The top tile keeps the top pad; it reaches input rows 0-2.
  sub = chipNetwork(net, {{1, 0, 0, 4, 0, 2}});
  EXPECT_EQ(sub.populations[0].shape, (std::vector<int64_t>{1, 3, 8}));
  EXPECT_EQ(sub.projections.at(0).pads, (std::vector<int64_t>{1, 1, 0, 1}));
  // What a tile reads is what the core's tap tables say: the kernel's
  // rows, checked by the fit check of compile without an error.
  EXPECT_TRUE(bool(coreParamsFor(sub, 1)));
}

TEST(Partition, ARowTileOfADeeperLayerReadsItsSourceAsEvents) {
  // input -> lif -> lif2 (conv 3x3, pad 1) -> readout.
  CoreNetwork net = smallNetwork();
  CorePopulation lif2 = net.populations[1];
  lif2.name = "lif2";
  net.populations.insert(net.populations.begin() + 2, lif2);
  net.readout = 3;
  CoreProjection conv2 = net.projections[0];
  conv2.name = "conv2";
  conv2.source = 1;
  conv2.target = 2;
  conv2.weightShape = {4, 4, 3, 3};
  conv2.weights.assign(144, 3);
  net.projections[1].source = 2;
  net.projections[1].target = 3;
  net.projections.insert(net.projections.begin() + 1, conv2);
  ASSERT_EQ(validationError(net), "");
  // lif held whole beside lif2's rows 3-4: lif2 reads lif's rows 2-5 as
  // events (its pads cannot reach into the middle of a whole source).
  CoreNetwork sub = chipNetwork(net, {{1, 0, 0, 4, 0, 8}, {2, 0, 0, 4, 3, 2}});
  ASSERT_EQ(sub.populations.size(), 4u);
  // A stand-in comes before the populations it feeds.
  EXPECT_EQ(sub.populations[1].kind, PopulationKind::Input);
  EXPECT_EQ(sub.populations[1].shape, (std::vector<int64_t>{4, 4, 8}));
  EXPECT_EQ(sub.populations[2].name, "lif");
  EXPECT_EQ(sub.projections.at(1).source, 1);
  EXPECT_EQ(sub.projections.at(1).target, 3);
  EXPECT_EQ(sub.projections.at(1).pads, (std::vector<int64_t>{0, 1, 0, 1}));
  // Both whole: lif2 reads lif as it is.
  sub = chipNetwork(net, {{1, 0, 0, 4, 0, 8}, {2, 0, 0, 4, 0, 8}});
  ASSERT_EQ(sub.populations.size(), 3u);
  EXPECT_EQ(sub.projections.at(1).source, 1);
  EXPECT_EQ(sub.projections.at(1).pads, net.projections[1].pads);
}

TEST(Partition, TooFewChipsIsOneLine) {
  CoreNetwork net = smallNetwork();
  BoardDescription board = icebreaker();
  // Shrink the device until the network needs two chips.
  board.resources.ebr = 18;
  auto plan = partitionNetwork(net, board, "ice40-up5k", 0);
  if (!plan) {
    ADD_FAILURE() << llvm::toString(plan.takeError());
    return;
  }
  ASSERT_GE(plan->chips, 2);
  auto refused = partitionNetwork(net, board, "ice40-up5k", 1);
  ASSERT_FALSE(bool(refused));
  std::string line = llvm::toString(refused.takeError());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("--chips 1 allows 1"), std::string::npos) << line;
  // Every chip of the plan passes compile's own check on its sub-network.
  for (int64_t c = 0; c < plan->chips; ++c) {
    std::vector<CoreChipSlice> held;
    for (const CoreChipSlice &s : plan->slices)
      if (s.chip == c)
        held.push_back(s);
    EXPECT_TRUE(bool(checkChipFit(net, held, board, "ice40-up5k")));
  }
  CoreNetwork stored = net;
  stored.chips = plan->chips;
  stored.partition = plan->slices;
  EXPECT_EQ(validationError(stored), "");
}

} // namespace
