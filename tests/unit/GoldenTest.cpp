//===- GoldenTest.cpp - the golden engine against brute force -------------===//
//
// The golden engine walks each event's fan-out from the projection geometry.
// These tests build small networks by hand and compare the membrane effect
// with a direct (dense, output-centred) evaluation of the same formulas.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/GoldenEngine.h"

#include <gtest/gtest.h>

#include <random>

using namespace snnc;

namespace {

/// input [cin, h, w] --conv--> readout: with T = 1, unit 1 and bias 0 the
/// readout's output is exactly the integer current the conv delivered.
CoreNetwork convNetwork(int64_t cin, int64_t h, int64_t w, int64_t cout,
                        int64_t k, int64_t stride, int64_t pad, int64_t dil,
                        int64_t pool, std::mt19937 &rng) {
  CoreNetwork net;
  net.timesteps = 1;
  net.input.gain.assign(cin, 1.0);
  net.input.offset.assign(cin, 0.0);
  net.input.scale = 1.0f;
  net.input.bits = 8;
  CorePopulation input;
  input.kind = PopulationKind::Input;
  input.shape = {cin, h, w};
  net.populations.push_back(input);
  int64_t ph = h / pool, pw = w / pool;
  int64_t oh = (ph + 2 * pad - dil * (k - 1) - 1) / stride + 1;
  int64_t ow = (pw + 2 * pad - dil * (k - 1) - 1) / stride + 1;
  CorePopulation out;
  out.kind = PopulationKind::Readout;
  out.shape = {cout, oh, ow};
  out.bias.assign(cout, 0);
  out.unit.assign(cout, 1.0f);
  net.populations.push_back(out);
  net.readout = 1;
  CoreProjection p;
  p.kind = ProjectionKind::Conv;
  p.source = 0;
  p.target = 1;
  p.weightShape = {cout, cin, k, k};
  std::uniform_int_distribution<int> weight(-127, 127);
  for (int64_t i = 0; i < cout * cin * k * k; ++i)
    p.weights.push_back(int8_t(weight(rng)));
  p.strides = {stride, stride};
  p.pads = {pad, pad, pad, pad};
  p.dilations = {dil, dil};
  if (pool > 1)
    p.inputPool = {pool, pool};
  net.projections.push_back(p);
  return net;
}

/// Output-centred convolution over the sum-pooled input, in int64.
std::vector<int64_t> bruteForce(const CoreNetwork &net,
                                const std::vector<int64_t> &x) {
  const CoreProjection &p = net.projections[0];
  const std::vector<int64_t> &in = net.populations[0].shape;
  const std::vector<int64_t> &out = net.populations[1].shape;
  int64_t pool = p.inputPool.empty() ? 1 : p.inputPool[0];
  int64_t cin = in[0], ph = in[1] / pool, pw = in[2] / pool,
          k = p.weightShape[2];
  std::vector<int64_t> pooled(cin * ph * pw, 0);
  for (int64_t c = 0; c < cin; ++c)
    for (int64_t y = 0; y < ph * pool; ++y)
      for (int64_t xx = 0; xx < pw * pool; ++xx)
        pooled[(c * ph + y / pool) * pw + xx / pool] +=
            x[(c * in[1] + y) * in[2] + xx];
  std::vector<int64_t> result(out[0] * out[1] * out[2], 0);
  for (int64_t o = 0; o < out[0]; ++o)
    for (int64_t oy = 0; oy < out[1]; ++oy)
      for (int64_t ox = 0; ox < out[2]; ++ox)
        for (int64_t c = 0; c < cin; ++c)
          for (int64_t ky = 0; ky < k; ++ky)
            for (int64_t kx = 0; kx < k; ++kx) {
              int64_t y = oy * p.strides[0] - p.pads[0] + ky * p.dilations[0];
              int64_t xx = ox * p.strides[1] - p.pads[1] + kx * p.dilations[1];
              if (y < 0 || y >= ph || xx < 0 || xx >= pw)
                continue;
              result[(o * out[1] + oy) * out[2] + ox] +=
                  pooled[(c * ph + y) * pw + xx] *
                  p.weights[((o * cin + c) * k + ky) * k + kx];
            }
  return result;
}

struct ConvCase {
  int64_t cin, h, w, cout, k, stride, pad, dil, pool;
};

class ConvFanOut : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvFanOut, MatchesBruteForce) {
  ConvCase c = GetParam();
  std::mt19937 rng(42);
  CoreNetwork net = convNetwork(c.cin, c.h, c.w, c.cout, c.k, c.stride, c.pad,
                                c.dil, c.pool, rng);
  std::uniform_int_distribution<int> value(-3, 3);
  std::vector<int64_t> x(c.cin * c.h * c.w);
  NDArray input{{1, c.cin, c.h, c.w}, {}};
  for (int64_t &v : x) {
    v = value(rng);
    input.data.push_back(float(v));
  }
  GoldenEngine engine(net);
  auto out = engine.run(input, 1);
  ASSERT_TRUE(bool(out));
  std::vector<int64_t> want = bruteForce(net, x);
  ASSERT_EQ(out->data.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_EQ(int64_t(out->data[i]), want[i]) << "output " << i;
}

INSTANTIATE_TEST_SUITE_P(
    Geometries, ConvFanOut,
    ::testing::Values(ConvCase{1, 5, 5, 2, 3, 1, 1, 1, 1},
                      ConvCase{2, 7, 6, 3, 3, 2, 1, 1, 1},
                      ConvCase{3, 9, 9, 2, 3, 2, 0, 1, 1},
                      ConvCase{2, 8, 8, 2, 3, 1, 2, 2, 1},
                      ConvCase{2, 9, 8, 3, 3, 2, 1, 1, 2}, // pooled, odd rows
                      ConvCase{1, 6, 6, 2, 1, 1, 0, 1, 3}),
    [](const ::testing::TestParamInfo<ConvCase> &info) {
      const ConvCase &c = info.param;
      return "c" + std::to_string(c.cin) + "_" + std::to_string(c.h) + "x" +
             std::to_string(c.w) + "_o" + std::to_string(c.cout) + "_k" +
             std::to_string(c.k) + "_s" + std::to_string(c.stride) + "_p" +
             std::to_string(c.pad) + "_d" + std::to_string(c.dil) + "_pool" +
             std::to_string(c.pool);
    });

/// Puts a LIF population between the input and the conv of `net`: fed
/// one-to-one with weight 1 and threshold 0, it spikes exactly where the
/// input is 1, so the conv now delivers spikes (the engine's 16-bit path)
/// and the readout still shows the integer current.
CoreNetwork throughSpikes(CoreNetwork net) {
  CorePopulation lif = net.populations[0];
  int64_t channels = lif.shape[0];
  lif.kind = PopulationKind::LIF;
  lif.threshold.assign(channels, 0);
  lif.bias.assign(channels, 0);
  lif.decay.assign(channels, 0);
  lif.decayBits = 8;
  lif.stateBits = 16;
  net.populations.insert(net.populations.begin() + 1, lif);
  net.readout = 2;
  net.projections[0].source = 1;
  net.projections[0].target = 2;
  CoreProjection in{"in", ProjectionKind::OneToOne, 0, 1, 8, {channels}, {}};
  in.weights.assign(channels, 1);
  net.projections.insert(net.projections.begin(), in);
  return net;
}

/// Spikes through weights of -128 and 127 only, dense enough that the 16-bit
/// partial sums must be flushed many times in one step (up to 64 x 9 x 4
/// spikes of 128 reach one target): every current must still be exact.
TEST(GoldenNarrow, ExtremeWeightsFlushExactly) {
  for (int64_t pool : {1, 2})
    for (double density : {0.3, 1.0}) {
      std::mt19937 rng(5);
      CoreNetwork conv = convNetwork(64, 8, 8, 24, 3, 1, 1, 1, pool, rng);
      std::bernoulli_distribution negative(0.2), fire(density);
      for (int8_t &w : conv.projections[0].weights)
        w = negative(rng) ? -128 : 127;
      std::vector<int64_t> x(64 * 8 * 8);
      NDArray input{{1, 64, 8, 8}, {}};
      for (int64_t &v : x) {
        v = fire(rng);
        input.data.push_back(float(v));
      }
      GoldenEngine engine(throughSpikes(conv));
      auto out = engine.run(input, 1);
      ASSERT_TRUE(bool(out));
      std::vector<int64_t> want = bruteForce(conv, x);
      ASSERT_EQ(out->data.size(), want.size());
      int64_t largest = 0;
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ(int64_t(out->data[i]), want[i]) << "output " << i;
        largest = std::max(largest, std::abs(want[i]));
      }
      if (density == 1.0) { // the sums do leave int16
        EXPECT_GT(largest, 32767);
      }
    }
}

