//===- FloatEngine.h - the LibTorch float reference engine ------*- C++ -*-===//
//
// Defined in SNNCFloatEngine (the only LibTorch translation unit), which
// the toolchain links and the installed host API does not ship.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_FLOATENGINE_H
#define SNNC_RUNTIME_FLOATENGINE_H

#include "snnc/Runtime/Engine.h"

namespace snnc {

/// The LibTorch float reference engine.
std::unique_ptr<Engine> createFloatEngine(const FloatGraph &graph);

/// Sets LibTorch's intra-op thread count (benchmarks pin it to 1).
void setFloatEngineThreads(int threads);

} // namespace snnc

#endif // SNNC_RUNTIME_FLOATENGINE_H
