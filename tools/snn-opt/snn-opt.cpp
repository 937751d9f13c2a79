//===- snn-opt.cpp - the snn dialect's optimizer driver -------------------===//
//
// mlir-opt with the snn dialect registered: parses, verifies, runs passes
// and prints snn IR.  Used by the lit tests of the dialect and its passes.
//
//===----------------------------------------------------------------------===//
#include "snnc/IR/SNNDialect.h"
#include "snnc/Passes/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  snnc::registerSNNCPasses();
  snnc::registerCompilePipeline();
  mlir::DialectRegistry registry;
  registry.insert<snnc::snn::SNNDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "snn optimizer driver\n", registry));
}