/// One LIF neuron fed by a one-to-one projection from the input: the
/// integer dynamics of docs/numerics.md, step by step.
TEST(GoldenLIF, ResetModesWithFixedPointDecay) {
  // u = 12 fired, decay 0.5, current 7, threshold 10: hard 0 + 7;
  // soft (12 - 10) >> 1 + 7; subtract 12 >> 1 - 10 + 7.
  numerics::LIFParams p{10, 0, 128, 8, 16, numerics::Reset::Hard, false};
  EXPECT_EQ(numerics::updateMembrane(12, true, 7, p), 7);
  p.reset = numerics::Reset::Soft;
  EXPECT_EQ(numerics::updateMembrane(12, true, 7, p), 8);
  p.reset = numerics::Reset::Subtract;
  EXPECT_EQ(numerics::updateMembrane(12, true, 7, p), 3);
  EXPECT_EQ(numerics::updateMembrane(12, false, 7, p), 13);
  // Subtracting after the decay can pass the state's minimum: saturates.
  p.decay = 256;
  EXPECT_EQ(numerics::updateMembrane(-32768, true, 0, p), -32768);
}

/// Event input into one LIF neuron (threshold 10, decay 0.5) into a
/// readout neuron of its spikes, worth `unit` each.
CoreNetwork oneNeuron(numerics::Reset reset, float unit) {
  CoreNetwork net;
  net.encoding = InputEncoding::Events;
  net.input = {{1.0}, {0.0}, 1.0f, 8};
  CorePopulation input;
  input.kind = PopulationKind::Input;
  input.shape = {1};
  CorePopulation lif;
  lif.kind = PopulationKind::LIF;
  lif.shape = {1};
  lif.threshold = {10};
  lif.bias = {0};
  lif.decay = {128}; // 0.5
  lif.decayBits = 8;
  lif.stateBits = 16;
  lif.reset = reset;
  CorePopulation readout;
  readout.kind = PopulationKind::Readout;
  readout.shape = {1};
  readout.bias = {0};
  readout.unit = {unit};
  net.populations = {input, lif, readout};
  net.readout = 2;
  CoreProjection in{"in", ProjectionKind::OneToOne, 0, 1, 8, {1}, {1}};
  CoreProjection out{"out", ProjectionKind::OneToOne, 1, 2, 8, {1}, {1}};
  net.projections = {in, out};
  return net;
}

