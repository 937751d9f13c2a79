// Copyright snnc authors.
//
// snn_uart_tx: 8N1 transmitter.  `ready_o` is high while it can take a
// byte; the line idles high.

module snn_uart_tx #(
  parameter int unsigned ClksPerBit = 4
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       valid_i,
  input  logic [7:0] data_i,
  output logic       ready_o,
  output logic       tx_o
);

  localparam int unsigned CountW = $clog2(ClksPerBit + 1);

  logic [9:0] shift_q; // the bits still to send, LSB first
  logic [3:0] bits_q;  // bits left to send
  logic [CountW-1:0] count_q;

  assign ready_o = bits_q == 0;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      shift_q <= '1;
      bits_q <= '0;
      count_q <= '0;
      tx_o <= 1'b1;
    end else if (bits_q == 0) begin
      tx_o <= 1'b1;
      if (valid_i) begin
        tx_o <= 1'b0; // the start bit
        shift_q <= {1'b1, 1'b1, data_i};
        bits_q <= 4'd10;
        count_q <= CountW'(ClksPerBit - 1);
      end
    end else if (count_q != 0) begin
      count_q <= count_q - 1'b1;
    end else begin
      // One bit period is over: the next bit, or idle after the stop bit.
      bits_q <= bits_q - 1'b1;
      if (bits_q != 4'd1) begin
        tx_o <= shift_q[0];
        shift_q <= {1'b1, shift_q[9:1]};
        count_q <= CountW'(ClksPerBit - 1);
      end
    end
  end

endmodule
