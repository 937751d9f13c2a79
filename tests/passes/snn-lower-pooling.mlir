// RUN: snn-opt %s -split-input-file -verify-diagnostics -snn-lower-pooling | FileCheck %s

// A 2x2 pool before a conv becomes the conv's input_pool; weights / 4.
// CHECK-LABEL: func.func @pool_conv
// CHECK:       %[[W:.*]] = arith.constant dense<5.000000e-01> : tensor<3x2x1x1xf32>
// CHECK:       snn.conv2d %arg0, %[[W]] {dilations = array<i64: 1, 1>, input_pool = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x2x5x4xf32>, tensor<3x2x1x1xf32>) -> tensor<?x3x2x2xf32>
// CHECK-NOT:   snn.avg_pool
func.func @pool_conv(%s: tensor<?x2x5x4xf32>) -> tensor<?x3x2x2xf32> {
  %w = arith.constant dense<2.0> : tensor<3x2x1x1xf32>
  %p = snn.avg_pool %s {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x2x5x4xf32> -> tensor<?x2x2x2xf32>
  %c = snn.conv2d %p, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x2x2x2xf32>, tensor<3x2x1x1xf32>) -> tensor<?x3x2x2xf32>
  return %c : tensor<?x3x2x2xf32>
}

// -----

// A global pool, flatten and dense: one window over the plane, dense
// addressing of the NCHW source.
// CHECK-LABEL: func.func @global_pool_dense
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<2.500000e-01> : tensor<4x2xf32>
// CHECK-DAG:   %[[B:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK:       snn.dense %arg0, %[[W]], %[[B]] {input_pool = array<i64: 2, 2>} : (tensor<?x2x2x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<?x4xf32>
// CHECK-NOT:   snn.flatten
func.func @global_pool_dense(%s: tensor<?x2x2x2xf32>) -> tensor<?x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %b = arith.constant dense<1.0> : tensor<4xf32>
  %p = snn.avg_pool %s {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : tensor<?x2x2x2xf32> -> tensor<?x2x1x1xf32>
  %f = snn.flatten %p : tensor<?x2x1x1xf32> -> tensor<?x2xf32>
  %d = snn.dense %f, %w, %b : (tensor<?x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}

// -----

// Flatten alone becomes dense addressing; weights are unchanged.
// CHECK-LABEL: func.func @flatten_dense
// CHECK:       snn.dense %arg0, %{{.*}} : (tensor<?x2x3x1xf32>, tensor<5x6xf32>) -> tensor<?x5xf32>
func.func @flatten_dense(%s: tensor<?x2x3x1xf32>) -> tensor<?x5xf32> {
  %w = arith.constant dense<1.0> : tensor<5x6xf32>
  %f = snn.flatten %s : tensor<?x2x3x1xf32> -> tensor<?x6xf32>
  %d = snn.dense %f, %w : (tensor<?x6xf32>, tensor<5x6xf32>) -> tensor<?x5xf32>
  return %d : tensor<?x5xf32>
}

// -----

func.func @overlapping(%s: tensor<?x2x4x4xf32>) -> tensor<?x2x3x3xf32> {
  // expected-error @+1 {{cannot become an event address transform: its windows overlap or are padded}}
  %p = snn.avg_pool %s {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : tensor<?x2x4x4xf32> -> tensor<?x2x3x3xf32>
  return %p : tensor<?x2x3x3xf32>
}

// -----

func.func @pool_into_lif(%s: tensor<?x2x4x4xf32>) -> tensor<?x2x2x2xf32> {
  %p = snn.avg_pool %s {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x2x4x4xf32> -> tensor<?x2x2x2xf32>
  // expected-error @+1 {{reads pooled events; only a projection can}}
  %o = snn.lif %p, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x2x2x2xf32>
  return %o : tensor<?x2x2x2xf32>
}

// -----

// A max pool of spikes before a conv, and (flattened) before a dense
// layer: the projections read the spikes through input_pool with
// input_pool_max, their weights unscaled (a window's spikes count once).
// CHECK-LABEL: func.func @max_pool
// CHECK-DAG:   %[[W:.*]] = arith.constant dense<2.000000e+00> : tensor<3x2x1x1xf32>
// CHECK-DAG:   %[[D:.*]] = arith.constant dense<1.000000e+00> : tensor<4x8xf32>
// CHECK:       snn.conv2d %arg0, %[[W]] {dilations = array<i64: 1, 1>, input_pool = array<i64: 2, 2>, input_pool_max, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
// CHECK:       snn.dense %arg0, %[[D]] {input_pool = array<i64: 2, 2>, input_pool_max} : (tensor<?x2x5x4xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
// CHECK-NOT:   snn.max_pool
func.func @max_pool(%s: tensor<?x2x5x4xf32>) -> (tensor<?x3x2x2xf32>, tensor<?x4xf32>) {
  %w = arith.constant dense<2.0> : tensor<3x2x1x1xf32>
  %d = arith.constant dense<1.0> : tensor<4x8xf32>
  %p = snn.max_pool %s {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x2x5x4xf32> -> tensor<?x2x2x2xf32>
  %c = snn.conv2d %p, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x2x2x2xf32>, tensor<3x2x1x1xf32>) -> tensor<?x3x2x2xf32>
  %f = snn.flatten %p : tensor<?x2x2x2xf32> -> tensor<?x8xf32>
  %y = snn.dense %f, %d : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  return %c, %y : tensor<?x3x2x2xf32>, tensor<?x4xf32>
}

// -----

// An overlapping max pool is no address transform.
func.func @overlapping_max_pool(%s: tensor<?x2x4x4xf32>) -> tensor<?x3x3x3xf32> {
  %w = arith.constant dense<2.0> : tensor<3x2x1x1xf32>
  // expected-error @+1 {{cannot become an event address transform: its windows overlap or are padded}}
  %p = snn.max_pool %s {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : tensor<?x2x4x4xf32> -> tensor<?x2x3x3xf32>
  %c = snn.conv2d %p, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x2x3x3xf32>, tensor<3x2x1x1xf32>) -> tensor<?x3x3x3xf32>
  return %c : tensor<?x3x3x3xf32>
}

// -----

// A max pool of a current (before the neuron) is no address transform: it
// stays for snn-quantize, which makes it the LIF population's current_pool.
// CHECK-LABEL: func.func @max_pool_of_current
// CHECK:       %[[C:.*]] = snn.conv2d
// CHECK:       %[[P:.*]] = snn.max_pool %[[C]]
// CHECK:       snn.lif %[[P]]
func.func @max_pool_of_current(%x: tensor<?x2x4x4xf32>) -> tensor<?x3x2x2xf32> {
  %w = arith.constant dense<2.0> : tensor<3x2x1x1xf32>
  %c = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<?x3x4x4xf32>
  %p = snn.max_pool %c {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x3x4x4xf32> -> tensor<?x3x2x2xf32>
  %s = snn.lif %p, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x3x2x2xf32>
  return %s : tensor<?x3x2x2xf32>
}

// -----

// Only neurons can read a max-pooled current.
func.func @max_pool_of_current_into_conv(%x: tensor<?x2x4x4xf32>) -> tensor<?x3x2x2xf32> {
  %w = arith.constant dense<2.0> : tensor<3x2x1x1xf32>
  %v = arith.constant dense<1.0> : tensor<3x3x1x1xf32>
  %c = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<?x3x4x4xf32>
  %p = snn.max_pool %c {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x3x4x4xf32> -> tensor<?x3x2x2xf32>
  // expected-error @+1 {{reads a max-pooled current; only a neuron population can (each neuron takes the max of its window)}}
  %d = snn.conv2d %p, %v {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x3x2x2xf32>, tensor<3x3x1x1xf32>) -> tensor<?x3x2x2xf32>
  return %d : tensor<?x3x2x2xf32>
}

// -----

// The neurons' windows must tile the plane.
func.func @overlapping_max_pool_of_current(%x: tensor<?x2x4x4xf32>) -> tensor<?x3x3x3xf32> {
  %w = arith.constant dense<2.0> : tensor<3x2x1x1xf32>
  %c = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<?x3x4x4xf32>
  // expected-error @+1 {{max-pools a current with windows that overlap or are padded; the neurons' windows must tile the plane}}
  %p = snn.max_pool %c {kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : tensor<?x3x4x4xf32> -> tensor<?x3x3x3xf32>
  %s = snn.lif %p, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x3x3x3xf32>
  return %s : tensor<?x3x3x3xf32>
}
