// Copyright snnc authors.
//
// snn_merge: writes a population's spikes into its event segment.  When
// every consumer of the population pools its input (docs/numerics.md:
// input_pool), the spikes that land in one pooling window become one graded
// event (value = their count) at the pooled address, so each window is
// delivered once instead of once per spike; the currents are the same sum.
// Spikes past the last whole window are dropped.  Otherwise each spike is
// one event, as it is.  With max_i (the consumers max-pool the spikes) a
// window's event is worth 1 however many of its neurons fire: their OR.
//
// Spikes arrive in sweep order (row-major, channels inner), so a window's
// spikes all arrive while the sweep is in that window's pooled row: a slot
// table of one pooled row (lane words, like the currents) remembers which
// event each pooled neuron got and its count so far.  Slots are tagged with
// {population, step, pooled row}, so stale slots never need clearing
// during a run.
//
//   M1: read the slot (issued the cycle the spike arrives); a hit counts one
//       more spike, a miss appends a new event; either way the slot is
//       written with the event's index and count;
//   M2: writes the event (new, or again with the higher count).
// The event memory is only ever written, never read here: it may be a
// single-port memory (snn_core's EventSpram).  The slot written in the
// previous cycle is forwarded.

module snn_merge #(
  parameter int unsigned Lanes     = 1,
  parameter int unsigned ValueBits = 8,
  parameter int unsigned ChanBits  = 8,
  parameter int unsigned CoordBits = 8,
  parameter int unsigned EventAW   = 8,
  parameter int unsigned SlotDepth = 2,
  parameter int unsigned StepTagW  = 16, // {population, step} bits
  localparam int unsigned SlotAW   = $clog2(SlotDepth > 1 ? SlotDepth : 2),
  localparam int unsigned EventW   = ValueBits + ChanBits + 2 * CoordBits,
  localparam int unsigned TagW     = StepTagW + CoordBits,
  localparam int unsigned EntryW   = TagW + EventAW + ValueBits
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  merge_i,
  input  logic                  max_i,
  input  logic [StepTagW-1:0]   step_tag_i,
  input  logic [EventAW-1:0]    event_base_i,
  input  logic [EventAW-1:0]    event_count_i,
  output logic                  new_event_o,
  output logic                  busy_o,
  // Spikes from snn_sweep.
  input  logic                  spike_valid_i,
  input  logic [ChanBits-1:0]   spike_chan_i,
  input  logic [CoordBits-1:0]  spike_y_i,
  input  logic [CoordBits-1:0]  spike_x_i,
  input  logic [CoordBits-1:0]  spike_py_i,
  input  logic [CoordBits-1:0]  spike_px_i,
  input  logic [SlotAW-1:0]     spike_slot_i,
  input  logic                  spike_drop_i,
  // CmdClear zeroes the slots.
  input  logic                  clear_we_i,
  input  logic [SlotAW-1:0]     clear_addr_i,
  // Event memory (written only).
  output logic                  event_we_o,
  output logic [EventAW-1:0]    event_waddr_o,
  output logic [EventW-1:0]     event_wdata_o
);

  localparam int unsigned LaneSelW = (Lanes > 1) ? $clog2(Lanes) : 1;
  localparam int unsigned SlotW    = EntryW * Lanes;

  logic m1_valid_q, m2_valid_q;
  logic [ChanBits-1:0] m1_chan_q;
  logic [LaneSelW-1:0] m1_lane_q;
  logic [CoordBits-1:0] m1_y_q, m1_x_q, m1_prow_q;
  logic [SlotAW-1:0] m1_slot_q;
  logic [EventAW-1:0] m2_index_q;
  logic [EventW-1:0] m2_word_q;
  logic slot_fwd_valid_q;
  logic [SlotAW-1:0] slot_fwd_addr_q;
  logic [SlotW-1:0] slot_fwd_data_q;

  // ---- M0: accept, read the slot -------------------------------------------
  logic accept;
  assign accept = spike_valid_i && !(merge_i && spike_drop_i);

  logic slot_we;
  logic [SlotAW-1:0] slot_waddr;
  logic [SlotW-1:0] slot_wdata, slot_rdata;
  // SlotDepth 0: no population of the network merges; no slot table.
  if (SlotDepth > 0) begin : g_slots
    snn_ram #(.Width(SlotW), .Depth(SlotDepth)) u_slots (
      .clk_i,
      .we_i   (slot_we),
      .waddr_i(slot_waddr),
      .wdata_i(slot_wdata),
      .raddr_i(spike_slot_i),
      .rdata_o(slot_rdata)
    );
  end else begin : g_no_slots
    assign slot_rdata = '0;
  end

  // ---- M1: hit or new -------------------------------------------------------
  // An entry is {tag, event index, count}.
  logic [SlotW-1:0] slots;
  logic [EntryW-1:0] entry;
  logic [TagW-1:0] tag;
  logic hit;
  logic [EventAW-1:0] index;
  logic [ValueBits-1:0] count;
  assign slots = (slot_fwd_valid_q && slot_fwd_addr_q == m1_slot_q) ? slot_fwd_data_q
                                                                    : slot_rdata;
  assign entry = slots[EntryW*m1_lane_q+:EntryW];
  assign tag = {step_tag_i, m1_prow_q};
  assign hit = SlotDepth > 0 && merge_i && (entry[EntryW-1-:TagW] == tag);
  assign index = hit ? entry[ValueBits+:EventAW] : event_count_i;
  assign count = (hit && !max_i) ? entry[ValueBits-1:0] + ValueBits'(1)
                                 : ValueBits'(1);
  assign new_event_o = m1_valid_q && !hit;

  always_comb begin
    slot_we = m1_valid_q && merge_i;
    slot_waddr = m1_slot_q;
    slot_wdata = slots;
    slot_wdata[EntryW*m1_lane_q+:EntryW] = {tag, index, count};
    if (clear_we_i) begin
      slot_we = 1'b1;
      slot_waddr = clear_addr_i;
      slot_wdata = '0;
    end
  end

  // ---- M2: write the event ----------------------------------------------------
  assign event_we_o = m2_valid_q;
  assign event_waddr_o = event_base_i + m2_index_q;
  assign event_wdata_o = m2_word_q;
  assign busy_o = m1_valid_q || m2_valid_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      m1_valid_q <= 1'b0;
      m1_chan_q <= '0;
      m1_lane_q <= '0;
      m1_y_q <= '0;
      m1_x_q <= '0;
      m1_prow_q <= '0;
      m1_slot_q <= '0;
      m2_valid_q <= 1'b0;
      m2_index_q <= '0;
      m2_word_q <= '0;
      slot_fwd_valid_q <= 1'b0;
      slot_fwd_addr_q <= '0;
      slot_fwd_data_q <= '0;
    end else begin
      m1_valid_q <= accept;
      m1_chan_q <= spike_chan_i;
      m1_lane_q <= LaneSelW'(32'(spike_chan_i) & (Lanes - 1));
      m1_y_q <= merge_i ? spike_py_i : spike_y_i;
      m1_x_q <= merge_i ? spike_px_i : spike_x_i;
      m1_prow_q <= spike_py_i;
      m1_slot_q <= spike_slot_i;
      m2_valid_q <= m1_valid_q;
      m2_index_q <= index;
      m2_word_q <= {count, m1_chan_q, m1_y_q, m1_x_q};
      slot_fwd_valid_q <= slot_we;
      slot_fwd_addr_q <= slot_waddr;
      slot_fwd_data_q <= slot_wdata;
    end
  end

endmodule
