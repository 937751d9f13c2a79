//===- Utils.h - helpers shared by the snn passes ---------------*- C++ -*-===//
#ifndef SNNC_PASSES_LIB_UTILS_H
#define SNNC_PASSES_LIB_UTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <vector>

namespace snnc::passes {

/// The values of a float32 constant tensor, or nothing if `value` is not one.
std::optional<std::vector<double>> constantValues(mlir::Value value);

/// A float32 constant tensor of `shape` holding `values`.
mlir::Value makeConstant(mlir::OpBuilder &builder, mlir::Location loc,
                         llvm::ArrayRef<int64_t> shape,
                         llvm::ArrayRef<double> values);

/// Per-channel values of a constant broadcast against an activation (one
/// per channel on axis 1), or nothing when the constant varies along a dim
/// other than the channel.
std::optional<std::vector<double>>
perChannel(mlir::Value constant, mlir::RankedTensorType activation);

} // namespace snnc::passes

#endif // SNNC_PASSES_LIB_UTILS_H
