//===- OnnxImporter.h - ONNX to the snn dialect -----------------*- C++ -*-===//
//
// Reads a model that follows docs/onnx-convention.md and builds the snn
// dialect for one time step.  Every error is one line that names the file
// and, where there is one, the node and its op.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_FRONTEND_ONNXIMPORTER_H
#define SNNC_FRONTEND_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace snnc {

/// Imports a binary ONNX file, or textual ONNX when the name ends in
/// `.onnxtxt` (the syntax of onnx::OnnxParser).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxFile(llvm::StringRef path, mlir::MLIRContext &context);

/// Imports an in-memory model; `sourceName` prefixes error messages.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxBuffer(llvm::StringRef bytes, bool textual,
                 llvm::StringRef sourceName, mlir::MLIRContext &context);

} // namespace snnc

#endif // SNNC_FRONTEND_ONNXIMPORTER_H
