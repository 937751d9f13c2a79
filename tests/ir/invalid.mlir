// Verifier errors of the float ops; the integer ops, the window geometry
// and the dialect's attributes have files of their own.
// RUN: snn-opt %s -split-input-file -verify-diagnostics

func.func @lif_threshold(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{v_threshold must be finite and > 0, got 0}}
  %0 = snn.lif %x, hard, gt {decay = 0.5 : f32, v_threshold = 0.0 : f32} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @lif_decay(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{decay must be in [0, 1], got 1.5}}
  %0 = snn.lif %x, hard, gt {decay = 1.5 : f32, v_threshold = 1.0 : f32} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @lif_channel_decays(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{a per-channel decay needs 4 values, it has 2}}
  %0 = snn.lif %x, hard, gt {decay = array<f32: 0.5, 0.25>, v_threshold = 1.0 : f32} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @lif_reset(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'reset' [hard, soft, subtract]}}
  %0 = snn.lif %x, medium, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @conv_channels(%x: tensor<?x3x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<?x4x6x6xf32> {
  // expected-error @+1 {{weight expects 1 input channels, input has 3}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x3x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<?x4x6x6xf32>
  return %0 : tensor<?x4x6x6xf32>
}

// -----

func.func @conv_output(%x: tensor<?x1x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<?x4x8x8xf32> {
  // expected-error @+1 {{output dim 2 is 8, expected 6}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<?x4x8x8xf32>
  return %0 : tensor<?x4x8x8xf32>
}

// -----

func.func @conv_window(%x: tensor<?x1x2x2xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<?x4x1x1xf32> {
  // expected-error @+1 {{invalid window on axis 2: window of 3 exceeds padded input of 2}}
  %0 = snn.conv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
       : (tensor<?x1x2x2xf32>, tensor<4x1x3x3xf32>) -> tensor<?x4x1x1xf32>
  return %0 : tensor<?x4x1x1xf32>
}

// -----

func.func @dense_inputs(%x: tensor<?x8xf32>, %w: tensor<10x9xf32>) -> tensor<?x10xf32> {
  // expected-error @+1 {{weight expects 9 inputs, input has 8}}
  %0 = snn.dense %x, %w : (tensor<?x8xf32>, tensor<10x9xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @tdbn_channels(%x: tensor<?x4x2x2xf32>, %p: tensor<3xf32>) -> tensor<?x4x2x2xf32> {
  // expected-error @+1 {{per-channel parameters must have 4 entries}}
  %0 = snn.tdbn %x, %p, %p, %p, %p {alpha = 1.0 : f32, epsilon = 1.0e-5 : f32, v_threshold = 1.0 : f32}
       : tensor<?x4x2x2xf32>, tensor<3xf32>
  return %0 : tensor<?x4x2x2xf32>
}

// -----

func.func @tdbn_epsilon(%x: tensor<?x4xf32>, %p: tensor<4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{epsilon must be finite and >= 0, got -1}}
  %0 = snn.tdbn %x, %p, %p, %p, %p {alpha = 1.0 : f32, epsilon = -1.0 : f32, v_threshold = 1.0 : f32}
       : tensor<?x4xf32>, tensor<4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @flatten_size(%x: tensor<?x4x2x2xf32>) -> tensor<?x15xf32> {
  // expected-error @+1 {{output must be [?, 16]}}
  %0 = snn.flatten %x : tensor<?x4x2x2xf32> -> tensor<?x15xf32>
  return %0 : tensor<?x15xf32>
}

// -----

func.func @pool_channels(%x: tensor<?x4x4x4xf32>) -> tensor<?x3x2x2xf32> {
  // expected-error @+1 {{output has 3 channels, expected 4}}
  %0 = snn.avg_pool %x {count_include_pad = false, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
       : tensor<?x4x4x4xf32> -> tensor<?x3x2x2xf32>
  return %0 : tensor<?x3x2x2xf32>
}

// -----

func.func @add_broadcast(%a: tensor<?x4xf32>, %b: tensor<?x5xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{operands don't have broadcast-compatible shapes}}
  %0 = snn.add %a, %b : (tensor<?x4xf32>, tensor<?x5xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @lif_threshold_inf(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{v_threshold must be finite and > 0, got INF}}
  %0 = snn.lif %x, hard, gt {decay = 0.5 : f32, v_threshold = 0x7F800000 : f32} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @lif_channel_decay_range(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{decay must be in [0, 1], got -5.000000e-01}}
  %0 = snn.lif %x, subtract, ge {decay = array<f32: 0.5, -0.5>, v_threshold = 1.0 : f32} : tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @tdbn_rank(%x: tensor<4xf32>, %p: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{input needs a channel dim (rank >= 2)}}
  %0 = snn.tdbn %x, %p, %p, %p, %p {alpha = 1.0 : f32, epsilon = 1.0e-5 : f32, v_threshold = 1.0 : f32}
       : tensor<4xf32>, tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @tdbn_threshold(%x: tensor<?x4xf32>, %p: tensor<4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{v_threshold must be finite and > 0, got -1}}
  %0 = snn.tdbn %x, %p, %p, %p, %p {alpha = 1.0 : f32, epsilon = 1.0e-5 : f32, v_threshold = -1.0 : f32}
       : tensor<?x4xf32>, tensor<4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @tdbn_alpha(%x: tensor<?x4xf32>, %p: tensor<4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{alpha must be finite}}
  %0 = snn.tdbn %x, %p, %p, %p, %p {alpha = 0x7FC00000 : f32, epsilon = 1.0e-5 : f32, v_threshold = 1.0 : f32}
       : tensor<?x4xf32>, tensor<4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @affine_rank(%x: tensor<4xf32>, %p: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{input needs a channel dim (rank >= 2)}}
  %0 = snn.channel_affine %x, %p, %p : tensor<4xf32>, tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @affine_channels(%x: tensor<?x4xf32>, %p: tensor<3xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{scale and bias must have 4 entries}}
  %0 = snn.channel_affine %x, %p, %p : tensor<?x4xf32>, tensor<3xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @flatten_rank(%x: tensor<4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{input must have rank >= 2}}
  %0 = snn.flatten %x : tensor<4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @flatten_dynamic(%x: tensor<?x4x?xf32>) -> tensor<?x16xf32> {
  // expected-error @+1 {{only the batch dim may be dynamic}}
  %0 = snn.flatten %x : tensor<?x4x?xf32> -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

// A layer read out by its membranes ends the network.
func.func @membrane_readout_read(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{its membranes are the network's readout; 'snn.mul' cannot read them}}
  %0 = snn.lif %x, hard, gt {decay = 0.5 : f32, membrane_readout, v_threshold = 1.0 : f32} : tensor<?x4xf32>
  %1 = snn.mul %0, %0 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}

// -----

func.func @membrane_readout_rank(%x: tensor<?x2x3x3xf32>) -> tensor<?x2x3x3xf32> {
  // expected-error @+1 {{a membrane readout is an [N, K] layer}}
  %0 = snn.lif %x, hard, gt {decay = 0.5 : f32, membrane_readout, v_threshold = 1.0 : f32} : tensor<?x2x3x3xf32>
  return %0 : tensor<?x2x3x3xf32>
}
