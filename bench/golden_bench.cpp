//===- golden_bench.cpp - the golden engine alone
//--------------------------===//
//
// snnc-golden-bench PACKAGE INPUT.npy [REPEATS] [THREADS]
//
// Runs a compiled package's golden engine on an input (direct encoding,
// [N, ...]) and prints the best time per sample over REPEATS runs.  It
// links the runtime only, not LibTorch, so valgrind's callgrind can count
// its instructions on CPUs where LibTorch's start-up uses instructions
// valgrind does not model (rdtscp on AMD EPYC); docs/benchmarks.md counts
// the engine's instructions with it.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/GoldenEngine.h"
#include "snnc/Runtime/Npy.h"
#include "snnc/Runtime/Package.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace snnc;

int main(int argc, char **argv) {
  if (argc < 3) {
    llvm::errs() << "usage: snnc-golden-bench PACKAGE INPUT.npy [REPEATS] "
                    "[THREADS]\n";
    return 2;
  }
  llvm::Expected<CoreNetwork> network = readPackage(argv[1]);
  if (!network) {
    llvm::errs() << "error: " << llvm::toString(network.takeError()) << "\n";
    return 1;
  }
  llvm::Expected<NDArray> input = readNpy(argv[2]);
  if (!input) {
    llvm::errs() << "error: " << llvm::toString(input.takeError()) << "\n";
    return 1;
  }
  int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
  int64_t timesteps = network->timesteps.value_or(1);
  GoldenEngine engine(std::move(*network));
  if (argc > 4)
    engine.setThreads(std::atoi(argv[4]));
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    llvm::Expected<NDArray> out = engine.run(*input, timesteps);
    if (!out) {
      llvm::errs() << "error: " << llvm::toString(out.takeError()) << "\n";
      return 1;
    }
    best = std::min(best, std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - start)
                              .count());
  }
  std::printf("%.4f ms per sample (best of %d)\n",
              best * 1e3 / double(input->shape[0]), repeats);
  return 0;
}
