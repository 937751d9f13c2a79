//===- NirImporter.h - NIR graphs to the snn dialect ------------*- C++ -*-===//
//
// Reads a NIR graph (the HDF5 file nir.write produces, NIR 1.0 layout),
// discretizes its continuous-time neurons with forward Euler at a chosen
// time step, and translates it into the snnc ONNX convention, which the
// ONNX importer then checks and imports like any model: one set of rules
// for what a core can run.  docs/interop.md has the node table and the
// discretization.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_FRONTEND_NIRIMPORTER_H
#define SNNC_FRONTEND_NIRIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace snnc {

/// What NIR leaves open and snnc needs.
struct NirOptions {
  /// The time step of the discretization; default: the graph's metadata
  /// `dt`, else an error asking for --dt.
  std::optional<double> dt;
  /// The default T stored with the model (else --timesteps at run time).
  std::optional<int64_t> timesteps;
  /// "direct" (the same input every step) or "events" (one frame a step).
  std::string encoding = "direct";
};

/// Translates a NIR file into a binary ONNX model of the snnc convention.
llvm::Expected<std::string> translateNirFile(llvm::StringRef path,
                                             const NirOptions &options);

/// Imports a NIR file: translateNirFile, then the ONNX importer.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importNirFile(llvm::StringRef path, const NirOptions &options,
              mlir::MLIRContext &context);

} // namespace snnc

#endif // SNNC_FRONTEND_NIRIMPORTER_H
