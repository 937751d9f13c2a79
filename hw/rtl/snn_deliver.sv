// Copyright snnc authors.
//
// snn_deliver: synaptic input (docs/numerics.md, step 1) of one projection.
// Every event of the source population walks its fan-out and adds
// value * weight into the target's 32-bit currents, Lanes output channels
// per cycle.
//
// Kernels are stored once.  Addresses come from per-projection tap tables
// indexed by the event's source row and column: each entry of a row (column)
// list is the weight-word and current-word offset that one kernel row
// (column) contributes.  Input pooling, strides, padding and dilation are
// folded into those lists by the host, so the loop below never divides and
// never visits a tap that does not exist.  Dense projections use the same
// tables (one entry per row and column); one-to-one projections address
// one lane of one word.
//
// Three decoupled parts keep one synaptic word per cycle across events:
//   prefetch (F1, F2): reads the next events and their list heads into a
//                      four-entry queue;
//   tap loop (T):      walks row list x column list x lane words, reading
//                      the tap tables one cycle ahead (addresses come from
//                      the next-state values);
//   accumulate (B):    read-modify-write of a current word; the word
//                      written in the previous cycle is forwarded.
// With phased_i (the currents in single-port memory: snn_core's
// CurrentSpram) the tap loop holds in every cycle in which B writes, so the
// current memory is read and written in alternate cycles: one word every
// two cycles, and nothing to forward.

