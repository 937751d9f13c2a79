//===- OnnxOpsCommon.h - helpers of the ONNX node converters ----*- C++ -*-===//
//
// Shared by OnnxOps.cpp (projections, norms, neurons, arithmetic) and
// OnnxShapeOps.cpp (pooling and reshaping): not part of any interface.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_FRONTEND_LIB_ONNXOPSCOMMON_H
#define SNNC_FRONTEND_LIB_ONNXOPSCOMMON_H

#include "OnnxGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <vector>

/// Propagates an error out of the enclosing function returning llvm::Error.
#define SNNC_TRY(decl, expr)                                                   \
  auto decl##OrErr = (expr);                                                   \
  if (!decl##OrErr)                                                            \
    return decl##OrErr.takeError();                                            \
  auto &decl = *decl##OrErr;

namespace snnc::frontend {

mlir::RankedTensorType activationType(mlir::Value value);
mlir::RankedTensorType f32Tensor(mlir::OpBuilder &builder,
                                 llvm::ArrayRef<int64_t> shape);

/// A window op's geometry (pads: top, left, bottom, right).
struct Window {
  std::vector<int64_t> kernel, strides, pads, dilations;
};

/// Reads strides, pads, dilations and auto_pad; computes SAME padding.
llvm::Expected<Window> readWindow(const NodeAttrs &attrs,
                                  mlir::RankedTensorType input,
                                  std::vector<int64_t> kernel);

/// The NCHW output type of a window op, or an error saying why there is none.
llvm::Expected<mlir::RankedTensorType>
windowResult(mlir::OpBuilder &builder, mlir::RankedTensorType input,
             const Window &window, int64_t channels);

llvm::Error requireRank(const GraphValue &value, int64_t rank,
                        llvm::StringRef what);

} // namespace snnc::frontend

#endif // SNNC_FRONTEND_LIB_ONNXOPSCOMMON_H
