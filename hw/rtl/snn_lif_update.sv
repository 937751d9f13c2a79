// Copyright snnc authors.
//
// snn_lif_update: the integer LIF neuron update of docs/numerics.md, step 2,
// for one neuron, in one combinational step: snn_lif_decay then
// snn_lif_fire.  The sweep runs the two halves in consecutive pipeline
// stages; this composition is what tests/hw checks against the numerics.
//
//   r     = fired ? (soft ? u - threshold : subtract ? u : 0) : u
//   s     = fired && subtract ? threshold : 0
//   u'    = sat_State((r * decay) >>> DecayBits - s + current + bias)
//   spike = ge ? u' >= threshold : u' > threshold

module snn_lif_update #(
  parameter int unsigned StateBits = 24,
  parameter int unsigned DecayBits = 8,
  parameter int unsigned SubtractReset = 1
) (
  input  logic signed [StateBits-1:0] u_i,
  input  logic                        fired_i,
  input  logic signed [31:0]          current_i,
  input  logic signed [StateBits-1:0] bias_i,
  input  logic signed [StateBits-1:0] threshold_i,
  input  logic        [DecayBits:0]   decay_i,
  input  logic                        soft_reset_i,
  input  logic                        subtract_reset_i,
  input  logic                        fire_ge_i,
  output logic signed [StateBits-1:0] u_o,
  output logic                        spike_o
);

  localparam int unsigned InputBits = (StateBits > 32 ? StateBits : 32) + 1;

  logic signed [StateBits+1:0] decayed;
  logic signed [InputBits-1:0] lif_input;

  snn_lif_decay #(
    .StateBits(StateBits),
    .DecayBits(DecayBits),
    .SubtractReset(SubtractReset)
  ) u_decay (
    .u_i,
    .fired_i,
    .threshold_i,
    .decay_i,
    .soft_reset_i,
    .subtract_reset_i,
    .decayed_o(decayed)
  );

  assign lif_input = InputBits'(current_i) + InputBits'(bias_i);

  snn_lif_fire #(
    .StateBits(StateBits)
  ) u_fire (
    .decayed_i(decayed),
    .input_i  (lif_input),
    .threshold_i,
    .fire_ge_i,
    .u_o,
    .spike_o
  );

endmodule
