//===- SNNOps.h - snn dialect operations ------------------------*- C++ -*-===//
#ifndef SNNC_IR_SNNOPS_H
#define SNNC_IR_SNNOPS_H

#include "snnc/IR/SNNDialect.h"
#include "snnc/Rules/Window.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <optional>
#include <string>

namespace snnc::snn {

/// Geometry of one spatial axis of a window op (convolution or pooling).
using WindowAxis = rules::WindowAxis;

/// The largest kernel, stride, dilation, pad or input a window may have
/// (snnc/Rules/Window.h says why, and what a core network allows).
constexpr int64_t kMaxWindowParam = rules::kMaxWindowParam;

/// Output size along one spatial axis (rules::checkWindow); std::nullopt
/// with a reason in `why` when the window parameters are invalid or leave
/// no output.
std::optional<int64_t> windowOutputSize(const WindowAxis &axis,
                                        std::string &why);

/// The name of the layer an op belongs to: the ONNX node name the importer
/// recorded as its NameLoc, or else the op's name.
std::string layerName(mlir::Operation *op);

/// The input encodings the module attribute `snn.input_encoding` accepts.
bool isValidInputEncoding(llvm::StringRef encoding);

/// The readouts the module attribute `snn.readout` accepts: "mean" (over
/// the steps) or "last" (the last step's value).
bool isValidReadout(llvm::StringRef readout);

/// Whether `module` reads out the last step (snn.readout = "last").
bool readsLastStep(mlir::Operation *module);

} // namespace snnc::snn

#define GET_OP_CLASSES
#include "snnc/IR/SNNOps.h.inc"

#endif // SNNC_IR_SNNOPS_H
