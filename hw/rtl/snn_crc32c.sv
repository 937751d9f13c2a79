// Copyright snnc authors.
//
// snn_crc32c: CRC-32C (Castagnoli, reflected) one bit per cycle.  A byte
// takes eight cycles (busy_o), far less than the ten bit periods a UART
// byte lasts, and costs a 32-bit register and a handful of LUTs instead of
// a byte-wide XOR network.  `crc_o` is the raw register (initialized to
// all ones); the transmitted CRC is its complement, and after a frame and
// its own CRC the register equals snn_link_pkg::LinkCrcResidue.

module snn_crc32c (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        clear_i,
  input  logic        valid_i,
  input  logic [7:0]  data_i,
  output logic        busy_o,
  output logic [31:0] crc_o
);

  logic [7:0] shift_q;
  logic [3:0] left_q;
  logic feedback;

  assign busy_o = left_q != 0;
  assign feedback = crc_o[0] ^ shift_q[0];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      crc_o <= '1;
      shift_q <= '0;
      left_q <= '0;
    end else if (clear_i) begin
      crc_o <= '1;
      left_q <= '0;
    end else if (valid_i && !busy_o) begin
      shift_q <= data_i;
      left_q <= 4'd8;
    end else if (busy_o) begin
      crc_o <= (crc_o >> 1) ^ (feedback ? 32'(snn_link_pkg::LinkCrcPoly) : 32'd0);
      shift_q <= shift_q >> 1;
      left_q <= left_q - 1'b1;
    end
  end

  `ifndef SYNTHESIS
  // A byte offered while the previous one is still being shifted is lost.
  ByteWhileBusy: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                  !(valid_i && busy_o && !clear_i))
    else $error("snn_crc32c: byte offered while busy");
  `endif

endmodule
