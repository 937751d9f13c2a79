//===- RuntimeTest.cpp - runtime unit tests -------------------------------===//
#include "snnc/Runtime/Engine.h"
#include "snnc/Runtime/FloatEngine.h"
#include "snnc/Runtime/Npy.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace snnc;

namespace {

constexpr numerics::Reset Hard = numerics::Reset::Hard,
                          Soft = numerics::Reset::Soft,
                          Subtract = numerics::Reset::Subtract;

TEST(Npy, RoundTripsFloat32) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("snnc", "npy", path));
  NDArray array{{2, 3}, {1, 2, 3, 4, 5, -6.5f}};
  ASSERT_FALSE(bool(writeNpy(path, array)));
  auto read = readNpy(path);
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(read->shape, array.shape);
  EXPECT_EQ(read->data, array.data);
  llvm::sys::fs::remove(path);
}

TEST(Npy, MissingFileIsAnError) {
  auto read = readNpy("/nonexistent/x.npy");
  ASSERT_FALSE(bool(read));
  EXPECT_NE(llvm::toString(read.takeError()).find("cannot read"),
            std::string::npos);
}

/// x[N, 1] -> dense(w = 1) -> LIF -> dense(w = 1): the readout is the spike
/// train's mean, so the LIF dynamics can be checked by hand.
FloatGraph singleNeuron(float threshold, float decay, numerics::Reset reset,
                        bool ge) {
  FloatGraph graph;
  graph.inputShape = {1};
  graph.numOutputs = 1;
  graph.input = 0;
  graph.constants[1] = NDArray{{1, 1}, {1.0f}};
  FloatOp fc{FloatOpKind::Dense, "fc", {0, 1}, 2};
  FloatOp lif{FloatOpKind::LIF, "lif", {2}, 3};
  lif.vThreshold = threshold;
  lif.decay = {decay};
  lif.reset = reset;
  lif.fireGe = ge;
  FloatOp readout{FloatOpKind::Dense, "readout", {3, 1}, 4};
  graph.ops = {fc, lif, readout};
  graph.output = 4;
  graph.numValues = 5;
  return graph;
}

float meanSpikes(const FloatGraph &graph, float x, int64_t steps) {
  auto engine = createFloatEngine(graph);
  auto out = engine->run(NDArray{{1, 1}, {x}}, steps);
  EXPECT_TRUE(bool(out));
  return out ? out->data[0] : -1.0f;
}

TEST(FloatEngine, HardResetLeaksAndResets) {
  // u: 0.6, 0.9, 1.05 (spike), 0.6, 0.9, 1.05 (spike): 2 spikes in 6 steps.
  EXPECT_FLOAT_EQ(meanSpikes(singleNeuron(1.0f, 0.5f, Hard, false), 0.6f, 6),
                  2.0f / 6.0f);
}

TEST(FloatEngine, SoftResetSubtractsThreshold) {
  // decay 1, x 0.75: u 0.75, 1.5 (spike), 1.25 (spike), 1.0, 1.75 (spike).
  EXPECT_FLOAT_EQ(meanSpikes(singleNeuron(1.0f, 1.0f, Soft, false), 0.75f, 5),
                  3.0f / 5.0f);
}

TEST(FloatEngine, SubtractResetRemovesThresholdAfterDecay) {
  // decay 0.5, x 0.75, threshold 1: u 0.75, 1.125 (spike),
  // 0.5625 + 0.75 - 1 = 0.3125, 0.90625, 1.203125 (spike).  Soft reset
  // would give 0.75, 1.125 (spike), 0.8125, 1.15625 (spike).
  EXPECT_FLOAT_EQ(
      meanSpikes(singleNeuron(1.0f, 0.5f, Subtract, false), 0.75f, 5),
      2.0f / 5.0f);
  EXPECT_FLOAT_EQ(meanSpikes(singleNeuron(1.0f, 0.5f, Soft, false), 0.75f, 4),
                  2.0f / 4.0f);
  EXPECT_FLOAT_EQ(
      meanSpikes(singleNeuron(1.0f, 0.5f, Subtract, false), 0.75f, 4),
      1.0f / 4.0f);
}

TEST(FloatEngine, GreaterOrEqualFiresAtThreshold) {
  EXPECT_FLOAT_EQ(meanSpikes(singleNeuron(0.5f, 0.0f, Hard, true), 0.5f, 4),
                  1.0f);
  EXPECT_FLOAT_EQ(meanSpikes(singleNeuron(0.5f, 0.0f, Hard, false), 0.5f, 4),
                  0.0f);
}

TEST(Engine, ResolvesTimesteps) {
  FloatGraph graph = singleNeuron(1.0f, 0.5f, Hard, false);
  NDArray x{{3, 1}, {0, 0, 0}};
  auto none = resolveTimesteps(graph, x, std::nullopt);
  EXPECT_FALSE(bool(none));
  llvm::consumeError(none.takeError());
  graph.timesteps = 4;
  EXPECT_EQ(*resolveTimesteps(graph, x, std::nullopt), 4);
  EXPECT_EQ(*resolveTimesteps(graph, x, int64_t(7)), 7);
  NDArray wrong{{3, 2}, {0, 0, 0, 0, 0, 0}};
  auto bad = resolveTimesteps(graph, wrong, std::nullopt);
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("does not match"),
            std::string::npos);
  graph.encoding = InputEncoding::Events;
  NDArray events{{5, 3, 1}, std::vector<float>(15, 0.0f)};
  EXPECT_EQ(*resolveTimesteps(graph, events, std::nullopt), 5);
}

} // namespace
