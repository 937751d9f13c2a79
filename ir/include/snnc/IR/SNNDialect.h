//===- SNNDialect.h - the snn dialect ---------------------------*- C++ -*-===//
#ifndef SNNC_IR_SNNDIALECT_H
#define SNNC_IR_SNNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "snnc/IR/SNNDialect.h.inc"
#include "snnc/IR/SNNEnums.h.inc"

#endif // SNNC_IR_SNNDIALECT_H