module snn_deliver #(
  parameter int unsigned Lanes     = 1,
  parameter int unsigned ValueBits = 8,
  parameter int unsigned ChanBits  = 8,
  parameter int unsigned CoordBits = 8,
  parameter int unsigned CurrentBits = 32, // stored width; sums never exceed it
  parameter int unsigned EventAW   = 8,
  parameter int unsigned WeightAW  = 8,
  parameter int unsigned CurrentAW = 8,
  parameter int unsigned RowIdxAW  = 8,
  parameter int unsigned RowTapAW  = 8,
  parameter int unsigned ColIdxAW  = 8,
  parameter int unsigned ColTapAW  = 8,
  localparam int unsigned EventW   = ValueBits + ChanBits + 2 * CoordBits,
  localparam int unsigned TapW     = WeightAW + CurrentAW
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic                       start_i,
  output logic                       done_o,
  // 1: the current memory is single-ported (read and written in
  // alternate cycles); stable from start_i to done_o.
  input  logic                       phased_i,
  // The projection (stable from start_i to done_o).
  input  logic [1:0]                 kind_i,
  input  logic [EventAW-1:0]         event_base_i,
  input  logic [EventAW:0]           event_count_i,
  input  logic [WeightAW-1:0]        weight_base_i,
  input  logic [WeightAW-1:0]        chan_stride_i,
  input  logic [CurrentAW-1:0]       groups_i,
  input  logic [Lanes-1:0]           last_mask_i,
  input  logic [RowIdxAW-1:0]        row_idx_base_i,
  input  logic [ColIdxAW-1:0]        col_idx_base_i,
  // Memory ports.
  output logic [EventAW-1:0]         event_raddr_o,
  input  logic [EventW-1:0]          event_rdata_i,
  output logic [RowIdxAW-1:0]        row_idx_raddr_o,
  input  logic [RowTapAW+7:0]        row_idx_rdata_i,
  output logic [ColIdxAW-1:0]        col_idx_raddr_o,
  input  logic [ColTapAW+7:0]        col_idx_rdata_i,
  output logic [RowTapAW-1:0]        row_tap_raddr_o,
  input  logic [TapW-1:0]            row_tap_rdata_i,
  output logic [ColTapAW-1:0]        col_tap_raddr_o,
  input  logic [TapW-1:0]            col_tap_rdata_i,
  output logic [WeightAW-1:0]        weight_raddr_o,
  input  logic [8*Lanes-1:0]         weight_rdata_i,
  output logic [CurrentAW-1:0]       current_raddr_o,
  input  logic [CurrentBits*Lanes-1:0] current_rdata_i,
  output logic                       current_we_o,
  output logic [CurrentAW-1:0]       current_waddr_o,
  output logic [CurrentBits*Lanes-1:0] current_wdata_o,
  // Synaptic operations performed this cycle (lanes that added a product).
  output logic [$clog2(Lanes+1)-1:0] sops_o
);

  localparam int unsigned LaneShift = $clog2(Lanes);
  localparam int unsigned LaneSelW  = (Lanes > 1) ? $clog2(Lanes) : 1;
  localparam int unsigned FifoDepth = 4;

  // One queued event: what the tap loop needs, list heads resolved.
  typedef struct packed {
    logic signed [ValueBits-1:0] value;
    logic [WeightAW-1:0]         weight_chan;  // weight words before channel c
    logic [CurrentAW-1:0]        current_chan; // one-to-one: c's lane word
    logic [LaneSelW-1:0]         lane;         // one-to-one: c's lane
    logic [RowTapAW-1:0]         row_start;
    logic [7:0]                  row_last;     // row list entries - 1
    logic [ColTapAW-1:0]         col_start;
    logic [7:0]                  col_last;     // column list entries - 1
  } queued_t;

  logic running_q;
  logic [EventAW:0] next_event_q;
  logic f1_valid_q, f2_valid_q;
  // Rows and columns are spent on the list heads: F2 keeps value and channel.
  logic [ValueBits+ChanBits-1:0] f2_event_q;

  // Stored as plain words: yosys 0.23 mis-sizes an array of packed structs
  // (the entries' upper fields vanished from the netlist).  A stored entry
  // leaves out current_chan, which a one-to-one event's weight_chan equals
  // (both are c's lane word) and which is 0 otherwise: the queue is most
  // of the unit's flip-flops, and on the UP5K every flip-flop that no
  // logic feeds is a logic cell of its own.
  localparam int unsigned QueuedLowW = LaneSelW + RowTapAW + 8 + ColTapAW + 8;
  localparam int unsigned QueuedW = ValueBits + WeightAW + QueuedLowW;
  logic [QueuedW-1:0] fifo_q [FifoDepth];
  logic [1:0] fifo_wptr_q, fifo_rptr_q;
  logic [2:0] fifo_count_q;

  logic cur_valid_q;
  queued_t cur_q;
  logic [7:0] ri_q, ci_q;
  logic [CurrentAW-1:0] g_q;

  logic b_valid_q;
  logic [CurrentAW-1:0] b_addr_q;
  logic [Lanes-1:0] b_mask_q;
  logic signed [ValueBits-1:0] b_value_q;
  logic fwd_valid_q;
  logic [CurrentAW-1:0] fwd_addr_q;
  logic [CurrentBits*Lanes-1:0] fwd_data_q;

  logic one_to_one;
  assign one_to_one = kind_i == 2'(snn_pkg::ProjKindOneToOne);

  // ---- Prefetch -----------------------------------------------------------
  logic issue;
  logic [3:0] occupancy;
  assign occupancy = 4'(fifo_count_q) + 4'(f1_valid_q) + 4'(f2_valid_q);
  assign issue = running_q && (next_event_q < event_count_i) &&
                 (occupancy < 4'(FifoDepth));
  assign event_raddr_o = event_base_i + next_event_q[EventAW-1:0];

  logic [CoordBits-1:0] f1_y, f1_x;
  assign f1_x = event_rdata_i[CoordBits-1:0];
  assign f1_y = event_rdata_i[2*CoordBits-1:CoordBits];
  assign row_idx_raddr_o = RowIdxAW'(32'(row_idx_base_i) + 32'(f1_y));
  assign col_idx_raddr_o = ColIdxAW'(32'(col_idx_base_i) + 32'(f1_x));

  logic [ChanBits-1:0] f2_chan;
  logic push, pop;
  // The entry's fields one by one, the struct assigned whole: yosys 0.23
  // loses assignments to members of a packed struct in a procedural block
  // (the synthesized netlist then differs from the RTL).
  logic [WeightAW-1:0] f2_weight_chan;
  logic [QueuedW-1:0] f2_word;
  always_comb begin
    f2_chan = f2_event_q[ChanBits-1:0];
    if (one_to_one) begin
      f2_weight_chan = WeightAW'(32'(f2_chan) >> LaneShift);
    end else begin
      f2_weight_chan = WeightAW'(f2_chan) * chan_stride_i;
    end
  end
  assign f2_word = {f2_event_q[ValueBits+ChanBits-1:ChanBits], f2_weight_chan,
                    LaneSelW'(32'(f2_chan) & (Lanes - 1)),
                    row_idx_rdata_i[RowTapAW-1:0], row_idx_rdata_i[RowTapAW+7:RowTapAW] - 8'd1,
                    col_idx_rdata_i[ColTapAW-1:0], col_idx_rdata_i[ColTapAW+7:ColTapAW] - 8'd1};

  // Events whose row or column reaches no target (pooled away, or no kernel
  // tap lands inside the output) never enter the queue.
  assign push = f2_valid_q && (row_idx_rdata_i[RowTapAW+7:RowTapAW] != 0) &&
                (col_idx_rdata_i[ColTapAW+7:ColTapAW] != 0);

  // ---- Tap loop -----------------------------------------------------------
  logic last_g, last_c, last_r, event_done, load;
  queued_t head, cur_d;
  logic [7:0] ri_d, ci_d;
  logic [CurrentAW-1:0] g_d;
  logic cur_valid_d;
  // The head with its current_chan: a one-to-one event's lane word (its
  // weight_chan), else 0.
  logic [QueuedW-1:0] head_word;
  logic [CurrentAW-1:0] head_current_chan;
  assign head_word = fifo_q[fifo_rptr_q];
  assign head_current_chan = one_to_one ? CurrentAW'(head_word[QueuedLowW+:WeightAW]) : '0;
  assign head = {head_word[QueuedW-1:QueuedLowW], head_current_chan,
                 head_word[QueuedLowW-1:0]};
  // The loop's end tests are equalities with registered values (the last
  // group, and list lengths less one from the queue): a subtraction in
  // them had been the core's critical path into the tap tables' address.
  // groups_i is stable from the descriptor copy on, cycles before start_i.
  logic [CurrentAW-1:0] last_group_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      last_group_q <= '0;
    end else begin
      last_group_q <= groups_i - CurrentAW'(1);
    end
  end
  assign last_g = one_to_one || (g_q == last_group_q);
  assign last_c = ci_q == cur_q.col_last;
  assign last_r = ri_q == cur_q.row_last;
  // The loop advances in every cycle, or, phased, in no cycle in which B
  // writes the current memory (its port is then the write's).
  logic advance;
  assign advance = !(phased_i && b_valid_q);
  assign event_done = cur_valid_q && last_g && last_c && last_r;
  assign load = advance && (fifo_count_q != 0) && (!cur_valid_q || event_done);
  assign pop = load;

  always_comb begin
    cur_d = cur_q;
    ri_d = ri_q;
    ci_d = ci_q;
    g_d = g_q;
    cur_valid_d = cur_valid_q;
    if (!advance) begin
      // Hold: the tables are read again for cur_q.
    end else if (load) begin
      cur_d = head;
      ri_d = '0;
      ci_d = '0;
      g_d = '0;
      cur_valid_d = 1'b1;
    end else if (event_done) begin
      cur_valid_d = 1'b0;
    end else if (cur_valid_q) begin
      if (!last_g) begin
        g_d = g_q + CurrentAW'(1);
      end else if (!last_c) begin
        g_d = '0;
        ci_d = ci_q + 8'd1;
      end else begin
        g_d = '0;
        ci_d = '0;
        ri_d = ri_q + 8'd1;
      end
    end
  end
  // The tables are read one cycle ahead: their outputs belong to cur_q.
  assign row_tap_raddr_o = cur_d.row_start + RowTapAW'(ri_d);
  assign col_tap_raddr_o = cur_d.col_start + ColTapAW'(ci_d);

  logic [WeightAW-1:0] row_woff, col_woff;
  logic [CurrentAW-1:0] row_coff, col_coff;
  logic [Lanes-1:0] op_mask;
  assign row_woff = row_tap_rdata_i[TapW-1:CurrentAW];
  assign row_coff = row_tap_rdata_i[CurrentAW-1:0];
  assign col_woff = col_tap_rdata_i[TapW-1:CurrentAW];
  assign col_coff = col_tap_rdata_i[CurrentAW-1:0];
  assign weight_raddr_o = weight_base_i + cur_q.weight_chan + row_woff + col_woff + WeightAW'(g_q);
  assign current_raddr_o = cur_q.current_chan + row_coff + col_coff + g_q;
  always_comb begin
    if (one_to_one) begin
      op_mask = Lanes'(1) << cur_q.lane;
    end else if (g_q == last_group_q) begin
      op_mask = last_mask_i;
    end else begin
      op_mask = '1;
    end
  end

  // ---- Accumulate ---------------------------------------------------------
  logic fwd_hit;
  assign fwd_hit = fwd_valid_q && (fwd_addr_q == b_addr_q);
  always_comb begin
    for (int unsigned l = 0; l < Lanes; l++) begin
      logic signed [31:0] old_current;
      logic signed [7:0] weight;
      logic signed [ValueBits+7:0] product;
      // Stored currents are sign-extended: the host sized CurrentBits so
      // that no sum leaves it (and 32 bits wrap, as the numerics do).
      old_current = 32'(signed'(fwd_hit ? fwd_data_q[CurrentBits*l+:CurrentBits]
                                        : current_rdata_i[CurrentBits*l+:CurrentBits]));
      weight = weight_rdata_i[8*l+:8];
      product = b_value_q * weight;
      current_wdata_o[CurrentBits*l+:CurrentBits] =
          CurrentBits'(b_mask_q[l] ? old_current + 32'(product) : old_current);
    end
  end
  assign current_we_o = b_valid_q;
  assign current_waddr_o = b_addr_q;

  always_comb begin
    sops_o = '0;
    for (int unsigned l = 0; l < Lanes; l++) begin
      sops_o = sops_o + $clog2(Lanes+1)'(b_valid_q && b_mask_q[l]);
    end
  end

  assign done_o = running_q && (next_event_q >= event_count_i) && !f1_valid_q &&
                  !f2_valid_q && (fifo_count_q == 0) && !cur_valid_q && !b_valid_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      running_q <= 1'b0;
      next_event_q <= '0;
      f1_valid_q <= 1'b0;
      f2_valid_q <= 1'b0;
      f2_event_q <= '0;
      fifo_wptr_q <= '0;
      fifo_rptr_q <= '0;
      fifo_count_q <= '0;
      cur_valid_q <= 1'b0;
      cur_q <= '0;
      ri_q <= '0;
      ci_q <= '0;
      g_q <= '0;
      b_valid_q <= 1'b0;
      b_addr_q <= '0;
      b_mask_q <= '0;
      b_value_q <= '0;
      fwd_valid_q <= 1'b0;
      fwd_addr_q <= '0;
      fwd_data_q <= '0;
    end else begin
      if (start_i) begin
        running_q <= 1'b1;
        next_event_q <= '0;
      end else if (done_o) begin
        running_q <= 1'b0;
      end else if (issue) begin
        next_event_q <= next_event_q + 1'b1;
      end
      f1_valid_q <= issue;
      f2_valid_q <= f1_valid_q;
      f2_event_q <= event_rdata_i[EventW-1:2*CoordBits];
      if (push) begin
        fifo_wptr_q <= fifo_wptr_q + 2'd1;
      end
      if (pop) begin
        fifo_rptr_q <= fifo_rptr_q + 2'd1;
      end
      fifo_count_q <= fifo_count_q + 3'(push) - 3'(pop);
      cur_valid_q <= cur_valid_d;
      cur_q <= cur_d;
      ri_q <= ri_d;
      ci_q <= ci_d;
      g_q <= g_d;
      b_valid_q <= cur_valid_q && advance;
      b_addr_q <= current_raddr_o;
      b_mask_q <= op_mask;
      b_value_q <= cur_q.value;
      fwd_valid_q <= b_valid_q;
      fwd_addr_q <= b_addr_q;
      fwd_data_q <= current_wdata_o;
    end
  end

  // The queue's storage needs no reset: fifo_count_q guards every read.
  always_ff @(posedge clk_i) begin
    if (push) begin
      fifo_q[fifo_wptr_q] <= f2_word;
    end
  end

  `ifndef SYNTHESIS
  // Phased, the current memory's port alternates: a word written (B) is
  // never followed by another write, that is, by a read in the same cycle.
  CurrentPortFree: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                    phased_i && b_valid_q |=> !b_valid_q)
    else $error("snn_deliver: two current words written back to back on a phased memory");
  `endif

endmodule
