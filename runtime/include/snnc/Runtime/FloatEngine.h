//===- FloatEngine.h - the LibTorch float reference engine ------*- C++ -*-===//
//
// Defined in SNNCFloatEngine (the only LibTorch translation unit), which
// the toolchain links and the installed host API does not ship.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_FLOATENGINE_H
#define SNNC_RUNTIME_FLOATENGINE_H

#include "snnc/Runtime/Engine.h"

#include <functional>

namespace snnc {

/// Sees the spikes of every LIF op as the float engine computes them:
/// `spikes` holds steps * samples rows of `op.resultElements` values (0 or
/// 1), step-major (row t * samples + n), for the samples of one chunk,
/// the first of which is `firstSample`.
using FloatSpikeObserver =
    std::function<void(const FloatOp &op, int64_t firstSample, int64_t steps,
                       int64_t samples, const float *spikes)>;

/// The LibTorch float reference engine; `observer`, if set, sees every
/// LIF op's spikes (snnc compare).
std::unique_ptr<Engine> createFloatEngine(const FloatGraph &graph,
                                          FloatSpikeObserver observer = {});

/// Sets LibTorch's intra-op thread count (benchmarks pin it to 1).
void setFloatEngineThreads(int threads);

} // namespace snnc

#endif // SNNC_RUNTIME_FLOATENGINE_H
