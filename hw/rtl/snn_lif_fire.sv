// Copyright snnc authors.
//
// snn_lif_fire: the second half of the LIF update (docs/numerics.md,
// step 2): the new membrane, saturated to the state's width, and the
// threshold test.  Combinational.
//
//   u'    = sat_State(decayed + input)     (input = current + bias)
//   spike = ge ? u' >= threshold : u' > threshold
//
// `input` is the current plus the bias, summed in InputBits (by default
// wide enough for any 32-bit current; snn_sweep passes the width its
// stored currents need); the sum with the decayed membrane needs one bit
// more than the wider term.

module snn_lif_fire #(
  parameter int unsigned StateBits = 24,
  parameter int unsigned InputBits = (StateBits > 32 ? StateBits : 32) + 1,
  localparam int unsigned DecayedBits = StateBits + 2
) (
  input  logic signed [DecayedBits-1:0] decayed_i,
  input  logic signed [InputBits-1:0]   input_i,
  input  logic signed [StateBits-1:0]   threshold_i,
  input  logic                          fire_ge_i,
  output logic signed [StateBits-1:0]   u_o,
  output logic                          spike_o
);

  localparam int unsigned SumBits = (DecayedBits > InputBits ? DecayedBits : InputBits) + 1;

  logic signed [SumBits-1:0] sum, state_max, state_min, threshold;
  logic over, under, above, at_or_above;

  // The threshold test reads the sum, beside the saturation instead of
  // after it (the critical path of the UP5K core had been the adder, the
  // saturation and this comparison in series).  The same result: the
  // threshold is a state value, so it decides alike on the sum and on the
  // saturated sum, except where the saturation meets it (a sum over the
  // range at the largest threshold: u' = threshold, not above it; a sum
  // under the range at the smallest: u' = threshold, at it).
  always_comb begin
    sum = SumBits'(decayed_i) + SumBits'(input_i);
    state_max = SumBits'({1'b0, {(StateBits - 1){1'b1}}});
    state_min = -state_max - SumBits'(1);
    threshold = SumBits'(threshold_i);
    over = sum > state_max;
    under = sum < state_min;
    if (over) begin
      u_o = state_max[StateBits-1:0];
    end else if (under) begin
      u_o = state_min[StateBits-1:0];
    end else begin
      u_o = sum[StateBits-1:0];
    end
    above = (sum > threshold) && !(over && threshold == state_max);
    at_or_above = (sum >= threshold) || (under && threshold == state_min);
    spike_o = fire_ge_i ? at_or_above : above;
  end

endmodule
