//===- Passes.h - snn dialect passes ----------------------------*- C++ -*-===//
#ifndef SNNC_PASSES_PASSES_H
#define SNNC_PASSES_PASSES_H

#include "snnc/IR/SNNOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace snnc {

#define GEN_PASS_DECL
#include "snnc/Passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "snnc/Passes/Passes.h.inc"

} // namespace snnc

#endif // SNNC_PASSES_PASSES_H
