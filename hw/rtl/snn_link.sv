// Copyright snnc authors.
//
// snn_link: the bridge between a serial line and the core's host bus
// (docs/host-link.md).  snn_link_rx decodes a COBS frame into the request
// buffer and checks its CRC-32C; the executor here runs the request as
// host-bus accesses and builds the reply in the reply buffer; snn_link_tx
// sends it.  The reply buffer doubles as a one-frame cache: a request that
// repeats the last executed {seq, cmd} is answered from it without being
// run again, so the host's retransmissions are idempotent.  Error replies
// (bad CRC, command, length, address; overrun) are built in registers and
// never touch that cache, and a rejected request changes nothing: a burst
// is checked against the region bounds before its first access.  A write
// must carry whole words (slice 0 to the word's last slice), which makes
// every accepted request idempotent: running a copy again leaves the same
// memories (docs/host-link.md, "Why no reply can be stale").  WriteEvents
// (version 3) is such a write of whole event words, each built from a 2- or
// 3-byte entry: the input's events cost 2 or 3 bytes instead of 4.

module snn_link #(
  parameter int unsigned ClksPerBit   = 4,
  parameter int unsigned BufBytes     = 1024,
  parameter int unsigned ClockHz      = 12000000,
  parameter int unsigned NumCoreIdent = 1,
  // The core's parameters, word i at [32*i +: 32] (reported by Identify).
  parameter logic [NumCoreIdent*32-1:0] CoreIdent = '0,
  // Words of each bus region, region r at [24*r +: 24] (bounds of bursts).
  parameter logic [snn_link_pkg::LinkRegions*24-1:0] RegionWords = '0,
  // Bits of the largest region's last word (at most 20, the bus address's
  // word field; every region has at most 2^WordBits words): the burst's
  // word counters are this wide, plus a bit that marks a request's word
  // beyond them (always out of range).
  parameter int unsigned WordBits = 20,
  // The core's event word: EventBits wide, its value field above the
  // EventAddrBits of {c, y, x} (WriteEvents needs a one-slice word).
  parameter int unsigned EventBits     = 32,
  parameter int unsigned EventAddrBits = 24
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        rx_i,
  output logic        tx_o,
  // Host-bus master.
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

  localparam int unsigned BufAW = $clog2(BufBytes);
  localparam int unsigned NumIdent = snn_link_pkg::LinkIdentFixed + NumCoreIdent;
  localparam int unsigned Overhead = snn_link_pkg::LinkRequestHeader + snn_link_pkg::LinkCrcBytes;
  localparam int unsigned MaxReadWords =
      (BufBytes - snn_link_pkg::LinkReplyHeader - snn_link_pkg::LinkCrcBytes) / 4;
  localparam int unsigned IdentAW = $clog2(NumIdent + 1);

  typedef enum logic [5:0] {
    StIdle, StLoad, StStore, StHead, StAddr, StSlices, StCheck,
    StWrite, StWriteBus, StRead, StReadBus, StReadData,
    StIdent, StStatus, StSession, StRunCheck, StRunIssue, StRunWait,
    StRunLo, StRunLoData, StRunHi, StRunHiData, StRunSpikes,
    StOk, StHeader, StShort, StCrc, StCrcData, StCrcWait, StCrcStore, StCached, StResend,
    StSending
  } state_e;

  // ---- Receive ---------------------------------------------------------------
  logic rx_we, frame, frame_crc_ok, frame_overrun, framing_err, drop, rx_active;
  logic rx_crc_clear, rx_crc_valid;
  logic [7:0] rx_crc_data;
  logic [BufAW-1:0] rx_waddr;
  logic [7:0] rx_wdata, rx_rdata;
  logic [BufAW:0] frame_len;
  state_e state_q, state_d;
  logic crc_busy;
  logic [31:0] crc;

  snn_link_rx #(.ClksPerBit(ClksPerBit), .BufBytes(BufBytes)) u_rx (
    .clk_i, .rst_ni, .rx_i,
    .hold_i         (state_q != StIdle),
    .buf_we_o       (rx_we),
    .buf_waddr_o    (rx_waddr),
    .buf_wdata_o    (rx_wdata),
    .frame_o        (frame),
    .frame_len_o    (frame_len),
    .frame_crc_ok_o (frame_crc_ok),
    .frame_overrun_o(frame_overrun),
    .framing_err_o  (framing_err),
    .drop_o         (drop),
    .active_o       (rx_active),
    .crc_clear_o    (rx_crc_clear),
    .crc_valid_o    (rx_crc_valid),
    .crc_data_o     (rx_crc_data),
    .crc_busy_i     (crc_busy),
    .crc_i          (crc)
  );

  logic [BufAW-1:0] rd_ptr_q, rd_ptr_d;
  snn_ram #(.Width(8), .Depth(BufBytes)) u_request (
    .clk_i, .we_i(rx_we), .waddr_i(rx_waddr), .wdata_i(rx_wdata),
    .raddr_i(rd_ptr_q), .rdata_o(rx_rdata));

  // ---- Reply buffer and transmit -----------------------------------------------
  logic tx_we, tx_start, tx_busy, short_q, short_d;
  logic [BufAW-1:0] tx_waddr;
  logic [7:0] tx_wdata, reply_rdata, short_rdata_q, short_rdata_d, src_rdata;
  logic [BufAW:0] crc_idx_q, crc_idx_d, cache_len_q, cache_len_d;
  logic [BufAW:0] crc_len_q, crc_len_d, tx_wptr_q, tx_wptr_d;
  logic [BufAW-1:0] tx_raddr, src_raddr;
  logic [7:0] seq_q, seq_d, cmd_q, cmd_d, status_q, status_d;
  logic [7:0] last_seq_q, last_seq_d, last_cmd_q, last_cmd_d;
  logic [15:0] session_q, session_d;
  logic [31:0] short_crc_q, short_crc_d;

  // Indexes reach BufBytes only as lengths, never as addresses.
  assign src_raddr = tx_busy ? tx_raddr : BufAW'(crc_idx_q);
  snn_ram #(.Width(8), .Depth(BufBytes)) u_reply (
    .clk_i, .we_i(tx_we), .waddr_i(tx_waddr), .wdata_i(tx_wdata),
    .raddr_i(src_raddr), .rdata_o(reply_rdata));

  // An error reply: header and CRC in registers, read like the buffer.
  always_comb begin
    unique case (src_raddr[3:0])
      4'd0: short_rdata_d = seq_q;
      4'd1: short_rdata_d = cmd_q;
      4'd2: short_rdata_d = status_q;
      4'd3: short_rdata_d = session_q[7:0];
      4'd4: short_rdata_d = session_q[15:8];
      4'd5: short_rdata_d = short_crc_q[7:0];
      4'd6: short_rdata_d = short_crc_q[15:8];
      4'd7: short_rdata_d = short_crc_q[23:16];
      default: short_rdata_d = short_crc_q[31:24];
    endcase
  end
  // Like the buffer's read port, this register has no reset.
  always_ff @(posedge clk_i) begin
    short_rdata_q <= short_rdata_d;
  end
  assign src_rdata = short_q ? short_rdata_q : reply_rdata;

  snn_link_tx #(.ClksPerBit(ClksPerBit), .BufBytes(BufBytes)) u_tx (
    .clk_i, .rst_ni,
    .start_i(tx_start),
    .len_i  (short_q ? (BufAW + 1)'(9) : cache_len_q),
    .busy_o (tx_busy),
    .raddr_o(tx_raddr),
    .rdata_i(src_rdata),
    .tx_o
  );

  // One CRC unit: the receiver's while the executor is idle (frames are
  // only received then), the executor's while it builds a reply.
  logic crc_clear, crc_valid, exec_idle;
  assign exec_idle = state_q == StIdle;
  snn_crc32c u_crc (
    .clk_i, .rst_ni,
    .clear_i(exec_idle ? rx_crc_clear : crc_clear),
    .valid_i(exec_idle ? rx_crc_valid : crc_valid),
    .data_i (exec_idle ? rx_crc_data : src_rdata),
    .busy_o (crc_busy),
    .crc_o  (crc)
  );

  // ---- Executor --------------------------------------------------------------------
  state_e ret_q, ret_d;
  logic [2:0] left_q, left_d;
  logic phase_q, phase_d, is_write_q, is_write_d, crc_ok_q, crc_ok_d;
  logic overrun_q, overrun_d, cache_valid_q, cache_valid_d;
  // WriteEvents: n_q counts entry bytes, `unit` (2 or 3, or 1 in dense
  // mode) an entry; else 1.  Dense mode: daddr_q is the address part of the
  // next entry, and an entry of value 0 writes no word (skip_entry).
  logic events_q, events_d, valued_q, valued_d, dense_q, dense_d;
  logic [15:0] daddr_q, daddr_d;
  logic skip_entry;
  logic [1:0] unit;
  logic [31:0] event_word;
  logic [31:0] acc_q, acc_d;
  logic [BufAW:0] len_q, len_d, n_q, n_d, n0_q, n0_d;
  logic [7:0] region_q, region_d;
  logic [WordBits:0] word_q, word_d, word0_q, word0_d, limit_q, limit_d;
  logic [WordBits:0] request_word;
  logic [4:0] slice_q, slice_d, slice0_q, slice0_d, slices_q, slices_d;
  logic [IdentAW-1:0] ident_q, ident_d;
  logic [2:0] step_q, step_d;
  logic [1:0] core_rst_q, core_rst_d;
  logic [31:0] spikes_q, spikes_d;
  // Status counters: diagnostics the host only shows, 8 bits that wrap in
  // 16-bit reply fields (16-bit ones cost about 100 logic cells, 2 % of
  // the UP5K).
  logic [7:0] frames_q, frames_d, crc_errors_q, crc_errors_d;
  logic [7:0] framing_errors_q, framing_errors_d, drops_q, drops_d;
  logic [BufAW:0] payload_len, data_len; // data_len: after addr and slices
  logic [15:0] read_count;
  logic [7:0] slices_in;

  // Identify: the link's own words, then the core's parameters.
  logic [31:0] ident_word;
  always_comb begin
    unique case (32'(ident_q))
      0: ident_word = snn_link_pkg::LinkMagic;
      1: ident_word = snn_link_pkg::LinkVersion;
      2: ident_word = ClockHz;
      3: ident_word = ClksPerBit;
      4: ident_word = BufBytes;
      default: begin
        ident_word = '0;
        for (int unsigned i = 0; i < NumCoreIdent; i++) begin
          if (32'(ident_q) == snn_link_pkg::LinkIdentFixed + i) ident_word = CoreIdent[32*i+:32];
        end
      end
    endcase
  end

  // Words of the addressed region (none beyond the last region).
  logic [WordBits:0] region_limit;
  always_comb begin
    region_limit = '0;
    for (int unsigned r = 0; r < snn_link_pkg::LinkRegions; r++) begin
      if (32'(region_q) == r) region_limit = (WordBits + 1)'(RegionWords[24*r+:24]);
    end
  end
  assign payload_len = len_q - (BufAW + 1)'(Overhead);
  assign data_len = payload_len - (BufAW + 1)'(5);
  assign read_count = acc_q[31:16];
  assign slices_in = is_write_q ? acc_q[31:24] : acc_q[15:8];
  assign unit = (!events_q || dense_q) ? 2'd1 : valued_q ? 2'd3 : 2'd2;
  // An entry loaded into acc_q's top bytes: {address:2, value:1 (valued)},
  // or {value:1} (dense, its address daddr_q).
  logic [7:0] event_value;
  logic [15:0] event_addr;
  assign event_value = dense_q ? acc_q[31:24] : valued_q ? acc_q[15:8] : 8'd1;
  assign event_addr = dense_q ? daddr_q : acc_q[31:16];
  assign event_word = ({24'd0, event_value} << EventAddrBits) | {16'd0, event_addr};
  assign skip_entry = dense_q && acc_q[31:24] == 8'd0;
  assign core_rst_no = core_rst_q == 0;
  // Active without a gap from a frame's first byte to its reply's last: the
  // cycle the receiver hands a frame over (`frame`: no longer inside it,
  // the executor not yet out of StIdle) counts too.  board-sim steps the
  // board only while something is active, and had stopped in that cycle
  // (about once a sample at 8 clocks a bit), until the host's retry came.
  assign active_o = state_q != StIdle || rx_active || tx_busy || frame;

  // Host-bus accesses: only while the core is idle.
  always_comb begin
    bus_req_o = 1'b0;
    bus_we_o = 1'b0;
    bus_addr_o = {region_q, 20'(word_q[WordBits-1:0]), slice_q[3:0]};
    bus_wdata_o = acc_q;
    unique case (state_q)
      StWriteBus: begin
        bus_req_o = !core_busy_i && !skip_entry;
        bus_we_o = 1'b1;
        if (events_q) bus_wdata_o = event_word;
      end
      StReadBus: bus_req_o = !core_busy_i;
      StRunIssue: begin
        bus_req_o = !core_busy_i;
        bus_we_o = 1'b1;
        bus_addr_o = {8'(snn_pkg::RegionCtrl), 20'(snn_pkg::CtrlCommand), 4'd0};
        bus_wdata_o = {24'd0, acc_q[31:24]};
      end
      StRunLo: begin
        bus_req_o = 1'b1;
        bus_addr_o = {8'(snn_pkg::RegionCtrl), 20'(snn_pkg::CtrlCyclesLo), 4'd0};
      end
      StRunHi: begin
        bus_req_o = 1'b1;
        bus_addr_o = {8'(snn_pkg::RegionCtrl), 20'(snn_pkg::CtrlCyclesHi), 4'd0};
      end
      default: ;
    endcase
  end

  // Reply buffer writes: payload bytes (StStore) and the header (StHeader).
  always_comb begin
    tx_we = 1'b0;
    tx_waddr = BufAW'(tx_wptr_q);
    tx_wdata = acc_q[7:0];
    if (state_q == StStore) begin
      tx_we = 1'b1;
    end else if (state_q == StHeader) begin
      tx_we = 1'b1;
      tx_waddr = BufAW'(step_q);
      unique case (step_q)
        3'd0: tx_wdata = seq_q;
        3'd1: tx_wdata = cmd_q;
        3'd2: tx_wdata = status_q;
        3'd3: tx_wdata = session_q[7:0];
        default: tx_wdata = session_q[15:8];
      endcase
    end
  end

  // Cleared for a reply, and again for the receiver's next frame.
  assign crc_clear = state_q == StOk || state_q == StShort || state_q == StSending;
  assign crc_valid = state_q == StCrcData;
  // The reply's length is registered (StCached) the cycle before it starts.
  assign tx_start = (state_q == StCrcStore && short_q) || state_q == StResend;

  // The request's word, its top bit set where the address has bits above
  // WordBits (no region has that word: StCheck refuses it).
  assign request_word = {(32'(acc_q[23:4]) >> WordBits) != 0, acc_q[4+:WordBits]};

  // The burst address of the next 32-bit slice.
  logic [WordBits:0] next_word;
  logic [4:0] next_slice;
  always_comb begin
    next_word = word_q;
    next_slice = slice_q + 1'b1;
    if (slice_q + 1'b1 == slices_q) begin
      next_slice = '0;
      next_word = word_q + 1'b1;
    end
  end

  // The executor's next state: a register holds unless the state it is in
  // changes it.  The core's reset is held for three cycles (LinkCmdReset).
  always_comb begin
    state_d = state_q;
    ret_d = ret_q;
    left_d = left_q;
    phase_d = phase_q;
    is_write_d = is_write_q;
    crc_ok_d = crc_ok_q;
    overrun_d = overrun_q;
    events_d = events_q;
    valued_d = valued_q;
    dense_d = dense_q;
    daddr_d = daddr_q;
    cache_valid_d = cache_valid_q;
    short_d = short_q;
    acc_d = acc_q;
    len_d = len_q;
    n_d = n_q;
    n0_d = n0_q;
    region_d = region_q;
    word_d = word_q;
    word0_d = word0_q;
    limit_d = limit_q;
    slice_d = slice_q;
    slice0_d = slice0_q;
    slices_d = slices_q;
    ident_d = ident_q;
    step_d = step_q;
    rd_ptr_d = rd_ptr_q;
    tx_wptr_d = tx_wptr_q;
    crc_idx_d = crc_idx_q;
    crc_len_d = crc_len_q;
    cache_len_d = cache_len_q;
    seq_d = seq_q;
    cmd_d = cmd_q;
    status_d = status_q;
    last_seq_d = last_seq_q;
    last_cmd_d = last_cmd_q;
    session_d = session_q;
    short_crc_d = short_crc_q;
    core_rst_d = (core_rst_q != 0) ? core_rst_q - 1'b1 : core_rst_q;
    unique case (state_q)
      StIdle: begin
        if (frame) begin
          len_d = frame_len;
          crc_ok_d = frame_crc_ok;
          overrun_d = frame_overrun;
          short_d = 1'b0;
          rd_ptr_d = '0;
          left_d = 3'd2;
          phase_d = 1'b0;
          ret_d = StHead;
          state_d = StLoad;
        end
      end
      // Shifts `left_q` request bytes into acc_q from the top (two
      // cycles a byte: address, then data).
      StLoad: begin
        phase_d = !phase_q;
        if (phase_q) begin
          acc_d = {rx_rdata, acc_q[31:8]};
          rd_ptr_d = rd_ptr_q + 1'b1;
          left_d = left_q - 1'b1;
          if (left_q == 3'd1) begin
            state_d = ret_q;
          end
        end
      end
      // Appends the `left_q` low bytes of acc_q to the reply.
      StStore: begin
        acc_d = acc_q >> 8;
        tx_wptr_d = tx_wptr_q + 1'b1;
        left_d = left_q - 1'b1;
        if (left_q == 3'd1) begin
          state_d = ret_q;
        end
      end
      StHead: begin
        seq_d = acc_q[23:16];
        cmd_d = acc_q[31:24];
        tx_wptr_d = (BufAW + 1)'(snn_link_pkg::LinkReplyHeader);
        if (overrun_q) begin
          status_d = 8'(snn_link_pkg::LinkOverrun);
          state_d = StShort;
        end else if (!crc_ok_q) begin
          status_d = 8'(snn_link_pkg::LinkBadCrc);
          state_d = StShort;
        end else if (cache_valid_q && acc_q[23:16] == last_seq_q &&
                     acc_q[31:24] == last_cmd_q) begin
          state_d = StResend; // a retransmission: the same reply again
        end else begin
          status_d = 8'(snn_link_pkg::LinkBadLength);
          state_d = StShort;
          left_d = 3'd4;
          ret_d = StAddr;
          unique case (32'(acc_q[31:24]))
            snn_link_pkg::LinkCmdIdentify: begin
              ident_d = '0;
              if (payload_len == 0) state_d = StIdent;
            end
            snn_link_pkg::LinkCmdWrite: begin
              is_write_d = 1'b1;
              events_d = 1'b0;
              n_d = data_len >> 2;
              if (payload_len >= 9 && payload_len[1:0] == 2'd1) state_d = StLoad;
            end
            snn_link_pkg::LinkCmdRead: begin
              is_write_d = 1'b0;
              events_d = 1'b0;
              if (payload_len == 7) state_d = StLoad;
            end
            snn_link_pkg::LinkCmdWriteEvents: begin
              // At least one 2-byte entry; StCheck finds a partial one.
              is_write_d = 1'b1;
              events_d = 1'b1;
              n_d = data_len;
              if (payload_len >= 7) state_d = StLoad;
            end
            snn_link_pkg::LinkCmdRun: begin
              left_d = 3'd1;
              ret_d = StRunCheck;
              if (payload_len == 1) state_d = StLoad;
            end
            snn_link_pkg::LinkCmdStatus: begin
              step_d = '0;
              if (payload_len == 0) state_d = StStatus;
            end
            snn_link_pkg::LinkCmdSession: begin
              left_d = 3'd2;
              ret_d = StSession;
              if (payload_len == 2) state_d = StLoad;
            end
            snn_link_pkg::LinkCmdReset: begin
              if (payload_len == 0) begin
                core_rst_d = 2'd3;
                session_d = '0;
                state_d = StOk;
              end
            end
            default: status_d = 8'(snn_link_pkg::LinkBadCommand);
          endcase
        end
      end
      StAddr: begin
        region_d = acc_q[31:24];
        word_d = request_word;
        word0_d = request_word;
        slice_d = {1'b0, acc_q[3:0]};
        slice0_d = {1'b0, acc_q[3:0]};
        left_d = is_write_q ? 3'd1 : 3'd3;
        ret_d = StSlices;
        state_d = StLoad;
      end
      // The burst is checked whole before its first access.
      StSlices: begin
        slices_d = events_q ? 5'd1 : 5'(slices_in);
        valued_d = slices_in[0]; // WriteEvents: the mode byte
        dense_d = events_q && slices_in[1];
        limit_d = region_limit;
        if (!is_write_q) begin
          n_d = (BufAW + 1)'(read_count);
        end
        status_d = 8'(snn_link_pkg::LinkBadAddress);
        state_d = StShort;
        if (events_q) begin
          // Whole one-slice event words from slice 0 of an event word.
          if (32'(region_q) == snn_pkg::RegionEvent && slice_q == 0 && EventBits <= 32) begin
            state_d = StCheck;
            if (slices_in[1]) begin
              // Dense: the first entry's address, then at least one entry.
              n_d = n_q - (BufAW + 1)'(2);
              left_d = 3'd2;
              ret_d = StCheck;
              state_d = StLoad;
              if (n_q < (BufAW + 1)'(3)) begin
                status_d = 8'(snn_link_pkg::LinkBadLength);
                state_d = StShort;
              end
            end
          end
          if (32'(slices_in) > snn_link_pkg::LinkEventsDense) begin
            status_d = 8'(snn_link_pkg::LinkBadCommand);
            state_d = StShort;
          end
        end else if (slices_in != 0 && slices_in <= 8'd16 && 8'(slice_q) < slices_in &&
                     32'(region_q) < snn_link_pkg::LinkRegions) begin
          state_d = StCheck;
        end
        if (!is_write_q && (read_count == 0 || 32'(read_count) > MaxReadWords)) begin
          status_d = 8'(snn_link_pkg::LinkBadLength);
          state_d = StShort;
        end
      end
      StCheck: begin
        if (n0_q >= n_q && is_write_q && (slice0_q != 0 || slice_q != 0)) begin
          // A write carries whole words: it starts at slice 0 and its
          // last slice is the last of a word (the walk ends at slice 0).
          // A word is committed by its last slice from the core's shared
          // staging register, so a write that began mid-word would
          // commit slices that another request left there, and running
          // it again (a copy after the cache moved on, the halves of a
          // split burst) would not be idempotent.
          n0_d = '0;
          status_d = 8'(snn_link_pkg::LinkBadAddress);
          state_d = StShort;
        end else if (n0_q > n_q) begin
          // WriteEvents: the last entry is not whole.
          n0_d = '0;
          status_d = 8'(snn_link_pkg::LinkBadLength);
          state_d = StShort;
        end else if (n0_q == n_q) begin
          // The whole burst is in range: run it from the start.
          word_d = word0_q;
          slice_d = slice0_q;
          n0_d = '0;
          daddr_d = acc_q[31:16]; // dense: the first address, loaded last
          cache_valid_d = 1'b0;
          state_d = is_write_q ? StWrite : StRead;
        end else if (word_q >= limit_q) begin
          n0_d = '0;
          status_d = 8'(snn_link_pkg::LinkBadAddress);
          state_d = StShort;
        end else begin
          word_d = next_word;
          slice_d = next_slice;
          n0_d = n0_q + (BufAW + 1)'(unit);
        end
      end
      StWrite: begin
        left_d = events_q ? {1'b0, unit} : 3'd4;
        ret_d = StWriteBus;
        state_d = (n_q == 0) ? StOk : StLoad;
      end
      StWriteBus: begin
        if (!core_busy_i || skip_entry) begin
          // A dense entry of value 0 writes no word: the next takes it.
          if (!skip_entry) begin
            word_d = next_word;
            slice_d = next_slice;
          end
          daddr_d = daddr_q + 16'd1;
          n_d = n_q - (BufAW + 1)'(unit);
          state_d = StWrite;
        end
      end
      StRead: state_d = (n_q == 0) ? StOk : StReadBus;
      StReadBus: if (!core_busy_i) state_d = StReadData;
      StReadData: begin
        acc_d = bus_rdata_i;
        word_d = next_word;
        slice_d = next_slice;
        n_d = n_q - 1'b1;
        left_d = 3'd4;
        ret_d = StRead;
        state_d = StStore;
      end
      StIdent: begin
        if (32'(ident_q) == NumIdent) begin
          state_d = StOk;
        end else begin
          acc_d = ident_word;
          ident_d = ident_q + 1'b1;
          left_d = 3'd4;
          ret_d = StIdent;
          state_d = StStore;
          cache_valid_d = 1'b0;
        end
      end
      StStatus: begin
        cache_valid_d = 1'b0;
        step_d = step_q + 1'b1;
        ret_d = StStatus;
        state_d = StStore;
        unique case (step_q)
          3'd0: begin
            acc_d = {31'd0, core_busy_i};
            left_d = 3'd1;
          end
          3'd1: begin
            acc_d = {8'd0, crc_errors_q, 8'd0, frames_q};
            left_d = 3'd4;
          end
          3'd2: begin
            acc_d = {8'd0, drops_q, 8'd0, framing_errors_q};
            left_d = 3'd4;
          end
          default: state_d = StOk;
        endcase
      end
      StSession: begin
        session_d = acc_q[31:16];
        state_d = StOk;
      end
      StRunCheck: begin
        cache_valid_d = 1'b0;
        if (32'(acc_q[31:24]) == snn_pkg::CmdStep || 32'(acc_q[31:24]) == snn_pkg::CmdClear ||
            32'(acc_q[31:24]) == snn_pkg::CmdStepReplay) begin
          state_d = StRunIssue;
        end else begin
          status_d = 8'(snn_link_pkg::LinkBadCommand);
          state_d = StShort;
        end
      end
      StRunIssue: if (!core_busy_i) state_d = StRunWait;
      StRunWait: if (!core_busy_i) state_d = StRunLo;
      StRunLo: state_d = StRunLoData;
      StRunLoData: begin
        acc_d = bus_rdata_i;
        left_d = 3'd4;
        ret_d = StRunHi;
        state_d = StStore;
      end
      StRunHi: state_d = StRunHiData;
      StRunHiData: begin
        acc_d = bus_rdata_i;
        left_d = 3'd4;
        ret_d = StRunSpikes;
        state_d = StStore;
      end
      StRunSpikes: begin
        acc_d = spikes_q;
        left_d = 3'd4;
        ret_d = StOk;
        state_d = StStore;
      end
      StOk: begin
        status_d = 8'(snn_link_pkg::LinkOk);
        step_d = '0;
        state_d = StHeader;
      end
      StHeader: begin
        step_d = step_q + 1'b1;
        if (step_q == 3'd4) begin
          crc_len_d = tx_wptr_q;
          crc_idx_d = '0;
          state_d = StCrc;
        end
      end
      StShort: begin
        short_d = 1'b1;
        crc_len_d = (BufAW + 1)'(snn_link_pkg::LinkReplyHeader);
        crc_idx_d = '0;
        state_d = StCrc;
      end
      StCrc: state_d = StCrcData; // the byte at crc_idx_q arrives next
      StCrcData: state_d = StCrcWait;
      StCrcWait: begin
        if (!crc_busy) begin
          crc_idx_d = crc_idx_q + 1'b1;
          state_d = (crc_idx_q + 1'b1 == crc_len_q) ? StCrcStore : StCrc;
        end
      end
      StCrcStore: begin
        if (short_q) begin
          short_crc_d = ~crc;
          state_d = StSending;
        end else begin
          acc_d = ~crc;
          left_d = 3'd4;
          ret_d = StCached;
          state_d = StStore;
        end
      end
      StCached: begin
        cache_valid_d = 1'b1;
        cache_len_d = tx_wptr_q;
        last_seq_d = seq_q;
        last_cmd_d = cmd_q;
        state_d = StResend;
      end
      StResend: state_d = StSending;
      StSending: if (!tx_busy && !tx_start) state_d = StIdle;
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      ret_q <= StIdle;
      left_q <= '0;
      phase_q <= 1'b0;
      is_write_q <= 1'b0;
      crc_ok_q <= 1'b0;
      overrun_q <= 1'b0;
      events_q <= 1'b0;
      valued_q <= 1'b0;
      dense_q <= 1'b0;
      daddr_q <= '0;
      cache_valid_q <= 1'b0;
      short_q <= 1'b0;
      acc_q <= '0;
      len_q <= '0;
      n_q <= '0;
      n0_q <= '0;
      region_q <= '0;
      word_q <= '0;
      word0_q <= '0;
      limit_q <= '0;
      slice_q <= '0;
      slice0_q <= '0;
      slices_q <= '0;
      ident_q <= '0;
      step_q <= '0;
      rd_ptr_q <= '0;
      tx_wptr_q <= '0;
      crc_idx_q <= '0;
      crc_len_q <= '0;
      cache_len_q <= '0;
      seq_q <= '0;
      cmd_q <= '0;
      status_q <= '0;
      last_seq_q <= '0;
      last_cmd_q <= '0;
      session_q <= '0;
      short_crc_q <= '0;
      core_rst_q <= '0;
    end else begin
      state_q <= state_d;
      ret_q <= ret_d;
      left_q <= left_d;
      phase_q <= phase_d;
      is_write_q <= is_write_d;
      crc_ok_q <= crc_ok_d;
      overrun_q <= overrun_d;
      events_q <= events_d;
      valued_q <= valued_d;
      dense_q <= dense_d;
      daddr_q <= daddr_d;
      cache_valid_q <= cache_valid_d;
      short_q <= short_d;
      acc_q <= acc_d;
      len_q <= len_d;
      n_q <= n_d;
      n0_q <= n0_d;
      region_q <= region_d;
      word_q <= word_d;
      word0_q <= word0_d;
      limit_q <= limit_d;
      slice_q <= slice_d;
      slice0_q <= slice0_d;
      slices_q <= slices_d;
      ident_q <= ident_d;
      step_q <= step_d;
      rd_ptr_q <= rd_ptr_d;
      tx_wptr_q <= tx_wptr_d;
      crc_idx_q <= crc_idx_d;
      crc_len_q <= crc_len_d;
      cache_len_q <= cache_len_d;
      seq_q <= seq_d;
      cmd_q <= cmd_d;
      status_q <= status_d;
      last_seq_q <= last_seq_d;
      last_cmd_q <= last_cmd_d;
      session_q <= session_d;
      short_crc_q <= short_crc_d;
      core_rst_q <= core_rst_d;
    end
  end

  // Spikes of the command being run (the AER monitor), and link counters.
  always_comb begin
    spikes_d = spikes_q;
    if (state_q == StRunIssue) begin
      spikes_d = '0;
    end else if (spike_valid_i) begin
      spikes_d = spikes_q + 1'b1;
    end
    frames_d = frames_q;
    crc_errors_d = crc_errors_q;
    framing_errors_d = framing_errors_q;
    drops_d = drops_q;
    if (frame && frame_crc_ok && !frame_overrun) frames_d = frames_q + 1'b1;
    if (frame && !frame_crc_ok && !frame_overrun) crc_errors_d = crc_errors_q + 1'b1;
    if (framing_err) framing_errors_d = framing_errors_q + 1'b1;
    if (drop || (frame && frame_overrun)) drops_d = drops_q + 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      spikes_q <= '0;
      frames_q <= '0;
      crc_errors_q <= '0;
      framing_errors_q <= '0;
      drops_q <= '0;
    end else begin
      spikes_q <= spikes_d;
      frames_q <= frames_d;
      crc_errors_q <= crc_errors_d;
      framing_errors_q <= framing_errors_d;
      drops_q <= drops_d;
    end
  end

  `ifndef SYNTHESIS
  ReplyFits: assert property (@(posedge clk_i) disable iff (!rst_ni)
                              !(state_q == StStore && 32'(tx_wptr_q) >= BufBytes))
    else $error("snn_link: reply buffer overrun");
  FrameWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                  !(frame && state_q != StIdle))
    else $error("snn_link: frame while busy");
  initial assert (BufBytes >= 64 && (1 << BufAW) == BufBytes)
    else $fatal(1, "snn_link: BufBytes must be a power of two >= 64");
  // Every region's words fit the burst counters (its last word below
  // 2^WordBits, its count at most that), and the counters the bus address.
  initial begin
    assert (WordBits >= 1 && WordBits <= 20)
      else $fatal(1, "snn_link: WordBits %0d is not in 1..20", WordBits);
    for (int unsigned r = 0; r < snn_link_pkg::LinkRegions; r++) begin
      assert (32'(RegionWords[24*r+:24]) <= (32'd1 << WordBits))
        else $fatal(1, "snn_link: region %0d's %0d words need more than %0d bits", r,
                    RegionWords[24*r+:24], WordBits);
    end
  end
  // The executor's invariants (docs/core.md, "Assertions").  The status
  // counters (frames, CRC errors, ...) are 8-bit statistics that wrap by
  // design (docs/host-link.md), so only the run's spike count is checked.
  StateValid: assert property (@(posedge clk_i) disable iff (!rst_ni)
                               32'(state_q) <= 32'(StSending) && 32'(ret_q) <= 32'(StSending))
    else $error("snn_link: executor state %0d (return %0d) is not a state", state_q, ret_q);
  // The core ignores writes while busy: a lost write or command.
  WriteWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                  bus_req_o && bus_we_o |-> !core_busy_i)
    else $error("snn_link: bus write while the core is busy");
  ByteCountInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                     (state_q == StLoad || state_q == StStore) |->
                                     left_q >= 3'd1 && left_q <= 3'd4)
    else $error("snn_link: %0d bytes left to move", left_q);
  BurstNoUnderflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                     ((state_q == StWriteBus && (!core_busy_i || skip_entry)) ||
                                      state_q == StReadData) |-> n_q >= (BufAW + 1)'(unit))
    else $error("snn_link: burst word count underflow");
  // WriteEvents writes one-slice event words, each from a whole entry.
  EventsWholeWords: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                     state_q == StWriteBus && events_q |->
                                     32'(region_q) == snn_pkg::RegionEvent && slices_q == 5'd1 &&
                                     slice_q == 0 && EventBits <= 32 && (unit != 2'd1 || dense_q))
    else $error("snn_link: WriteEvents outside whole event words");
  BufferIndexInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                       32'(tx_wptr_q) <= BufBytes &&
                                       32'(cache_len_q) <= BufBytes &&
                                       32'(crc_len_q) <= BufBytes &&
                                       (state_q != StCrcData || crc_idx_q < crc_len_q))
    else $error("snn_link: reply index past the %0d-byte buffer", BufBytes);
  IdentInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 32'(ident_q) <= NumIdent)
    else $error("snn_link: identify word %0d past %0d", ident_q, NumIdent);
  SpikesNoWrap: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 spike_valid_i && state_q != StRunIssue |-> spikes_q != '1)
    else $error("snn_link: spike counter wrapped");
  `endif

endmodule
