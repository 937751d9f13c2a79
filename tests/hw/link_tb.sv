// The bridge with small, fixed parameters for LinkTest.cpp: two clocks a
// bit, a 512-byte buffer, two words of core identity, 16 words in every
// region but the descriptors (32) and the weights (256), and 19-bit event
// words whose value field starts at bit 11 (5-bit coordinates, 1 channel bit).
module link_tb (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        rx_i,
  output logic        tx_o,
  output logic        bus_req_o,
  output logic        bus_we_o,
  output logic [31:0] bus_addr_o,
  output logic [31:0] bus_wdata_o,
  input  logic [31:0] bus_rdata_i,
  input  logic        core_busy_i,
  input  logic        spike_valid_i,
  output logic        core_rst_no,
  output logic        active_o
);
  snn_link #(
    .ClksPerBit  (2),
    .BufBytes    (512),
    .ClockHz     (1000000),
    .NumCoreIdent(2),
    .CoreIdent   ({32'd77, 32'd8}),
    .RegionWords ({24'd16, 24'd16, 24'd16, 24'd16, 24'd16, 24'd16, 24'd16, 24'd16,
                   24'd256, 24'd32, 24'd32, 24'd8}),
    // 256 words at most: a request for word 256 or beyond (its address bits
    // above the counters' 8) is refused, never wrapped onto word 0.
    .WordBits    (8),
    .EventBits   (19),
    .EventAddrBits(11)
  ) u_link (.*);
endmodule
