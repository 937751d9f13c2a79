//===- stream.cpp - the memory bandwidth one core sees
//---------------------===//
//
// snnc-stream [MiB]
//
// STREAM-style kernels on one thread: copy (a = b) and the golden engine's
// own access patterns, a widening add of int8 weights into uint32 currents
// (c += w, graded events) and an add of int16 weights into int16 partial
// sums (spikes), over arrays far larger than the caches (default 256 MiB
// of currents) and over one that fits in L2 (256 KiB).  Prints GB/s and,
// for the adds, element updates per second: the ceilings the golden
// engine's synaptic operations per second are measured against in
// docs/benchmarks.md.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// The golden engine's inner loops (GoldenKernels.h), with its vector
/// clones.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SNNC_STREAM_CLONES                                                     \
  __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define SNNC_STREAM_CLONES
#endif
SNNC_STREAM_CLONES __attribute__((noinline)) void
addRow(uint32_t *__restrict out, const int8_t *__restrict w, int64_t n) {
  for (int64_t o = 0; o < n; ++o)
    out[o] += uint32_t(int32_t(w[o]));
}

SNNC_STREAM_CLONES __attribute__((noinline)) void
addRow16(uint16_t *__restrict out, const uint16_t *__restrict w, int64_t n) {
  for (int64_t o = 0; o < n; ++o)
    out[o] = uint16_t(out[o] + w[o]);
}

/// Best of `repeats` passes of `body` over `bytes` bytes: GB/s.
template <typename Body> double rate(double bytes, int repeats, Body body) {
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    double start = now();
    body();
    best = std::min(best, now() - start);
  }
  return bytes / best / 1e9;
}

void measure(const char *label, int64_t elements, int repeats) {
  std::vector<uint32_t> a(elements, 1), b(elements, 2);
  std::vector<int8_t> w(elements, 3);
  double copy = rate(8.0 * double(elements), repeats,
                     [&] { std::copy(b.begin(), b.end(), a.begin()); });
  // Each update reads a weight (1 byte) and reads and writes a current
  // (4 + 4 bytes).
  double add = rate(9.0 * double(elements), repeats,
                    [&] { addRow(a.data(), w.data(), elements); });
  std::vector<uint16_t> a16(elements, 1), w16(elements, 3);
  // Each reads a 16-bit weight and reads and writes a 16-bit sum.
  double add16 = rate(6.0 * double(elements), repeats,
                      [&] { addRow16(a16.data(), w16.data(), elements); });
  std::printf("| %s | %.1f GB/s | %.1f GB/s | %.2f G updates/s | %.1f GB/s | "
              "%.2f G updates/s |\n",
              label, copy, add, add / 9.0, add16, add16 / 6.0);
  if (a[elements / 2] == 0 || a16[elements / 2] == 0) // keep the work
    std::printf("\n");
}
} // namespace

int main(int argc, char **argv) {
  int64_t mib = argc > 1 ? std::atoll(argv[1]) : 256;
  std::printf("| working set | copy | int8 -> uint32 add | add rate | "
              "int16 -> int16 add | add rate |\n");
  std::printf("|---|---|---|---|---|---|\n");
  measure("256 KiB of currents (in cache)", 64 * 1024, 2000);
  char label[64];
  std::snprintf(label, sizeof(label), "%lld MiB of currents (memory)",
                (long long)mib);
  measure(label, mib * 1024 * 1024 / 4, 5);
  return 0;
}
