// Copyright snnc authors.
//
// snn_lif_decay: the first half of the LIF update (docs/numerics.md,
// step 2): the reset and the decay of the membrane.  Combinational; the
// sweep registers its output before snn_lif_fire (the whole update in one
// cycle had been the UP5K core's critical path).
//
//   r       = fired ? (soft ? u - threshold : subtract ? u : 0) : u
//   decayed = (r * decay) >>> DecayBits - (fired && subtract ? threshold : 0)
//
// Subtract reset (snnTorch's) removes the threshold after the decay; the
// subtractor exists only in cores built with SubtractReset, which the
// compiler sets for networks that use it, so other cores (the UP5K's)
// keep their size and timing.
//
// Widths: r needs StateBits + 1 bits (u - threshold can pass the state's
// minimum); the product StateBits + DecayBits + 2, of which the shift
// leaves StateBits + 2, also enough for the decayed value minus a threshold.

module snn_lif_decay #(
  parameter int unsigned StateBits     = 24,
  parameter int unsigned DecayBits     = 8,
  parameter int unsigned SubtractReset = 0,
  localparam int unsigned DecayedBits = StateBits + 2
) (
  input  logic signed [StateBits-1:0]   u_i,
  input  logic                          fired_i,
  input  logic signed [StateBits-1:0]   threshold_i,
  input  logic        [DecayBits:0]     decay_i,
  input  logic                          soft_reset_i,
  input  logic                          subtract_reset_i,
  output logic signed [DecayedBits-1:0] decayed_o
);

  localparam int unsigned RBits    = StateBits + 1;
  localparam int unsigned ProdBits = RBits + DecayBits + 1;

  logic                          subtract;
  logic signed [RBits-1:0]       reset_value;
  logic signed [ProdBits-1:0]    product;
  logic signed [DecayedBits-1:0] shifted;

  assign subtract = SubtractReset != 0 && subtract_reset_i;

  always_comb begin
    if (!fired_i || subtract) begin
      reset_value = RBits'(u_i);
    end else if (soft_reset_i) begin
      reset_value = RBits'(u_i) - RBits'(threshold_i);
    end else begin
      reset_value = '0;
    end
    // The decay is unsigned: widen it with a zero sign bit before the
    // signed multiply.
    product = ProdBits'(reset_value) * $signed({1'b0, decay_i});
  end
  // The shifted-out bits are the fraction the update drops.
  assign shifted = product[ProdBits-1:DecayBits];

  if (SubtractReset != 0) begin : g_subtract
    assign decayed_o = fired_i && subtract ? shifted - DecayedBits'(threshold_i) : shifted;
  end else begin : g_no_subtract
    assign decayed_o = shifted;
  end

endmodule
