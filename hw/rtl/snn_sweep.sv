// Copyright snnc authors.
//
// snn_sweep: the neuron update (docs/numerics.md, step 2) or the readout
// accumulation (step 3) of one population, Lanes neurons per cycle.
//
// A population fed by the direct-encoded input may also add its cached
// input current (delivered once per sample, see snn_core).  A population
// that pools its currents (PoolCurrents cores only) takes each word's
// current from snn_pool_max instead, which has added the cache and clears
// the current memory itself: the sweep then issues a word only when its
// pooled current is there (pool_valid_i), and reads it in S1.
//
// On cores built with ReadoutModes, a LIF population may also be the
// readout (membrane_i, snn_pkg::PopKindMembrane): it is swept exactly as
// any LIF population, and each word's new membranes (u_next, as written
// to the state memory) also go to the readout accumulators, as a readout
// population's current + bias would.
//
// Neurons are stored channel-last: word n = position * groups + g holds
// channels g*Lanes .. g*Lanes+Lanes-1 of one position.  Each word's
// current is consumed and cleared in the same pass, so the current memory
// is all zeros again when the next population starts delivering.
//
// S0 reads current, state and channel parameters; S1 resets and decays the
// membranes (snn_lif_decay) and clears the current word; S2 adds the input,
// fires (snn_lif_fire) and writes the state back; E turns the words' spike
// masks into AER events, one per cycle, in lane order (so spikes leave in
// the golden engine's order).  Words with spikes wait for E in a queue; S0
// issues a word only when the queue has room for it and for the words
// still in S1 and S2, so nothing ever stalls after S0: a 1-lane core sweeps
// a word every cycle, and a word with k spikes costs max(1, k) cycles.