TEST(GoldenLIF, HardSoftAndSubtractResetInTheEngine) {
  for (numerics::Reset reset : {numerics::Reset::Hard, numerics::Reset::Soft,
                                numerics::Reset::Subtract}) {
    CoreNetwork net = oneNeuron(reset, 1.0f);
    // Input 7 each step.  u: 7, 10 (=10, no spike), 12 (spike), then
    // hard: 0 >> 1 + 7 = 7; soft: (12 - 10) >> 1 + 7 = 8; subtract:
    // 12 >> 1 - 10 + 7 = 3.  Spikes: 1 of 4.
    NDArray x{{4, 1, 1}, {7, 7, 7, 7}};
    GoldenEngine engine(net);
    auto y = engine.run(x, 4);
    ASSERT_TRUE(bool(y));
    EXPECT_FLOAT_EQ(y->data[0], 1.0f / 4.0f) << int(reset);
  }
}

TEST(GoldenLIF, MembraneAndLastStepReadouts) {
  // Input 7 each step into one LIF (threshold 10, decay 0.5, hard reset):
  // u = 7, 10, 12 (spike), 7.  Read by its membranes (unit 0.5), the mean
  // over 4 steps is 0.5 x 36 / 4, the last step 0.5 x 7; a readout neuron
  // of its spikes (unit 0.25) reads 0.25 at the third step, 0 at the last.
  CoreNetwork spikes = oneNeuron(numerics::Reset::Hard, 0.25f);
  CoreNetwork net = spikes;
  net.populations.pop_back();
  net.projections.pop_back();
  net.populations[1].membraneReadout = true;
  net.populations[1].unit = {0.5f};
  net.readout = 1;
  NDArray x{{4, 1, 1}, {7, 7, 7, 7}};
  ASSERT_FALSE(bool(validateNetwork(net)));
  auto mean = GoldenEngine(net).run(x, 4);
  ASSERT_TRUE(bool(mean));
  EXPECT_FLOAT_EQ(mean->data[0], 0.5f * 36.0f / 4.0f);
  net.readoutLast = spikes.readoutLast = true;
  auto last = GoldenEngine(net).run(x, 4);
  ASSERT_TRUE(bool(last));
  EXPECT_FLOAT_EQ(last->data[0], 0.5f * 7.0f);
  auto third = GoldenEngine(spikes).run(x, 3);
  ASSERT_TRUE(bool(third));
  EXPECT_FLOAT_EQ(third->data[0], 0.25f);
  auto fourth = GoldenEngine(spikes).run(x, 4);
  ASSERT_TRUE(bool(fourth));
  EXPECT_FLOAT_EQ(fourth->data[0], 0.0f);
}

