// Copyright snnc authors.
//
// snn_link_tx: the sending half of the host link.  COBS-encodes `len_i`
// bytes read through a synchronous read port (data the cycle after the
// address) and sends them, then the 0x00 delimiter.  COBS needs to know
// the distance to the next zero before a group starts, so each group is
// first scanned (two cycles a byte, against forty for a UART byte at
// four clocks a bit) and then sent.

module snn_link_tx #(
  parameter int unsigned ClksPerBit = 4,
  parameter int unsigned BufBytes   = 1024,
  localparam int unsigned BufAW     = $clog2(BufBytes)
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           start_i,
  input  logic [BufAW:0] len_i,
  output logic           busy_o,
  output logic [BufAW-1:0] raddr_o,
  input  logic [7:0]     rdata_i,
  output logic           tx_o
);

  typedef enum logic [2:0] {
    StIdle, StScan, StScanData, StCode, StRead, StData, StGroupEnd, StDelim
  } state_e;

  state_e state_q, state_d;
  logic [BufAW:0] len_q, len_d, pos_q, pos_d, scan_q, scan_d;
  logic [7:0] count_q, count_d, code_q, code_d;
  logic uart_valid, uart_ready;
  logic [7:0] uart_data;

  snn_uart_tx #(.ClksPerBit(ClksPerBit)) u_uart (
    .clk_i, .rst_ni,
    .valid_i(uart_valid),
    .data_i (uart_data),
    .ready_o(uart_ready),
    .tx_o
  );

  assign busy_o = state_q != StIdle || !uart_ready;
  assign raddr_o = BufAW'((state_q == StScan || state_q == StScanData) ? scan_q : pos_q);

  always_comb begin
    uart_valid = 1'b0;
    uart_data = 8'h00;
    unique case (state_q)
      StCode: begin
        uart_valid = uart_ready;
        uart_data = count_q + 1'b1;
      end
      StData: begin
        uart_valid = uart_ready;
        uart_data = rdata_i;
      end
      StDelim: uart_valid = uart_ready;
      default: ;
    endcase
  end

  always_comb begin
    state_d = state_q;
    len_d = len_q;
    pos_d = pos_q;
    scan_d = scan_q;
    count_d = count_q;
    code_d = code_q;
    unique case (state_q)
      StIdle: begin
        if (start_i) begin
          len_d = len_i;
          pos_d = '0;
          scan_d = '0;
          count_d = '0;
          state_d = StScan;
        end
      end
      // Count the non-zero bytes of the group that starts at pos_q.
      StScan: begin
        state_d = (scan_q == len_q || count_q == 8'd254) ? StCode : StScanData;
      end
      StScanData: begin // the byte at scan_q
        if (rdata_i == 8'h00) begin
          state_d = StCode;
        end else begin
          count_d = count_q + 1'b1;
          scan_d = scan_q + 1'b1;
          state_d = StScan;
        end
      end
      StCode: begin
        if (uart_ready) begin
          code_d = count_q + 1'b1;
          state_d = (count_q == 0) ? StGroupEnd : StRead;
        end
      end
      StRead: state_d = StData;
      StData: begin // the byte at pos_q
        if (uart_ready) begin
          pos_d = pos_q + 1'b1;
          count_d = count_q - 1'b1;
          state_d = (count_q == 8'd1) ? StGroupEnd : StRead;
        end
      end
      // pos_q == scan_q: the end of the data, the zero that ended this
      // group (skipped: it is implied), or the end of a full group.
      StGroupEnd: begin
        count_d = '0;
        if (pos_q == len_q) begin
          state_d = StDelim;
        end else if (code_q == 8'hff) begin
          state_d = StScan;
        end else begin
          pos_d = pos_q + 1'b1;
          scan_d = scan_q + 1'b1;
          state_d = StScan;
        end
      end
      StDelim: begin
        if (uart_ready) begin
          state_d = StIdle;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      len_q <= '0;
      pos_q <= '0;
      scan_q <= '0;
      count_q <= '0;
      code_q <= '0;
    end else begin
      state_q <= state_d;
      len_q <= len_d;
      pos_q <= pos_d;
      scan_q <= scan_d;
      count_q <= count_d;
      code_q <= code_d;
    end
  end

endmodule
