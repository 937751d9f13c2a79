//===- SNNOps.h - snn dialect operations ------------------------*- C++ -*-===//
#ifndef SNNC_IR_SNNOPS_H
#define SNNC_IR_SNNOPS_H

#include "snnc/IR/SNNDialect.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <optional>
#include <string>

namespace snnc::snn {

/// Geometry of one spatial axis of a window op (convolution or pooling).
struct WindowAxis {
  int64_t input, kernel, stride, padBefore, padAfter, dilation = 1;
};

/// The largest kernel, stride, dilation or pad a window may have.  No
/// frame a core runs is near it, and with every term below it the window's
/// arithmetic cannot overflow (a dilation of 2^62 once wrapped around).
constexpr int64_t kMaxWindowParam = int64_t(1) << 16;

/// Output size along one spatial axis; std::nullopt with a reason in `why`
/// when the window parameters are invalid or leave no output.
std::optional<int64_t> windowOutputSize(const WindowAxis &axis,
                                        std::string &why);

/// The name of the layer an op belongs to: the ONNX node name the importer
/// recorded as its NameLoc, or else the op's name.
std::string layerName(mlir::Operation *op);

/// The input encodings the module attribute `snn.input_encoding` accepts.
bool isValidInputEncoding(llvm::StringRef encoding);

} // namespace snnc::snn

#define GET_OP_CLASSES
#include "snnc/IR/SNNOps.h.inc"

#endif // SNNC_IR_SNNOPS_H
