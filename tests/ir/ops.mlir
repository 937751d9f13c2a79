// RUN: snn-opt %s | FileCheck %s
// RUN: snn-opt %s | snn-opt | FileCheck %s
// RUN: snn-opt %s --mlir-print-op-generic | snn-opt | FileCheck %s

// CHECK-LABEL: module attributes {snn.input_encoding = "direct", snn.timesteps = 4 : i64}
module attributes {snn.timesteps = 4 : i64, snn.input_encoding = "direct"} {
// CHECK-LABEL: func.func @main
func.func @main(%x: tensor<?x1x8x8xf32>) -> tensor<?x10xf32> {
  %c = arith.constant dense<0.5> : tensor<f32>
  %w = arith.constant dense<1.0> : tensor<4x1x3x3xf32>
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %p = arith.constant dense<1.0> : tensor<4xf32>
  %fw = arith.constant dense<1.0> : tensor<10x64xf32>
  // CHECK: snn.sub %{{.*}}, %{{.*}} : (tensor<?x1x8x8xf32>, tensor<f32>) -> tensor<?x1x8x8xf32>
  %0 = snn.sub %x, %c : (tensor<?x1x8x8xf32>, tensor<f32>) -> tensor<?x1x8x8xf32>
  // CHECK: snn.div
  %1 = snn.div %0, %c : (tensor<?x1x8x8xf32>, tensor<f32>) -> tensor<?x1x8x8xf32>
  // CHECK: snn.conv2d %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  %2 = snn.conv2d %1, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
       : (tensor<?x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<?x4x8x8xf32>
  // CHECK: snn.tdbn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {alpha = 0.707106769 : f32, epsilon = 9.99999974E-6 : f32, v_threshold = 5.000000e-01 : f32} : tensor<?x4x8x8xf32>, tensor<4xf32>
  %3 = snn.tdbn %2, %p, %b, %b, %p {alpha = 0.707106769 : f32, epsilon = 9.99999974E-6 : f32, v_threshold = 0.5 : f32}
       : tensor<?x4x8x8xf32>, tensor<4xf32>
  // CHECK: snn.lif %{{.*}}, soft, ge {decay = 2.500000e-01 : f32, v_threshold = 5.000000e-01 : f32} : tensor<?x4x8x8xf32>
  %4 = snn.lif %3, soft, ge {decay = 0.25 : f32, v_threshold = 0.5 : f32} : tensor<?x4x8x8xf32>
  // CHECK: snn.lif %{{.*}}, subtract, gt {decay = 2.500000e-01 : f32, v_threshold = 5.000000e-01 : f32} : tensor<?x4x8x8xf32>
  %sub = snn.lif %3, subtract, gt {decay = 0.25 : f32, v_threshold = 0.5 : f32} : tensor<?x4x8x8xf32>
  // CHECK: snn.avg_pool %{{.*}} {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<?x4x8x8xf32> -> tensor<?x4x4x4xf32>
  %5 = snn.avg_pool %4 {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x4x8x8xf32> -> tensor<?x4x4x4xf32>
  // CHECK: snn.flatten %{{.*}} : tensor<?x4x4x4xf32> -> tensor<?x64xf32>
  %6 = snn.flatten %5 : tensor<?x4x4x4xf32> -> tensor<?x64xf32>
  // CHECK: snn.dense %{{.*}}, %{{.*}} : (tensor<?x64xf32>, tensor<10x64xf32>) -> tensor<?x10xf32>
  %7 = snn.dense %6, %fw : (tensor<?x64xf32>, tensor<10x64xf32>) -> tensor<?x10xf32>
  // CHECK: snn.add
  %8 = snn.add %7, %7 : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<?x10xf32>
  // CHECK: snn.mul
  %9 = snn.mul %8, %c : (tensor<?x10xf32>, tensor<f32>) -> tensor<?x10xf32>
  return %9 : tensor<?x10xf32>
}
}
