// Every verifier error of the integer (core) ops, and the ODS constraints
// on their attributes.
// RUN: snn-opt %s -split-input-file -verify-diagnostics

func.func @encode_scale(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xi32> {
  // expected-error @+1 {{scale must be finite and > 0}}
  %0 = snn.encode %x {bits = 8 : i64, gain = array<f64: 1.0>, offset = array<f64: 0.0>, scale = 0.0 : f32}
       : tensor<?x1x4x4xf32> -> tensor<?x1x4x4xi32>
  return %0 : tensor<?x1x4x4xi32>
}

// -----

func.func @encode_scale_inf(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xi32> {
  // expected-error @+1 {{scale must be finite and > 0}}
  %0 = snn.encode %x {bits = 8 : i64, gain = array<f64: 1.0>, offset = array<f64: 0.0>, scale = 0x7F800000 : f32}
       : tensor<?x1x4x4xf32> -> tensor<?x1x4x4xi32>
  return %0 : tensor<?x1x4x4xi32>
}

// -----

func.func @encode_bits_low(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xi32> {
  // expected-error @+1 {{attribute 'bits' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 2 whose maximum value is 16}}
  %0 = snn.encode %x {bits = 1 : i64, gain = array<f64: 1.0>, offset = array<f64: 0.0>, scale = 1.0 : f32}
       : tensor<?x1x4x4xf32> -> tensor<?x1x4x4xi32>
  return %0 : tensor<?x1x4x4xi32>
}

// -----

func.func @encode_bits_high(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xi32> {
  // expected-error @+1 {{attribute 'bits' failed to satisfy constraint}}
  %0 = snn.encode %x {bits = 17 : i64, gain = array<f64: 1.0>, offset = array<f64: 0.0>, scale = 1.0 : f32}
       : tensor<?x1x4x4xf32> -> tensor<?x1x4x4xi32>
  return %0 : tensor<?x1x4x4xi32>
}

// -----

func.func @encode_shape(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x4x5xi32> {
  // expected-error @+1 {{failed to verify that all of {input, output} have same shape}}
  %0 = snn.encode %x {bits = 8 : i64, gain = array<f64: 1.0>, offset = array<f64: 0.0>, scale = 1.0 : f32}
       : tensor<?x1x4x4xf32> -> tensor<?x1x4x5xi32>
  return %0 : tensor<?x1x4x5xi32>
}

// -----

func.func @encode_gain(%x: tensor<?x2x4x4xf32>) -> tensor<?x2x4x4xi32> {
  // expected-error @+1 {{gain and offset need one entry per input channel}}
  %0 = snn.encode %x {bits = 8 : i64, gain = array<f64: 1.0>, offset = array<f64: 0.0, 0.0>, scale = 1.0 : f32}
       : tensor<?x2x4x4xf32> -> tensor<?x2x4x4xi32>
  return %0 : tensor<?x2x4x4xi32>
}

// -----

func.func @encode_rank(%x: tensor<4xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{gain and offset need one entry per input channel}}
  %0 = snn.encode %x {bits = 8 : i64, gain = array<f64: 1.0>, offset = array<f64: 0.0>, scale = 1.0 : f32}
       : tensor<4xf32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @qconv_weight_bits(%x: tensor<?x1x4x4xi32>, %w: tensor<2x1x3x3xi8>) -> tensor<?x2x2x2xi32> {
  // expected-error @+1 {{attribute 'weight_bits' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 2 whose maximum value is 8}}
  %0 = snn.qconv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_bits = 9 : i64}
       : (tensor<?x1x4x4xi32>, tensor<2x1x3x3xi8>) -> tensor<?x2x2x2xi32>
  return %0 : tensor<?x2x2x2xi32>
}

// -----

func.func @qconv_channels(%x: tensor<?x3x4x4xi32>, %w: tensor<2x1x3x3xi8>) -> tensor<?x2x2x2xi32> {
  // expected-error @+1 {{weight expects 1 input channels, input has 3}}
  %0 = snn.qconv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_bits = 8 : i64}
       : (tensor<?x3x4x4xi32>, tensor<2x1x3x3xi8>) -> tensor<?x2x2x2xi32>
  return %0 : tensor<?x2x2x2xi32>
}

// -----

func.func @qconv_output(%x: tensor<?x1x4x4xi32>, %w: tensor<2x1x3x3xi8>) -> tensor<?x2x3x2xi32> {
  // expected-error @+1 {{output dim 2 is 3, expected 2}}
  %0 = snn.qconv2d %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_bits = 8 : i64}
       : (tensor<?x1x4x4xi32>, tensor<2x1x3x3xi8>) -> tensor<?x2x3x2xi32>
  return %0 : tensor<?x2x3x2xi32>
}

// -----

func.func @qconv_pool_zero(%x: tensor<?x1x4x4xi32>, %w: tensor<2x1x1x1xi8>) -> tensor<?x2x4x4xi32> {
  // expected-error @+1 {{attribute 'input_pool' failed to satisfy constraint: i64 dense array attribute with exactly 2 elements whose value is positive}}
  %0 = snn.qconv2d %x, %w {dilations = array<i64: 1, 1>, input_pool = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, weight_bits = 8 : i64}
       : (tensor<?x1x4x4xi32>, tensor<2x1x1x1xi8>) -> tensor<?x2x4x4xi32>
  return %0 : tensor<?x2x4x4xi32>
}

// -----

func.func @qdense_weight_bits(%x: tensor<?x8xi32>, %w: tensor<3x8xi8>) -> tensor<?x3xi32> {
  // expected-error @+1 {{attribute 'weight_bits' failed to satisfy constraint}}
  %0 = snn.qdense %x, %w {weight_bits = 1 : i64} : (tensor<?x8xi32>, tensor<3x8xi8>) -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// -----

func.func @qdense_rank(%x: tensor<?x2x4xi32>, %w: tensor<3x8xi8>) -> tensor<?x3xi32> {
  // expected-error @+1 {{input must be [N, K] or [N, C, H, W]}}
  %0 = snn.qdense %x, %w {weight_bits = 8 : i64} : (tensor<?x2x4xi32>, tensor<3x8xi8>) -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// -----

func.func @qdense_inputs(%x: tensor<?x8xi32>, %w: tensor<3x9xi8>) -> tensor<?x3xi32> {
  // expected-error @+1 {{weight expects 9 inputs, input has 8}}
  %0 = snn.qdense %x, %w {weight_bits = 8 : i64} : (tensor<?x8xi32>, tensor<3x9xi8>) -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// -----

func.func @qdense_pooled_inputs(%x: tensor<?x2x4x4xi32>, %w: tensor<3x32xi8>) -> tensor<?x3xi32> {
  // expected-error @+1 {{weight expects 32 inputs, input has 8}}
  %0 = snn.qdense %x, %w {input_pool = array<i64: 2, 2>, weight_bits = 8 : i64}
       : (tensor<?x2x4x4xi32>, tensor<3x32xi8>) -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// -----

func.func @qdense_pool_rank(%x: tensor<?x8xi32>, %w: tensor<3x8xi8>) -> tensor<?x3xi32> {
  // expected-error @+1 {{input_pool needs an NCHW input}}
  %0 = snn.qdense %x, %w {input_pool = array<i64: 2, 2>, weight_bits = 8 : i64} : (tensor<?x8xi32>, tensor<3x8xi8>) -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// -----

func.func @qdense_pool_large(%x: tensor<?x2x4x4xi32>, %w: tensor<3x2xi8>) -> tensor<?x3xi32> {
  // expected-error @+1 {{input_pool window is larger than the input}}
  %0 = snn.qdense %x, %w {input_pool = array<i64: 8, 1>, weight_bits = 8 : i64} : (tensor<?x2x4x4xi32>, tensor<3x2xi8>) -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// -----

func.func @qdense_pool_count(%x: tensor<?x2x4x4xi32>, %w: tensor<3x8xi8>) -> tensor<?x3xi32> {
  // expected-error @+1 {{attribute 'input_pool' failed to satisfy constraint}}
  %0 = snn.qdense %x, %w {input_pool = array<i64: 2, 2, 1>, weight_bits = 8 : i64} : (tensor<?x2x4x4xi32>, tensor<3x8xi8>) -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// -----

func.func @qdense_output(%x: tensor<?x8xi32>, %w: tensor<3x8xi8>) -> tensor<?x4xi32> {
  // expected-error @+1 {{output size differs from the weight's rows}}
  %0 = snn.qdense %x, %w {weight_bits = 8 : i64} : (tensor<?x8xi32>, tensor<3x8xi8>) -> tensor<?x4xi32>
  return %0 : tensor<?x4xi32>
}

// -----

func.func @one_to_one_weight_bits(%x: tensor<?x2xi32>, %w: tensor<2xi8>) -> tensor<?x2xi32> {
  // expected-error @+1 {{attribute 'weight_bits' failed to satisfy constraint}}
  %0 = snn.qone_to_one %x, %w {weight_bits = -1 : i64} : (tensor<?x2xi32>, tensor<2xi8>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @one_to_one_type(%x: tensor<?x2xi32>, %w: tensor<2xi8>) -> tensor<?x3xi32> {
  // expected-error @+1 {{failed to verify that all of {input, output} have same type}}
  %0 = snn.qone_to_one %x, %w {weight_bits = 8 : i64} : (tensor<?x2xi32>, tensor<2xi8>) -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// -----

func.func @one_to_one_rank(%x: tensor<2xi32>, %w: tensor<2xi8>) -> tensor<2xi32> {
  // expected-error @+1 {{output must have the input's type, with a channel dim}}
  %0 = snn.qone_to_one %x, %w {weight_bits = 8 : i64} : (tensor<2xi32>, tensor<2xi8>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @one_to_one_weights(%x: tensor<?x2xi32>, %w: tensor<3xi8>) -> tensor<?x2xi32> {
  // expected-error @+1 {{needs one weight per channel}}
  %0 = snn.qone_to_one %x, %w {weight_bits = 8 : i64} : (tensor<?x2xi32>, tensor<3xi8>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_no_current() -> tensor<?x2xi32> {
  // expected-error @+1 {{needs at least one current}}
  %0 = "snn.qlif"() {bias = array<i64: 0, 0>, decay = 1 : i64, decay_bits = 0 : i64, fire = 0 : i32,
                     reset = 0 : i32, state_bits = 8 : i64, threshold = array<i64: 1, 1>} : () -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_shapes(%a: tensor<?x2xi32>, %b: tensor<?x3xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{every current must have the result's shape}}
  %0 = snn.qlif %a, %b hard, gt {bias = array<i64: 0, 0>, decay = 1 : i64, decay_bits = 0 : i64, state_bits = 8 : i64, threshold = array<i64: 1, 1>}
       : (tensor<?x2xi32>, tensor<?x3xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_channel_dim(%a: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{needs a channel dim}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 1 : i64, decay_bits = 0 : i64, state_bits = 8 : i64, threshold = array<i64: 1, 1>}
       : (tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @qlif_state_bits(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{state_bits must be in [4, 32], got 33}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 1 : i64, decay_bits = 0 : i64, state_bits = 33 : i64, threshold = array<i64: 1, 1>}
       : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

// `snnc compile --weight-bits 2 --state-bits 3` reaches this check.
func.func @qlif_state_bits_low(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{state_bits must be in [4, 32], got 3}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 1 : i64, decay_bits = 0 : i64, state_bits = 3 : i64, threshold = array<i64: 1, 1>}
       : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_decay_bits(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{attribute 'decay_bits' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 0 whose maximum value is 16}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 1 : i64, decay_bits = -1 : i64, state_bits = 8 : i64, threshold = array<i64: 1, 1>}
       : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_threshold_count(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{threshold and bias need 2 entries (one per channel)}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 1 : i64, decay_bits = 0 : i64, state_bits = 8 : i64, threshold = array<i64: 1>}
       : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_threshold_range(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{threshold 128 is outside [1, 127] of the 8-bit state}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 1 : i64, decay_bits = 0 : i64, state_bits = 8 : i64, threshold = array<i64: 1, 128>}
       : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_threshold_zero(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{threshold 0 is outside [1, 127] of the 8-bit state}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 1 : i64, decay_bits = 0 : i64, state_bits = 8 : i64, threshold = array<i64: 0, 1>}
       : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_bias(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{bias -128 overflows the 8-bit state}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, -128>, decay = 1 : i64, decay_bits = 0 : i64, state_bits = 8 : i64, threshold = array<i64: 1, 1>}
       : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_channel_decays(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{a per-channel decay needs 2 values, it has 3}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = array<i64: 1, 1, 1>, decay_bits = 1 : i64, state_bits = 8 : i64, threshold = array<i64: 1, 1>}
       : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_decay(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{decay must be in [0, 2^decay_bits], decay_bits <= 16}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 3 : i64, decay_bits = 1 : i64, state_bits = 8 : i64, threshold = array<i64: 1, 1>}
       : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_decay_negative(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{decay must be in [0, 2^decay_bits], decay_bits <= 16}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = array<i64: 1, -1>, decay_bits = 1 : i64, state_bits = 8 : i64, threshold = array<i64: 1, 1>}
       : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qreadout_no_current() -> tensor<?x2xf32> {
  // expected-error @+1 {{needs at least one current}}
  %0 = "snn.qreadout"() {bias = array<i64: 0, 0>, unit = array<f32: 1.0, 1.0>} : () -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @qreadout_shapes(%a: tensor<?x3xi32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{every current must have the result's shape}}
  %0 = snn.qreadout %a {bias = array<i64: 0, 0>, unit = array<f32: 1.0, 1.0>} : (tensor<?x3xi32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @qreadout_bias(%a: tensor<?x2xi32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{bias and unit need 2 entries}}
  %0 = snn.qreadout %a {bias = array<i64: 0, 0>, unit = array<f32: 1.0>} : (tensor<?x2xi32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @qlif_current_pool_shapes(%a: tensor<?x2x4x4xi32>) -> tensor<?x2x3x2xi32> {
  // expected-error @+1 {{every current must be the result's shape before its current_pool}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, current_pool = array<i64: 2, 2>, decay = 128 : i64, decay_bits = 8 : i64, state_bits = 16 : i64, threshold = array<i64: 9, 9>} : (tensor<?x2x4x4xi32>) -> tensor<?x2x3x2xi32>
  return %0 : tensor<?x2x3x2xi32>
}

// -----

// A finer grid with rows and columns no window reads is valid.
func.func @qlif_current_pool_floor(%a: tensor<?x2x5x5xi32>) -> tensor<?x2x2x2xi32> {
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, current_pool = array<i64: 2, 2>, decay = 128 : i64, decay_bits = 8 : i64, state_bits = 16 : i64, threshold = array<i64: 9, 9>} : (tensor<?x2x5x5xi32>) -> tensor<?x2x2x2xi32>
  return %0 : tensor<?x2x2x2xi32>
}

// -----

func.func @qlif_membrane_unit_count(%a: tensor<?x2xi32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{membrane_unit needs 2 entries}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 128 : i64, decay_bits = 8 : i64, membrane_unit = array<f32: 0.5>, state_bits = 16 : i64, threshold = array<i64: 9, 9>} : (tensor<?x2xi32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @qlif_membrane_unit_type(%a: tensor<?x2xi32>) -> tensor<?x2xi32> {
  // expected-error @+1 {{a membrane readout is f32 and pools no currents}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 128 : i64, decay_bits = 8 : i64, membrane_unit = array<f32: 0.5, 0.5>, state_bits = 16 : i64, threshold = array<i64: 9, 9>} : (tensor<?x2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

func.func @qlif_spikes_type(%a: tensor<?x2xi32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{spikes are i32 events}}
  %0 = snn.qlif %a hard, gt {bias = array<i64: 0, 0>, decay = 128 : i64, decay_bits = 8 : i64, state_bits = 16 : i64, threshold = array<i64: 9, 9>} : (tensor<?x2xi32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

// A membrane readout: the f32 readout that func.return reads.
func.func @qlif_membrane_readout(%a: tensor<?x2xi32>) -> tensor<?x2xf32> {
  %0 = snn.qlif %a subtract, gt {bias = array<i64: 0, 0>, decay = 128 : i64, decay_bits = 8 : i64, membrane_unit = array<f32: 0.5, 0.25>, state_bits = 16 : i64, threshold = array<i64: 9, 9>} : (tensor<?x2xi32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
