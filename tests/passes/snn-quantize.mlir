// RUN: snn-opt %s -split-input-file -verify-diagnostics -snn-quantize | FileCheck %s
// RUN: not snn-opt %s -split-input-file -snn-quantize="weight-bits=4" 2>/dev/null | FileCheck %s --check-prefix=W4

// Input range [0, 1] through (x - 0.5) * 2 is [-1, 1]: scale 1/127.
// Dense weights [[0.5, -1], [0.25, 0.25]] from input events (worth 1/127):
// unit = max|w| * (1/127) / 127 per row; Wq = round(w / max|w| * 127).
// LIF: threshold 1.0, so threshold = round(1 / unit) = 127 * 127 / max|w|.
// CHECK-LABEL: func.func @main
// CHECK:       %[[E:.*]] = snn.encode %arg0 {bits = 8 : i64, gain = array<f64: 2.000000e+00, 2.000000e+00>, offset = array<f64: -1.000000e+00, -1.000000e+00>, scale = 0.00787401571 : f32}
// CHECK-DAG:   %[[W1:.*]] = arith.constant dense<{{\[\[}}64, -127], [127, 127]]> : tensor<2x2xi8>
// CHECK:       %[[C1:.*]] = snn.qdense %[[E]], %[[W1]] {weight_bits = 8 : i64}
// CHECK:       %[[S:.*]] = snn.qlif %[[C1]] soft, ge {bias = array<i64: 0, 6452>, decay = 128 : i64, decay_bits = 8 : i64, state_bits = 24 : i64, threshold = array<i64: 16129, 64516>, v_threshold = 1.000000e+00 : f32}
// Readout from spikes (worth 1): unit = max|w| / 127, bias = round(b / unit).
// CHECK-DAG:   %[[W2:.*]] = arith.constant dense<{{\[\[}}127, -64]]> : tensor<1x2xi8>
// CHECK:       %[[C2:.*]] = snn.qdense %[[S]], %[[W2]]
// CHECK:       %[[R:.*]] = snn.qreadout %[[C2]] {bias = array<i64: 64>, unit = array<f32: 0.0157480314>}
// CHECK:       return %[[R]]
// W4: arith.constant dense<{{\[\[}}4, -7], [7, 7]]> : tensor<2x2xi8>
// W4: threshold = array<i64: 889, 3556>
// W4: arith.constant dense<{{\[\[}}7, -4]]> : tensor<1x2xi8>
module attributes {snn.timesteps = 4 : i64} {
func.func @main(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
  %half = arith.constant dense<0.5> : tensor<f32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %w1 = arith.constant dense<[[0.5, -1.0], [0.25, 0.25]]> : tensor<2x2xf32>
  %b1 = arith.constant dense<[0.0, 0.1]> : tensor<2xf32>
  %w2 = arith.constant dense<[[2.0, -1.0]]> : tensor<1x2xf32>
  %b2 = arith.constant dense<1.0> : tensor<1xf32>
  %0 = snn.sub %x, %half : (tensor<?x2xf32>, tensor<f32>) -> tensor<?x2xf32>
  %1 = snn.mul %0, %two : (tensor<?x2xf32>, tensor<f32>) -> tensor<?x2xf32>
  %2 = snn.dense %1, %w1, %b1 : (tensor<?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %3 = snn.lif %2, soft, ge {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x2xf32>
  %4 = snn.dense %3, %w2, %b2 : (tensor<?x2xf32>, tensor<1x2xf32>, tensor<1xf32>) -> tensor<?x1xf32>
  return %4 : tensor<?x1xf32>
}
}

// -----

// The subtract reset (snnTorch's) is carried to the integer neurons; the
// threshold is in the same units as for the other modes.
// CHECK-LABEL: func.func @main
// CHECK:       snn.qlif %{{.*}} subtract, gt {bias = array<i64: 0>, decay = 192 : i64, decay_bits = 8 : i64, state_bits = 24 : i64, threshold = array<i64: 8065>, v_threshold = 5.000000e-01 : f32}
module attributes {snn.timesteps = 2 : i64} {
func.func @main(%x: tensor<?x1xf32>) -> tensor<?x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1xf32>
  %c = snn.dense %x, %w : (tensor<?x1xf32>, tensor<1x1xf32>) -> tensor<?x1xf32>
  %s = snn.lif %c, subtract, gt {decay = 0.75 : f32, v_threshold = 0.5 : f32} : tensor<?x1xf32>
  %d = snn.dense %s, %w : (tensor<?x1xf32>, tensor<1x1xf32>) -> tensor<?x1xf32>
  return %d : tensor<?x1xf32>
}
}

// -----

// A residual: two projections into one population share its unit; the
// identity shortcut becomes a one-to-one projection.
// CHECK-LABEL: func.func @main
// CHECK:       %[[S:.*]] = snn.qlif
// CHECK-DAG:   %[[A:.*]] = snn.qconv2d %[[S]]
// CHECK-DAG:   %[[B:.*]] = snn.qone_to_one %[[S]]
// CHECK:       snn.qlif %[[A]], %[[B]] hard, gt
module {
func.func @main(%x: tensor<?x2x2x2xf32>) -> tensor<?x1xf32> {
  %w0 = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %w = arith.constant dense<0.5> : tensor<2x2x1x1xf32>
  %g = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %h = arith.constant dense<0.0> : tensor<2xf32>
  %wr = arith.constant dense<1.0> : tensor<1x8xf32>
  %c0 = snn.conv2d %x, %w0 {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
        : (tensor<?x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<?x2x2x2xf32>
  %s = snn.lif %c0, hard, gt {decay = 0.25 : f32, v_threshold = 1.0 : f32} : tensor<?x2x2x2xf32>
  %c = snn.conv2d %s, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<?x2x2x2xf32>
  %a = snn.channel_affine %s, %g, %h : tensor<?x2x2x2xf32>, tensor<2xf32>
  %sum = snn.add %c, %a : (tensor<?x2x2x2xf32>, tensor<?x2x2x2xf32>) -> tensor<?x2x2x2xf32>
  %o = snn.lif %sum, hard, gt {decay = 0.25 : f32, v_threshold = 1.0 : f32} : tensor<?x2x2x2xf32>
  %d = snn.dense %o, %wr : (tensor<?x2x2x2xf32>, tensor<1x8xf32>) -> tensor<?x1xf32>
  return %d : tensor<?x1xf32>
}
}

// -----

// A bias far beyond the threshold overflows a small state.
module {
func.func @main(%x: tensor<?x1xf32>) -> tensor<?x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1xf32>
  %b = arith.constant dense<100000.0> : tensor<1xf32>
  %c = snn.dense %x, %w, %b : (tensor<?x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<?x1xf32>
  // expected-error @+1 {{layer 'snn.lif': bias of channel 0 is 1612900006 units, beyond the 24-bit state}}
  %s = snn.lif %c, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x1xf32>
  %d = snn.dense %s, %w : (tensor<?x1xf32>, tensor<1x1xf32>) -> tensor<?x1xf32>
  return %d : tensor<?x1xf32>
}
}

// -----

// Pooling must be lowered first.
module {
func.func @main(%x: tensor<?x1x2x2xf32>) -> tensor<?x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %wd = arith.constant dense<1.0> : tensor<1x1xf32>
  %c = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<?x1x2x2xf32>
  %s = snn.lif %c, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x1x2x2xf32>
  %p = snn.avg_pool %s {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x1x2x2xf32> -> tensor<?x1x1x1xf32>
  %f = snn.flatten %p : tensor<?x1x1x1xf32> -> tensor<?x1xf32>
  // expected-error @+1 {{reads neither spikes nor the network input; run snn-fold-tdbn and snn-lower-pooling first}}
  %d = snn.dense %f, %wd : (tensor<?x1xf32>, tensor<1x1xf32>) -> tensor<?x1xf32>
  return %d : tensor<?x1xf32>
}
}

// -----

// A max pool of the current before the neuron becomes the population's
// current_pool: the projection keeps the finer 4x4 grid, the neurons are
// 2x2 (the fifth row and column go unread).
// CHECK-LABEL: func.func @main
// CHECK:       %[[C:.*]] = snn.qconv2d {{.*}} -> tensor<?x1x5x5xi32>
// CHECK:       snn.qlif %[[C]] hard, gt {{{.*}}current_pool = array<i64: 2, 2>{{.*}}} : (tensor<?x1x5x5xi32>) -> tensor<?x1x2x2xi32>
module attributes {snn.timesteps = 2 : i64} {
func.func @main(%x: tensor<?x1x5x5xf32>) -> tensor<?x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %w2 = arith.constant dense<1.0> : tensor<1x4xf32>
  %c = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x5x5xf32>, tensor<1x1x1x1xf32>) -> tensor<?x1x5x5xf32>
  %p = snn.max_pool %c {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x1x5x5xf32> -> tensor<?x1x2x2xf32>
  %s = snn.lif %p, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x1x2x2xf32>
  %y = snn.dense %s, %w2 : (tensor<?x1x2x2xf32>, tensor<1x4xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}
}

// -----

// A layer read out by its membranes becomes the readout itself: an snn.qlif
// whose f32 result is unit[k] * u (one state unit is worth the dense
// projection's unit, 1/127 per weight unit here) and which @main returns.
// CHECK-LABEL: func.func @main
// CHECK:       %[[D:.*]] = snn.qdense
// CHECK:       %[[U:.*]] = snn.qlif %[[D]] subtract, gt {{{.*}}membrane_unit = array<f32: {{[^>]*}}>{{.*}}} : (tensor<?x2xi32>) -> tensor<?x2xf32>
// CHECK-NEXT:  return %[[U]] : tensor<?x2xf32>
module attributes {snn.timesteps = 2 : i64, snn.readout = "last"} {
func.func @main(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[0.5, -1.0], [0.25, 0.25]]> : tensor<2x2xf32>
  %c = snn.dense %x, %w : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %u = snn.lif %c, subtract, gt {decay = 0.5 : f32, membrane_readout, v_threshold = 1.0 : f32} : tensor<?x2xf32>
  return %u : tensor<?x2xf32>
}
}
