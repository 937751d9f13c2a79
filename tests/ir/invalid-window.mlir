// Window and projection geometry: snn.conv2d, snn.avg_pool, snn.qconv2d
// (their shared window check), snn.dense, and the ODS counts of their
// array attributes.
// RUN: snn-opt %s -split-input-file -verify-diagnostics

func.func @conv_strides_count(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32> {
  // expected-error @+1 {{attribute 'strides' failed to satisfy constraint: i64 dense array attribute with exactly 2 elements}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// -----

func.func @conv_pads_count(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32> {
  // expected-error @+1 {{attribute 'pads' failed to satisfy constraint: i64 dense array attribute with exactly 4 elements}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// -----

func.func @qconv_dilations_count(%x: tensor<?x1x4x4xi32>, %w: tensor<2x1x1x1xi8>) -> tensor<?x2x4x4xi32> {
  // expected-error @+1 {{attribute 'dilations' failed to satisfy constraint: i64 dense array attribute with exactly 2 elements}}
  %0 = snn.qconv2d %x, %w {dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_bits = 8 : i64}
       : (tensor<?x1x4x4xi32>, tensor<2x1x1x1xi8>) -> tensor<?x2x4x4xi32>
  return %0 : tensor<?x2x4x4xi32>
}

// -----

func.func @pool_kernel_count(%x: tensor<?x4x4x4xf32>) -> tensor<?x4x2x2xf32> {
  // expected-error @+1 {{attribute 'kernel' failed to satisfy constraint: i64 dense array attribute with exactly 2 elements}}
  %0 = snn.avg_pool %x {count_include_pad = false, kernel = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x4x4x4xf32> -> tensor<?x4x2x2xf32>
  return %0 : tensor<?x4x2x2xf32>
}

// -----

func.func @conv_dynamic_spatial(%x: tensor<?x1x?x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32> {
  // expected-error @+1 {{spatial dims must be static}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x?x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// -----

func.func @conv_stride_zero(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32> {
  // expected-error @+1 {{invalid window on axis 3: kernel, stride and dilation must be >= 1}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 0>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// -----

func.func @conv_kernel_zero(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x0x1xf32>) -> tensor<?x2x4x4xf32> {
  // expected-error @+1 {{invalid window on axis 2: kernel, stride and dilation must be >= 1}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x0x1xf32>) -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// -----

func.func @qconv_dilation_zero(%x: tensor<?x1x4x4xi32>, %w: tensor<2x1x1x1xi8>) -> tensor<?x2x4x4xi32> {
  // expected-error @+1 {{invalid window on axis 2: kernel, stride and dilation must be >= 1}}
  %0 = snn.qconv2d %x, %w {dilations = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_bits = 8 : i64}
       : (tensor<?x1x4x4xi32>, tensor<2x1x1x1xi8>) -> tensor<?x2x4x4xi32>
  return %0 : tensor<?x2x4x4xi32>
}

// -----

func.func @pool_negative_pad(%x: tensor<?x4x4x4xf32>) -> tensor<?x4x2x2xf32> {
  // expected-error @+1 {{invalid window on axis 2: pads must be >= 0}}
  %0 = snn.avg_pool %x {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, -1, 0>, strides = array<i64: 2, 2>}
       : tensor<?x4x4x4xf32> -> tensor<?x4x2x2xf32>
  return %0 : tensor<?x4x2x2xf32>
}

// -----

func.func @pool_huge_stride(%x: tensor<?x4x4x4xf32>) -> tensor<?x4x1x1xf32> {
  // expected-error @+1 {{invalid window on axis 2: kernel, stride, dilation, pads and input must be at most 65536, got 65537}}
  %0 = snn.avg_pool %x {count_include_pad = false, kernel = array<i64: 4, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 65537, 1>}
       : tensor<?x4x4x4xf32> -> tensor<?x4x1x1xf32>
  return %0 : tensor<?x4x1x1xf32>
}

// -----

func.func @pool_output(%x: tensor<?x4x4x4xf32>) -> tensor<?x4x2x3xf32> {
  // expected-error @+1 {{output dim 3 is 3, expected 2}}
  %0 = snn.avg_pool %x {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x4x4x4xf32> -> tensor<?x4x2x3xf32>
  return %0 : tensor<?x4x2x3xf32>
}

// -----

func.func @conv_out_channels(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<?x3x4x4xf32> {
  // expected-error @+1 {{output has 3 channels, expected 2}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x3x4x4xf32>
  return %0 : tensor<?x3x4x4xf32>
}

// -----

func.func @conv_batch(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{batch dims of input and output differ}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

func.func @conv_bias(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x1x1xf32>, %b: tensor<3xf32>) -> tensor<?x2x4x4xf32> {
  // expected-error @+1 {{bias size differs from the number of output channels}}
  %0 = snn.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<3xf32>) -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// -----

func.func @conv_pool_large(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<?x2x1x1xf32> {
  // expected-error @+1 {{input_pool window is larger than the input}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, input_pool = array<i64: 1, 5>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x1x1xf32>
  return %0 : tensor<?x2x1x1xf32>
}

// -----

func.func @conv_pooled_output(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32> {
  // expected-error @+1 {{output dim 2 is 4, expected 2}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, input_pool = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  return %0 : tensor<?x2x4x4xf32>
}

// -----

func.func @dense_rank(%x: tensor<?x2x4xf32>, %w: tensor<3x8xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{input must be [N, K] or [N, C, H, W]}}
  %0 = snn.dense %x, %w : (tensor<?x2x4xf32>, tensor<3x8xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @dense_pool_rank(%x: tensor<?x8xf32>, %w: tensor<3x8xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{input_pool needs an NCHW input}}
  %0 = snn.dense %x, %w {input_pool = array<i64: 1, 1>} : (tensor<?x8xf32>, tensor<3x8xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @dense_pool_count(%x: tensor<?x2x4x4xf32>, %w: tensor<3x8xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{attribute 'input_pool' failed to satisfy constraint: i64 dense array attribute with exactly 2 elements whose value is positive}}
  %0 = snn.dense %x, %w {input_pool = array<i64: 2>} : (tensor<?x2x4x4xf32>, tensor<3x8xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @dense_bias(%x: tensor<?x8xf32>, %w: tensor<3x8xf32>, %b: tensor<2xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{bias size differs from the number of outputs}}
  %0 = snn.dense %x, %w, %b : (tensor<?x8xf32>, tensor<3x8xf32>, tensor<2xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @dense_output(%x: tensor<?x8xf32>, %w: tensor<3x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{output must be [?, 3]}}
  %0 = snn.dense %x, %w : (tensor<?x8xf32>, tensor<3x8xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @dense_batch(%x: tensor<2x8xf32>, %w: tensor<3x8xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{output must be [2, 3]}}
  %0 = snn.dense %x, %w : (tensor<2x8xf32>, tensor<3x8xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
