// RUN: snn-opt %s -split-input-file -verify-diagnostics -snn-map="target=ice40-up5k" | FileCheck %s
// RUN: not snn-opt %s -split-input-file -snn-map="target=loihi" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: unknown target 'loihi' (known: sim, ice40-up5k)

// Weights, state and queues go to SPRAM in program order; per-channel
// parameters and the readout accumulators to EBR.
// CHECK-LABEL: module attributes {snn.lanes = 4 : i64, snn.target = "ice40-up5k"}
// Input queue: 2 inputs * (1 address bit + 8 value bits).
// CHECK:       snn.encode {{.*}}snn.placement = {memory = "spram", offset = 0 : i64, size = 18 : i64}
// CHECK:       snn.qdense {{.*}}snn.placement = {memory = "spram", offset = 18 : i64, size = 32 : i64}
// State: 2 neurons * (24 + 1) bits, then their queue (2 bits).
// CHECK:       snn.qlif {{.*}}snn.placement = {memory = "spram", offset = 50 : i64, size = 50 : i64}
// CHECK:       snn.qdense {{.*}}snn.placement = {memory = "spram", offset = 102 : i64, size = 16 : i64}
// CHECK:       snn.qreadout {{.*}}snn.placement = {memory = "ebr", offset = 96 : i64, size = 128 : i64}
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

// -----

// A 600 x 500 input with a 4-bit dense readout does not fit 1 Mbit of SPRAM.
// expected-error @+1 {{the network does not fit ice40-up5k: spram needs 9300000 bits of 1048576, over by 8251424 bits (largest: input queue 8100000, snn.qdense weights 1200000)}}
module {
func.func @main(%x: tensor<?x1x600x500xf32>) -> tensor<?x1xf32> {
  %w = arith.constant dense<1> : tensor<1x300000xi8>
  %e = snn.encode %x {bits = 8 : i64, gain = array<f64: 1.0>, offset = array<f64: 0.0>, scale = 0.01 : f32}
       : tensor<?x1x600x500xf32> -> tensor<?x1x600x500xi32>
  %d = snn.qdense %e, %w {weight_bits = 4 : i64} : (tensor<?x1x600x500xi32>, tensor<1x300000xi8>) -> tensor<?x1xi32>
  %r = snn.qreadout %d {bias = array<i64: 0>, unit = array<f32: 1.0>} : (tensor<?x1xi32>) -> tensor<?x1xf32>
  return %r : tensor<?x1xf32>
}
}
