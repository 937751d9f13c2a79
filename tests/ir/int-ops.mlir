// The integer (core) ops that snn-quantize produces: each parses, prints in
// its custom form, and survives parse -> print -> parse, custom and generic.
// RUN: snn-opt %s | FileCheck %s
// RUN: snn-opt %s | snn-opt | FileCheck %s
// RUN: snn-opt %s --mlir-print-op-generic | snn-opt | FileCheck %s

// CHECK-LABEL: module attributes {snn.input_encoding = "direct", snn.lanes = 8 : i64, snn.target = "sim", snn.timesteps = 4 : i64}
module attributes {snn.timesteps = 4 : i64, snn.input_encoding = "direct", snn.target = "sim", snn.lanes = 8 : i64} {
// CHECK-LABEL: func.func @main
func.func @main(%x: tensor<?x1x8x8xf32>, %w: tensor<2x1x3x3xi8>, %w1: tensor<2xi8>, %pw: tensor<2x2x1x1xi8>,
                %fw: tensor<3x8xi8>, %gw: tensor<3x3xi8>) -> tensor<?x3xf32> {
  // CHECK: %[[Q:.*]] = snn.encode %arg0 {bits = 8 : i64, gain = array<f64: 2.500000e+00>, offset = array<f64: -5.000000e-01>, scale = 1.590000e-02 : f32} : tensor<?x1x8x8xf32> -> tensor<?x1x8x8xi32>
  %q = snn.encode %x {bits = 8 : i64, gain = array<f64: 2.5>, offset = array<f64: -0.5>, scale = 0.0159 : f32}
       : tensor<?x1x8x8xf32> -> tensor<?x1x8x8xi32>
  // CHECK: %[[C:.*]] = snn.qconv2d %[[Q]], %arg1 {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_bits = 8 : i64} : (tensor<?x1x8x8xi32>, tensor<2x1x3x3xi8>) -> tensor<?x2x8x8xi32>
  %c = snn.qconv2d %q, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, weight_bits = 8 : i64}
       : (tensor<?x1x8x8xi32>, tensor<2x1x3x3xi8>) -> tensor<?x2x8x8xi32>
  // CHECK: %[[S:.*]] = snn.qlif %[[C]] hard, gt {bias = array<i64: 3, -1>, decay = 64 : i64, decay_bits = 8 : i64, state_bits = 24 : i64, threshold = array<i64: 90, 70>} : (tensor<?x2x8x8xi32>) -> tensor<?x2x8x8xi32>
  %s = snn.qlif %c hard, gt {bias = array<i64: 3, -1>, decay = 64 : i64, decay_bits = 8 : i64, state_bits = 24 : i64, threshold = array<i64: 90, 70>}
       : (tensor<?x2x8x8xi32>) -> tensor<?x2x8x8xi32>
  // CHECK: %[[O:.*]] = snn.qone_to_one %[[S]], %arg2 {weight_bits = 4 : i64} : (tensor<?x2x8x8xi32>, tensor<2xi8>) -> tensor<?x2x8x8xi32>
  %o = snn.qone_to_one %s, %w1 {weight_bits = 4 : i64} : (tensor<?x2x8x8xi32>, tensor<2xi8>) -> tensor<?x2x8x8xi32>
  // CHECK: %[[P:.*]] = snn.qconv2d %[[S]], %arg3 {dilations = array<i64: 1, 1>, input_pool = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_bits = 2 : i64} : (tensor<?x2x8x8xi32>, tensor<2x2x1x1xi8>) -> tensor<?x2x4x4xi32>
  %p = snn.qconv2d %s, %pw {dilations = array<i64: 1, 1>, input_pool = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_bits = 2 : i64}
       : (tensor<?x2x8x8xi32>, tensor<2x2x1x1xi8>) -> tensor<?x2x4x4xi32>
  // Two currents, a per-channel decay and the extremes of a 16-bit state.
  // CHECK: %[[T:.*]] = snn.qlif %[[O]], %[[O]] soft, ge {bias = array<i64: 0, 0>, decay = array<i64: 0, 256>, decay_bits = 8 : i64, state_bits = 16 : i64, threshold = array<i64: 1, 32767>} : (tensor<?x2x8x8xi32>, tensor<?x2x8x8xi32>) -> tensor<?x2x8x8xi32>
  %t = snn.qlif %o, %o soft, ge {bias = array<i64: 0, 0>, decay = array<i64: 0, 256>, decay_bits = 8 : i64, state_bits = 16 : i64, threshold = array<i64: 1, 32767>}
       : (tensor<?x2x8x8xi32>, tensor<?x2x8x8xi32>) -> tensor<?x2x8x8xi32>
  // The smallest state and decay_bits = 0 (decay 0 or 1).
  // CHECK: %[[U:.*]] = snn.qlif %[[P]] subtract, gt {bias = array<i64: -7, 7>, decay = 1 : i64, decay_bits = 0 : i64, state_bits = 4 : i64, threshold = array<i64: 7, 1>} : (tensor<?x2x4x4xi32>) -> tensor<?x2x4x4xi32>
  %u = snn.qlif %p subtract, gt {bias = array<i64: -7, 7>, decay = 1 : i64, decay_bits = 0 : i64, state_bits = 4 : i64, threshold = array<i64: 7, 1>}
       : (tensor<?x2x4x4xi32>) -> tensor<?x2x4x4xi32>
  // CHECK: %[[D:.*]] = snn.qdense %[[T]], %arg4 {input_pool = array<i64: 4, 4>, weight_bits = 8 : i64} : (tensor<?x2x8x8xi32>, tensor<3x8xi8>) -> tensor<?x3xi32>
  %d = snn.qdense %t, %fw {input_pool = array<i64: 4, 4>, weight_bits = 8 : i64} : (tensor<?x2x8x8xi32>, tensor<3x8xi8>) -> tensor<?x3xi32>
  // CHECK: %[[E:.*]] = snn.qdense %[[U]], %arg4 {input_pool = array<i64: 2, 2>, weight_bits = 3 : i64} : (tensor<?x2x4x4xi32>, tensor<3x8xi8>) -> tensor<?x3xi32>
  %e = snn.qdense %u, %fw {input_pool = array<i64: 2, 2>, weight_bits = 3 : i64} : (tensor<?x2x4x4xi32>, tensor<3x8xi8>) -> tensor<?x3xi32>
  // CHECK: %[[G:.*]] = snn.qdense %[[E]], %arg5 {weight_bits = 8 : i64} : (tensor<?x3xi32>, tensor<3x3xi8>) -> tensor<?x3xi32>
  %g = snn.qdense %e, %gw {weight_bits = 8 : i64} : (tensor<?x3xi32>, tensor<3x3xi8>) -> tensor<?x3xi32>
  // CHECK: %[[Y:.*]] = snn.qreadout %[[D]], %[[G]] {bias = array<i64: 5, -2, 0>, unit = array<f32: 0.00999999977, 2.000000e-02, 3.000000e-02>} : (tensor<?x3xi32>, tensor<?x3xi32>) -> tensor<?x3xf32>
  %y = snn.qreadout %d, %g {bias = array<i64: 5, -2, 0>, unit = array<f32: 0.01, 0.02, 0.03>} : (tensor<?x3xi32>, tensor<?x3xi32>) -> tensor<?x3xf32>
  // CHECK: return %[[Y]] : tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
}