module snn_sweep #(
  parameter int unsigned Lanes     = 1,
  parameter int unsigned StateBits = 24,
  parameter int unsigned DecayBits = 8,
  parameter int unsigned ChanBits  = 8,
  parameter int unsigned CoordBits = 8,
  parameter int unsigned CurrentBits = 32,
  parameter int unsigned CurrentAW = 8,
  parameter int unsigned StateAW   = 8,
  parameter int unsigned ParamAW   = 8,
  parameter int unsigned CacheAW   = 8,
  parameter int unsigned SlotAW    = 8,
  // The state is one single-port memory: no read in a write-back cycle.
  parameter int unsigned StatePhased = 0,
  // Build the subtract reset (snn_lif_decay).
  parameter int unsigned SubtractReset = 0,
  // Build the input of pooled currents (snn_pool_max).
  parameter int unsigned PoolCurrents = 0,
  // Build the membrane readout (membrane_i).
  parameter int unsigned ReadoutModes = 0,
  localparam int unsigned StateW   = StateBits + 1,
  localparam int unsigned ParamW   = 2 * StateBits + DecayBits + 1
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic                       start_i,
  output logic                       done_o,
  // The population (stable from start_i to done_o).
  input  logic                       readout_i,
  input  logic                       membrane_i, // a LIF read out by its membranes
  input  logic                       cached_i,
  input  logic                       pooled_i,
  input  logic                       soft_reset_i,
  input  logic                       subtract_reset_i,
  input  logic                       fire_ge_i,
  input  logic [CurrentAW-1:0]       groups_i,
  input  logic [Lanes-1:0]           last_mask_i,
  input  logic [CoordBits-1:0]       height_i,
  input  logic [CoordBits-1:0]       width_i,
  // Pooled coordinates of each spike, for snn_merge: window, pooled extent.
  input  logic [CoordBits-1:0]       pool_y_i,
  input  logic [CoordBits-1:0]       pool_x_i,
  input  logic [CoordBits-1:0]       pooled_height_i,
  input  logic [CoordBits-1:0]       pooled_width_i,
  input  logic [StateAW-1:0]         state_base_i,
  input  logic [ParamAW-1:0]         param_base_i,
  input  logic [CacheAW-1:0]         cache_base_i,
  // Memory ports.
  output logic [CurrentAW-1:0]       current_raddr_o,
  input  logic [CurrentBits*Lanes-1:0] current_rdata_i,
  output logic                       current_we_o,
  output logic [CurrentAW-1:0]       current_waddr_o,
  output logic [StateAW-1:0]         state_raddr_o,
  input  logic [StateW*Lanes-1:0]    state_rdata_i,
  output logic                       state_we_o,
  output logic [StateAW-1:0]         state_waddr_o,
  output logic [StateW*Lanes-1:0]    state_wdata_o,
  output logic [ParamAW-1:0]         param_raddr_o,
  input  logic [ParamW*Lanes-1:0]    param_rdata_i,
  // Direct encoding: the input's currents, delivered once per sample.
  output logic [CacheAW-1:0]         cache_raddr_o,
  input  logic [CurrentBits*Lanes-1:0] cache_rdata_i,
  // Pooled currents (snn_pool_max): taken when a word issues (pool_ready_o),
  // read in S1, the cycle after.
  input  logic                       pool_valid_i,
  output logic                       pool_ready_o,
  input  logic [32*Lanes-1:0]        pool_current_i,
  // Readout: add readout_add_o to the accumulators of word readout_word_o
  // (a readout population's current + bias, or a membrane readout's u_next).
  output logic                       readout_we_o,
  output logic [CurrentAW-1:0]       readout_word_o,
  output logic [64*Lanes-1:0]        readout_add_o,
  // Spikes, one per cycle.
  output logic                       spike_valid_o,
  output logic [ChanBits-1:0]        spike_chan_o,
  output logic [CoordBits-1:0]       spike_y_o,
  output logic [CoordBits-1:0]       spike_x_o,
  output logic [CoordBits-1:0]       spike_py_o,   // pooled row
  output logic [CoordBits-1:0]       spike_px_o,   // pooled column
  output logic [SlotAW-1:0]          spike_slot_o, // lane word in a pooled row
  output logic                       spike_drop_o, // past the last whole window
  output logic                       word_o
);

  localparam int unsigned LaneSelW = (Lanes > 1) ? $clog2(Lanes) : 1;

  // Where a word sits: its position, and the pooling window it falls in
  // (kept as counters, so nothing divides).
  typedef struct packed {
    logic [CoordBits-1:0] y, x, py, px;
    logic [SlotAW-1:0]    pcol; // px * groups
  } where_t;
  typedef struct packed {
    where_t               w;
    logic [CoordBits-1:0] y_in, x_in; // offsets inside the window
  } place_t;

  localparam int unsigned WhereW   = 4 * CoordBits + SlotAW;
  localparam int unsigned InputBits = (StateBits > 32 ? StateBits : 32) + 1;
  localparam int unsigned DecayedBits = StateBits + 2;
  // Spike queue: a word's spike mask, lane word and place.  Room for the
  // words in S1 and S2 and one more keeps a 1-lane sweep at full rate.
  localparam int unsigned QueueDepth = 4;
  localparam int unsigned QueueW     = Lanes + CurrentAW + WhereW;

  logic running_q, all_issued_q;
  logic [CurrentAW-1:0] n_q, g_q;
  place_t at_q;
  logic s1_valid_q, s2_valid_q;
  logic [CurrentAW-1:0] s1_n_q, s1_g_q, s2_n_q, s2_g_q;
  where_t s1_at_q, s2_at_q;
  logic [Lanes-1:0] s2_lane_valid_q;

  // ---- S0: walk the words ---------------------------------------------------
  logic last_g, last_x, last_y, issue, issue_room;
  logic [2:0] queue_count_q;
  assign last_g = g_q == groups_i - CurrentAW'(1);
  assign last_x = at_q.w.x == width_i - CoordBits'(1);
  assign last_y = at_q.w.y == height_i - CoordBits'(1);

  // The next position after the last lane word of this one.  The fields
  // are computed one by one and the struct is assigned whole: yosys 0.23
  // loses assignments to members of a packed struct in a procedural block
  // (the synthesized netlist then differs from the RTL).
  place_t at_next;
  logic [CoordBits-1:0] nx_y, nx_x, nx_py, nx_px, nx_y_in, nx_x_in;
  logic [SlotAW-1:0] nx_pcol;
  always_comb begin
    nx_y = at_q.w.y;
    nx_x = at_q.w.x;
    nx_py = at_q.w.py;
    nx_px = at_q.w.px;
    nx_pcol = at_q.w.pcol;
    nx_y_in = at_q.y_in;
    nx_x_in = at_q.x_in;
    if (!last_x) begin
      nx_x = at_q.w.x + CoordBits'(1);
      if (at_q.x_in == pool_x_i - CoordBits'(1)) begin
        nx_x_in = '0;
        nx_px = at_q.w.px + CoordBits'(1);
        nx_pcol = at_q.w.pcol + SlotAW'(groups_i);
      end else begin
        nx_x_in = at_q.x_in + CoordBits'(1);
      end
    end else begin
      nx_x = '0;
      nx_x_in = '0;
      nx_px = '0;
      nx_pcol = '0;
      nx_y = at_q.w.y + CoordBits'(1);
      if (at_q.y_in == pool_y_i - CoordBits'(1)) begin
        nx_y_in = '0;
        nx_py = at_q.w.py + CoordBits'(1);
      end else begin
        nx_y_in = at_q.y_in + CoordBits'(1);
      end
    end
  end
  assign at_next = {nx_y, nx_x, nx_py, nx_px, nx_pcol, nx_y_in, nx_x_in};
  // Every word in flight may need a queue entry (registered terms only:
  // the fire decision is not on this path).
  // A phased state memory writes back S2's word instead of reading.
  assign issue_room = running_q && !all_issued_q &&
                      (3'(queue_count_q) + 3'(s1_valid_q) + 3'(s2_valid_q) < 3'(QueueDepth)) &&
                      !(StatePhased != 0 && state_we_o);
  // A pooled word also waits for its current.  (Generated apart, so that a
  // core without PoolCurrents elaborates exactly the logic it had before.)
  if (PoolCurrents != 0) begin : g_pool
    assign issue = issue_room && (!pooled_i || pool_valid_i);
    assign pool_ready_o = issue && pooled_i;
    // The current word is consumed: cleared for the next population (a
    // pooled population's by snn_pool_max).
    assign current_we_o = s1_valid_q && !pooled_i;
  end else begin : g_no_pool
    logic unused_pool;
    assign unused_pool = ^{pooled_i, pool_valid_i, pool_current_i};
    assign issue = issue_room;
    assign pool_ready_o = 1'b0;
    // The current word is consumed: cleared for the next population.
    assign current_we_o = s1_valid_q;
  end
  assign current_raddr_o = n_q;
  assign state_raddr_o = state_base_i + StateAW'(n_q);
  assign param_raddr_o = param_base_i + ParamAW'(g_q);
  assign cache_raddr_o = CacheAW'(32'(cache_base_i) + 32'(n_q));
  assign word_o = issue;

  // ---- S1: reset and decay; the input current -------------------------------
  logic [DecayedBits*Lanes-1:0] s1_decayed;
  logic [InputBits*Lanes-1:0] s1_input;
  logic [StateBits*Lanes-1:0] s1_threshold;
  logic [DecayedBits*Lanes-1:0] s2_decayed_q;
  logic [InputBits*Lanes-1:0] s2_input_q;
  logic [StateBits*Lanes-1:0] s2_threshold_q;
  logic [Lanes-1:0] s1_lane_valid;
  assign s1_lane_valid = (s1_g_q == groups_i - CurrentAW'(1)) ? last_mask_i : '1;

  for (genvar l = 0; l < Lanes; l++) begin : g_lane_s1
    logic signed [StateBits-1:0] u, threshold, bias;
    logic fired;
    logic [DecayBits:0] decay;
    logic signed [31:0] current, summed;
    assign u = state_rdata_i[StateW*l+:StateBits];
    assign fired = state_rdata_i[StateW*l+StateBits];
    assign threshold = param_rdata_i[ParamW*l+:StateBits];
    assign bias = param_rdata_i[ParamW*l+StateBits+:StateBits];
    assign decay = param_rdata_i[ParamW*l+2*StateBits+:DecayBits+1];
    // The same 32-bit wrapping sum as one accumulator over all projections
    // (snn_pool_max has summed a pooled word's).
    assign summed = 32'(signed'(current_rdata_i[CurrentBits*l+:CurrentBits])) +
                    (cached_i ? 32'(signed'(cache_rdata_i[CurrentBits*l+:CurrentBits]))
                              : 32'd0);
    if (PoolCurrents != 0) begin : g_pooled
      assign current = pooled_i ? pool_current_i[32*l+:32] : summed;
    end else begin : g_summed
      assign current = summed;
    end

    snn_lif_decay #(
      .StateBits(StateBits),
      .DecayBits(DecayBits),
      .SubtractReset(SubtractReset)
    ) u_decay (
      .u_i         (u),
      .fired_i     (fired),
      .threshold_i (threshold),
      .decay_i     (decay),
      .soft_reset_i(soft_reset_i),
      .subtract_reset_i(subtract_reset_i),
      .decayed_o   (s1_decayed[DecayedBits*l+:DecayedBits])
    );
    assign s1_input[InputBits*l+:InputBits] = InputBits'(current) + InputBits'(bias);
    assign s1_threshold[StateBits*l+:StateBits] = threshold;
  end
  assign current_waddr_o = s1_n_q;

  // ---- S2: fire; write back or accumulate the readout ------------------------
  logic [Lanes-1:0] s2_spikes;
  for (genvar l = 0; l < Lanes; l++) begin : g_lane_s2
    logic signed [StateBits-1:0] u_next;
    logic spike;
    snn_lif_fire #(
      .StateBits(StateBits)
    ) u_fire (
      .decayed_i  (s2_decayed_q[DecayedBits*l+:DecayedBits]),
      .input_i    (s2_input_q[InputBits*l+:InputBits]),
      .threshold_i(s2_threshold_q[StateBits*l+:StateBits]),
      .fire_ge_i  (fire_ge_i),
      .u_o        (u_next),
      .spike_o    (spike)
    );
    assign s2_spikes[l] = s2_valid_q && !readout_i && s2_lane_valid_q[l] && spike;
    assign state_wdata_o[StateW*l+:StateW] = {s2_spikes[l], u_next};
    // (Generated apart, so that a core without ReadoutModes elaborates
    // exactly the logic it had before.)
    if (ReadoutModes != 0) begin : g_modes
      logic signed [InputBits-1:0] value;
      assign value = membrane_i ? InputBits'(u_next)
                                : signed'(s2_input_q[InputBits*l+:InputBits]);
      assign readout_add_o[64*l+:64] = s2_lane_valid_q[l] ? 64'(value) : 64'(0);
    end else begin : g_sums
      assign readout_add_o[64*l+:64] =
          s2_lane_valid_q[l] ? 64'(signed'(s2_input_q[InputBits*l+:InputBits])) : 64'(0);
    end
  end
  assign state_we_o = s2_valid_q && !readout_i;
  assign state_waddr_o = state_base_i + StateAW'(s2_n_q);
  if (ReadoutModes != 0) begin : g_membrane
    // A membrane readout writes its state back and also accumulates.
    assign readout_we_o = s2_valid_q && (readout_i || membrane_i);
  end else begin : g_no_membrane
    logic unused_membrane;
    assign unused_membrane = membrane_i;
    assign readout_we_o = s2_valid_q && readout_i;
  end
  assign readout_word_o = s2_n_q;

  // ---- E: the spike queue, one spike per cycle, lowest lane first ------------
  // Entries are plain words: yosys 0.23 mis-sizes arrays of packed structs.
  logic [QueueW-1:0] queue_q [QueueDepth];
  logic [1:0] queue_wptr_q, queue_rptr_q;
  logic [Lanes-1:0] e_sent_q, e_mask, e_left, e_lowest;
  logic [CurrentAW-1:0] e_g;
  where_t e_at;
  logic push, pop;
  assign push = s2_spikes != '0;
  assign {e_mask, e_g, e_at} = queue_q[queue_rptr_q];
  assign e_left = e_mask & ~e_sent_q;
  assign e_lowest = e_left & (~e_left + Lanes'(1));
  // The head's last spike leaves this cycle.
  assign pop = queue_count_q != 0 && (e_left & ~e_lowest) == '0;

  logic [LaneSelW-1:0] lane;
  always_comb begin
    lane = '0;
    for (int l = Lanes - 1; l >= 0; l--) begin
      if (e_left[l]) begin
        lane = LaneSelW'(l);
      end
    end
  end
  assign spike_valid_o = queue_count_q != 0;
  assign spike_chan_o = ChanBits'(32'(e_g) * Lanes + 32'(lane));
  assign spike_y_o = e_at.y;
  assign spike_x_o = e_at.x;
  assign spike_py_o = e_at.py;
  assign spike_px_o = e_at.px;
  assign spike_slot_o = e_at.pcol + SlotAW'(e_g);
  assign spike_drop_o = (e_at.py >= pooled_height_i) || (e_at.px >= pooled_width_i);

  assign done_o = running_q && all_issued_q && !s1_valid_q && !s2_valid_q &&
                  queue_count_q == 0;

  always_ff @(posedge clk_i) begin
    if (push) begin
      queue_q[queue_wptr_q] <= {s2_spikes, s2_g_q, s2_at_q};
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      running_q <= 1'b0;
      all_issued_q <= 1'b0;
      n_q <= '0;
      g_q <= '0;
      at_q <= '0;
      s1_valid_q <= 1'b0;
      s1_n_q <= '0;
      s1_g_q <= '0;
      s1_at_q <= '0;
      s2_valid_q <= 1'b0;
      s2_n_q <= '0;
      s2_g_q <= '0;
      s2_at_q <= '0;
      s2_lane_valid_q <= '0;
      s2_decayed_q <= '0;
      s2_input_q <= '0;
      s2_threshold_q <= '0;
      queue_count_q <= '0;
      queue_wptr_q <= '0;
      queue_rptr_q <= '0;
      e_sent_q <= '0;
    end else begin
      if (start_i) begin
        running_q <= 1'b1;
        all_issued_q <= 1'b0;
        n_q <= '0;
        g_q <= '0;
        at_q <= '0;
      end else if (done_o) begin
        running_q <= 1'b0;
      end else if (issue) begin
        n_q <= n_q + CurrentAW'(1);
        if (!last_g) begin
          g_q <= g_q + CurrentAW'(1);
        end else begin
          g_q <= '0;
          at_q <= at_next;
          all_issued_q <= last_x && last_y;
        end
      end
      s1_valid_q <= issue;
      s1_n_q <= n_q;
      s1_g_q <= g_q;
      s1_at_q <= at_q.w;
      s2_valid_q <= s1_valid_q;
      s2_n_q <= s1_n_q;
      s2_g_q <= s1_g_q;
      s2_at_q <= s1_at_q;
      s2_lane_valid_q <= s1_lane_valid;
      s2_decayed_q <= s1_decayed;
      s2_input_q <= s1_input;
      s2_threshold_q <= s1_threshold;
      if (push) begin
        queue_wptr_q <= queue_wptr_q + 2'd1;
      end
      if (pop) begin
        queue_rptr_q <= queue_rptr_q + 2'd1;
        e_sent_q <= '0;
      end else if (queue_count_q != 0) begin
        e_sent_q <= e_sent_q | e_lowest;
      end
      queue_count_q <= queue_count_q + 3'(push) - 3'(pop);
    end
  end

  `ifndef SYNTHESIS
  QueueNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                    !(push && !pop && 32'(queue_count_q) == QueueDepth))
    else $error("snn_sweep: spike queue overflow");
  `endif

endmodule
