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
// A narrow sweep (Lanes 1, CurrentLanes > 1: snn_core's NarrowSweep)
// updates one neuron a cycle while the delivery, and so the current and
// cache words, are CurrentLanes wide: it keeps the current word and lane
// of its neuron as counters (channel-last, a position's last word partly
// filled), reads the word once per neuron, takes its lane, and clears the
// word with its last neuron.  State, parameters and readout are then one
// neuron (channel) a word, so none of them widens with the delivery lanes.
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
  // Lanes of the current and cache words: Lanes, or (Lanes 1) the
  // delivery's lanes of a narrow sweep.
  parameter int unsigned CurrentLanes = Lanes,
  parameter int unsigned StateBits = 24,
  parameter int unsigned DecayBits = 8,
  parameter int unsigned ChanBits  = 8,
  parameter int unsigned CoordBits = 8,
  parameter int unsigned CurrentBits = 32,
  parameter int unsigned CurrentAW = 8,
  // Widths of the word counter (words swept, readout words) and of the
  // groups: the current word's and the lane words' for a full sweep; for a
  // narrow one, wide enough for a population's neurons and channels.
  parameter int unsigned WordW     = CurrentAW,
  parameter int unsigned GroupW    = CurrentAW,
  parameter int unsigned StateAW   = 8,
  parameter int unsigned ParamAW   = 8,
  parameter int unsigned CacheAW   = 8,
  parameter int unsigned SlotAW    = 8,
  // The state is one single-port memory: no read in a write-back cycle.
  parameter int unsigned StatePhased = 0,
  // The currents are one single-port memory (snn_core's CurrentSpram): no
  // word issues (reads its current) in a cycle that clears one.
  parameter int unsigned CurrentPhased = 0,
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
  input  logic [GroupW-1:0]          groups_i,
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
  input  logic [CurrentBits*CurrentLanes-1:0] current_rdata_i,
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
  input  logic [CurrentBits*CurrentLanes-1:0] cache_rdata_i,
  // Pooled currents (snn_pool_max): taken when a word issues (pool_ready_o),
  // read in S1, the cycle after.
  input  logic                       pool_valid_i,
  output logic                       pool_ready_o,
  input  logic [32*Lanes-1:0]        pool_current_i,
  // Readout: add readout_add_o to the accumulators of word readout_word_o
  // (a readout population's current + bias, or a membrane readout's u_next).
  output logic                       readout_we_o,
  output logic [WordW-1:0]           readout_word_o,
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
  // A current (the sum over all projections, the cached input's included)
  // fits CurrentBits: the host sizes them so (CoreParams::currentBits), and
  // with 32 bits it is the numerics' wrapping sum.  With the bias it fits
  // one bit more than the wider of the two, so nothing above that is built.
  localparam int unsigned SumBits = CurrentBits > StateBits ? CurrentBits : StateBits;
  localparam int unsigned InputBits = SumBits + 1;
  localparam int unsigned DecayedBits = StateBits + 2;
  // Spike queue: a word's spike mask, lane word and place.  Room for the
  // words in S1 and S2 and one more keeps a 1-lane sweep at full rate.
  localparam int unsigned QueueDepth = 4;
  localparam int unsigned QueueW     = Lanes + GroupW + WhereW;

  logic running_q, all_issued_q;
  logic [WordW-1:0] n_q, s1_n_q, s2_n_q;
  logic [GroupW-1:0] g_q, s1_g_q, s2_g_q;
  place_t at_q;
  logic s1_valid_q, s2_valid_q;
  where_t s1_at_q, s2_at_q;
  logic [Lanes-1:0] s2_lane_valid_q;

  // ---- S0: walk the words ---------------------------------------------------
  logic last_g, last_x, last_y, issue, issue_room;
  logic [2:0] queue_count_q;
  // The walk's end tests are equalities with registered values (the
  // population's fields less one): its inputs are stable from the
  // descriptor copy on, cycles before start_i, and a subtraction in these
  // tests would lengthen the paths through the walk.
  logic [GroupW-1:0] last_group_q;
  logic [CoordBits-1:0] last_x_q, last_y_q, last_x_in_q, last_y_in_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      last_group_q <= '0;
      last_x_q <= '0;
      last_y_q <= '0;
      last_x_in_q <= '0;
      last_y_in_q <= '0;
    end else begin
      last_group_q <= groups_i - GroupW'(1);
      last_x_q <= width_i - CoordBits'(1);
      last_y_q <= height_i - CoordBits'(1);
      last_x_in_q <= pool_x_i - CoordBits'(1);
      last_y_in_q <= pool_y_i - CoordBits'(1);
    end
  end
  assign last_g = g_q == last_group_q;
  assign last_x = at_q.w.x == last_x_q;
  assign last_y = at_q.w.y == last_y_q;

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
      if (at_q.x_in == last_x_in_q) begin
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
      if (at_q.y_in == last_y_in_q) begin
        nx_y_in = '0;
        nx_py = at_q.w.py + CoordBits'(1);
      end else begin
        nx_y_in = at_q.y_in + CoordBits'(1);
      end
    end
  end
  assign at_next = {nx_y, nx_x, nx_py, nx_px, nx_pcol, nx_y_in, nx_x_in};
  // The current (and cache) word of the word issued, its lane data in S1,
  // and whether S1 consumes the word (clears it).
  logic [CurrentAW-1:0] cur_word, s1_cur_word;
  logic s1_word_end;
  logic [CurrentBits*Lanes-1:0] s1_current_rdata, s1_cache_rdata;
  if (CurrentLanes != Lanes) begin : g_narrow
    localparam int unsigned CurLaneW = $clog2(CurrentLanes);
    logic [CurrentAW-1:0] cw_q, s1_cw_q;
    logic [CurLaneW-1:0] cl_q, s1_cl_q;
    logic word_end, s1_word_end_q;
    // A current word ends with its last lane or its position's last channel.
    assign word_end = last_g || cl_q == CurLaneW'(CurrentLanes - 1);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        cw_q <= '0;
        cl_q <= '0;
        s1_cw_q <= '0;
        s1_cl_q <= '0;
        s1_word_end_q <= 1'b0;
      end else begin
        if (start_i) begin
          cw_q <= '0;
          cl_q <= '0;
        end else if (issue) begin
          cw_q <= word_end ? cw_q + CurrentAW'(1) : cw_q;
          cl_q <= word_end ? '0 : cl_q + CurLaneW'(1);
        end
        s1_cw_q <= cw_q;
        s1_cl_q <= cl_q;
        s1_word_end_q <= word_end;
      end
    end
    assign cur_word = cw_q;
    assign s1_cur_word = s1_cw_q;
    assign s1_word_end = s1_word_end_q;
    assign s1_current_rdata = current_rdata_i[CurrentBits*s1_cl_q+:CurrentBits];
    assign s1_cache_rdata = cache_rdata_i[CurrentBits*s1_cl_q+:CurrentBits];
  end else begin : g_wide
    assign cur_word = CurrentAW'(n_q);
    assign s1_cur_word = CurrentAW'(s1_n_q);
    assign s1_word_end = 1'b1;
    assign s1_current_rdata = current_rdata_i;
    assign s1_cache_rdata = cache_rdata_i;
  end
  // Every word in flight may need a queue entry (registered terms only:
  // the fire decision is not on this path).
  // A phased state memory writes back S2's word instead of reading; a
  // phased current memory clears S1's word instead of reading.
  assign issue_room = running_q && !all_issued_q &&
                      (3'(queue_count_q) + 3'(s1_valid_q) + 3'(s2_valid_q) < 3'(QueueDepth)) &&
                      !(StatePhased != 0 && state_we_o) &&
                      !(CurrentPhased != 0 && current_we_o);
  // A pooled word also waits for its current.  (Generated apart, so that a
  // core without PoolCurrents elaborates exactly the logic it had before.)
  if (PoolCurrents != 0) begin : g_pool
    assign issue = issue_room && (!pooled_i || pool_valid_i);
    assign pool_ready_o = issue && pooled_i;
    // The current word is consumed: cleared for the next population (a
    // pooled population's by snn_pool_max).
    assign current_we_o = s1_valid_q && s1_word_end && !pooled_i;
  end else begin : g_no_pool
    logic unused_pool;
    assign unused_pool = ^{pooled_i, pool_valid_i, pool_current_i};
    assign issue = issue_room;
    assign pool_ready_o = 1'b0;
    // The current word is consumed: cleared for the next population.
    assign current_we_o = s1_valid_q && s1_word_end;
  end
  assign current_raddr_o = cur_word;
  assign state_raddr_o = state_base_i + StateAW'(n_q);
  assign param_raddr_o = param_base_i + ParamAW'(g_q);
  assign cache_raddr_o = CacheAW'(32'(cache_base_i) + 32'(cur_word));
  assign word_o = issue;

  // ---- S1: reset and decay; the input current -------------------------------
  logic [DecayedBits*Lanes-1:0] s1_decayed;
  logic [InputBits*Lanes-1:0] s1_input;
  logic [StateBits*Lanes-1:0] s1_threshold;
  logic [DecayedBits*Lanes-1:0] s2_decayed_q;
  logic [InputBits*Lanes-1:0] s2_input_q;
  logic [StateBits*Lanes-1:0] s2_threshold_q;
  logic [Lanes-1:0] s1_lane_valid;
  assign s1_lane_valid = (s1_g_q == last_group_q) ? last_mask_i : '1;

  for (genvar l = 0; l < Lanes; l++) begin : g_lane_s1
    logic signed [StateBits-1:0] u, threshold, bias;
    logic fired;
    logic [DecayBits:0] decay;
    logic signed [SumBits-1:0] current, summed;
    assign u = state_rdata_i[StateW*l+:StateBits];
    assign fired = state_rdata_i[StateW*l+StateBits];
    assign threshold = param_rdata_i[ParamW*l+:StateBits];
    assign bias = param_rdata_i[ParamW*l+StateBits+:StateBits];
    assign decay = param_rdata_i[ParamW*l+2*StateBits+:DecayBits+1];
    // The same sum as one accumulator over all projections (snn_pool_max
    // has summed a pooled word's): exact in SumBits, and with 32-bit
    // currents the numerics' 32-bit wrapping sum.
    assign summed = SumBits'(signed'(s1_current_rdata[CurrentBits*l+:CurrentBits])) +
                    (cached_i ? SumBits'(signed'(s1_cache_rdata[CurrentBits*l+:CurrentBits]))
                              : SumBits'(0));
    if (PoolCurrents != 0) begin : g_pooled
      // A pooled current fits CurrentBits too: the bits above SumBits are
      // its sign's copies.
      /* verilator lint_off UNUSEDSIGNAL */
      logic signed [31:0] pooled_current;
      /* verilator lint_on UNUSEDSIGNAL */
      assign pooled_current = pool_current_i[32*l+:32];
      assign current = pooled_i ? SumBits'(pooled_current) : summed;
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
  assign current_waddr_o = s1_cur_word;

  // ---- S2: fire; accumulate the readout; S3: write back ---------------------
  // The state's write is registered (S3): the fire decision, the reset and
  // the write address had been one path into the state memory, on the
  // UP5K the core's longest (an SPRAM across the die).  A phased memory
  // reads in no cycle S3 writes; done_o waits for S3.
  logic [Lanes-1:0] s2_spikes;
  logic [StateW*Lanes-1:0] s2_state_wdata;
  logic s3_valid_q;
  logic [StateAW-1:0] s3_waddr_q;
  logic [StateW*Lanes-1:0] s3_wdata_q;
  for (genvar l = 0; l < Lanes; l++) begin : g_lane_s2
    logic signed [StateBits-1:0] u_next;
    logic spike;
    snn_lif_fire #(
      .StateBits(StateBits),
      .InputBits(InputBits)
    ) u_fire (
      .decayed_i  (s2_decayed_q[DecayedBits*l+:DecayedBits]),
      .input_i    (s2_input_q[InputBits*l+:InputBits]),
      .threshold_i(s2_threshold_q[StateBits*l+:StateBits]),
      .fire_ge_i  (fire_ge_i),
      .u_o        (u_next),
      .spike_o    (spike)
    );
    assign s2_spikes[l] = s2_valid_q && !readout_i && s2_lane_valid_q[l] && spike;
    assign s2_state_wdata[StateW*l+:StateW] = {s2_spikes[l], u_next};
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
  assign state_we_o = s3_valid_q;
  assign state_waddr_o = s3_waddr_q;
  assign state_wdata_o = s3_wdata_q;
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
  logic [GroupW-1:0] e_g;
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
                  !s3_valid_q && queue_count_q == 0;

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
      s3_valid_q <= 1'b0;
      s3_waddr_q <= '0;
      s3_wdata_q <= '0;
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
        n_q <= n_q + WordW'(1);
        if (!last_g) begin
          g_q <= g_q + GroupW'(1);
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
      s3_valid_q <= s2_valid_q && !readout_i;
      s3_waddr_q <= state_base_i + StateAW'(s2_n_q);
      s3_wdata_q <= s2_state_wdata;
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
  initial begin
    assert (CurrentLanes == Lanes || Lanes == 1)
      else $fatal(1, "snn_sweep: a sweep narrower than its current words has one lane");
  end
  QueueNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                    !(push && !pop && 32'(queue_count_q) == QueueDepth))
    else $error("snn_sweep: spike queue overflow");
  // A single-port current memory is never read (a word issued) in a cycle
  // that writes it.
  CurrentPortFree: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                    !(CurrentPhased != 0 && current_we_o && issue))
    else $error("snn_sweep: a word issued while its current memory clears a word");
  `endif

endmodule
