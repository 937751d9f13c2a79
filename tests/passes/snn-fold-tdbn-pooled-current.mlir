// RUN: snn-opt %s -split-input-file -snn-fold-tdbn -verify-diagnostics

// A padded pool's border windows average fewer conv outputs: no single
// convolution computes it.
func.func @padded_pool(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x3x3xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %c = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<?x1x4x4xf32>
  // expected-error @+1 {{pools a current that no convolution absorbs}}
  %p = snn.avg_pool %c {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
       : tensor<?x1x4x4xf32> -> tensor<?x1x3x3xf32>
  %s = snn.lif %p, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x1x3x3xf32>
  return %s : tensor<?x1x3x3xf32>
}

// -----

// A pool of a residual sum: each branch would need the pool folded in.
func.func @pooled_residual(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %a = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<?x1x4x4xf32>
  %b = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<?x1x4x4xf32>
  %r = snn.add %a, %b : (tensor<?x1x4x4xf32>, tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xf32>
  // expected-error @+1 {{pools a current that no convolution absorbs}}
  %p = snn.avg_pool %r {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x1x4x4xf32> -> tensor<?x1x2x2xf32>
  %s = snn.lif %p, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x1x2x2xf32>
  return %s : tensor<?x1x2x2xf32>
}
