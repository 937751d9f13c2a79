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

  state_e state_q;
  logic [1:0] sync_q;
  logic [CountW-1:0] count_q;
  logic [2:0] bit_q;
  logic [7:0] shift_q;
  logic line;
  assign line = sync_q[1];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sync_q <= 2'b11;
      state_q <= StIdle;
      count_q <= '0;
      bit_q <= '0;
      shift_q <= '0;
      valid_o <= 1'b0;
      frame_err_o <= 1'b0;
      data_o <= '0;
    end else begin
      sync_q <= {sync_q[0], rx_i};
      valid_o <= 1'b0;
      frame_err_o <= 1'b0;
      unique case (state_q)
        StIdle: begin
          if (!line) begin
            // The middle of the start bit is half a bit after this edge.
            state_q <= StStart;
            count_q <= CountW'(ClksPerBit / 2 - 1);
          end
        end
        StStart: begin
          if (count_q != 0) begin
            count_q <= count_q - 1'b1;
          end else if (line) begin
            state_q <= StIdle; // a glitch, not a start bit
          end else begin
            state_q <= StData;
            count_q <= CountW'(ClksPerBit - 1);
            bit_q <= '0;
          end
        end
        StData: begin
          if (count_q != 0) begin
            count_q <= count_q - 1'b1;
          end else begin
            shift_q <= {line, shift_q[7:1]};
            count_q <= CountW'(ClksPerBit - 1);
            bit_q <= bit_q + 1'b1;
            if (bit_q == 3'd7) begin
              state_q <= StStop;
            end
          end
        end
        StStop: begin
          if (count_q != 0) begin
            count_q <= count_q - 1'b1;
          end else begin
            state_q <= StIdle;
            valid_o <= line;
            frame_err_o <= !line;
            data_o <= shift_q;
          end
        end
        default: state_q <= StIdle;
      endcase
    end
  end

  // The start bit is checked half a bit in: at least two clocks per bit.
  `ifndef SYNTHESIS
  initial assert (ClksPerBit >= 2) else $fatal(1, "snn_uart_rx: ClksPerBit must be >= 2");
  `endif

endmodule
