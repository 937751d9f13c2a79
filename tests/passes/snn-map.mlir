// RUN: snn-opt %s -split-input-file -verify-diagnostics -snn-map="target=ice40-up5k" | FileCheck %s
// RUN: snn-opt %s -split-input-file -verify-diagnostics -snn-map="target=sim" | FileCheck %s --check-prefix=SIM
// RUN: not snn-opt %s -split-input-file -snn-map="target=loihi" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: unknown target 'loihi' (known: sim, ice40-up5k, ice40-hx8k)
// RUN: snn-opt %s -split-input-file -snn-map="target=ice40-up5k lanes=4" | FileCheck %s --check-prefix=LANES
// LANES: module attributes {snn.lanes = 4 : i64, snn.target = "ice40-up5k"}
// RUN: not snn-opt %s -split-input-file -snn-map="target=ice40-up5k lanes=3" 2>&1 | FileCheck %s --check-prefix=BADLANES
// BADLANES: error: the core has 1, 2, 4 or 8 lanes, not 3
// RUN: echo 'module { func.func @other() { return } }' | not snn-opt -snn-map 2>&1 | FileCheck %s --check-prefix=NOMAIN
// NOMAIN: error: no @main function to map

// The module records the target and its core's lanes; ops are unchanged
// (no memory budget here: the fit is checked against the real layout).
// CHECK-LABEL: module attributes {snn.lanes = 1 : i64, snn.target = "ice40-up5k"}
// CHECK:       snn.qlif
// CHECK-NOT:   snn.placement
// SIM-LABEL:   module attributes {snn.lanes = 8 : i64, snn.target = "sim"}
module {
func.func @main(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
  %w1 = arith.constant dense<[[64, -127], [127, 127]]> : tensor<2x2xi8>
  %w2 = arith.constant dense<[[127, -64]]> : tensor<1x2xi8>
  %e = snn.encode %x {bits = 8 : i64, gain = array<f64: 1.0, 1.0>, offset = array<f64: 0.0, 0.0>, scale = 0.01 : f32}
       : tensor<?x2xf32> -> tensor<?x2xi32>
  %c = snn.qdense %e, %w1 {weight_bits = 8 : i64} : (tensor<?x2xi32>, tensor<2x2xi8>) -> tensor<?x2xi32>
  %s = snn.qlif %c hard, gt {bias = array<i64: 0, 1>, decay = 128 : i64, decay_bits = 8 : i64, state_bits = 24 : i64,
                             threshold = array<i64: 100, 200>} : (tensor<?x2xi32>) -> tensor<?x2xi32>
  %d = snn.qdense %s, %w2 {weight_bits = 8 : i64} : (tensor<?x2xi32>, tensor<1x2xi8>) -> tensor<?x1xi32>
  %r = snn.qreadout %d {bias = array<i64: 3>, unit = array<f32: 0.5>} : (tensor<?x1xi32>) -> tensor<?x1xf32>
  return %r : tensor<?x1xf32>
}
}
