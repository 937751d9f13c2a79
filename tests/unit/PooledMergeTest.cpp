//===- PooledMergeTest.cpp - the two pooled event merges agree ------------===//
//
// Input pooling merges the events that land on one pooled address into one
// graded event of their summed value (docs/numerics.md).  Two loops apply
// that rule: golden::poolEvents (the golden engine's hot path: a plane of
// sums, pooled neuron order) and addressing::mergePooled (the RTL engine's
// host side: first-arrival order, which sets the core's event order).  The
// orders differ on purpose; the events must not.  This holds both to a
// plain map of sums on random shapes, windows, values and orders.
//
//===----------------------------------------------------------------------===//
#include "Addressing.h"
#include "GoldenKernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

using namespace snnc;
using Event = GoldenEngine::Event;

namespace {
/// The pooled neuron order poolEvents emits: row, column, channel.
bool neuronOrder(const Event &a, const Event &b) {
  return std::tie(a.y, a.x, a.c) < std::tie(b.y, b.x, b.c);
}

/// Events as comparable tuples (c, y, x, value), for EXPECT_EQ.
std::vector<std::tuple<int32_t, int32_t, int32_t, int32_t>>
tuples(const std::vector<Event> &events) {
  std::vector<std::tuple<int32_t, int32_t, int32_t, int32_t>> out;
  for (const Event &e : events)
    out.emplace_back(e.c, e.y, e.x, e.value);
  return out;
}

/// The rule written out: sum per pooled address, drop the zero sums and
/// the rows and columns past the last whole window.
std::vector<Event> reference(const std::vector<Event> &events, int64_t py,
                             int64_t px, const addressing::Pooling &pooling) {
  std::map<std::tuple<int32_t, int32_t, int32_t>, int32_t> sums;
  for (const Event &e : events) {
    int32_t y = int32_t(e.y / py), x = int32_t(e.x / px);
    if (y < pooling.height && x < pooling.width)
      sums[{y, x, e.c}] += e.value;
  }
  std::vector<Event> out;
  for (const auto &[at, value] : sums)
    if (value != 0)
      out.push_back({std::get<2>(at), std::get<0>(at), std::get<1>(at), value});
  return out;
}

/// Random events over a [C, H, W] source: repeated addresses (so sums
/// build up and cancel), spikes and graded values of either sign.
std::vector<Event> randomEvents(std::mt19937_64 &rng, int64_t c, int64_t h,
                                int64_t w) {
  std::uniform_int_distribution<int> count(0, 3 * int(c * h * w));
  std::uniform_int_distribution<int32_t> ch(0, int32_t(c - 1)),
      row(0, int32_t(h - 1)), col(0, int32_t(w - 1)), graded(-4, 4);
  bool spikes = rng() % 3 == 0;
  std::vector<Event> events(size_t(count(rng)));
  for (Event &e : events)
    e = {ch(rng), row(rng), col(rng), spikes ? 1 : graded(rng)};
  return events;
}
} // namespace

TEST(PooledMerge, GoldenAndAddressingMergeTheSameEvents) {
  std::mt19937_64 rng(27);
  std::vector<int32_t> plane; // reused, as the engine reuses it
  std::vector<Event> pooled, merged;
  for (int trial = 0; trial < 2000; ++trial) {
    std::uniform_int_distribution<int64_t> dim(1, 13), channels(1, 20);
    int64_t c = channels(rng), h = dim(rng), w = dim(rng);
    std::uniform_int_distribution<int64_t> wy(1, h), wx(1, w);
    int64_t py = wy(rng), px = wx(rng);
    addressing::Pooling pooling({c, h, w}, py, px);
    std::vector<Event> events = randomEvents(rng, c, h, w);
    std::shuffle(events.begin(), events.end(), rng);

    golden::poolEvents(events, pooling, plane, pooled);
    addressing::mergePooled(events, pooling, merged);
    std::vector<Event> expected = reference(events, py, px, pooling);
    SCOPED_TRACE(testing::Message()
                 << "trial " << trial << ": [" << c << ", " << h << ", " << w
                 << "] pooled " << py << "x" << px << ", " << events.size()
                 << " events");

    EXPECT_EQ(tuples(pooled), tuples(expected)) << "golden::poolEvents";
    std::vector<Event> sorted = merged;
    std::stable_sort(sorted.begin(), sorted.end(), neuronOrder);
    EXPECT_EQ(tuples(sorted), tuples(expected)) << "addressing::mergePooled";
    // The plane is left all zeros for the next call.
    EXPECT_TRUE(std::all_of(plane.begin(), plane.end(),
                            [](int32_t v) { return v == 0; }));
    if (HasFailure())
      return;
  }
}

TEST(PooledMerge, AddressingKeepsFirstArrivalOrder) {
  // Pooled 2x2 over [1, 4, 4]: pooled (1, 1) arrives first, then (0, 0)
  // twice; (0, 1)'s two events cancel.
  addressing::Pooling pooling({1, 4, 4}, 2, 2);
  std::vector<Event> events = {
      {0, 2, 3, 5}, {0, 0, 0, 1}, {0, 0, 3, 4}, {0, 1, 1, 1}, {0, 1, 2, -4}};
  std::vector<Event> merged;
  addressing::mergePooled(events, pooling, merged);
  std::vector<Event> expected = {{0, 1, 1, 5}, {0, 0, 0, 2}};
  EXPECT_EQ(tuples(merged), tuples(expected));
}
