// Copyright snnc authors.
//
// snn_link_rx: the receiving half of the host link.  UART bytes are
// COBS-decoded on the fly into the frame buffer (the executor's), the
// CRC-32C runs alongside (on the link's one CRC unit, which the executor
// uses only while no frame is being received), and at the 0x00 delimiter
// the frame is handed
// over with its length and verdict.  A frame that starts while the
// executor still holds the buffer is dropped whole (the host retries), so
// the buffer never changes under a command being executed.  A lost byte
// costs at most the frame it belongs to: the next 0x00 resynchronizes.

module snn_link_rx #(
  parameter int unsigned ClksPerBit = 4,
  parameter int unsigned BufBytes   = 1024,
  localparam int unsigned BufAW     = $clog2(BufBytes)
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           rx_i,
  input  logic           hold_i,        // the executor owns the buffer
  // Frame buffer write port.
  output logic           buf_we_o,
  output logic [BufAW-1:0] buf_waddr_o,
  output logic [7:0]     buf_wdata_o,
  // One pulse per complete frame.
  output logic           frame_o,
  output logic [BufAW:0] frame_len_o,
  output logic           frame_crc_ok_o,
  output logic           frame_overrun_o,
  // Statistics pulses.
  output logic           framing_err_o, // bad COBS, UART stop bit, too short
  output logic           drop_o,        // arrived while the executor was busy
  output logic           active_o,      // inside a frame
  // The CRC unit (snn_crc32c), shared with the executor.
  output logic           crc_clear_o,
  output logic           crc_valid_o,
  output logic [7:0]     crc_data_o,
  input  logic           crc_busy_i,
  input  logic [31:0]    crc_i
);

  localparam int unsigned MinFrame = snn_link_pkg::LinkRequestHeader + snn_link_pkg::LinkCrcBytes;

  logic byte_valid, byte_err;
  logic [7:0] byte_data;

  snn_uart_rx #(.ClksPerBit(ClksPerBit)) u_uart (
    .clk_i, .rst_ni, .rx_i,
    .valid_o    (byte_valid),
    .data_o     (byte_data),
    .frame_err_o(byte_err)
  );

  logic [BufAW:0] len_q;
  logic [7:0] remain_q, code_q;
  logic started_q, bad_q, overrun_q, discard_q;
  logic emit, crc_busy;
  logic [7:0] emit_data;
  logic [31:0] crc;

  assign crc_clear_o = byte_valid && byte_data == 8'h00;
  assign crc_valid_o = emit && 32'(len_q) < BufBytes;
  assign crc_data_o = emit_data;
  assign crc_busy = crc_busy_i;
  assign crc = crc_i;

  // A data byte, or the zero that ends the previous group when a new code
  // byte arrives (unless that group was a full 0xFF group).
  always_comb begin
    emit = 1'b0;
    emit_data = byte_data;
    if (byte_valid && byte_data != 8'h00 && !discard_q && !(hold_i && !started_q)) begin
      if (remain_q != 0) begin
        emit = 1'b1;
      end else if (started_q && code_q != 8'hff) begin
        emit = 1'b1;
        emit_data = 8'h00;
      end
    end
  end

  assign buf_we_o = emit && 32'(len_q) < BufBytes;
  assign buf_waddr_o = BufAW'(len_q);
  assign buf_wdata_o = emit_data;
  assign active_o = started_q || discard_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      len_q <= '0;
      remain_q <= '0;
      code_q <= '0;
      started_q <= 1'b0;
      bad_q <= 1'b0;
      overrun_q <= 1'b0;
      discard_q <= 1'b0;
      frame_o <= 1'b0;
      frame_len_o <= '0;
      frame_crc_ok_o <= 1'b0;
      frame_overrun_o <= 1'b0;
      framing_err_o <= 1'b0;
      drop_o <= 1'b0;
    end else begin
      frame_o <= 1'b0;
      framing_err_o <= 1'b0;
      drop_o <= 1'b0;
      if (byte_err) begin
        bad_q <= started_q;
      end else if (byte_valid && byte_data == 8'h00) begin
        // The delimiter: hand over a whole frame, count a broken one.
        if (started_q && !discard_q) begin
          if (bad_q || remain_q != 0 || 32'(len_q) < MinFrame) begin
            framing_err_o <= 1'b1;
          end else begin
            frame_o <= 1'b1;
            frame_len_o <= len_q;
            frame_crc_ok_o <= crc == snn_link_pkg::LinkCrcResidue;
            frame_overrun_o <= overrun_q;
          end
        end
        len_q <= '0;
        remain_q <= '0;
        code_q <= '0;
        started_q <= 1'b0;
        bad_q <= 1'b0;
        overrun_q <= 1'b0;
        discard_q <= 1'b0;
      end else if (byte_valid && !discard_q) begin
        if (hold_i && !started_q) begin
          discard_q <= 1'b1;
          drop_o <= 1'b1;
        end else begin
          if (remain_q != 0) begin
            remain_q <= remain_q - 1'b1;
          end else begin
            code_q <= byte_data;
            remain_q <= byte_data - 1'b1;
            started_q <= 1'b1;
          end
          if (emit) begin
            if (32'(len_q) < BufBytes) begin
              len_q <= len_q + 1'b1;
            end else begin
              overrun_q <= 1'b1;
            end
          end
        end
      end
    end
  end

  `ifndef SYNTHESIS
  // Bytes arrive at least ten bit periods apart: the bit-serial CRC (eight
  // cycles a byte) is always free for the next one.
  initial assert (ClksPerBit * 10 > 9) else $fatal(1, "snn_link_rx: UART faster than the CRC");
  CrcFree: assert property (@(posedge clk_i) disable iff (!rst_ni) !(emit && crc_busy))
    else $error("snn_link_rx: CRC still busy");
  `endif

endmodule
