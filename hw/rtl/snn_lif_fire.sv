// Copyright snnc authors.
//
// snn_lif_fire: the second half of the LIF update (docs/numerics.md,
// step 2): the new membrane, saturated to the state's width, and the
// threshold test.  Combinational.
//
//   u'    = sat_State(decayed + input)     (input = current + bias)
//   spike = ge ? u' >= threshold : u' > threshold
//
// `input` is the 32-bit current plus the bias, summed in InputBits; the
// sum with the decayed membrane needs one bit more than the wider term.

module snn_lif_fire #(
  parameter int unsigned StateBits = 24,
  localparam int unsigned DecayedBits = StateBits + 2,
  localparam int unsigned InputBits   = (StateBits > 32 ? StateBits : 32) + 1
) (
  input  logic signed [DecayedBits-1:0] decayed_i,
  input  logic signed [InputBits-1:0]   input_i,
  input  logic signed [StateBits-1:0]   threshold_i,
  input  logic                          fire_ge_i,
  output logic signed [StateBits-1:0]   u_o,
  output logic                          spike_o
);

  localparam int unsigned SumBits = (DecayedBits > InputBits ? DecayedBits : InputBits) + 1;

  logic signed [SumBits-1:0] sum, state_max, state_min;

  always_comb begin
    sum = SumBits'(decayed_i) + SumBits'(input_i);
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
