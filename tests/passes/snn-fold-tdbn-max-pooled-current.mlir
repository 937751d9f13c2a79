// RUN: snn-opt %s -split-input-file -verify-diagnostics -snn-fold-tdbn | FileCheck %s

// A norm after a max pool of a current folds into the convolution before
// the pool: g * max(x) + h = max(g * x + h) for g >= 0 (here g = [2, 0]:
// the second channel's weights become 0, its bias 0.5).
// CHECK-LABEL: func.func @norm_after_max_pool
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}0.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG:   %[[B:.*]] = arith.constant dense<[1.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK:       %[[C:.*]] = snn.conv2d %arg0, %[[W]], %[[B]]
// CHECK:       %[[P:.*]] = snn.max_pool %[[C]]
// CHECK-NOT:   snn.mul
// CHECK-NOT:   snn.add
// CHECK:       snn.lif %[[P]]
func.func @norm_after_max_pool(%x: tensor<?x1x4x4xf32>) -> tensor<?x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %g = arith.constant dense<[[[2.0]], [[0.0]]]> : tensor<2x1x1xf32>
  %h = arith.constant dense<[[[1.0]], [[0.5]]]> : tensor<2x1x1xf32>
  %c = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  %p = snn.max_pool %c {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x2x4x4xf32> -> tensor<?x2x2x2xf32>
  %m = snn.mul %p, %g : (tensor<?x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<?x2x2x2xf32>
  %a = snn.add %m, %h : (tensor<?x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<?x2x2x2xf32>
  %s = snn.lif %a, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x2x2x2xf32>
  return %s : tensor<?x2x2x2xf32>
}

// -----

// A negative scale would turn the max into a min.
func.func @negative_norm_after_max_pool(%x: tensor<?x1x4x4xf32>) -> tensor<?x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %g = arith.constant dense<[[[2.0]], [[-1.0]]]> : tensor<2x1x1xf32>
  %c = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  %p = snn.max_pool %c {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x2x4x4xf32> -> tensor<?x2x2x2xf32>
  // expected-error @+1 {{scales channel 1 of a max-pooled current by -1.000000e+00: after a negative scale the max would be a min; apply the norm before the pool}}
  %m = snn.mul %p, %g : (tensor<?x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<?x2x2x2xf32>
  %s = snn.lif %m, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x2x2x2xf32>
  return %s : tensor<?x2x2x2xf32>
}
