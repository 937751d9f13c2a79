//===- SNNOps.td - snn dialect operations ------------------*- tablegen -*-===//
#ifndef SNNC_IR_SNNOPS_TD
#define SNNC_IR_SNNOPS_TD

include "snnc/IR/SNNDialect.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Attribute constraints: counts and ranges ODS checks before any verifier
//===----------------------------------------------------------------------===//

/// One entry per spatial axis (kernel, strides, dilations, input_pool).
def SNN_AxisPair : ConfinedAttr<DenseI64ArrayAttr, [DenseArrayCount<2>]>;
/// `[top, left, bottom, right]`.
def SNN_Pads : ConfinedAttr<DenseI64ArrayAttr, [DenseArrayCount<4>]>;
/// A non-overlapping sum-pooling window `[ky, kx]`, each >= 1.
def SNN_PoolWindow : ConfinedAttr<DenseI64ArrayAttr,
    [DenseArrayCount<2>, DenseArrayStrictlyPositive<DenseI64ArrayAttr>]>;

class SNN_I64Range<int min, int max>
    : ConfinedAttr<I64Attr, [IntMinValue<min>, IntMaxValue<max>]>;

//===----------------------------------------------------------------------===//
// Synaptic projections
//===----------------------------------------------------------------------===//

def SNN_Conv2dOp : SNN_Op<"conv2d", [Pure]> {
  let summary = "2-D convolution: a synaptic projection with shared kernels";
  let description = [{
    NCHW input, OIHW weight, optional per-output-channel bias, group 1.
    `pads` is `[top, left, bottom, right]`.  The output spatial size is
    `(in + pad_before + pad_after - dilation * (k - 1) - 1) / stride + 1`.

    With `input_pool = [ky, kx]` (set by `snn-lower-pooling`) the projection
    reads the input through non-overlapping `ky x kx` sum pooling: an event
    at `(c, y, x)` arrives at `(c, y / ky, x / kx)`, rows and columns past the
    last whole window are dropped, and the weights carry the `1 / (ky * kx)`
    of the average.  With `input_pool_max` as well, the window is a max
    pool of spikes: the events that land on one pooled address count once
    (their OR).

    Example:
    ```mlir
    %y = snn.conv2d %x, %w, %b {dilations = array<i64: 1, 1>,
           pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
         : (tensor<?x1x28x28xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>)
         -> tensor<?x16x28x28xf32>
    ```
  }];
  let arguments = (ins 4DTensorOf<[F32]>:$input, 4DTensorOf<[F32]>:$weight,
                       Optional<1DTensorOf<[F32]>>:$bias,
                       SNN_AxisPair:$strides, SNN_Pads:$pads,
                       SNN_AxisPair:$dilations,
                       OptionalAttr<SNN_PoolWindow>:$input_pool,
                       UnitAttr:$input_pool_max);
  let results = (outs 4DTensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def SNN_DenseOp : SNN_Op<"dense", [Pure]> {
  let summary = "fully connected projection: y = x * W^T + b";
  let description = [{
    Input `[N, K]`, weight `[M, K]`, optional bias `[M]`, output `[N, M]`.
    ONNX Gemm (any transB, alpha and beta) and MatMul import to this form.

    After `snn-lower-pooling` the input may also be `[N, C, H, W]`, read in
    row-major (flattened) order, optionally through `input_pool` sum pooling
    (or, with `input_pool_max`, max pooling of spikes) as for `snn.conv2d`;
    then `K = C * (H / ky) * (W / kx)`.

    Example:
    ```mlir
    %y = snn.dense %x, %w, %b
         : (tensor<?x1568xf32>, tensor<10x1568xf32>, tensor<10xf32>) -> tensor<?x10xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, 2DTensorOf<[F32]>:$weight,
                       Optional<1DTensorOf<[F32]>>:$bias,
                       OptionalAttr<SNN_PoolWindow>:$input_pool,
                       UnitAttr:$input_pool_max);
  let results = (outs 2DTensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Per-channel affine maps and elementwise arithmetic
//===----------------------------------------------------------------------===//

def SNN_TdBatchNormOp : SNN_Op<"tdbn", [Pure, AllTypesMatch<["input", "output"]>,
    AllTypesMatch<["scale", "bias", "mean", "var"]>]> {
  let summary = "threshold-dependent batch normalization (inference form)";
  let description = [{
    Per channel c on axis 1:
    `y = scale[c] * alpha * v_threshold * (x - mean[c]) / sqrt(var[c] + epsilon) + bias[c]`.
    Plain BatchNormalization is the case `alpha = v_threshold = 1`.  The
    learnable `scale` is lambda; `alpha * v_threshold` is kept apart so that
    it is applied exactly once.

    Example:
    ```mlir
    %y = snn.tdbn %x, %scale, %bias, %mean, %var
           {alpha = 0.707106769 : f32, epsilon = 9.99999974E-6 : f32, v_threshold = 5.000000e-01 : f32}
         : tensor<?x32x7x7xf32>, tensor<32xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, 1DTensorOf<[F32]>:$scale,
                       1DTensorOf<[F32]>:$bias, 1DTensorOf<[F32]>:$mean,
                       1DTensorOf<[F32]>:$var, F32Attr:$alpha, F32Attr:$v_threshold,
                       F32Attr:$epsilon);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:` type($input) `,` type($scale)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$scale, "::mlir::Value":$bias,
                   "::mlir::Value":$mean, "::mlir::Value":$var, "float":$alpha,
                   "float":$v_threshold, "float":$epsilon), [{
      build($_builder, $_state, input, scale, bias, mean, var,
            $_builder.getF32FloatAttr(alpha), $_builder.getF32FloatAttr(v_threshold),
            $_builder.getF32FloatAttr(epsilon));
    }]>
  ];
  let hasVerifier = 1;
}

def SNN_ChannelAffineOp : SNN_Op<"channel_affine", [Pure,
    AllTypesMatch<["input", "output"]>, AllTypesMatch<["scale", "bias"]>]> {
  let summary = "per-channel affine map: y = scale[c] * x + bias[c]";
  let description = [{
    What a normalization becomes once its statistics are folded, where no
    projection precedes it to absorb it: the identity shortcut of a residual
    block (tdBN applied to spikes) or a normalization of the analog input.
    Later stages treat it as a one-to-one projection.

    Example:
    ```mlir
    %y = snn.channel_affine %s, %scale, %bias : tensor<?x32x7x7xf32>, tensor<32xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, 1DTensorOf<[F32]>:$scale,
                       1DTensorOf<[F32]>:$bias);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias attr-dict `:` type($input) `,` type($scale)
  }];
  let hasVerifier = 1;
}

