//===- OnnxImportFuzzer.cpp - libFuzzer: the ONNX importer ----------------===//
//
// Binary ONNX, or textual ONNX when the first byte is '<': import, then
// lower for the float engine and compile for the core, which is what
// `snnc compile` and `snnc run` do with a model from someone else.
//
//===----------------------------------------------------------------------===//
#include "FuzzInput.h"

#include "snnc/Frontend/OnnxImporter.h"
#include "snnc/Pipeline/Pipeline.h"
#include "snnc/Runtime/Limits.h"

#include "mlir/IR/MLIRContext.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  snnc::fuzz::limitMemory();
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  mlir::MLIRContext context;
  bool textual = !bytes.empty() && bytes.front() == '<';
  auto module = snnc::importOnnxBuffer(bytes, textual, "fuzz.onnx", context);
  if (!module) {
    llvm::consumeError(module.takeError());
    return 0;
  }
  if (auto graph = snnc::pipeline::lowerForFloat(**module); !graph)
    llvm::consumeError(graph.takeError());
  auto network = snnc::pipeline::compileToCore(**module, {});
  if (!network)
    llvm::consumeError(network.takeError());
  return 0;
}
