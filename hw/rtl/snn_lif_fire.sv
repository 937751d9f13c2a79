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
  localparam int unsigned TestBits = SumBits + 1;

  logic signed [SumBits-1:0] sum, state_max, state_min;
  logic over, under;

  always_comb begin
    sum = SumBits'(decayed_i) + SumBits'(input_i);
    state_max = SumBits'({1'b0, {(StateBits - 1){1'b1}}});
    state_min = -state_max - SumBits'(1);
    over = sum > state_max;
    under = sum < state_min;
    if (over) begin
      u_o = state_max[StateBits-1:0];
    end else if (under) begin
      u_o = state_min[StateBits-1:0];
    end else begin
      u_o = sum[StateBits-1:0];
    end
  end

  // The threshold test does not wait for the sum: sum > threshold is
  // decayed + input + ~threshold >= 0 (~t = -t - 1), and sum >= threshold
  // the same with a carry in of 1.  The three terms go through one level
  // of full adders (carry-save) into one carry chain beside the sum's (the
  // UP5K core's longest path had been the sum's chain, then a comparison
  // chain, into the spike queue).  Where the saturation meets the
  // threshold the saturated u' decides: a sum over the range at the
  // largest threshold is u' = threshold, not above it; a sum under the
  // range at the smallest is u' = threshold, at it.  With those, the test
  // on the sum is exact: threshold == max never fires on >, threshold ==
  // min always fires on >=.
  logic [TestBits-1:0] term_a, term_b, term_c, save, carry, test;
  logic threshold_max, threshold_min, reached;
  always_comb begin
    term_a = TestBits'(decayed_i);
    term_b = TestBits'(input_i);
    // (Inverted apart: yosys 0.23 misreads `~` before a size cast.)
    term_c = TestBits'(threshold_i);
    term_c = ~term_c;
    save = term_a ^ term_b ^ term_c;
    carry = ((term_a & term_b) | (term_a & term_c) | (term_b & term_c)) << 1;
    test = save + carry + TestBits'(fire_ge_i);
    reached = !test[TestBits-1];
    threshold_max = threshold_i == state_max[StateBits-1:0];
    threshold_min = threshold_i == state_min[StateBits-1:0];
    spike_o = fire_ge_i ? (reached || threshold_min) : (reached && !threshold_max);
  end

endmodule
