//===- PackageTest.cpp - the .snnpkg container and network validation -----===//
#include "snnc/Runtime/Package.h"
#include "snnc/Runtime/Session.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <random>

using namespace snnc;

namespace {

/// input [1, 4, 4] -conv 3x3 pad 1-> LIF [2, 4, 4] -dense (pooled 2x2)->
/// readout [3].
CoreNetwork smallNetwork() {
  CoreNetwork net;
  net.timesteps = 3;
  net.input = {{1.0}, {0.0}, 0.05f, 8};
  CorePopulation input{"in", PopulationKind::Input, {1, 4, 4}};
  CorePopulation lif{"lif",
                     PopulationKind::LIF,
                     {2, 4, 4},
                     {40, 50},
                     {3, -2},
                     {128, 96},
                     8,
                     16,
                     numerics::Reset::Subtract,
                     false};
  CorePopulation readout{"out", PopulationKind::Readout, {3}, {}, {1, 0, -1}};
  readout.unit = {0.1f, 0.2f, 0.3f};
  lif.vThreshold = 0.6;
  net.populations = {input, lif, readout};
  net.readout = 2;
  CoreProjection conv{"conv", ProjectionKind::Conv, 0, 1, 8, {2, 1, 3, 3}};
  for (int i = 0; i < 18; ++i)
    conv.weights.push_back(int8_t(i * 7 % 31 - 15));
  conv.strides = {1, 1};
  conv.pads = {1, 1, 1, 1};
  conv.dilations = {1, 1};
  CoreProjection dense{"fc", ProjectionKind::Dense, 1, 2, 8, {3, 8}};
  for (int i = 0; i < 24; ++i)
    dense.weights.push_back(int8_t(i * 5 % 23 - 11));
  dense.inputPool = {2, 2};
  net.projections = {conv, dense};
  return net;
}

/// smallNetwork read out by the membranes of a LIF [3] instead of readout
/// neurons, and of the last step.
CoreNetwork membraneNetwork() {
  CoreNetwork net = smallNetwork();
  CorePopulation out{"out",
                     PopulationKind::LIF,
                     {3},
                     {30, 40, 50},
                     {1, 0, -1},
                     {200, 200, 200},
                     8,
                     16,
                     numerics::Reset::Hard,
                     true};
  out.membraneReadout = true;
  out.unit = {0.1f, 0.2f, 0.3f};
  net.populations[2] = out;
  net.readoutLast = true;
  return net;
}

TEST(Package, RoundTripsAMembraneReadout) {
  CoreNetwork net = membraneNetwork();
  ASSERT_FALSE(bool(validateNetwork(net)));
  auto decoded = decodePackage(encodePackage(net));
  ASSERT_TRUE(bool(decoded)) << llvm::toString(decoded.takeError());
  EXPECT_TRUE(decoded->populations[2].membraneReadout);
  EXPECT_TRUE(decoded->readoutLast);
  EXPECT_EQ(decoded->populations[2].unit, net.populations[2].unit);
  EXPECT_EQ(encodePackage(*decoded), encodePackage(net));
}

/// A membrane readout is the last population, [K], with a unit per output.
TEST(Package, RefusesInconsistentMembraneReadouts) {
  std::vector<std::pair<const char *, std::function<void(CoreNetwork &)>>>
      cases = {
          {"inner",
           [](CoreNetwork &n) { n.populations[1].membraneReadout = true; }},
          {"units", [](CoreNetwork &n) { n.populations[2].unit.pop_back(); }},
          {"unit NaN",
           [](CoreNetwork &n) {
             n.populations[2].unit[0] = std::numeric_limits<float>::quiet_NaN();
           }},
          {"not membrane",
           [](CoreNetwork &n) { n.populations[2].membraneReadout = false; }},
          {"shape",
           [](CoreNetwork &n) {
             n.populations[2].shape = {3, 1, 1};
             n.projections[1].weightShape = {3, 8};
           }},
      };
  for (auto &[what, mutate] : cases) {
    CoreNetwork net = membraneNetwork();
    mutate(net);
    auto decoded = decodePackage(encodePackage(net));
    EXPECT_FALSE(bool(decoded)) << what;
    if (!decoded)
      EXPECT_NE(
          llvm::toString(decoded.takeError()).find("inconsistent package"),
          std::string::npos)
          << what;
  }
}

TEST(Package, RoundTripsExactly) {
  CoreNetwork net = smallNetwork();
  ASSERT_FALSE(bool(validateNetwork(net)));
  auto decoded = decodePackage(encodePackage(net));
  ASSERT_TRUE(bool(decoded)) << llvm::toString(decoded.takeError());
  EXPECT_EQ(encodePackage(*decoded), encodePackage(net));
  EXPECT_EQ(decoded->populations[1].vThreshold, std::optional<double>(0.6));
  // Same network, same results.
  NDArray x{{2, 1, 4, 4}, std::vector<float>(32)};
  for (size_t i = 0; i < x.data.size(); ++i)
    x.data[i] = float(i % 7) / 7.0f;
  auto a = Session::create(net), b = Session::create(*decoded);
  ASSERT_TRUE(bool(a) && bool(b));
  auto ya = a->infer(x), yb = b->infer(x);
  ASSERT_TRUE(bool(ya) && bool(yb));
  EXPECT_EQ(ya->data, yb->data);
}

/// Every corruption of the structure is refused with a message, never a
/// crash, even behind a valid checksum.
TEST(Package, RefusesInconsistentNetworks) {
  std::vector<std::pair<const char *, std::function<void(CoreNetwork &)>>>
      cases = {
          {"source index", [](CoreNetwork &n) { n.projections[0].source = 5; }},
          {"backward edge",
           [](CoreNetwork &n) { n.projections[1].source = 2; }},
          {"weight count",
           [](CoreNetwork &n) { n.projections[0].weights.pop_back(); }},
          {"weight range",
           [](CoreNetwork &n) {
             n.projections[0].weightBits = 4;
             n.projections[0].weights[0] = 100;
           }},
          {"conv geometry",
           [](CoreNetwork &n) {
             n.projections[0].pads = {0, 0, 0, 0};
           }},
          {"dense inputs",
           [](CoreNetwork &n) { n.projections[1].inputPool = {}; }},
          {"pool",
           [](CoreNetwork &n) {
             n.projections[1].inputPool = {0, 2};
           }},
          {"threshold",
           [](CoreNetwork &n) { n.populations[1].threshold[0] = 0; }},
          {"threshold size",
           [](CoreNetwork &n) { n.populations[1].threshold.pop_back(); }},
          {"state bits",
           [](CoreNetwork &n) { n.populations[1].stateBits = 60; }},
          {"decay", [](CoreNetwork &n) { n.populations[1].decay[0] = 1000; }},
          {"float threshold",
           [](CoreNetwork &n) {
             n.populations[1].vThreshold =
                 std::numeric_limits<double>::quiet_NaN();
           }},
          {"decay count",
           [](CoreNetwork &n) { n.populations[1].decay.push_back(1); }},
          {"bias overflow",
           [](CoreNetwork &n) { n.populations[1].bias[0] = 1 << 20; }},
          {"shape",
           [](CoreNetwork &n) {
             n.populations[1].shape = {2, 0, 4};
           }},
          {"readout units",
           [](CoreNetwork &n) { n.populations[2].unit.pop_back(); }},
          {"readout place", [](CoreNetwork &n) { n.readout = 1; }},
          {"input encoder", [](CoreNetwork &n) { n.input.scale = 0.0f; }},
          {"input gain", [](CoreNetwork &n) { n.input.gain.clear(); }},
          {"order",
           [](CoreNetwork &n) {
             std::swap(n.projections[0], n.projections[1]);
           }},
          {"unfed", [](CoreNetwork &n) { n.projections.pop_back(); }},
          {"lanes", [](CoreNetwork &n) { n.lanes = 0; }},
          // Found by a sanitizer run (issue 13): each ran with undefined
          // behaviour or exhausted memory before it was refused.
          {"timesteps negative", [](CoreNetwork &n) { n.timesteps = -5; }},
          {"timesteps huge",
           [](CoreNetwork &n) { n.timesteps = int64_t(1) << 40; }},
          {"bias INT64_MIN",
           [](CoreNetwork &n) {
             n.populations[1].bias[0] = std::numeric_limits<int64_t>::min();
           }},
          {"readout bias",
           [](CoreNetwork &n) { n.populations[2].bias[0] = int64_t(1) << 40; }},
          {"input gain NaN",
           [](CoreNetwork &n) {
             n.input.gain[0] = std::numeric_limits<double>::quiet_NaN();
           }},
          {"input offset Inf",
           [](CoreNetwork &n) {
             n.input.offset[0] = std::numeric_limits<double>::infinity();
           }},
      };
  for (auto &[what, mutate] : cases) {
    CoreNetwork net = smallNetwork();
    mutate(net);
    auto decoded = decodePackage(encodePackage(net));
    EXPECT_FALSE(bool(decoded)) << what;
    if (!decoded) {
      std::string message = llvm::toString(decoded.takeError());
      EXPECT_NE(message.find("inconsistent package"), std::string::npos)
          << what;
    }
  }
}

/// Random byte flips: the checksum catches every one.
TEST(Package, ChecksumCatchesCorruption) {
  std::string bytes = encodePackage(smallNetwork());
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::string damaged = bytes;
    size_t at = 56 + rng() % (damaged.size() - 56);
    damaged[at] = char(damaged[at] ^ (1 + rng() % 255));
    auto decoded = decodePackage(damaged);
    ASSERT_FALSE(bool(decoded));
    EXPECT_EQ(llvm::toString(decoded.takeError()),
              "checksum mismatch: the package is corrupted");
  }
  for (size_t cut : {size_t(0), size_t(7), size_t(55), bytes.size() - 1}) {
    auto decoded = decodePackage(llvm::StringRef(bytes).take_front(cut));
    ASSERT_FALSE(bool(decoded));
    llvm::consumeError(decoded.takeError());
  }
}

} // namespace
