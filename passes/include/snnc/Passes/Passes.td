//===- Passes.td - snn dialect passes ----------------------*- tablegen -*-===//
#ifndef SNNC_PASSES_PASSES_TD
#define SNNC_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldTdBN : Pass<"snn-fold-tdbn", "::mlir::ModuleOp"> {
  let summary = "Fold tdBN, BatchNormalization, constant affine ops and pooled currents into projections";
  let description = [{
    At inference a tdBN layer is a per-channel affine map
    `y = g[c] * x + h[c]` with
    `g = scale * alpha * v_threshold / sqrt(var + epsilon)` and
    `h = bias - g * mean`.  Constant `mul`/`add`/`sub`/`div` are affine maps
    too.  This pass folds every such map that follows a projection
    (`snn.conv2d`, `snn.dense`) into the projection's weights and bias:
    `W'[c] = g[c] * W[c]`, `b'[c] = g[c] * b[c] + h[c]`.

    * A negative `g[c]` negates that output channel's weights and bias;
      the LIF after it is unchanged, so the firing condition stays exact.
    * A zero `g[c]` zeroes the channel's weights: its current is the
      constant `h[c]`.
    * In a residual block each branch folds into its own projection; the
      residual `snn.add` then sums two folded currents into one LIF.
    * A tdBN that follows no projection (the identity shortcut, applied to
      spikes, or a normalization of the analog input) becomes a
      `snn.channel_affine`, which later stages treat as a one-to-one
      projection.

    * An average pool of a current (`snn.avg_pool` of a `snn.conv2d`, the
      pool before the neuron) folds into the convolution: one convolution
      whose kernel is box-filtered through the window,
      `K'[u][v] = sum K[ky][kx] / (py * px)` over the window offsets
      `(a, b)` with `u = sy * a + dy * ky`, `v = sx * b + dx * kx`, at
      stride `conv stride * pool stride`, dilation 1, the same pads and
      bias.  An affine map after the pool folds into that convolution in
      turn.  A pooled current no convolution absorbs (a padded pool, a pool
      of a residual sum or of a dense layer) is an error.

    LIF ops, their reset and firing modes and thresholds are untouched:
    every fold is exact in real arithmetic, so the float semantics are
    preserved up to float32 rounding.  Arithmetic is done in double and
    rounded once.

    Example:
    ```mlir
    %c = snn.conv2d %s, %w ...
    %n = snn.tdbn %c, %scale, %bias, %mean, %var {alpha = 1.0, ...}
    %o = snn.lif %n, hard, gt {...}
    ```
    becomes
    ```mlir
    %c = snn.conv2d %s, %w_folded, %b_folded ...
    %o = snn.lif %c, hard, gt {...}
    ```
  }];
  let dependentDialects = ["::snnc::snn::SNNDialect", "::mlir::arith::ArithDialect"];
}

def DistributeEventSums : Pass<"snn-distribute-event-sums", "::mlir::ModuleOp"> {
  let summary = "Read a sum of spike tensors through one projection per operand";
  let description = [{
    SEW ResNet adds the spikes of two layers (`snn.add` of two event
    tensors): where both fire, the sum is an event of value 2.  A core
    population holds one layer's spikes, so the sum is never stored: every
    projection that reads it becomes one projection per operand with the
    same weights (the bias on the first only), and their currents are
    added, which is exact: `W (a + b) + c = (W a + c) + W b`.

    A pool or flatten of a sum becomes the sum of the pooled or flattened
    operands first (both are linear), so the sum reaches the projection.
    Runs after `snn-fold-tdbn` (a norm after the projection has folded into
    it already) and before `snn-lower-pooling`.  A sum read by anything
    else (a neuron, the readout) is an error.

    Example:
    ```mlir
    %sum = snn.add %a, %b : ...
    %c = snn.conv2d %sum, %w, %bias ...
    ```
    becomes
    ```mlir
    %ca = snn.conv2d %a, %w, %bias ...
    %cb = snn.conv2d %b, %w ...
    %c = snn.add %ca, %cb : ...
    ```
  }];
  let dependentDialects = ["::snnc::snn::SNNDialect"];
}