TEST(GoldenThreads, SameOutputsStatsAndSpikesOnAnyThreadCount) {
  // A conv layer into LIF neurons into a readout, over 9 samples.
  std::mt19937 rng(7);
  CoreNetwork net = convNetwork(2, 6, 6, 3, 3, 1, 1, 1, 1, rng);
  net.timesteps = 3;
  CorePopulation lif = net.populations[1];
  lif.kind = PopulationKind::LIF;
  lif.threshold.assign(3, 200);
  lif.decay.assign(3, 128);
  lif.decayBits = 8;
  lif.stateBits = 24;
  CorePopulation readout;
  readout.kind = PopulationKind::Readout;
  readout.shape = {2};
  readout.bias = {0, 0};
  readout.unit = {1.0f, 1.0f};
  CoreProjection dense;
  dense.kind = ProjectionKind::Dense;
  dense.source = 1;
  dense.target = 2;
  dense.weightShape = {2, lif.size()};
  std::uniform_int_distribution<int> weight(-127, 127);
  for (int64_t i = 0; i < 2 * lif.size(); ++i)
    dense.weights.push_back(int8_t(weight(rng)));
  net.populations = {net.populations[0], lif, readout};
  net.projections.push_back(dense);
  net.readout = 2;
  NDArray x{{9, 2, 6, 6}, {}};
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  for (int64_t i = 0; i < 9 * 72; ++i)
    x.data.push_back(pixel(rng));
  GoldenEngine one(net), three(net);
  one.recordSpikes(true);
  three.recordSpikes(true);
  three.setThreads(3);
  // Two runs each: samples are numbered across runs on both.
  for (int run = 0; run < 2; ++run) {
    auto a = one.run(x, 3);
    auto b = three.run(x, 3);
    ASSERT_TRUE(bool(a) && bool(b));
    EXPECT_EQ(a->data, b->data);
  }
  EXPECT_GT(one.spikes().size(), 0u);
  EXPECT_EQ(firstDifference(one.spikes(), three.spikes()), std::nullopt);
  EXPECT_EQ(one.spikes().back().sample, 17);
  std::string statsOne, statsThree;
  llvm::raw_string_ostream(statsOne) << one.statsJson();
  llvm::raw_string_ostream(statsThree) << three.statsJson();
  EXPECT_EQ(statsOne, statsThree);
}

} // namespace
