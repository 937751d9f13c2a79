// Copyright snnc authors.
//
// snn_lif_update: the integer LIF neuron update of docs/numerics.md, step 2,
// for one neuron.  Purely combinational; the core's neuron-update stage
// registers its inputs and outputs.
//
//   r     = fired ? (soft ? u - threshold : 0) : u
//   u'    = sat_State((r * decay) >>> DecayBits + current + bias)
//   spike = ge ? u' >= threshold : u' > threshold
//
// Widths: r needs StateBits + 1 bits (u - threshold can pass the state's
// minimum); the product needs StateBits + DecayBits + 2; the sum with the
// 32-bit current and the bias needs one bit more than the widest term.

module snn_lif_update #(
  parameter int unsigned StateBits = 24,
  parameter int unsigned DecayBits = 8
) (
  input  logic signed [StateBits-1:0] u_i,
  input  logic                        fired_i,
  input  logic signed [31:0]          current_i,
  input  logic signed [StateBits-1:0] bias_i,
  input  logic signed [StateBits-1:0] threshold_i,
  input  logic        [DecayBits:0]   decay_i,
  input  logic                        soft_reset_i,
  input  logic                        fire_ge_i,
  output logic signed [StateBits-1:0] u_o,
  output logic                        spike_o
);

  localparam int unsigned RBits    = StateBits + 1;
  localparam int unsigned ProdBits = RBits + DecayBits + 1;
  localparam int unsigned SumBits  = (ProdBits > 32 ? ProdBits : 32) + 2;

  logic signed [RBits-1:0]    reset_value;
  logic signed [ProdBits-1:0] product;
  logic signed [ProdBits-1:0] decayed;
  logic signed [SumBits-1:0]  sum;
  logic signed [SumBits-1:0]  state_max;
  logic signed [SumBits-1:0]  state_min;

  always_comb begin
    if (!fired_i) begin
      reset_value = RBits'(u_i);
    end else if (soft_reset_i) begin
      reset_value = RBits'(u_i) - RBits'(threshold_i);
    end else begin
      reset_value = '0;
    end
    // The decay is unsigned: widen it with a zero sign bit before the
    // signed multiply.
    product = ProdBits'(reset_value) * $signed({1'b0, decay_i});
    decayed = product >>> DecayBits;
    sum = SumBits'(decayed) + SumBits'(current_i) + SumBits'(bias_i);
    state_max = SumBits'({1'b0, {(StateBits - 1){1'b1}}});
    state_min = -state_max - SumBits'(1);
    if (sum > state_max) begin
      u_o = state_max[StateBits-1:0];
    end else if (sum < state_min) begin
      u_o = state_min[StateBits-1:0];
    end else begin
      u_o = sum[StateBits-1:0];
    end
    spike_o = fire_ge_i ? (u_o >= threshold_i) : (u_o > threshold_i);
  end

endmodule
