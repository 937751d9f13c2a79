//===- NirFuzzer.cpp - libFuzzer: the NIR reader and translation ---------===//
//
// The bytes as a .nir file: HDF5 parsing (libhdf5, not instrumented, so only
// what it hands to snnc is checked), the layout checks and the translation
// into the ONNX convention, then the ONNX importer on the result.
//
//===----------------------------------------------------------------------===//
#include "FuzzInput.h"

#include "snnc/Frontend/NirImporter.h"
#include "snnc/IR/SNNDialect.h"

#include "mlir/IR/MLIRContext.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  snnc::NirOptions options;
  options.dt = 1e-3;
  // Outlives the module the reader returns.
  mlir::MLIRContext context;
  context.loadDialect<snnc::snn::SNNDialect>();
  return snnc::fuzz::readAsFile(data, size, [&](const std::string &path) {
    return snnc::importNirFile(path, options, context);
  });
}
