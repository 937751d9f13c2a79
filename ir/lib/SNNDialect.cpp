//===- SNNDialect.cpp - the snn dialect -----------------------------------===//
#include "snnc/IR/SNNDialect.h"
#include "snnc/IR/SNNOps.h"
#include "snnc/Rules/Encoding.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace snnc::snn;

#include "snnc/IR/SNNDialect.cpp.inc"
#include "snnc/IR/SNNEnums.cpp.inc"

void SNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "snnc/IR/SNNOps.cpp.inc"
      >();
}

bool snnc::snn::isValidInputEncoding(llvm::StringRef encoding) {
  return rules::parseEncoding(encoding).has_value();
}

bool snnc::snn::isValidReadout(llvm::StringRef readout) {
  return readout == "mean" || readout == "last";
}

bool snnc::snn::readsLastStep(Operation *module) {
  auto readout = module->getAttrOfType<StringAttr>(SNNDialect::kReadoutAttr);
  return readout && readout.getValue() == "last";
}

LogicalResult SNNDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  if (attr.getName() == kPlacementAttr) {
    auto dict = attr.getValue().dyn_cast<DictionaryAttr>();
    if (!dict || !dict.get("memory") || !dict.get("offset") ||
        !dict.get("size"))
      return op->emitError()
             << "'" << kPlacementAttr << "' needs memory, offset and size";
    return success();
  }
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'" << attr.getName()
                           << "' belongs on the module, not on '"
                           << op->getName() << "'";
  if (attr.getName() == kTimestepsAttr) {
    auto steps = attr.getValue().dyn_cast<IntegerAttr>();
    if (!steps || steps.getInt() < 1)
      return op->emitError()
             << "'" << kTimestepsAttr << "' must be an integer >= 1";
    return success();
  }
  if (attr.getName() == kInputEncodingAttr) {
    auto encoding = attr.getValue().dyn_cast<StringAttr>();
    if (!encoding || !isValidInputEncoding(encoding.getValue()))
      return op->emitError() << "'" << kInputEncodingAttr
                             << "' must be \"direct\" or \"events\"";
    return success();
  }
  if (attr.getName() == kReadoutAttr) {
    auto readout = attr.getValue().dyn_cast<StringAttr>();
    if (!readout || !isValidReadout(readout.getValue()))
      return op->emitError()
             << "'" << kReadoutAttr << "' must be \"mean\" or \"last\"";
    return success();
  }
  if (attr.getName() == kTargetAttr) {
    if (!attr.getValue().isa<StringAttr>())
      return op->emitError() << "'" << kTargetAttr << "' must be a string";
    return success();
  }
  if (attr.getName() == kLanesAttr) {
    auto lanes = attr.getValue().dyn_cast<IntegerAttr>();
    if (!lanes || lanes.getInt() < 1)
      return op->emitError()
             << "'" << kLanesAttr << "' must be an integer >= 1";
    return success();
  }
  return op->emitError() << "unknown snn attribute '" << attr.getName() << "'";
}
