// Copyright snnc authors.
//
// snn_uart_rx: 8N1 receiver.  The line is synchronized by two flops, a
// start bit is confirmed at its middle and every bit sampled there, so a
// clock mismatch of up to about half a bit over the ten bits of a byte is
// tolerated.  A byte whose stop bit is low is reported as a framing error
// instead of data.

module snn_uart_rx #(
  parameter int unsigned ClksPerBit = 4
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       rx_i,
  output logic       valid_o,
  output logic [7:0] data_o,
  output logic       frame_err_o
);

  localparam int unsigned CountW = $clog2(ClksPerBit + 1);

  typedef enum logic [1:0] { StIdle, StStart, StData, StStop } state_e;

  state_e state_q, state_d;
  logic [1:0] sync_q, sync_d;
  logic [CountW-1:0] count_q, count_d;
  logic [2:0] bit_q, bit_d;
  logic [7:0] shift_q, shift_d;
  logic valid_q, valid_d, frame_err_q, frame_err_d;
  logic [7:0] data_q, data_d;
  logic line;
  assign line = sync_q[1];
  assign sync_d = {sync_q[0], rx_i};
  assign valid_o = valid_q;
  assign frame_err_o = frame_err_q;
  assign data_o = data_q;

  always_comb begin
    state_d = state_q;
    count_d = count_q;
    bit_d = bit_q;
    shift_d = shift_q;
    valid_d = 1'b0;
    frame_err_d = 1'b0;
    data_d = data_q;
    unique case (state_q)
      StIdle: begin
        if (!line) begin
          // The middle of the start bit is half a bit after this edge.
          state_d = StStart;
          count_d = CountW'(ClksPerBit / 2 - 1);
        end
      end
      StStart: begin
        if (count_q != 0) begin
          count_d = count_q - 1'b1;
        end else if (line) begin
          state_d = StIdle; // a glitch, not a start bit
        end else begin
          state_d = StData;
          count_d = CountW'(ClksPerBit - 1);
          bit_d = '0;
        end
      end
      StData: begin
        if (count_q != 0) begin
          count_d = count_q - 1'b1;
        end else begin
          shift_d = {line, shift_q[7:1]};
          count_d = CountW'(ClksPerBit - 1);
          bit_d = bit_q + 1'b1;
          if (bit_q == 3'd7) begin
            state_d = StStop;
          end
        end
      end
      StStop: begin
        if (count_q != 0) begin
          count_d = count_q - 1'b1;
        end else begin
          state_d = StIdle;
          valid_d = line;
          frame_err_d = !line;
          data_d = shift_q;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sync_q <= 2'b11;
      state_q <= StIdle;
      count_q <= '0;
      bit_q <= '0;
      shift_q <= '0;
      valid_q <= 1'b0;
      frame_err_q <= 1'b0;
      data_q <= '0;
    end else begin
      sync_q <= sync_d;
      state_q <= state_d;
      count_q <= count_d;
      bit_q <= bit_d;
      shift_q <= shift_d;
      valid_q <= valid_d;
      frame_err_q <= frame_err_d;
      data_q <= data_d;
    end
  end

  // The start bit is checked half a bit in: at least two clocks per bit.
  `ifndef SYNTHESIS
  initial assert (ClksPerBit >= 2) else $fatal(1, "snn_uart_rx: ClksPerBit must be >= 2");
  `endif

endmodule
