// Copyright snnc authors.
//
// snn_readout: the readout accumulators (docs/numerics.md, step 3), one
// block RAM word of Lanes accumulators per readout lane word, ReadoutBits
// each (the host reads them sign-extended to 64 bits).  Held in flip-flops,
// with their adder inputs and the host's read multiplexer, five 64-bit
// accumulators had cost about 700 logic cells.
//
// A read-modify-write pipeline: the sweep's word is read (A0), then its sum
// written (A1).  The sweep visits each readout word once per step, so a
// word is never read while its own sum is still being written (asserted).
// While the sweep is not adding, the read port serves the host bus.
//
// On cores built with ReadoutModes, a readout may keep the last step's
// value instead of the sum over steps (snn_pkg::PopFlagReadoutLast,
// last_i): the value then replaces the word's sum.

module snn_readout #(
  parameter int unsigned Lanes     = 1,
  parameter int unsigned Words     = 2,
  parameter int unsigned CurrentAW = 8,
  parameter int unsigned ClearAW   = 8,
  // Build the last-step readout (last_i).
  parameter int unsigned ReadoutModes = 0,
  localparam int unsigned Bits     = snn_pkg::ReadoutBits,
  localparam int unsigned AW       = $clog2(Words > 1 ? Words : 2)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // CmdClear's walk over the core's memories.
  input  logic                  clear_i,
  input  logic [ClearAW-1:0]    clear_addr_i,
  // The sweep: add `add_i` (Lanes 64-bit values) to word `word_i`.
  input  logic                  sweeping_i,
  input  logic                  add_we_i,
  input  logic [CurrentAW-1:0]  word_i,
  input  logic [64*Lanes-1:0]   add_i,
  input  logic                  last_i, // replace the sum instead of adding to it
  // The host bus: word w * Lanes + l is lane l of readout word w.
  input  logic [19:0]           host_word_i,
  output logic [Bits*Lanes-1:0] rdata_o
);

  logic acc_valid_q;
  logic [AW-1:0] acc_word_q, raddr, waddr;
  logic [Bits*Lanes-1:0] acc_add_q, wdata;
  logic we;
  // The sums the new values add to: the words read, or none (last_i).
  logic [Bits*Lanes-1:0] acc_base;
  snn_ram #(.Width(Bits * Lanes), .Depth(Words)) u_ram (
    .clk_i, .we_i(we), .waddr_i(waddr), .wdata_i(wdata), .raddr_i(raddr), .rdata_o(rdata_o));

  assign raddr = sweeping_i ? AW'(word_i) : AW'(32'(host_word_i) >> $clog2(Lanes));
  always_comb begin
    we = acc_valid_q;
    waddr = acc_word_q;
    for (int unsigned l = 0; l < Lanes; l++) begin
      wdata[Bits*l+:Bits] = acc_base[Bits*l+:Bits] + acc_add_q[Bits*l+:Bits];
    end
    if (clear_i) begin
      we = 32'(clear_addr_i) < Words;
      waddr = AW'(clear_addr_i);
      wdata = '0;
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_valid_q <= 1'b0;
      acc_word_q <= '0;
      acc_add_q <= '0;
    end else begin
      acc_valid_q <= add_we_i;
      acc_word_q <= AW'(word_i);
      for (int unsigned l = 0; l < Lanes; l++) begin
        acc_add_q[Bits*l+:Bits] <= Bits'(add_i[64*l+:64]);
      end
    end
  end
  // (Generated apart, so that a core without ReadoutModes elaborates
  // exactly the logic it had before.)
  if (ReadoutModes != 0) begin : g_last
    logic acc_last_q; // last_i of the word being written, as acc_add_q
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        acc_last_q <= 1'b0;
      end else begin
        acc_last_q <= last_i;
      end
    end
    assign acc_base = acc_last_q ? '0 : rdata_o;
  end else begin : g_sum
    logic unused_last;
    assign unused_last = last_i;
    assign acc_base = rdata_o;
  end

  `ifndef SYNTHESIS
  WordInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                add_we_i |-> 32'(word_i) < Words)
    else $error("snn_readout: readout word %0d past the core's %0d", word_i, Words);
  // A word read while its previous sum is still being written would lose
  // that sum.
  NoBackToBack: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 !(add_we_i && acc_valid_q && AW'(word_i) == acc_word_q))
    else $error("snn_readout: readout word %0d added twice in a row", word_i);
  `endif

endmodule
