//===- Limits.h - the resources one command may take ------------*- C++ -*-===//
//
// Models, packages and inputs come from other people.  Everything sized by
// a file is checked against these bounds before it is allocated, so a
// hostile file fails with one line instead of exhausting the machine
// (docs/reliability.md).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_LIMITS_H
#define SNNC_RUNTIME_LIMITS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace snnc {

struct CoreNetwork;
struct FloatGraph;
struct NDArray;

/// The default memory limit: half the machine's physical memory, and no
/// more than three quarters of an address-space or data limit (ulimit -v,
/// ulimit -d) set on the process.
uint64_t defaultMemoryLimit();

/// The limit in force: the default until setMemoryLimit (--max-memory).
uint64_t memoryLimit();
void setMemoryLimit(uint64_t bytes);

/// Fails with "WHAT needs about X, more than the memory limit of Y (raise it
/// with --max-memory)" when `bytes` is above the limit.
llvm::Error checkMemory(uint64_t bytes, const llvm::Twine &what);

/// Adds and multiplies byte counts, saturating at UINT64_MAX: an estimate
/// of a hostile network is "too much", never a wrapped small number.
uint64_t addBytes(uint64_t a, uint64_t b);
uint64_t mulBytes(uint64_t a, uint64_t b);

/// "1.5 GiB", "640 KiB", "12 B".
std::string formatBytes(uint64_t bytes);

/// Parses a size, strictly: a decimal number ("4096", "1.5"), optionally
/// followed by K, M, G or T (powers of 1024, either case) and then B or iB
/// ("512K", "300M", "1.5GiB"), or by B alone.  Anything else ("17E",
/// "1e9", " 4096"), zero, a fraction of a byte ("0.5") and 16 EiB or more
/// are refused.
llvm::Expected<uint64_t> parseByteSize(llvm::StringRef text);

//===----------------------------------------------------------------------===//
// Work.  A 1 KB model can ask for hours per sample (a 1x1 convolution padded
// by 1,024 is 4.2 M neurons; at 100,000 steps that is 8.5e11 operations):
// memory does not bound it, so the work one sample takes is bounded too.
//===----------------------------------------------------------------------===//

/// What one time step of one sample costs, from the network alone: dense
/// synaptic operations (the sum over projections of targets x fan-in, as
/// if every source fired) and neuron updates.
struct StepWork {
  uint64_t synapticOps = 0, neurons = 0;
};
StepWork stepWork(const CoreNetwork &network);
StepWork stepWork(const FloatGraph &graph);

/// The work measure: operations of one sample over `steps` steps,
/// (synaptic operations + neuron updates) x steps, saturating.
uint64_t sampleWork(const StepWork &work, int64_t steps);

/// The default bound on sampleWork: 1e11 operations.  ResNet-19 at full
/// width needs 9.1e9 a sample at T = 4 (11x below), the bundled
/// Fashion-MNIST model 7e6; the padded convolution above 8.5e11 (8x
/// above).  At the bound a sample takes seconds (ResNet-19's sparse
/// activity: about 2e10 dense operations/s on the golden engine) to five
/// minutes (4 M neurons updated every step: 3.3e8/s).  Per sample, not per
/// run: the samples of an input are visible in its size, a model's work
/// per sample is not (100 ResNet-19 samples are 9.1e11, more than the
/// hostile model's one).
constexpr uint64_t kDefaultWorkLimit = 100'000'000'000ull;

/// Serial line rates a board link may run at: termios's slowest, and the
/// FT2232H's fastest (a PLL clock's link runs above 3 Mbaud; see
/// linkClocksPerBit).
constexpr int64_t kMinBaud = 50;
constexpr int64_t kMaxBaud = 12'000'000;
/// The bound in force: the default until setWorkLimit (--max-ops).
uint64_t workLimit();
void setWorkLimit(uint64_t operations);

/// Fails with "ENGINE: one sample needs 8.4e11 operations (...), more than
/// --max-ops 1e11; raise --max-ops to run it" above the bound.
llvm::Error checkWork(const StepWork &work, int64_t steps,
                      const llvm::Twine &engine);

/// Parses an operation count, strictly: a decimal number, optionally with
/// an exponent ("100000000000", "1e11", "2.5e9") or a suffix K, M, G or T
/// (powers of 1000: "100G").  Zero, fractions and overflow are refused.
llvm::Expected<uint64_t> parseCount(llvm::StringRef text);

/// "8.4e11", "4.2e6", "100" (two significant digits; exact below 1e4).
std::string formatCount(uint64_t count);

/// Fails with "sample N, output K: ENGINE produced inf (WHY)" at the first
/// non-finite score of [N, K] `scores`, whose first row is sample
/// `firstSample`: a finite model can still overflow float, and an inf or
/// NaN score must never reach an output file as a result.
llvm::Error checkFiniteScores(const NDArray &scores, int64_t firstSample,
                              const llvm::Twine &engine,
                              const llvm::Twine &why);

} // namespace snnc

#endif // SNNC_RUNTIME_LIMITS_H
