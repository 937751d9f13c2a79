//===- CoreLowering.h - integer snn dialect to CoreNetwork ------*- C++ -*-===//
#ifndef SNNC_BACKENDS_CORELOWERING_H
#define SNNC_BACKENDS_CORELOWERING_H

#include "snnc/Runtime/CoreNetwork.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace snnc {

/// Reads @main of a module at the integer level (after snn-quantize) into
/// the plain network the golden engine and the package use.
llvm::Expected<CoreNetwork> lowerToCore(mlir::ModuleOp module);

} // namespace snnc

#endif // SNNC_BACKENDS_CORELOWERING_H
