// RUN: snn-opt %s -split-input-file -snn-fold-tdbn | FileCheck %s

// A negative scale negates the channel's weights; the LIF is untouched.
// g = scale * alpha * v_th / sqrt(var + eps) = [2 / 2, -1 / 1] = [1, -1]
// h = bias - g * mean = [0.5 - 1, 0.25] = [-0.5, 0.25]
// CHECK-LABEL: func.func @conv_negative_scale
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}-2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG:   %[[B:.*]] = arith.constant dense<[-5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK:       %[[C:.*]] = snn.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT:   snn.tdbn
// CHECK:       snn.lif %[[C]], hard, gt {decay = 5.000000e-01 : f32, v_threshold = 1.000000e+00 : f32}
func.func @conv_negative_scale(%x: tensor<?x1x2x2xf32>) -> tensor<?x2x2x2xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %scale = arith.constant dense<[2.0, -1.0]> : tensor<2xf32>
  %bias = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %c = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x2x2xf32>
  %n = snn.tdbn %c, %scale, %bias, %mean, %var {alpha = 1.0 : f32, epsilon = 1.0 : f32, v_threshold = 1.0 : f32}
       : tensor<?x2x2x2xf32>, tensor<2xf32>
  %s = snn.lif %n, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x2x2x2xf32>
  return %s : tensor<?x2x2x2xf32>
}

// -----

// A zero scale zeroes the channel: its current is the constant h.
// alpha * v_th = 0.5 * 2 = 1; g = [0, 1], h = [0.5, 0] + existing bias.
// CHECK-LABEL: func.func @dense_zero_scale
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG:   %[[B:.*]] = arith.constant dense<[5.000000e-01, 1.000000e+00]> : tensor<2xf32>
// CHECK:       %[[D:.*]] = snn.dense %arg0, %[[W]], %[[B]]
// CHECK:       snn.lif %[[D]], soft, ge
func.func @dense_zero_scale(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = arith.constant dense<[7.0, 1.0]> : tensor<2xf32>
  %scale = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %bias = arith.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %var = arith.constant dense<0.0> : tensor<2xf32>
  %d = snn.dense %x, %w, %b : (tensor<?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %n = snn.tdbn %d, %scale, %bias, %zero, %var {alpha = 0.5 : f32, epsilon = 1.0 : f32, v_threshold = 2.0 : f32}
       : tensor<?x2xf32>, tensor<2xf32>
  %s = snn.lif %n, soft, ge {decay = 1.0 : f32, v_threshold = 2.0 : f32} : tensor<?x2xf32>
  return %s : tensor<?x2xf32>
}

// -----

// Constant affine chains (MatMul + Add, then scaling) fold in order.
// ((x W^T + 1) * 2) - 0.5 = x (2W)^T + 1.5
// CHECK-LABEL: func.func @constant_chain
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<4.000000e+00> : tensor<1x1xf32>
// CHECK-DAG:   %[[B:.*]] = arith.constant dense<1.500000e+00> : tensor<1xf32>
// CHECK:       %[[D:.*]] = snn.dense %arg0, %[[W]], %[[B]]
// CHECK-NEXT:  return %[[D]]
func.func @constant_chain(%x: tensor<?x1xf32>) -> tensor<?x1xf32> {
  %w = arith.constant dense<2.0> : tensor<1x1xf32>
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %d = snn.dense %x, %w : (tensor<?x1xf32>, tensor<1x1xf32>) -> tensor<?x1xf32>
  %a = snn.add %d, %one : (tensor<?x1xf32>, tensor<1xf32>) -> tensor<?x1xf32>
  %m = snn.mul %two, %a : (tensor<f32>, tensor<?x1xf32>) -> tensor<?x1xf32>
  %s = snn.sub %m, %half : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  return %s : tensor<?x1xf32>
}

// -----

// Residual block: each branch folds on its own; the identity shortcut (tdBN
// on spikes) has no projection to fold into and becomes channel_affine.
// CHECK-LABEL: func.func @residual
// CHECK:       %[[S:.*]] = snn.lif %arg0, hard, gt
// CHECK:       %[[C:.*]] = snn.conv2d %[[S]], %{{.*}}, %{{.*}}
// CHECK-DAG:   %[[G:.*]] = arith.constant dense<[5.000000e-01, -2.500000e-01]> : tensor<2xf32>
// CHECK-DAG:   %[[H:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK:       %[[A:.*]] = snn.channel_affine %[[S]], %[[G]], %[[H]] : tensor<?x2x2x2xf32>, tensor<2xf32>
// CHECK:       %[[SUM:.*]] = snn.add %[[C]], %[[A]]
// CHECK:       snn.lif %[[SUM]], soft, gt
func.func @residual(%x: tensor<?x2x2x2xf32>) -> tensor<?x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %g = arith.constant dense<[1.0, -0.5]> : tensor<2xf32>
  %h = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %three = arith.constant dense<3.0> : tensor<2xf32>
  %s = snn.lif %x, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x2x2x2xf32>
  %c = snn.conv2d %s, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<?x2x2x2xf32>
  %n1 = snn.tdbn %c, %one, %zero, %zero, %three {alpha = 0.5 : f32, epsilon = 1.0 : f32, v_threshold = 1.0 : f32}
        : tensor<?x2x2x2xf32>, tensor<2xf32>
  %n2 = snn.tdbn %s, %g, %h, %zero, %three {alpha = 1.0 : f32, epsilon = 1.0 : f32, v_threshold = 1.0 : f32}
        : tensor<?x2x2x2xf32>, tensor<2xf32>
  %sum = snn.add %n1, %n2 : (tensor<?x2x2x2xf32>, tensor<?x2x2x2xf32>) -> tensor<?x2x2x2xf32>
  %o = snn.lif %sum, soft, gt {decay = 0.25 : f32, v_threshold = 1.0 : f32} : tensor<?x2x2x2xf32>
  return %o : tensor<?x2x2x2xf32>
}

