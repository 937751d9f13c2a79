//===- LoweringUtils.h - helpers of the backends' lowerings -----*- C++ -*-===//
#ifndef SNNC_BACKENDS_LIB_LOWERINGUTILS_H
#define SNNC_BACKENDS_LIB_LOWERINGUTILS_H

#include "snnc/IR/SNNOps.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Numerics.h"

#include "mlir/IR/Operation.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace snnc::backends {

/// An error that names the op's location (the ONNX node, where known).
inline llvm::Error opError(mlir::Operation *op, const llvm::Twine &what) {
  std::string location;
  llvm::raw_string_ostream os(location);
  op->getLoc().print(os);
  return makeError<ModelError>(os.str() + ": " + what);
}

inline std::vector<int64_t> toVector(llvm::ArrayRef<int64_t> values) {
  return std::vector<int64_t>(values.begin(), values.end());
}

/// The runtime's reset mode for the dialect's.
inline numerics::Reset resetOf(snn::ResetMode mode) {
  switch (mode) {
  case snn::ResetMode::soft:
    return numerics::Reset::Soft;
  case snn::ResetMode::subtract:
    return numerics::Reset::Subtract;
  case snn::ResetMode::hard:
    break;
  }
  return numerics::Reset::Hard;
}

} // namespace snnc::backends

#endif // SNNC_BACKENDS_LIB_LOWERINGUTILS_H