class SNN_BinaryOp<string mnemonic, string formula>
    : SNN_Op<mnemonic, [Pure, ResultsBroadcastableShape, SameOperandsAndResultElementType]> {
  let summary = "elementwise " # formula # " with numpy broadcasting";
  let description = [{
    Elementwise `}] # formula # [{` with ONNX/numpy multidirectional
    broadcasting.  Between two activations it is the residual sum of two
    currents (only `snn.add`); with a constant it is an affine map that
    compilation folds into weights, biases and thresholds.

    Example:
    ```mlir
    %y = snn.}] # mnemonic # [{ %x, %c : (tensor<?x1x28x28xf32>, tensor<f32>) -> tensor<?x1x28x28xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$lhs, RankedTensorOf<[F32]>:$rhs);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def SNN_AddOp : SNN_BinaryOp<"add", "lhs + rhs">;
def SNN_SubOp : SNN_BinaryOp<"sub", "lhs - rhs">;
def SNN_MulOp : SNN_BinaryOp<"mul", "lhs * rhs">;
def SNN_DivOp : SNN_BinaryOp<"div", "lhs / rhs">;

//===----------------------------------------------------------------------===//
// Addressing: pooling and flattening
//===----------------------------------------------------------------------===//

def SNN_AvgPoolOp : SNN_Op<"avg_pool", [Pure]> {
  let summary = "2-D average pooling";
  let description = [{
    NCHW average pooling.  `pads` is `[top, left, bottom, right]`; with
    `count_include_pad` the divisor is always `kh * kw`, otherwise it counts
    only the window's elements inside the input.  GlobalAveragePool imports
    as a window over the whole plane.

    Example:
    ```mlir
    %y = snn.avg_pool %x {count_include_pad = false, kernel = array<i64: 2, 2>,
           pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
         : tensor<?x16x28x28xf32> -> tensor<?x16x14x14xf32>
    ```
  }];
  let arguments = (ins 4DTensorOf<[F32]>:$input, SNN_AxisPair:$kernel,
                       SNN_AxisPair:$strides, SNN_Pads:$pads,
                       BoolAttr:$count_include_pad);
  let results = (outs 4DTensorOf<[F32]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def SNN_MaxPoolOp : SNN_Op<"max_pool", [Pure]> {
  let summary = "2-D max pooling of spikes or of a current";
  let description = [{
    NCHW max pooling.  Of spike tensors: the max of binary spikes is their
    OR, one event per window and step.  `pads` is `[top, left, bottom,
    right]`; padding counts as no spike.  `snn-lower-pooling` turns a
    non-overlapping, unpadded one into its consumers' `input_pool` with
    `input_pool_max`.  Of a current (a projection's output, before the
    neuron): windows must tile the plane, and `snn-quantize` makes it the
    `current_pool` of the `snn.qlif` that reads it.

    Example:
    ```mlir
    %y = snn.max_pool %s {kernel = array<i64: 2, 2>,
           pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
         : tensor<?x16x28x28xf32> -> tensor<?x16x14x14xf32>
    ```
  }];
  let arguments = (ins 4DTensorOf<[F32]>:$input, SNN_AxisPair:$kernel,
                       SNN_AxisPair:$strides, SNN_Pads:$pads);
  let results = (outs 4DTensorOf<[F32]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def SNN_FlattenOp : SNN_Op<"flatten", [Pure]> {
  let summary = "flattens all dims after the batch dim";
  let description = [{
    `[N, d1, ..., dk] -> [N, d1 * ... * dk]`, row-major, as ONNX Flatten
    with axis 1.

    Example:
    ```mlir
    %y = snn.flatten %x : tensor<?x32x7x7xf32> -> tensor<?x1568xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input);
  let results = (outs 2DTensorOf<[F32]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Neurons
//===----------------------------------------------------------------------===//

def SNN_LIFOp : SNN_Op<"lif", [SameOperandsAndResultType]> {
  let summary = "iterative leaky integrate-and-fire neurons";
  let description = [{
    One neuron per element of the input current.  With `u_0 = o_0 = 0`:

    * hard reset: `u_t = decay * u_{t-1} * (1 - o_{t-1}) + x_t`
    * soft reset: `u_t = decay * (u_{t-1} - v_threshold * o_{t-1}) + x_t`
    * subtract reset: `u_t = decay * u_{t-1} + x_t - v_threshold * o_{t-1}`
      (the threshold is removed after the decay, as snnTorch does)
    * `o_t = [u_t > v_threshold]`, or `>=` with fire mode `ge`.

    `decay` is one f32 for the layer, or an array of one per channel (axis
    1), e.g. a NIR graph's per-neuron tau or snnTorch's per-neuron beta.

    The result holds 0/1 spikes.  With `membrane_readout` it holds the
    membranes `u_t` instead (the value compared with the threshold, before
    the next step's reset) and is the network's readout: a `[N, K]` layer
    that only `func.return` reads (snnTorch's `Leaky(output=True)` read by
    its membrane).  The op keeps state across time steps,
    so it is deliberately not `Pure`: no pass may erase or merge it.

    Example:
    ```mlir
    %s = snn.lif %x, hard, gt {decay = 2.500000e-01 : f32, v_threshold = 5.000000e-01 : f32}
         : tensor<?x16x28x28xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, SNN_ResetMode:$reset,
                       SNN_FireMode:$fire, F32Attr:$v_threshold,
                       AnyAttrOf<[F32Attr, DenseF32ArrayAttr]>:$decay,
                       UnitAttr:$membrane_readout);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let extraClassDeclaration = [{
    /// The decay of every channel (one value when the layer shares it).
    ::llvm::SmallVector<float> getDecays();
  }];
  let assemblyFormat = "$input `,` $reset `,` $fire attr-dict `:` type($input)";
  let hasVerifier = 1;
}


//===----------------------------------------------------------------------===//
// Integer (core) level, produced by snn-quantize; see docs/numerics.md
//===----------------------------------------------------------------------===//

def SNN_EventTensor : RankedTensorOf<[I32]>;

def SNN_EncodeOp : SNN_Op<"encode", [Pure, AllShapesMatch<["input", "output"]>]> {
  let summary = "quantizes the analog input into graded input events";
  let description = [{
    Per element of channel c, in double:
    `q = clamp(round_half_away((x * gain[c] + offset[c]) / scale), -(2^(bits-1) - 1), 2^(bits-1) - 1)`.
    `gain` and `offset` are the input normalization the network applied
    (composed per channel).  Non-zero values are the graded (multi-bit)
    events of the first layer.

    Example:
    ```mlir
    %q = snn.encode %x {bits = 8 : i64, gain = array<f64: 2.83>, offset = array<f64: -0.81>,
           scale = 0.0159 : f32} : tensor<?x1x28x28xf32> -> tensor<?x1x28x28xi32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, DenseF64ArrayAttr:$gain,
                       DenseF64ArrayAttr:$offset, F32Attr:$scale,
                       SNN_I64Range<2, 16>:$bits);
  let results = (outs SNN_EventTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def SNN_WeightBits : SNN_I64Range<2, 8>;

class SNN_QProjection<string mnemonic, string what, list<Trait> traits = []>
    : SNN_Op<mnemonic, !listconcat([Pure], traits)> {
  let summary = "integer " # what # " projection: events to an integer current";
  let description = [{
    Every event of `input` (a non-zero entry: 1 for a spike, the graded value
    for input events) adds `value * weight` to the current of each target it
    reaches.  Weights are integers of `weight_bits` bits (stored as i8).
    The geometry, `input_pool` and `input_pool_max` are as for the float
    projection: through a max pool, the events of one window add
    `weight` once (their OR).
  }];
}

def SNN_QConv2dOp : SNN_QProjection<"qconv2d", "convolution"> {
  let arguments = (ins 4DTensorOf<[I32]>:$input, 4DTensorOf<[I8]>:$weight,
                       SNN_AxisPair:$strides, SNN_Pads:$pads,
                       SNN_AxisPair:$dilations,
                       OptionalAttr<SNN_PoolWindow>:$input_pool,
                       UnitAttr:$input_pool_max,
                       SNN_WeightBits:$weight_bits);
  let results = (outs 4DTensorOf<[I32]>:$output);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def SNN_QDenseOp : SNN_QProjection<"qdense", "fully connected"> {
  let arguments = (ins SNN_EventTensor:$input, 2DTensorOf<[I8]>:$weight,
                       OptionalAttr<SNN_PoolWindow>:$input_pool,
                       UnitAttr:$input_pool_max,
                       SNN_WeightBits:$weight_bits);
  let results = (outs 2DTensorOf<[I32]>:$output);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def SNN_QOneToOneOp : SNN_QProjection<"qone_to_one", "one-to-one",
    [AllTypesMatch<["input", "output"]>]> {
  let arguments = (ins SNN_EventTensor:$input, 1DTensorOf<[I8]>:$weight,
                       SNN_WeightBits:$weight_bits);
  let results = (outs SNN_EventTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def SNN_QLIFOp : SNN_Op<"qlif", []> {
  let summary = "a population of integer LIF neurons";
  let description = [{
    The neurons sum the integer currents of all their projections (32-bit)
    and, per time step and neuron of channel c:

    ```
    r = o ? (hard: 0 | soft: u - threshold[c] | subtract: u) : u
    s = o && subtract ? threshold[c] : 0
    u = sat_state((r * decay) >> decay_bits - s + current + bias[c])
    o = u > threshold[c]   (>= with fire mode ge)
    ```

    `>>` is an arithmetic shift (floor); a power-of-two decay is an exact
    shift.  `decay` is one integer, or an array of one per channel.  See docs/numerics.md.  Stateful across steps, hence not `Pure`.

    With `current_pool = [qy, qx]` (a max pool before the neuron, as in
    snnTorch's tutorial 6) the currents are a finer `[N, C, H', W']` grid
    and `current` above is the max, per channel, of the summed currents
    of a window of `qy x qx` of them (windows tile the grid from its
    origin: the output is `[N, C, H' / qy, W' / qx]`, rounded down).

    With `membrane_unit` (a LIF read out by its membranes, `[N, K]`) the
    result is not spikes but the readout: f32 `unit[k] * u` per step, which
    only `func.return` reads.

    Example:
    ```mlir
    %s = snn.qlif %a, %b hard, gt {bias = array<i64: 3, -1>, decay = 64 : i64,
           decay_bits = 8 : i64, state_bits = 24 : i64, threshold = array<i64: 90, 70>}
         : (tensor<?x2x7x7xi32>, tensor<?x2x7x7xi32>) -> tensor<?x2x7x7xi32>
    ```
  }];
  let arguments = (ins Variadic<SNN_EventTensor>:$currents, SNN_ResetMode:$reset,
                       SNN_FireMode:$fire, DenseI64ArrayAttr:$threshold,
                       DenseI64ArrayAttr:$bias,
                       AnyAttrOf<[I64Attr, DenseI64ArrayAttr]>:$decay,
                       SNN_I64Range<0, 16>:$decay_bits,
                       // Checked by hand: `snnc compile --weight-bits 2
                       // --state-bits 3` reaches the verifier, and its
                       // message is the CLI's.
                       I64Attr:$state_bits,
                       // The source model's float threshold, kept for
                       // reports (thresholds in the model's own units).
                       OptionalAttr<F32Attr>:$v_threshold,
                       OptionalAttr<SNN_PoolWindow>:$current_pool,
                       OptionalAttr<DenseF32ArrayAttr>:$membrane_unit);
  let results = (outs RankedTensorOf<[I32, F32]>:$output);
  let extraClassDeclaration = [{
    /// The decay of every channel (one value when the layer shares it).
    ::llvm::SmallVector<int64_t> getDecays();
    /// Spikes (i32), or with membrane_unit the readout (f32).
    ::mlir::LogicalResult verifyOutputKind(int64_t channels);
  }];
  // functional-type, not type($currents): a type-list parser instantiated
  // here (GCC) would replace the one inside Debian's clang-built MLIR, and
  // the two compilers lay out that lambda's captures differently.
  let assemblyFormat = [{
    $currents $reset `,` $fire attr-dict `:` functional-type($currents, $output)
  }];
  let hasVerifier = 1;
}

def SNN_QReadoutOp : SNN_Op<"qreadout", []> {
  let summary = "non-spiking integrating readout neurons";
  let description = [{
    Accumulates `current + bias[k]` over the time steps in a wide register;
    the network's result is `unit[k] * accumulator / T`, i.e. this op's float
    value per step is `unit[k] * (current + bias[k])`.

    Example:
    ```mlir
    %y = snn.qreadout %c {bias = array<i64: 5, -2>, unit = array<f32: 0.01, 0.02>}
         : (tensor<?x2xi32>) -> tensor<?x2xf32>
    ```
  }];
  let arguments = (ins Variadic<2DTensorOf<[I32]>>:$currents,
                       DenseI64ArrayAttr:$bias, DenseF32ArrayAttr:$unit);
  let results = (outs 2DTensorOf<[F32]>:$output);
  let assemblyFormat = "$currents attr-dict `:` functional-type($currents, $output)";
  let hasVerifier = 1;
}

#endif // SNNC_IR_SNNOPS_TD