// -----

// A projection with two users cannot absorb one user's map.
// CHECK-LABEL: func.func @shared_projection
// CHECK:       %[[D:.*]] = snn.dense %arg0, %{{.*}} :
// CHECK:       snn.channel_affine %[[D]]
// CHECK:       snn.add
func.func @shared_projection(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %z = arith.constant dense<0.0> : tensor<2xf32>
  %d = snn.dense %x, %w : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %n = snn.tdbn %d, %p, %z, %z, %p {alpha = 1.0 : f32, epsilon = 0.0 : f32, v_threshold = 1.0 : f32}
       : tensor<?x2xf32>, tensor<2xf32>
  %sum = snn.add %n, %d : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  return %sum : tensor<?x2xf32>
}

// -----

// Input normalization stays a per-channel map on the analog input.
// CHECK-LABEL: func.func @analog_input
// CHECK:       snn.channel_affine %arg0
func.func @analog_input(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %z = arith.constant dense<0.0> : tensor<2xf32>
  %n = snn.tdbn %x, %p, %z, %z, %p {alpha = 1.0 : f32, epsilon = 0.0 : f32, v_threshold = 1.0 : f32}
       : tensor<?x2xf32>, tensor<2xf32>
  return %n : tensor<?x2xf32>
}

// -----

// A pooled current (conv, then a 2x2 average pool, then a constant Mul):
// the pool folds into the conv as one convolution with the kernel
// box-filtered through the window (3 + 2 - 1 = 4 taps a side; each tap
// counts the (window, kernel) pairs that reach it, over 4), at stride
// 1 * 2; then the Mul folds into that conv.
// CHECK-LABEL: func.func @pooled_current
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}5.000000e-01, 1.000000e+00, 1.000000e+00, 5.000000e-01], [1.000000e+00, 2.000000e+00, 2.000000e+00, 1.000000e+00], [1.000000e+00, 2.000000e+00, 2.000000e+00, 1.000000e+00], [5.000000e-01, 1.000000e+00, 1.000000e+00, 5.000000e-01]]]]> : tensor<1x1x4x4xf32>
// CHECK-DAG:   %[[B:.*]] = arith.constant dense<2.000000e+00> : tensor<1xf32>
// CHECK:       %[[C:.*]] = snn.conv2d %arg0, %[[W]], %[[B]] {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK-SAME:    -> tensor<?x1x2x2xf32>
// CHECK-NOT:   snn.avg_pool
// CHECK:       snn.lif %[[C]]
func.func @pooled_current(%x: tensor<?x1x6x6xf32>) -> tensor<?x1x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x3x3xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %two = arith.constant dense<2.0> : tensor<1x1x1xf32>
  %c = snn.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x6x6xf32>, tensor<1x1x3x3xf32>, tensor<1xf32>) -> tensor<?x1x4x4xf32>
  %p = snn.avg_pool %c {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x1x4x4xf32> -> tensor<?x1x2x2xf32>
  %m = snn.mul %p, %two : (tensor<?x1x2x2xf32>, tensor<1x1x1xf32>) -> tensor<?x1x2x2xf32>
  %s = snn.lif %m, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x1x2x2xf32>
  return %s : tensor<?x1x2x2xf32>
}

// -----

// A strided conv under the pool: the taps of the folded kernel are the
// conv's stride apart (u = 2 a), and its stride is 2 * 2.
// CHECK-LABEL: func.func @pooled_strided_current
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}7.500000e-01, 0.000000e+00, 7.500000e-01], [0.000000e+00, 0.000000e+00, 0.000000e+00], [7.500000e-01, 0.000000e+00, 7.500000e-01]]]]> : tensor<1x1x3x3xf32>
// CHECK:       snn.conv2d %arg0, %[[W]] {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 4, 4>}
// CHECK-NOT:   snn.avg_pool
func.func @pooled_strided_current(%x: tensor<?x1x8x8xf32>) -> tensor<?x1x2x2xf32> {
  %w = arith.constant dense<3.0> : tensor<1x1x1x1xf32>
  %c = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : (tensor<?x1x8x8xf32>, tensor<1x1x1x1xf32>) -> tensor<?x1x4x4xf32>
  %p = snn.avg_pool %c {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x1x4x4xf32> -> tensor<?x1x2x2xf32>
  %s = snn.lif %p, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x1x2x2xf32>
  return %s : tensor<?x1x2x2xf32>
}

// -----

// A conv read by a pool and by a norm nothing reads: the norm folds into a
// copy of the conv (and goes, unread), then the pool folds into the conv.
// CHECK-LABEL: func.func @pool_beside_unread_norm
// CHECK:       snn.conv2d %arg0, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK-NOT:   snn.avg_pool
// CHECK-NOT:   snn.tdbn
func.func @pool_beside_unread_norm(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %zero = arith.constant dense<0.0> : tensor<1xf32>
  %c = snn.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<?x1x4x4xf32>
  %n = snn.tdbn %c, %one, %zero, %zero, %one {alpha = 1.0 : f32, epsilon = 0.0 : f32, v_threshold = 1.0 : f32}
       : tensor<?x1x4x4xf32>, tensor<1xf32>
  %p = snn.avg_pool %c {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x1x4x4xf32> -> tensor<?x1x2x2xf32>
  %s = snn.lif %p, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x1x2x2xf32>
  return %s : tensor<?x1x2x2xf32>
}
