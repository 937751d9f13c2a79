// RUN: snn-opt %s -split-input-file -snn-distribute-event-sums | FileCheck %s

// SEW ResNet's ADD of two spike tensors, pooled, flattened and read by a
// dense layer: the pool and flatten apply to each operand, and the dense
// layer becomes one projection per operand with the same weight (the bias
// on the first only), their currents added.
// CHECK-LABEL: func.func @sew_sum
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<5.000000e-01> : tensor<3x8xf32>
// CHECK-DAG:   %[[B:.*]] = arith.constant dense<1.000000e+00> : tensor<3xf32>
// CHECK:       %[[A:.*]] = snn.lif %{{.*}}, hard, gt {decay = 5.000000e-01 : f32, v_threshold = 1.000000e+00 : f32}
// CHECK:       %[[C:.*]] = snn.lif %{{.*}}, hard, gt {decay = 5.000000e-01 : f32, v_threshold = 2.000000e+00 : f32}
// CHECK-NOT:   snn.add %[[A]], %[[C]]
// CHECK-DAG:   %[[PA:.*]] = snn.avg_pool %[[A]]
// CHECK-DAG:   %[[PC:.*]] = snn.avg_pool %[[C]]
// CHECK-DAG:   %[[FA:.*]] = snn.flatten %[[PA]]
// CHECK-DAG:   %[[FC:.*]] = snn.flatten %[[PC]]
// CHECK-DAG:   %[[DA:.*]] = snn.dense %[[FA]], %[[W]], %[[B]] :
// CHECK-DAG:   %[[DC:.*]] = snn.dense %[[FC]], %[[W]] :
// CHECK:       %[[R:.*]] = snn.add %[[DA]], %[[DC]]
// CHECK:       return %[[R]]
func.func @sew_sum(%x: tensor<?x1x4x4xf32>) -> tensor<?x3xf32> {
  %k = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %w = arith.constant dense<0.5> : tensor<3x8xf32>
  %b = arith.constant dense<1.0> : tensor<3xf32>
  %c = snn.conv2d %x, %k {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  %a = snn.lif %c, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x2x4x4xf32>
  %d = snn.lif %c, hard, gt {decay = 0.5 : f32, v_threshold = 2.0 : f32} : tensor<?x2x4x4xf32>
  %sum = snn.add %a, %d : (tensor<?x2x4x4xf32>, tensor<?x2x4x4xf32>) -> tensor<?x2x4x4xf32>
  %p = snn.avg_pool %sum {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x2x4x4xf32> -> tensor<?x2x2x2xf32>
  %f = snn.flatten %p : tensor<?x2x2x2xf32> -> tensor<?x8xf32>
  %y = snn.dense %f, %w, %b : (tensor<?x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// A residual Add of two currents is no sum of events: untouched.
// CHECK-LABEL: func.func @currents
// CHECK:       snn.add %{{.*}}, %{{.*}} : (tensor<?x2xf32>, tensor<?x2xf32>)
func.func @currents(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %a = snn.dense %x, %w : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %b = snn.dense %x, %w : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %sum = snn.add %a, %b : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %s = snn.lif %sum, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x2xf32>
  %y = snn.dense %s, %w : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
