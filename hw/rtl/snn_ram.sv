// Copyright snnc authors.
//
// snn_ram: one synchronous read port and one write port, the shape of an
// iCE40 EBR and of most FPGA block RAMs.  Read data appear the cycle after
// the address.  A read of the word written in the same cycle returns
// undefined data: every caller forwards the word it wrote (or never reads
// it back in that cycle), so the memory needs no collision logic.  Telling
// yosys so (no_rw_check) maps it onto a bare block RAM; emulating the
// read-old-data rule had cost an address comparator and a register of the
// whole word per memory, about 550 logic cells of the UP5K test core.
// Every memory is a block RAM (ram_style), however small: left to itself
// yosys builds the smallest ones from flip-flops and multiplexers, hundreds
// of logic cells for a few words.
//
// SinglePort: the same ports on one single-port memory, the shape of the
// UP5K's 16K x 16 SPRAMs (yosys infers SB_SPRAM256KA under synth_ice40
// -spram).  A write then takes the port: the caller never reads in a cycle
// it writes (snn_core's weights are written by the host while the core is
// idle and read only while it runs), and the read data keep their last
// value during a write.  SPRAM cannot be initialised by the bitstream;
// everything in it arrives over the host bus.

module snn_ram #(
  parameter int unsigned Width      = 32,
  parameter int unsigned Depth      = 16,
  parameter int unsigned SinglePort = 0,
  parameter int unsigned AddrW      = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic             clk_i,
  input  logic             we_i,
  input  logic [AddrW-1:0] waddr_i,
  input  logic [Width-1:0] wdata_i,
  input  logic [AddrW-1:0] raddr_i,
  output logic [Width-1:0] rdata_o
);

  if (SinglePort != 0) begin : g_single_port
    (* ram_style = "huge" *) logic [Width-1:0] mem_q [Depth];
    logic [AddrW-1:0] addr;
    assign addr = we_i ? waddr_i : raddr_i;
    always_ff @(posedge clk_i) begin
      if (we_i) begin
        mem_q[addr] <= wdata_i;
      end else begin
        rdata_o <= mem_q[addr];
      end
    end
  end else begin : g_block
    (* no_rw_check, ram_style = "block" *) logic [Width-1:0] mem_q [Depth];
    always_ff @(posedge clk_i) begin
      if (we_i) begin
        mem_q[waddr_i] <= wdata_i;
      end
      rdata_o <= mem_q[raddr_i];
    end
  end

endmodule
