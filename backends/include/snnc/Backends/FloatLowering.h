//===- FloatLowering.h - snn dialect to the float engine's graph -*- C++
//-*-===//
#ifndef SNNC_BACKENDS_FLOATLOWERING_H
#define SNNC_BACKENDS_FLOATLOWERING_H

#include "snnc/Runtime/FloatGraph.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace snnc {

/// Lowers the @main function of a verified snn module into the plain graph
/// that runtime engines execute.  Fails on ops outside the snn dialect.
llvm::Expected<FloatGraph> lowerToFloatGraph(mlir::ModuleOp module);

} // namespace snnc

#endif // SNNC_BACKENDS_FLOATLOWERING_H