def LowerPooling : Pass<"snn-lower-pooling", "::mlir::ModuleOp"> {
  let summary = "Lower average pooling and flatten into the next projection's addressing";
  let description = [{
    A neuromorphic core never materializes a pooled or flattened tensor: an
    event is routed straight to the projection that reads it.  This pass
    rewrites

    * `snn.avg_pool` (non-overlapping windows, `kernel == strides`, no
      padding; a global pool is one window over the plane) followed by
      `snn.conv2d`, or by `snn.flatten` and `snn.dense`, into that projection
      with `input_pool = kernel` and its weights scaled by `1 / (ky * kx)`:
      an event at `(c, y, x)` then lands at `(c, y / ky, x / kx)`;
    * `snn.flatten` followed by `snn.dense` into a dense projection that
      reads the NCHW input in row-major order (dense addressing).

    Pools with overlapping or padded windows, or whose result feeds anything
    but a projection, cannot become an address transform and are reported
    as errors.

    Example:
    ```mlir
    %p = snn.avg_pool %s {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, ...}
    %c = snn.conv2d %p, %w ...
    ```
    becomes
    ```mlir
    %c = snn.conv2d %s, %w_quarter {input_pool = array<i64: 2, 2>, ...}
    ```
  }];
  let dependentDialects = ["::snnc::snn::SNNDialect", "::mlir::arith::ArithDialect"];
}

def Quantize : Pass<"snn-quantize", "::mlir::ModuleOp"> {
  let summary = "Quantize a folded, pooling-lowered network to the integer core level";
  let description = [{
    Implements the quantization of docs/numerics.md: the analog input is
    encoded into graded events (`snn.encode`, scale from the input range
    propagated through the input's normalization), projections become
    integer projections with per-output-channel scaled weights of
    `weight-bits` bits, each LIF with the sum of its projections becomes one
    `snn.qlif` with integer thresholds, biases and a fixed-point decay in a
    saturating `state-bits` membrane, and the readout becomes
    `snn.qreadout`.  All projections into one population share the
    population's per-channel unit, so residual currents add exactly.

    Runs after `snn-fold-tdbn` and `snn-lower-pooling`; anything they left
    behind that the core cannot execute is an error naming the op.

    Example:
    ```mlir
    %c = snn.conv2d %s, %w, %b {...} : ... -> tensor<?x32x7x7xf32>
    %o = snn.lif %c, hard, gt {decay = 2.5e-01 : f32, v_threshold = 5.0e-01 : f32}
    ```
    becomes
    ```mlir
    %c = snn.qconv2d %s, %wq {weight_bits = 8 : i64, ...} : ... -> tensor<?x32x7x7xi32>
    %o = snn.qlif %c hard, gt {bias = array<i64: ...>, decay = 64 : i64,
           decay_bits = 8 : i64, state_bits = 24 : i64, threshold = array<i64: ...>}
    ```
  }];
  let options = [
    Option<"weightBits", "weight-bits", "int64_t", "8", "weight width, 2..8 bits">,
    Option<"inputBits", "input-bits", "int64_t", "8", "graded input event width">,
    Option<"stateBits", "state-bits", "int64_t", "24", "membrane state width">,
    Option<"decayBits", "decay-bits", "int64_t", "8", "fraction bits of the decay">,
    Option<"inputMin", "input-min", "double", "0.0", "smallest raw input value">,
    Option<"inputMax", "input-max", "double", "1.0", "largest raw input value">
  ];
  let dependentDialects = ["::snnc::snn::SNNDialect", "::mlir::arith::ArithDialect"];
}

def Map : Pass<"snn-map", "::mlir::ModuleOp"> {
  let summary = "Choose the core a network is compiled for";
  let description = [{
    Runs on the integer level (after `snn-quantize`).  Sets the module's
    `snn.target` and `snn.lanes` for the target named by `target`, as the
    target registry (backends/boards/*.json, read by targets/) describes
    it: `sim` (8 lanes, the most snn_core has) and the iCE40 devices
    `ice40-up5k` (the iCEBreaker) and `ice40-hx8k` (the HX8K breakout
    board), whose cores get one lane unless `lanes` asks for more (on the
    UP5K, more lanes deliver beside a one-neuron sweep: its board file's
    `narrow_sweep`).

    It keeps no memory budget: what a device holds is described once, in
    the same registry, and the core's real memory layout (`coreParamsFor`,
    `coreMemories`) is checked against it by `snnc compile` before
    synthesis and by `snnc bitstream` after place and route.

    Example:
    ```mlir
    module attributes {snn.lanes = 1 : i64, snn.target = "ice40-up5k"} { ... }
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", "\"sim\"",
           "core description: sim, ice40-up5k or ice40-hx8k">,
    Option<"lanes", "lanes", "int64_t", "0",
           "core lanes: 1, 2, 4 or 8 (0: the target's)">
  ];
  let dependentDialects = ["::snnc::snn::SNNDialect"];
}

#endif // SNNC_PASSES_PASSES_TD
