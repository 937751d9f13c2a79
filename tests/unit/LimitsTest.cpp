//===- LimitsTest.cpp - the resource bounds of docs/reliability.md --------===//
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/GoldenEngine.h"

#include <gtest/gtest.h>

using namespace snnc;

namespace {
TEST(Limits, ParsesSizes) {
  EXPECT_EQ(*parseByteSize("4096"), 4096u);
  EXPECT_EQ(*parseByteSize("512K"), 512u << 10);
  EXPECT_EQ(*parseByteSize("300m"), uint64_t(300) << 20);
  EXPECT_EQ(*parseByteSize("1.5G"), uint64_t(3) << 29);
  for (const char *bad : {"", "G", "lots", "-1G", "0", "nan", "1e30"}) {
    auto size = parseByteSize(bad);
    EXPECT_FALSE(bool(size)) << bad;
    llvm::consumeError(size.takeError());
  }
}

TEST(Limits, SaturatesInsteadOfWrapping) {
  EXPECT_EQ(mulBytes(uint64_t(1) << 40, uint64_t(1) << 40), UINT64_MAX);
  EXPECT_EQ(addBytes(UINT64_MAX - 1, 5), UINT64_MAX);
  EXPECT_EQ(mulBytes(3, 4), 12u);
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
  EXPECT_EQ(formatBytes(12), "12 B");
}

TEST(Limits, RefusesAboveTheLimit) {
  uint64_t saved = memoryLimit();
  setMemoryLimit(1 << 20);
  EXPECT_FALSE(bool(checkMemory(1 << 19, "half")));
  llvm::Error over = checkMemory(UINT64_MAX, "a hostile run");
  ASSERT_TRUE(bool(over));
  EXPECT_EQ(llvm::toString(std::move(over)),
            "a hostile run needs about more than 16 EiB, more than the memory "
            "limit of 1.0 MiB (raise it with --max-memory)");
  setMemoryLimit(saved);
  EXPECT_GT(defaultMemoryLimit(), 0u);
}

// The golden engine's estimate grows with the samples and the steps, and a
// request for 2^40 samples saturates rather than wrapping to a small number.
TEST(Limits, GoldenEstimateScales) {
  CoreNetwork net;
  net.populations.resize(3);
  net.populations[0].kind = PopulationKind::Input;
  net.populations[0].shape = {1, 8, 8};
  net.populations[1].shape = {16, 8, 8};
  net.populations[2].kind = PopulationKind::Readout;
  net.populations[2].shape = {10};
  net.readout = 2;
  GoldenEngine engine(net);
  NDArray one{{1, 1, 8, 8}, {}}, many{{1000, 1, 8, 8}, {}};
  uint64_t small = engine.memoryEstimate(one, 4);
  EXPECT_GT(small, uint64_t(16 * 64 * 33));
  EXPECT_GT(engine.memoryEstimate(many, 4), small);
  EXPECT_GT(engine.memoryEstimate(one, 100000), small);
  NDArray hostile{{int64_t(1) << 40, 1, 8, 8}, {}};
  EXPECT_GT(engine.memoryEstimate(hostile, 100000), uint64_t(1) << 40);
}
} // namespace
