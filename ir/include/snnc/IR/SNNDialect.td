//===- SNNDialect.td - the snn dialect ---------------------*- tablegen -*-===//
#ifndef SNNC_IR_SNNDIALECT_TD
#define SNNC_IR_SNNDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"

def SNN_Dialect : Dialect {
  let name = "snn";
  let summary = "Spiking neural networks trained with STBP-tdBN.";
  let description = [{
    The `snn` dialect describes **one time step** of a spiking network, as the
    ONNX convention does (docs/onnx-convention.md).  Values are float tensors
    in NCHW or NC layout whose leading (batch) dimension is dynamic.  Neuron
    state is implicit: an `snn.lif` op keeps its membrane potential from one
    step to the next, so running the function T times is the network.

    The module carries `snn.timesteps` (the default T, > 0),
    `snn.input_encoding` (`"direct"` or `"events"`) and optionally
    `snn.readout` (`"mean"`, the default: the result is the readout's mean
    over T; `"last"`: its value at the last step).
  }];
  let cppNamespace = "::snnc::snn";
  let hasOperationAttrVerify = 1;
  let useFoldAPI = kEmitFoldAdaptorFolder;
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::func::FuncDialect"];
  let extraClassDeclaration = [{
    static constexpr ::llvm::StringLiteral kTimestepsAttr = "snn.timesteps";
    static constexpr ::llvm::StringLiteral kInputEncodingAttr = "snn.input_encoding";
    static constexpr ::llvm::StringLiteral kReadoutAttr = "snn.readout";
    static constexpr ::llvm::StringLiteral kTargetAttr = "snn.target";
    static constexpr ::llvm::StringLiteral kLanesAttr = "snn.lanes";
    static constexpr ::llvm::StringLiteral kPlacementAttr = "snn.placement";
  }];
}

def SNN_ResetMode : I32EnumAttr<"ResetMode", "membrane reset after a spike", [
    I32EnumAttrCase<"hard", 0>,
    I32EnumAttrCase<"soft", 1>,
    I32EnumAttrCase<"subtract", 2>]> {
  let cppNamespace = "::snnc::snn";
}

def SNN_FireMode : I32EnumAttr<"FireMode", "spike condition", [
    I32EnumAttrCase<"gt", 0>,
    I32EnumAttrCase<"ge", 1>]> {
  let cppNamespace = "::snnc::snn";
}

class SNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<SNN_Dialect, mnemonic, traits>;

#endif // SNNC_IR_SNNDIALECT_TD
