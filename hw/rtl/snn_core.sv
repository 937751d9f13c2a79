// Copyright snnc authors.
//
// snn_core: the event-driven spiking core.  One time step (CmdStep) visits
// the populations in program order; for each it delivers the events of
// every projection into it (snn_deliver) and then sweeps its neurons
// (snn_sweep), which emits the population's spikes for later populations
// of the same step.  Work is proportional to events: only the sweep
// touches every neuron.
//
// Everything the network consists of (descriptors, kernels, tap tables,
// thresholds, biases, decays, input events) is written through the host
// bus; the address map is snn_pkg.  The same interface serves the
// simulator and a board.  Spikes leave on an AER monitor port.
//
// A population may pool its currents (PopFlagPoolCurrents, in cores built
// with PoolCurrents; snnTorch's Conv -> MaxPool2d -> Leaky): its
// projections deliver into a grid of pool_y x pool_x times its neurons,
// and during its sweep snn_pool_max owns the current memory's ports (and
// the cache's read port), reads each neuron's window of currents, hands
// the maximum to snn_sweep and clears what it read.  CtrlSweepWords then
// counts the fine words read.
//
// Cores built with ReadoutModes have two more readouts: a LIF population
// read out by its membranes (PopKindMembrane: swept as any LIF population,
// its new membranes also go to the readout accumulators), and a readout
// that keeps the last step's value instead of the sum over steps
// (PopFlagReadoutLast, in snn_readout).

module snn_core #(
  parameter int unsigned Lanes        = 1,
  parameter int unsigned StateBits    = 24,
  parameter int unsigned DecayBits    = 8,
  parameter int unsigned ValueBits    = 8,
  parameter int unsigned ChanBits     = 8,
  parameter int unsigned CoordBits    = 8,
  parameter int unsigned MaxPops      = 4,
  parameter int unsigned MaxProjs     = 4,
  parameter int unsigned WeightDepth  = 64,
  parameter int unsigned ParamDepth   = 16,
  parameter int unsigned StateDepth   = 64,
  parameter int unsigned CurrentDepth = 64,
  parameter int unsigned EventDepth   = 64,
  parameter int unsigned RowIdxDepth  = 16,
  parameter int unsigned RowTapDepth  = 16,
  parameter int unsigned ColIdxDepth  = 16,
  parameter int unsigned ColTapDepth  = 16,
  parameter int unsigned ReadoutWords = 2,
  parameter int unsigned CacheDepth   = 2,
  parameter int unsigned SlotDepth    = 2,
  // Bits of a stored current: the numerics' 32-bit sums, narrowed where
  // the network's currents provably fit (CoreParams::currentBits).
  parameter int unsigned CurrentBits  = 32,
  // 1: the neurons implement the subtract reset (a subtractor per lane);
  // set only for networks that use it.
  parameter int unsigned SubtractReset = 0,
  // 1: populations may pool their currents (snn_pool_max); set only for
  // networks that do, so other cores (the UP5K's) build none of it.
  parameter int unsigned PoolCurrents = 0,
  // 1: the readout may be a LIF population's membranes (PopKindMembrane)
  // and may keep the last step's value instead of the sum over steps
  // (PopFlagReadoutLast); set only for networks that do.
  parameter int unsigned ReadoutModes = 0,
  // 1: a narrow sweep.  The neuron update, the state, the per-channel
  // parameters and the readout are one neuron a cycle (a word), while the
  // delivery, its weights, currents and input-current cache stay Lanes
  // wide: a population's sweep costs a cycle per neuron instead of per lane
  // word, and none of those memories and lanes widens with the delivery
  // (snn_sweep).  Synaptic operations outnumber neurons many times over in
  // the networks it is for (the UP5K's).  Not with PoolCurrents.
  parameter int unsigned NarrowSweep  = 0,
  // 1: input populations past the first (a chip's stand-ins for
  // populations other chips compute: skipped by the step controller, their
  // counts written by the host at CtrlEventCounts + p) and populations
  // that store no events (a base past the event memory); set only for
  // networks that have them, so a single chip's core builds none of it.
  parameter int unsigned StandIns     = 0,
  // Weights in single-port memory (snn_ram's SinglePort: the UP5K's SPRAM) instead
  // of block RAM.  A synthesis choice, not a functional one: the bitstream
  // flow sets it on devices with SPRAM (in the snn_top it writes).
  parameter int unsigned WeightSpram  = 0,
  // Neuron state in single-port memory (the UP5K's SPRAM), also a
  // synthesis choice.  1: double-buffered in two memories, a step reads
  // the bank of its parity and writes the other, so each bank serves one
  // access a cycle; 2: one memory, and the sweep issues a word only in a
  // cycle without a write back (half its rate, half the SPRAM); 3: phased
  // as 2, in the weight memory (single-port, WeightSpram 1), past its
  // last weight word: a step's deliveries read only weights and its sweeps
  // only state, never in the same cycle, so one SPRAM bank serves both.
  parameter int unsigned StateSpram   = 0,
  // Events in single-port memory: the deliver only reads them, snn_merge
  // only writes them, one after the other, and the host only while idle.
  parameter int unsigned EventSpram   = 0,
  // Currents in single-port memory (the UP5K's SPRAM), phased: the
  // delivery reads and writes a current word in alternate cycles, and the
  // sweep reads none in a cycle that clears one (half their rates), so
  // that a layer whose currents outgrow the block RAM still fits.  Not
  // with PoolCurrents.
  parameter int unsigned CurrentSpram = 0
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // Host bus: one access per cycle; read data the cycle after.
  input  logic        bus_req_i,
  input  logic        bus_we_i,
  input  logic [31:0] bus_addr_i,
  input  logic [31:0] bus_wdata_i,
  output logic [31:0] bus_rdata_o,
  output logic        busy_o,
  // AER spike monitor.
  output logic        spike_valid_o,
  output logic [7:0]  spike_pop_o,
  output logic [15:0] spike_chan_o,
  output logic [15:0] spike_y_o,
  output logic [15:0] spike_x_o
);

  // Address widths: at least one bit, so a one-word memory still has a port.
  localparam int unsigned WeightAW  = $clog2((WeightDepth) > 1 ? (WeightDepth) : 2);
  localparam int unsigned ParamAW   = $clog2((ParamDepth) > 1 ? (ParamDepth) : 2);
  localparam int unsigned StateAW   = $clog2((StateDepth) > 1 ? (StateDepth) : 2);
  localparam int unsigned CurrentAW = $clog2((CurrentDepth) > 1 ? (CurrentDepth) : 2);
  localparam int unsigned EventAW   = $clog2((EventDepth) > 1 ? (EventDepth) : 2);
  localparam int unsigned RowIdxAW  = $clog2((RowIdxDepth) > 1 ? (RowIdxDepth) : 2);
  localparam int unsigned RowTapAW  = $clog2((RowTapDepth) > 1 ? (RowTapDepth) : 2);
  localparam int unsigned ColIdxAW  = $clog2((ColIdxDepth) > 1 ? (ColIdxDepth) : 2);
  localparam int unsigned ColTapAW  = $clog2((ColTapDepth) > 1 ? (ColTapDepth) : 2);
  localparam int unsigned CacheAW   = $clog2((CacheDepth) > 1 ? (CacheDepth) : 2);
  localparam int unsigned PopAW     = $clog2((MaxPops) > 1 ? (MaxPops) : 2);
  localparam int unsigned ProjAW    = $clog2((MaxProjs) > 1 ? (MaxProjs) : 2);
  localparam int unsigned SweepLanes = NarrowSweep != 0 ? 1 : Lanes;
  // A narrow sweep counts neurons and channels, not lane words: its word
  // counter spans a population's state (or the readout's words) and its
  // groups field a population's channels.
  localparam int unsigned ReadoutAW = $clog2((ReadoutWords) > 1 ? (ReadoutWords) : 2);
  localparam int unsigned SweepWordW0 = StateAW > ReadoutAW ? StateAW : ReadoutAW;
  localparam int unsigned SweepWordW1 = SweepWordW0 > CurrentAW ? SweepWordW0 : CurrentAW;
  localparam int unsigned SweepWordW = NarrowSweep != 0 ? SweepWordW1 : CurrentAW;
  localparam int unsigned GroupW = NarrowSweep != 0 && ChanBits + 1 > CurrentAW ? ChanBits + 1
                                                                                 : CurrentAW;
  localparam int unsigned SweepLaneAW = SweepLanes > 1 ? $clog2(SweepLanes) : 1;
  localparam int unsigned ReadoutBits = snn_pkg::ReadoutBits;
  localparam int unsigned ClearDepth0 = StateDepth > CurrentDepth ? StateDepth : CurrentDepth;
  localparam int unsigned ClearDepth1 = ClearDepth0 > CacheDepth ? ClearDepth0 : CacheDepth;
  localparam int unsigned ClearDepth2 = ClearDepth1 > SlotDepth ? ClearDepth1 : SlotDepth;
  localparam int unsigned ClearDepth = ClearDepth2 > ReadoutWords ? ClearDepth2 : ReadoutWords;
  localparam int unsigned SlotAW    = $clog2((SlotDepth) > 1 ? (SlotDepth) : 2);
  localparam int unsigned SlotClearDepth = SlotDepth > 0 ? SlotDepth : 1; // 0: no slots
  localparam int unsigned StepBits  = 16;
  localparam int unsigned ClearAW   = $clog2(ClearDepth > 1 ? ClearDepth : 2) + 1;

  localparam int unsigned WeightW  = 8 * Lanes;
  localparam int unsigned ParamW   = (2 * StateBits + DecayBits + 1) * SweepLanes;
  localparam int unsigned StateW   = (StateBits + 1) * SweepLanes;
  localparam int unsigned CurrentW = CurrentBits * Lanes;
  localparam int unsigned EventW   = ValueBits + ChanBits + 2 * CoordBits;
  localparam int unsigned TapW     = WeightAW + CurrentAW;
  localparam int unsigned RowIdxW  = RowTapAW + 8;
  localparam int unsigned ColIdxW  = ColTapAW + 8;
  // The staging register holds the slices of the widest host-written word
  // (not the bus's 16-slice maximum: 512 flops and their multiplexers).
  localparam int unsigned MaxW0    = WeightW > ParamW ? WeightW : ParamW;
  localparam int unsigned MaxW1    = MaxW0 > TapW ? MaxW0 : TapW;
  localparam int unsigned MaxW2    = MaxW1 > RowIdxW ? MaxW1 : RowIdxW;
  localparam int unsigned MaxW3    = MaxW2 > ColIdxW ? MaxW2 : ColIdxW;
  localparam int unsigned MaxWordW = MaxW3 > EventW ? MaxW3 : EventW;
  localparam int unsigned StageSlices = (MaxWordW + 31) / 32;
  localparam int unsigned StageW   = 32 * StageSlices;
  localparam int unsigned DescW    = snn_pkg::DescWords;

  typedef enum logic [3:0] {
    StIdle, StClear, StPopLoad, StPop, StProjLoad, StDeliverStart, StDeliver, StSweepStart,
    StSweep, StSweepDrain
  } state_e;

  // ---- Host bus ---------------------------------------------------------------
  logic [7:0] region;
  logic [19:0] word;
  logic [3:0] slice;
  logic host_write;
  logic [StageW-1:0] stage_q, stage_d, wide;
  assign region = bus_addr_i[31:24];
  assign word = bus_addr_i[23:4];
  assign slice = bus_addr_i[3:0];
  assign host_write = bus_req_i && bus_we_i && !busy_o;
  always_comb begin
    wide = stage_q;
    for (int unsigned i = 0; i < StageSlices; i++) begin
      if (32'(slice) == i) wide[32*i+:32] = bus_wdata_i;
    end
  end


  logic weight_we, param_we, row_idx_we, row_tap_we, col_idx_we, col_tap_we, event_host_we;
  assign weight_we     = host_write && region == 8'(snn_pkg::RegionWeight) && slice == 4'((WeightW - 1) / 32);
  assign param_we      = host_write && region == 8'(snn_pkg::RegionParam) && slice == 4'((ParamW - 1) / 32);
  assign row_idx_we    = host_write && region == 8'(snn_pkg::RegionRowIdx) && slice == 4'((RowIdxW - 1) / 32);
  assign row_tap_we    = host_write && region == 8'(snn_pkg::RegionRowTap) && slice == 4'((TapW - 1) / 32);
  assign col_idx_we    = host_write && region == 8'(snn_pkg::RegionColIdx) && slice == 4'((ColIdxW - 1) / 32);
  assign col_tap_we    = host_write && region == 8'(snn_pkg::RegionColTap) && slice == 4'((TapW - 1) / 32);
  assign event_host_we = host_write && region == 8'(snn_pkg::RegionEvent) && slice == 4'((EventW - 1) / 32);

  // ---- Descriptors and control state -----------------------------------------
  state_e state_q, state_d;
  localparam int unsigned LaneCountW = $clog2(Lanes + 1);
  localparam int unsigned ProjCountW = ProjAW + 1;
  // Events of the population being swept (snn_merge appends them).
  logic [EventAW:0] pop_count_q, pop_count_d;
  logic [PopAW:0] num_pops_q, num_pops_d;
  logic [PopAW-1:0] pop_q, pop_d;
  logic [ProjAW:0] proj_q, proj_d, proj_end_q, proj_end_d;
  logic [ClearAW-1:0] clear_q, clear_d;
  logic clearing;
  logic [StepBits-1:0] step_q, step_d; // steps since the last CmdClear
  logic [63:0] cycles_q, cycles_d;
  logic [31:0] sweep_words_q, sweep_words_d;

  assign busy_o = state_q != StIdle;

  // Descriptors live in one block RAM: field f of population p at word
  // p * DescW + f, of projection j at (MaxPops + j) * DescW + f.  The
  // controller copies the active population's fields (StPopLoad), and the
  // active projection's with its source's event base (StProjLoad), into
  // registers at each field's width.  Tables of registers, with the
  // multiplexers that read them by population and projection, had cost
  // about 175 logic cells per population or projection; the copies cost
  // DescW + ProjLoadWords + 2 cycles per population and projection of a step.
  // Each population's event count of its last sweep (the input's: the
  // host's CtrlInputCount) follows the descriptors, at CountBase + p,
  // written when the sweep ends and copied with the projection that reads
  // it: a table of count registers, one per population with its
  // multiplexers, had been among the core's largest users of logic cells.
  localparam int unsigned ProjLoadWords = snn_pkg::ProjCached + 1;
  localparam int unsigned CountBase = (MaxPops + MaxProjs) * DescW;
  localparam int unsigned DescDepth = CountBase + MaxPops;
  localparam int unsigned DescAW = $clog2(DescDepth);
  // The widest field (widths as constant expressions: yosys 0.23
  // mis-evaluates constant functions with package-constant case labels).
  localparam int unsigned FieldW0 = GroupW > StateAW ? GroupW : StateAW;
  localparam int unsigned FieldW1 = FieldW0 > ParamAW ? FieldW0 : ParamAW;
  localparam int unsigned FieldW2 = FieldW1 > EventAW ? FieldW1 : EventAW;
  localparam int unsigned FieldW3 = FieldW2 > CacheAW ? FieldW2 : CacheAW;
  localparam int unsigned FieldW4 = FieldW3 > WeightAW ? FieldW3 : WeightAW;
  localparam int unsigned FieldW5 = FieldW4 > RowIdxAW ? FieldW4 : RowIdxAW;
  localparam int unsigned FieldW6 = FieldW5 > ColIdxAW ? FieldW5 : ColIdxAW;
  localparam int unsigned FieldW7 = FieldW6 > CoordBits ? FieldW6 : CoordBits;
  localparam int unsigned FieldW8 = FieldW7 > ProjCountW ? FieldW7 : ProjCountW;
  localparam int unsigned FieldW9 = FieldW8 > LaneCountW ? FieldW8 : LaneCountW;
  // At least the flags up to PopFlagMergeMax (a core whose every address
  // is narrower would not hold them).
  localparam int unsigned FlagsW = snn_pkg::PopFlagMergeMax + 1;
  localparam int unsigned FieldW10 = FieldW9 > FlagsW ? FieldW9 : FlagsW;
  // PopFlags with the last-step readout (bits up to PopFlagReadoutLast), and
  // with a pooling window (up to PopFlagPoolXShift + PopFlagPoolBits).
  localparam int unsigned ReadoutFlagsW = snn_pkg::PopFlagReadoutLast + 1;
  localparam int unsigned PoolFlagsW = snn_pkg::PopFlagPoolXShift + snn_pkg::PopFlagPoolBits;
  localparam int unsigned FieldW11 = ReadoutModes != 0 && FieldW10 < ReadoutFlagsW ? ReadoutFlagsW
                                                                                 : FieldW10;
  localparam int unsigned FieldW12 = PoolCurrents != 0 && FieldW11 < PoolFlagsW ? PoolFlagsW
                                                                                : FieldW11;
  // ... and an event count.
  localparam int unsigned FieldW = FieldW12 > EventAW + 1 ? FieldW12 : EventAW + 1;

  logic desc_we, input_count_we, pop_count_we;
  logic [DescAW-1:0] desc_waddr, desc_raddr;
  logic [FieldW-1:0] desc_wdata, desc_rdata;
  // The host writes while the core is idle, the core (a population's count
  // at the end of its sweep) while it is busy.
  // An input population's count: the network input's (CtrlInputCount), or
  // any population's (CtrlEventCounts + p: a stand-in fed by other chips).
  logic count_word;
  logic [DescAW-1:0] count_addr;
  assign count_word = StandIns != 0 && 32'(word) >= snn_pkg::CtrlEventCounts &&
                      32'(word) < snn_pkg::CtrlEventCounts + MaxPops;
  assign input_count_we = host_write && region == 8'(snn_pkg::RegionCtrl) &&
                          (word == 20'(snn_pkg::CtrlInputCount) || count_word);
  assign count_addr = word == 20'(snn_pkg::CtrlInputCount)
                    ? DescAW'(CountBase)
                    : DescAW'(CountBase + 32'(word) - snn_pkg::CtrlEventCounts);
  always_comb begin
    desc_we = host_write &&
              ((region == 8'(snn_pkg::RegionPop) && 32'(word) < MaxPops * DescW) ||
               (region == 8'(snn_pkg::RegionProj) && 32'(word) < MaxProjs * DescW));
    desc_waddr = region == 8'(snn_pkg::RegionPop) ? DescAW'(word)
                                                  : DescAW'(MaxPops * DescW + 32'(word));
    desc_wdata = bus_wdata_i[FieldW-1:0];
    if (input_count_we) begin
      desc_we = 1'b1;
      desc_waddr = count_addr;
      desc_wdata = FieldW'(bus_wdata_i[EventAW:0]);
    end else if (pop_count_we) begin
      desc_we = 1'b1;
      desc_waddr = DescAW'(CountBase + 32'(pop_q));
      desc_wdata = FieldW'(pop_count_d);
    end
  end
  snn_ram #(.Width(FieldW), .Depth(DescDepth)) u_desc (
    .clk_i, .we_i(desc_we), .waddr_i(desc_waddr), .wdata_i(desc_wdata),
    .raddr_i(desc_raddr), .rdata_o(desc_rdata));

  // The copy: ld_q is the next word to read; the word read last cycle
  // (ld_field_q) arrives now.  Projection words ProjLoadWords and
  // ProjLoadWords + 1 are the source population's event base and event
  // count (the source is known by then).
  logic [4:0] ld_q, ld_d, ld_field_q, ld_field_d;
  logic ld_cap_q, ld_cap_d;
  logic [PopAW-1:0] source;
  logic [EventAW-1:0] src_event_base_q;
  logic [EventAW:0] src_event_count_q;
  // Which field register takes the word arriving now.
  logic [DescW-1:0] pop_cap;
  logic [ProjLoadWords+1:0] proj_cap;
  for (genvar f = 0; f < DescW; f++) begin : g_cap
    assign pop_cap[f] = ld_cap_q && state_q == StPopLoad && 32'(ld_field_q) == f;
    if (f <= ProjLoadWords + 1) begin : g_proj_cap
      assign proj_cap[f] = ld_cap_q && state_q == StProjLoad && 32'(ld_field_q) == f;
    end
  end
  always_comb begin
    desc_raddr = DescAW'(32'(pop_q) * DescW + 32'(ld_q));
    if (state_q == StProjLoad) begin
      desc_raddr = DescAW'((MaxPops + 32'(proj_q)) * DescW + 32'(ld_q));
      if (32'(ld_q) == ProjLoadWords) begin
        desc_raddr = DescAW'(32'(source) * DescW + snn_pkg::PopEventBase);
      end else if (32'(ld_q) == ProjLoadWords + 1) begin
        desc_raddr = DescAW'(CountBase + 32'(source));
      end
    end
  end

  logic [31:0] pop_word [DescW];
  logic [31:0] proj_word [DescW];
  for (genvar f = 0; f < DescW; f++) begin : g_desc
    localparam int unsigned PopW =
        f == snn_pkg::PopKind      ? 2 :
        f == snn_pkg::PopGroups    ? GroupW :
        f == snn_pkg::PopLastLanes ? LaneCountW :
        f == snn_pkg::PopStateBase ? StateAW :
        f == snn_pkg::PopParamBase ? ParamAW :
        // One bit more: a base past the event memory marks a population
        // that stores no events (pop_stores_events).
        f == snn_pkg::PopEventBase ? (StandIns != 0 ? EventAW + 1 : EventAW) :
        f == snn_pkg::PopProjFirst ? ProjCountW :
        f == snn_pkg::PopProjCount ? ProjCountW :
        // Flags up to PopFlagMergeMax (the subtract-reset bit is unused
        // where SubtractReset is 0), PopFlagReadoutLast where ReadoutModes,
        // and the pooling window where pooled.
        f == snn_pkg::PopFlags     ? (PoolCurrents != 0 ? PoolFlagsW :
                                      ReadoutModes != 0 ? ReadoutFlagsW
                                                        : snn_pkg::PopFlagMergeMax + 1) :
        f == snn_pkg::PopCacheBase ? CacheAW : CoordBits; // sizes, pooling
    localparam int unsigned ProjW =
        f == snn_pkg::ProjKind       ? 2 :
        f == snn_pkg::ProjSource     ? PopAW :
        f == snn_pkg::ProjWeightBase ? WeightAW :
        f == snn_pkg::ProjChanStride ? WeightAW :
        f == snn_pkg::ProjGroups     ? CurrentAW :
        f == snn_pkg::ProjLastLanes  ? LaneCountW :
        f == snn_pkg::ProjRowIdxBase ? RowIdxAW :
        f == snn_pkg::ProjColIdxBase ? ColIdxAW :
        f == snn_pkg::ProjCached     ? 1 : 0; // words 9.. are unused
    logic [PopW-1:0] pop_field_q, pop_field_d;
    assign pop_field_d = pop_cap[f] ? desc_rdata[PopW-1:0] : pop_field_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        pop_field_q <= '0;
      end else begin
        pop_field_q <= pop_field_d;
      end
    end
    assign pop_word[f] = 32'(pop_field_q);
    // The projection's fields, and as words ProjLoadWords and
    // ProjLoadWords + 1 the source's event base and count.
    localparam int unsigned CapW = f == ProjLoadWords     ? EventAW :
                                   f == ProjLoadWords + 1 ? EventAW + 1 : ProjW;
    if (CapW > 0) begin : g_proj
      logic [CapW-1:0] proj_field_q, proj_field_d;
      assign proj_field_d = proj_cap[f] ? desc_rdata[CapW-1:0] : proj_field_q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          proj_field_q <= '0;
        end else begin
          proj_field_q <= proj_field_d;
        end
      end
      if (f == ProjLoadWords) begin : g_src
        assign src_event_base_q = proj_field_q;
        assign proj_word[f] = '0;
      end else if (f == ProjLoadWords + 1) begin : g_src_count
        assign src_event_count_q = proj_field_q;
        assign proj_word[f] = '0;
      end else begin : g_field
        assign proj_word[f] = 32'(proj_field_q);
      end
    end else begin : g_unused
      assign proj_word[f] = '0;
    end
  end
  assign source = PopAW'(proj_word[snn_pkg::ProjSource]);

  // Lanes in use in the last lane word of the projection's target and of
  // the population being swept.
  logic [Lanes-1:0] proj_last_mask;
  logic [SweepLanes-1:0] pop_last_mask;
  always_comb begin
    for (int unsigned l = 0; l < Lanes; l++) begin
      proj_last_mask[l] = 32'(l) < proj_word[snn_pkg::ProjLastLanes];
    end
    for (int unsigned l = 0; l < SweepLanes; l++) begin
      pop_last_mask[l] = 32'(l) < pop_word[snn_pkg::PopLastLanes];
    end
  end

  // ---- Memories ---------------------------------------------------------------
  logic [WeightAW-1:0] weight_raddr;
  logic [WeightW-1:0] weight_rdata;
  logic [ParamAW-1:0] param_raddr;
  logic [ParamW-1:0] param_rdata;
  logic [RowIdxAW-1:0] row_idx_raddr;
  logic [RowIdxW-1:0] row_idx_rdata;
  logic [ColIdxAW-1:0] col_idx_raddr;
  logic [ColIdxW-1:0] col_idx_rdata;
  logic [RowTapAW-1:0] row_tap_raddr;
  logic [TapW-1:0] row_tap_rdata;
  logic [ColTapAW-1:0] col_tap_raddr;
  logic [TapW-1:0] col_tap_rdata;
  logic event_we;
  logic [EventAW-1:0] event_waddr, event_raddr;
  logic [EventW-1:0] event_wdata, event_rdata;
  logic sweeping; // a population's sweep (and its drain) is running
  logic state_we;
  logic [StateAW-1:0] state_waddr, state_raddr;
  logic [StateW-1:0] state_wdata, state_rdata;
  logic current_we;
  logic [CurrentAW-1:0] current_waddr, current_raddr;
  logic [CurrentW-1:0] current_wdata, current_rdata;
  logic cache_we;
  logic [CacheAW-1:0] cache_waddr, cache_raddr;
  logic [CurrentW-1:0] cache_wdata, cache_rdata;

  // The host writes weights only while the core is idle, and the core
  // reads them only while busy: one port can serve both.
  if (StateSpram == 3) begin : g_weight_state
    // The state's words follow the weights' in one single-port memory,
    // each in a word of its own (its upper bits unused where the weights
    // are wider).  Only the sweep and CmdClear touch the state, and the
    // sweep (phased) never reads in a cycle it writes.
    localparam int unsigned SharedW = WeightW > StateW ? WeightW : StateW;
    localparam int unsigned SharedAW = $clog2(WeightDepth + StateDepth);
    logic shared_we;
    logic [SharedAW-1:0] shared_waddr, shared_raddr;
    logic [SharedW-1:0] shared_wdata, shared_rdata;
    always_comb begin
      shared_we = weight_we;
      shared_waddr = SharedAW'(word);
      shared_wdata = SharedW'(wide[WeightW-1:0]);
      if (state_we) begin
        shared_we = 1'b1;
        shared_waddr = SharedAW'(WeightDepth + 32'(state_waddr));
        shared_wdata = SharedW'(state_wdata);
      end
    end
    assign shared_raddr = sweeping ? SharedAW'(WeightDepth + 32'(state_raddr))
                                   : SharedAW'(weight_raddr);
    snn_ram #(.Width(SharedW), .Depth(WeightDepth + StateDepth), .SinglePort(1)) u_weight (
      .clk_i, .we_i(shared_we), .waddr_i(shared_waddr), .wdata_i(shared_wdata),
      .raddr_i(shared_raddr), .rdata_o(shared_rdata));
    assign weight_rdata = shared_rdata[WeightW-1:0];
    assign state_rdata = shared_rdata[StateW-1:0];
  end else begin : g_weight
    snn_ram #(.Width(WeightW), .Depth(WeightDepth), .SinglePort(WeightSpram)) u_weight (
      .clk_i, .we_i(weight_we), .waddr_i(WeightAW'(word)), .wdata_i(wide[WeightW-1:0]),
      .raddr_i(weight_raddr), .rdata_o(weight_rdata));
  end
  snn_ram #(.Width(ParamW), .Depth(ParamDepth)) u_param (
    .clk_i, .we_i(param_we), .waddr_i(ParamAW'(word)), .wdata_i(wide[ParamW-1:0]),
    .raddr_i(param_raddr), .rdata_o(param_rdata));
  snn_ram #(.Width(RowIdxW), .Depth(RowIdxDepth)) u_row_idx (
    .clk_i, .we_i(row_idx_we), .waddr_i(RowIdxAW'(word)), .wdata_i(wide[RowIdxW-1:0]),
    .raddr_i(row_idx_raddr), .rdata_o(row_idx_rdata));
  snn_ram #(.Width(TapW), .Depth(RowTapDepth)) u_row_tap (
    .clk_i, .we_i(row_tap_we), .waddr_i(RowTapAW'(word)), .wdata_i(wide[TapW-1:0]),
    .raddr_i(row_tap_raddr), .rdata_o(row_tap_rdata));
  snn_ram #(.Width(ColIdxW), .Depth(ColIdxDepth)) u_col_idx (
    .clk_i, .we_i(col_idx_we), .waddr_i(ColIdxAW'(word)), .wdata_i(wide[ColIdxW-1:0]),
    .raddr_i(col_idx_raddr), .rdata_o(col_idx_rdata));
  snn_ram #(.Width(TapW), .Depth(ColTapDepth)) u_col_tap (
    .clk_i, .we_i(col_tap_we), .waddr_i(ColTapAW'(word)), .wdata_i(wide[TapW-1:0]),
    .raddr_i(col_tap_raddr), .rdata_o(col_tap_rdata));
  snn_ram #(.Width(EventW), .Depth(EventDepth), .SinglePort(EventSpram)) u_event (
    .clk_i, .we_i(event_we), .waddr_i(event_waddr), .wdata_i(event_wdata),
    .raddr_i(event_raddr), .rdata_o(event_rdata));
  if (StateSpram == 1) begin : g_state_banks
    // Every state word is written at every step (the sweep visits all of
    // them), so the bank read at step t holds exactly step t-1's state.
    // CmdClear zeroes both.  step_q counts from 1 after a clear and is
    // stable during a step: it selects the bank read and the data.
    logic [StateW-1:0] bank_rdata [2];
    for (genvar b = 0; b < 2; b++) begin : g_bank
      logic reading;
      assign reading = 32'(step_q[0]) == b;
      snn_ram #(.Width(StateW), .Depth(StateDepth), .SinglePort(1)) u_bank (
        .clk_i, .we_i(state_we && (clearing || !reading)), .waddr_i(state_waddr),
        .wdata_i(state_wdata), .raddr_i(state_raddr), .rdata_o(bank_rdata[b]));
    end
    assign state_rdata = bank_rdata[step_q[0]];
  end else if (StateSpram == 3) begin : g_state_shared
    // In the weight memory (g_weight_state).
  end else if (StateSpram == 2) begin : g_state_phased
    // snn_sweep never reads in a cycle it writes back (StatePhased).
    snn_ram #(.Width(StateW), .Depth(StateDepth), .SinglePort(1)) u_state (
      .clk_i, .we_i(state_we), .waddr_i(state_waddr), .wdata_i(state_wdata),
      .raddr_i(state_raddr), .rdata_o(state_rdata));
  end else begin : g_state_ram
    snn_ram #(.Width(StateW), .Depth(StateDepth)) u_state (
      .clk_i, .we_i(state_we), .waddr_i(state_waddr), .wdata_i(state_wdata),
      .raddr_i(state_raddr), .rdata_o(state_rdata));
  end
  // CurrentSpram: snn_deliver and snn_sweep never read in a cycle they
  // write (phased), CmdClear only writes.
  snn_ram #(.Width(CurrentW), .Depth(CurrentDepth), .SinglePort(CurrentSpram)) u_current (
    .clk_i, .we_i(current_we), .waddr_i(current_waddr), .wdata_i(current_wdata),
    .raddr_i(current_raddr), .rdata_o(current_rdata));
  // Direct encoding repeats the same input events at every step: their
  // currents are delivered into this cache at the first step of a sample
  // and added by the sweep at every step (CmdStepReplay skips them).
  // CacheDepth 0: no cache (the host delivers the input at every step).
  if (CacheDepth > 0) begin : g_cache
    snn_ram #(.Width(CurrentW), .Depth(CacheDepth)) u_cache (
      .clk_i, .we_i(cache_we), .waddr_i(cache_waddr), .wdata_i(cache_wdata),
      .raddr_i(cache_raddr), .rdata_o(cache_rdata));
  end else begin : g_no_cache
    logic unused_cache;
    assign unused_cache = ^{cache_we, cache_waddr, cache_wdata, cache_raddr};
    assign cache_rdata = '0;
  end

  // ---- Delivery and sweep -----------------------------------------------------
  logic deliver_done, sweep_done;
  logic deliver_current_we, sweep_current_we, sweep_state_we, sweep_word;
  logic [CurrentAW-1:0] deliver_current_raddr, deliver_current_waddr;
  logic [CurrentAW-1:0] sweep_current_raddr, sweep_current_waddr;
  logic [CurrentW-1:0] deliver_current_wdata;
  logic [CacheAW-1:0] sweep_cache_raddr, cache_base;
  logic proj_cached;
  assign proj_cached = proj_word[snn_pkg::ProjCached][0];
  assign cache_base = CacheAW'(pop_word[snn_pkg::PopCacheBase]);
  logic [StateAW-1:0] sweep_state_waddr;
  logic [StateW-1:0] sweep_state_wdata;
  logic [$clog2(Lanes+1)-1:0] deliver_sops;
  logic readout_we;
  logic [SweepWordW-1:0] readout_word;
  logic [64*SweepLanes-1:0] readout_add;
  logic sweep_spike, sweep_drop, merge_new, merge_busy, merge_event_we;
  logic [CoordBits-1:0] sweep_py, sweep_px;
  logic [SlotAW-1:0] sweep_slot;
  logic [EventAW-1:0] merge_event_waddr, deliver_event_raddr;
  logic [EventW-1:0] merge_event_wdata;
  logic [ChanBits-1:0] sweep_chan;
  logic [CoordBits-1:0] sweep_y, sweep_x;
  // Pooled currents (PoolCurrents): the pooler's side of the sweep.
  logic pooled, pool_valid, pool_ready, pool_busy;
  logic [32*SweepLanes-1:0] pool_current;
  // The sweep's side of the current and cache ports, and its swept words:
  // the pooler's while it serves a pooled population.
  logic swept_current_we, swept_word;
  logic [CurrentAW-1:0] swept_current_raddr, swept_current_waddr;
  logic [CacheAW-1:0] swept_cache_raddr;

  snn_deliver #(
    .Lanes(Lanes), .ValueBits(ValueBits), .ChanBits(ChanBits), .CoordBits(CoordBits),
    .CurrentBits(CurrentBits), .EventAW(EventAW), .WeightAW(WeightAW), .CurrentAW(CurrentAW),
    .RowIdxAW(RowIdxAW), .RowTapAW(RowTapAW), .ColIdxAW(ColIdxAW), .ColTapAW(ColTapAW)
  ) u_deliver (
    .clk_i, .rst_ni,
    .start_i        (state_q == StDeliverStart && !skip_proj),
    .done_o         (deliver_done),
    .phased_i       (CurrentSpram != 0 && !proj_cached),
    .kind_i         (2'(proj_word[snn_pkg::ProjKind])),
    .event_base_i   (src_event_base_q),
    .event_count_i  (src_event_count_q),
    .weight_base_i  (WeightAW'(proj_word[snn_pkg::ProjWeightBase])),
    .chan_stride_i  (WeightAW'(proj_word[snn_pkg::ProjChanStride])),
    .groups_i       (CurrentAW'(proj_word[snn_pkg::ProjGroups])),
    .last_mask_i    (proj_last_mask),
    .row_idx_base_i (RowIdxAW'(proj_word[snn_pkg::ProjRowIdxBase])),
    .col_idx_base_i (ColIdxAW'(proj_word[snn_pkg::ProjColIdxBase])),
    .event_raddr_o  (deliver_event_raddr),
    .event_rdata_i  (event_rdata),
    .row_idx_raddr_o(row_idx_raddr),
    .row_idx_rdata_i(row_idx_rdata),
    .col_idx_raddr_o(col_idx_raddr),
    .col_idx_rdata_i(col_idx_rdata),
    .row_tap_raddr_o(row_tap_raddr),
    .row_tap_rdata_i(row_tap_rdata),
    .col_tap_raddr_o(col_tap_raddr),
    .col_tap_rdata_i(col_tap_rdata),
    .weight_raddr_o (weight_raddr),
    .weight_rdata_i (weight_rdata),
    .current_raddr_o(deliver_current_raddr),
    .current_rdata_i(proj_cached ? cache_rdata : current_rdata),
    .current_we_o   (deliver_current_we),
    .current_waddr_o(deliver_current_waddr),
    .current_wdata_o(deliver_current_wdata),
    .sops_o         (deliver_sops)
  );

  // The population's readout: a readout population's current + bias, or
  // (ReadoutModes) a LIF population's membranes; summed over the steps, or
  // (ReadoutModes) the last step's.
  logic readout, membrane, readout_last;
  assign readout = pop_word[snn_pkg::PopKind] == snn_pkg::PopKindReadout;
  if (ReadoutModes != 0) begin : g_readout_modes
    assign membrane = pop_word[snn_pkg::PopKind] == snn_pkg::PopKindMembrane;
    assign readout_last = pop_word[snn_pkg::PopFlags][snn_pkg::PopFlagReadoutLast];
  end else begin : g_no_readout_modes
    assign membrane = 1'b0;
    assign readout_last = 1'b0;
  end

  snn_sweep #(
    .Lanes(SweepLanes), .CurrentLanes(Lanes), .StateBits(StateBits), .DecayBits(DecayBits),
    .ChanBits(ChanBits), .WordW(SweepWordW), .GroupW(GroupW),
    .CurrentBits(CurrentBits),
    .CoordBits(CoordBits), .CurrentAW(CurrentAW), .StateAW(StateAW), .ParamAW(ParamAW),
    .CacheAW(CacheAW), .SlotAW(SlotAW), .StatePhased(StateSpram >= 2 ? 1 : 0),
    .CurrentPhased(CurrentSpram),
    .SubtractReset(SubtractReset), .PoolCurrents(PoolCurrents), .ReadoutModes(ReadoutModes)
  ) u_sweep (
    .clk_i, .rst_ni,
    .start_i        (state_q == StSweepStart),
    .done_o         (sweep_done),
    .readout_i      (readout),
    .membrane_i     (membrane),
    .cached_i       (pop_word[snn_pkg::PopFlags][snn_pkg::PopFlagCached]),
    .pooled_i       (pooled),
    .soft_reset_i   (pop_word[snn_pkg::PopFlags][snn_pkg::PopFlagSoftReset]),
    .subtract_reset_i(pop_word[snn_pkg::PopFlags][snn_pkg::PopFlagSubtractReset]),
    .fire_ge_i      (pop_word[snn_pkg::PopFlags][snn_pkg::PopFlagFireGe]),
    .groups_i       (GroupW'(pop_word[snn_pkg::PopGroups])),
    .last_mask_i    (pop_last_mask),
    .height_i       (CoordBits'(pop_word[snn_pkg::PopHeight])),
    .width_i        (CoordBits'(pop_word[snn_pkg::PopWidth])),
    .pool_y_i       (CoordBits'(pop_word[snn_pkg::PopPoolY])),
    .pool_x_i       (CoordBits'(pop_word[snn_pkg::PopPoolX])),
    .pooled_height_i(CoordBits'(pop_word[snn_pkg::PopPooledH])),
    .pooled_width_i (CoordBits'(pop_word[snn_pkg::PopPooledW])),
    .state_base_i   (StateAW'(pop_word[snn_pkg::PopStateBase])),
    .param_base_i   (ParamAW'(pop_word[snn_pkg::PopParamBase])),
    .cache_base_i   (cache_base),
    .current_raddr_o(sweep_current_raddr),
    .current_rdata_i(current_rdata),
    .current_we_o   (sweep_current_we),
    .current_waddr_o(sweep_current_waddr),
    .state_raddr_o  (state_raddr),
    .state_rdata_i  (state_rdata),
    .state_we_o     (sweep_state_we),
    .state_waddr_o  (sweep_state_waddr),
    .state_wdata_o  (sweep_state_wdata),
    .param_raddr_o  (param_raddr),
    .param_rdata_i  (param_rdata),
    .cache_raddr_o  (sweep_cache_raddr),
    .cache_rdata_i  (cache_rdata),
    .pool_valid_i   (pool_valid),
    .pool_ready_o   (pool_ready),
    .pool_current_i (pool_current),
    .readout_we_o   (readout_we),
    .readout_word_o (readout_word),
    .readout_add_o  (readout_add),
    .spike_valid_o  (sweep_spike),
    .spike_chan_o   (sweep_chan),
    .spike_y_o      (sweep_y),
    .spike_x_o      (sweep_x),
    .spike_py_o     (sweep_py),
    .spike_px_o     (sweep_px),
    .spike_slot_o   (sweep_slot),
    .spike_drop_o   (sweep_drop),
    .word_o         (sweep_word)
  );

  if (PoolCurrents != 0) begin : g_pool
    logic [31:0] flags;
    logic pool_current_we, pool_word;
    logic [CurrentAW-1:0] pool_current_raddr, pool_current_waddr;
    logic [CacheAW-1:0] pool_cache_raddr;
    assign flags = pop_word[snn_pkg::PopFlags];
    assign pooled = flags[snn_pkg::PopFlagPoolCurrents];
    snn_pool_max #(
      .Lanes(Lanes), .CurrentBits(CurrentBits), .CurrentAW(CurrentAW), .CacheAW(CacheAW),
      .CoordBits(CoordBits)
    ) u_pool (
      .clk_i, .rst_ni,
      .start_i        (state_q == StSweepStart && pooled),
      .busy_o         (pool_busy),
      .cached_i       (flags[snn_pkg::PopFlagCached]),
      .groups_i       (CurrentAW'(pop_word[snn_pkg::PopGroups])),
      .height_i       (CoordBits'(pop_word[snn_pkg::PopHeight])),
      .width_i        (CoordBits'(pop_word[snn_pkg::PopWidth])),
      .pool_y_i       (flags[snn_pkg::PopFlagPoolYShift+:snn_pkg::PopFlagPoolBits]),
      .pool_x_i       (flags[snn_pkg::PopFlagPoolXShift+:snn_pkg::PopFlagPoolBits]),
      .cache_base_i   (cache_base),
      .current_raddr_o(pool_current_raddr),
      .current_rdata_i(current_rdata),
      .current_we_o   (pool_current_we),
      .current_waddr_o(pool_current_waddr),
      .cache_raddr_o  (pool_cache_raddr),
      .cache_rdata_i  (cache_rdata),
      .max_valid_o    (pool_valid),
      .max_ready_i    (pool_ready),
      .max_o          (pool_current),
      .word_o         (pool_word)
    );
    assign swept_current_raddr = pooled ? pool_current_raddr : sweep_current_raddr;
    assign swept_current_we = pooled ? pool_current_we : sweep_current_we;
    assign swept_current_waddr = pooled ? pool_current_waddr : sweep_current_waddr;
    assign swept_cache_raddr = pooled ? pool_cache_raddr : sweep_cache_raddr;
    assign swept_word = pooled ? pool_word : sweep_word;
  end else begin : g_no_pool
    logic unused_pool_ready; // never taken: nothing is pooled
    assign unused_pool_ready = pool_ready;
    assign pooled = 1'b0;
    assign pool_busy = 1'b0;
    assign pool_valid = 1'b0;
    assign pool_current = '0;
    assign swept_current_raddr = sweep_current_raddr;
    assign swept_current_we = sweep_current_we;
    assign swept_current_waddr = sweep_current_waddr;
    assign swept_cache_raddr = sweep_cache_raddr;
    assign swept_word = sweep_word;
  end

  snn_merge #(
    .Lanes(SweepLanes), .ValueBits(ValueBits), .ChanBits(ChanBits), .CoordBits(CoordBits),
    .EventAW(EventAW), .SlotDepth(SlotDepth), .StepTagW(PopAW + StepBits)
  ) u_merge (
    .clk_i, .rst_ni,
    .merge_i      (pop_word[snn_pkg::PopFlags][snn_pkg::PopFlagMerge]),
    .max_i        (pop_word[snn_pkg::PopFlags][snn_pkg::PopFlagMergeMax]),
    .step_tag_i   ({pop_q, step_q}),
    .event_base_i (EventAW'(pop_word[snn_pkg::PopEventBase])),
    .event_count_i(EventAW'(pop_count_q)),
    .new_event_o  (merge_new),
    .busy_o       (merge_busy),
    .spike_valid_i(sweep_spike),
    .spike_chan_i (sweep_chan),
    .spike_y_i    (sweep_y),
    .spike_x_i    (sweep_x),
    .spike_py_i   (sweep_py),
    .spike_px_i   (sweep_px),
    .spike_slot_i (sweep_slot),
    .spike_drop_i (sweep_drop),
    .clear_we_i   (clearing && SlotDepth > 0 && 32'(clear_q) < SlotClearDepth),
    .clear_addr_i (SlotAW'(clear_q)),
    .event_we_o   (merge_event_we),
    .event_waddr_o(merge_event_waddr),
    .event_wdata_o(merge_event_wdata)
  );

  // ---- Memory port sharing -----------------------------------------------------
  assign sweeping = state_q == StSweep || state_q == StSweepDrain;
  assign event_raddr = deliver_event_raddr;
  assign clearing = state_q == StClear;
  assign current_raddr = sweeping ? swept_current_raddr : deliver_current_raddr;
  assign cache_raddr = sweeping ? swept_cache_raddr
                                : CacheAW'(32'(cache_base) + 32'(deliver_current_raddr));
  always_comb begin
    cache_we = deliver_current_we && proj_cached;
    cache_waddr = CacheAW'(32'(cache_base) + 32'(deliver_current_waddr));
    cache_wdata = deliver_current_wdata;
    if (clearing) begin
      cache_we = CacheDepth > 0 && 33'(clear_q) < 33'(CacheDepth);
      cache_waddr = CacheAW'(clear_q);
      cache_wdata = '0;
    end
  end
  always_comb begin
    current_we = deliver_current_we && !proj_cached;
    current_waddr = deliver_current_waddr;
    current_wdata = deliver_current_wdata;
    if (clearing) begin
      current_we = 32'(clear_q) < CurrentDepth;
      current_waddr = CurrentAW'(clear_q);
      current_wdata = '0;
    end else if (sweeping) begin
      current_we = swept_current_we;
      current_waddr = swept_current_waddr;
      current_wdata = '0;
    end
  end
  always_comb begin
    state_we = sweep_state_we;
    state_waddr = sweep_state_waddr;
    state_wdata = sweep_state_wdata;
    if (clearing) begin
      state_we = 32'(clear_q) < StateDepth;
      state_waddr = StateAW'(clear_q);
      state_wdata = '0;
    end
  end
  // A population that nothing on this core reads (a chip's slice whose
  // consumers are on other chips, a readout by membranes) has no event
  // segment: the host writes its base past the event memory, and its
  // spikes leave by the AER monitor only.
  logic pop_stores_events;
  assign pop_stores_events = StandIns == 0 || pop_word[snn_pkg::PopEventBase] < EventDepth;
  always_comb begin
    event_we = event_host_we;
    event_waddr = EventAW'(word);
    event_wdata = wide[EventW-1:0];
    if (merge_event_we && pop_stores_events) begin
      event_we = 1'b1;
      event_waddr = merge_event_waddr;
      event_wdata = merge_event_wdata;
    end
  end

  assign spike_valid_o = sweep_spike;
  assign spike_pop_o = 8'(pop_q);
  assign spike_chan_o = 16'(sweep_chan);
  assign spike_y_o = 16'(sweep_y);
  assign spike_x_o = 16'(sweep_x);

  // ---- Control ------------------------------------------------------------------
  logic last_clear, command_step, command_clear, command_replay, skip_proj;
  logic replay_q, replay_d;
  assign last_clear = clear_q == ClearAW'(ClearDepth - 1);
  assign command_step = host_write && region == 8'(snn_pkg::RegionCtrl) &&
                        word == 20'(snn_pkg::CtrlCommand) && bus_wdata_i == snn_pkg::CmdStep;
  assign command_clear = host_write && region == 8'(snn_pkg::RegionCtrl) &&
                         word == 20'(snn_pkg::CtrlCommand) && bus_wdata_i == snn_pkg::CmdClear;
  assign command_replay = host_write && region == 8'(snn_pkg::RegionCtrl) &&
                          word == 20'(snn_pkg::CtrlCommand) &&
                          bus_wdata_i == snn_pkg::CmdStepReplay;
  // Replayed steps skip the projections whose currents are cached.
  assign skip_proj = replay_q && proj_cached;

  // Descriptor copies: read words 0.. of the entry, one a cycle.
  always_comb begin : desc_copy
    ld_field_d = ld_q;
    ld_cap_d = 1'b0;
    ld_d = '0;
    if ((state_q == StPopLoad && 32'(ld_q) < DescW) ||
        (state_q == StProjLoad && 32'(ld_q) <= ProjLoadWords + 1)) begin
      ld_cap_d = 1'b1;
      ld_d = ld_q + 5'd1;
    end else if (state_q == StPopLoad || state_q == StProjLoad) begin
      ld_d = ld_q;
    end
  end

  // The step controller: populations in program order, for each its
  // projections (descriptor copy, delivery) and then its sweep.  cycles_q
  // counts the cycles of the last command.
  always_comb begin : control_fsm
    state_d = state_q;
    replay_d = replay_q;
    step_d = step_q;
    pop_d = pop_q;
    proj_d = proj_q;
    proj_end_d = proj_end_q;
    clear_d = clear_q;
    cycles_d = busy_o ? cycles_q + 64'd1 : cycles_q;
    unique case (state_q)
      StIdle: begin
        if (command_step || command_replay) begin
          state_d = StPopLoad;
          step_d = step_q + 1'b1;
          replay_d = command_replay;
          pop_d = PopAW'(1);
          cycles_d = '0;
        end else if (command_clear) begin
          state_d = StClear;
          step_d = '0;
          clear_d = '0;
          cycles_d = '0;
        end
      end
      StClear: begin
        clear_d = clear_q + ClearAW'(1);
        if (last_clear) begin
          state_d = StIdle;
        end
      end
      StPopLoad: begin
        if (ld_cap_q && 32'(ld_field_q) == DescW - 1) state_d = StPop;
      end
      StPop: begin
        proj_d = (ProjAW + 1)'(pop_word[snn_pkg::PopProjFirst]);
        proj_end_d = (ProjAW + 1)'(pop_word[snn_pkg::PopProjFirst] +
                                   pop_word[snn_pkg::PopProjCount]);
        if (StandIns != 0 && pop_word[snn_pkg::PopKind] == snn_pkg::PopKindInput) begin
          // A stand-in for a population on another chip: its events are the
          // host's (CtrlEventCounts), nothing to deliver or sweep.
          pop_d = pop_q + 1'b1;
          state_d = ((PopAW + 1)'(pop_q) + 1'b1 < num_pops_q) ? StPopLoad : StIdle;
        end else begin
          state_d = (pop_word[snn_pkg::PopProjCount] == 0) ? StSweepStart : StProjLoad;
        end
      end
      StProjLoad: begin
        if (ld_cap_q && 32'(ld_field_q) == ProjLoadWords + 1) state_d = StDeliverStart;
      end
      StDeliverStart: begin
        if (skip_proj) begin
          proj_d = proj_q + 1'b1;
          state_d = (proj_q + 1'b1 < proj_end_q) ? StProjLoad : StSweepStart;
        end else begin
          state_d = StDeliver;
        end
      end
      StDeliver: begin
        if (deliver_done) begin
          proj_d = proj_q + 1'b1;
          state_d = (proj_q + 1'b1 < proj_end_q) ? StProjLoad : StSweepStart;
        end
      end
      StSweepStart: state_d = StSweep;
      // The last spikes are still being written: wait for snn_merge.
      StSweep: if (sweep_done) state_d = StSweepDrain;
      StSweepDrain: begin
        if (!merge_busy) begin
          pop_d = pop_q + 1'b1;
          state_d = ((PopAW + 1)'(pop_q) + 1'b1 < num_pops_q) ? StPopLoad : StIdle;
        end
      end
      default: state_d = StIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= StIdle;
      replay_q <= 1'b0;
      step_q <= '0;
      pop_q <= '0;
      proj_q <= '0;
      proj_end_q <= '0;
      clear_q <= '0;
      cycles_q <= '0;
      ld_q <= '0;
      ld_field_q <= '0;
      ld_cap_q <= 1'b0;
    end else begin
      state_q <= state_d;
      replay_q <= replay_d;
      step_q <= step_d;
      pop_q <= pop_d;
      proj_q <= proj_d;
      proj_end_q <= proj_end_d;
      clear_q <= clear_d;
      cycles_q <= cycles_d;
      ld_q <= ld_d;
      ld_field_q <= ld_field_d;
      ld_cap_q <= ld_cap_d;
    end
  end

  // Counters and statistics: written by the host while idle, and by the
  // controller while busy.  The staging register collects the slices of a
  // wide host write (the word is committed by its last slice); the sweep
  // counts the words it visits in a step (CtrlSweepWords; for a pooled
  // population, the fine words snn_pool_max reads).
  always_comb begin : host_state
    stage_d = host_write ? wide : stage_q;
    num_pops_d = num_pops_q;
    if (host_write && region == 8'(snn_pkg::RegionCtrl) &&
        word == 20'(snn_pkg::CtrlNumPops)) begin
      num_pops_d = (PopAW + 1)'(bus_wdata_i);
    end
    sweep_words_d = sweep_words_q;
    if (command_step || command_replay) begin
      sweep_words_d = '0;
    end
    if (swept_word) begin
      sweep_words_d = sweep_words_q + 32'd1;
    end
  end

  // The swept population's events: cleared when its sweep starts, counting
  // those snn_merge adds, stored with the descriptors when it ends (the
  // input population's count is the host's, written there directly).
  always_comb begin : event_counts
    pop_count_d = pop_count_q;
    if (state_q == StSweepStart) begin
      pop_count_d = '0;
    end
    if (merge_new) begin
      pop_count_d = pop_count_q + 1'b1;
    end
  end
  assign pop_count_we = state_q == StSweepDrain && !merge_busy;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      stage_q <= '0;
      num_pops_q <= '0;
      sweep_words_q <= '0;
      pop_count_q <= '0;
    end else begin
      stage_q <= stage_d;
      num_pops_q <= num_pops_d;
      sweep_words_q <= sweep_words_d;
      pop_count_q <= pop_count_d;
    end
  end

  // Synaptic operations per projection in the last step.
  logic [31:0] sops_rdata;
  snn_perf #(.MaxProjs(MaxProjs), .OpsW($clog2(Lanes + 1))) u_perf (
    .clk_i, .rst_ni,
    .delivering_i(state_q == StDeliver),
    .done_i      (deliver_done),
    .skipped_i   (state_q == StDeliverStart && skip_proj),
    .proj_i      (ProjAW'(proj_q)),
    .ops_i       (deliver_sops),
    .raddr_i     (ProjAW'(word)),
    .rdata_o     (sops_rdata)
  );

  // Readout accumulators (docs/numerics.md, step 3): snn_readout.
  logic [ReadoutBits*SweepLanes-1:0] readout_rdata;
  snn_readout #(
    .Lanes(SweepLanes), .Words(ReadoutWords), .CurrentAW(SweepWordW), .ClearAW(ClearAW),
    .ReadoutModes(ReadoutModes)
  ) u_readout (
    .clk_i, .rst_ni,
    .clear_i     (clearing),
    .clear_addr_i(clear_q),
    .sweeping_i  (sweeping),
    .add_we_i    (readout_we),
    .word_i      (readout_word),
    .add_i       (readout_add),
    .last_i      (readout_last),
    .host_word_i (word),
    .rdata_o     (readout_rdata)
  );

  `ifndef SYNTHESIS
  // Parameter legality (CoreParams::validate checks the same on the host).
  initial begin
    assert (Lanes == 1 || Lanes == 2 || Lanes == 4 || Lanes == 8)
      else $fatal(1, "snn_core: Lanes must be 1, 2, 4 or 8");
    assert (WeightSpram <= 1 && StateSpram <= 3 && EventSpram <= 1 &&
            (StateSpram != 3 || WeightSpram == 1))
      else $fatal(1, "snn_core: WeightSpram and EventSpram are 0 or 1, StateSpram 0..3 (3 with WeightSpram)");
    assert (StateBits >= 4 && StateBits <= 32 && DecayBits <= 16 &&
            CurrentBits >= 2 && CurrentBits <= 32)
      else $fatal(1, "snn_core: StateBits and CurrentBits must be 4..32 and 2..32, DecayBits at most 16");
    assert (PoolCurrents <= 1)
      else $fatal(1, "snn_core: PoolCurrents is 0 or 1");
    assert (ReadoutModes <= 1)
      else $fatal(1, "snn_core: ReadoutModes is 0 or 1");
    assert (NarrowSweep <= 1 && !(NarrowSweep != 0 && PoolCurrents != 0))
      else $fatal(1, "snn_core: NarrowSweep is 0 or 1, and not with PoolCurrents");
    assert (StandIns <= 1)
      else $fatal(1, "snn_core: StandIns is 0 or 1");
    assert (CurrentSpram <= 1 && !(CurrentSpram != 0 && PoolCurrents != 0))
      else $fatal(1, "snn_core: CurrentSpram is 0 or 1, and not with PoolCurrents");
    assert (FieldW <= 32 && ParamW <= 32 * snn_pkg::MaxSlices)
      else $fatal(1, "snn_core: a descriptor field or parameter word is too wide for the bus");
  end

  // The controller's invariants, checked every cycle out of reset (docs/core.md,
  // "Assertions"; yosys reads none of this: SYNTHESIS).
  StateValid: assert property (@(posedge clk_i) disable iff (!rst_ni)
                               32'(state_q) <= 32'(StSweepDrain))
    else $error("snn_core: controller state %0d is not a state", state_q);
  // Writes while busy are ignored (host_write): a command then would be lost.
  CommandWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                    !(bus_req_i && bus_we_i && busy_o &&
                                      region == 8'(snn_pkg::RegionCtrl) &&
                                      word == 20'(snn_pkg::CtrlCommand)))
    else $error("snn_core: command %0d written while busy", bus_wdata_i);
  ClearInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 clearing |-> 32'(clear_q) < ClearDepth)
    else $error("snn_core: clear address %0d past %0d", clear_q, ClearDepth);
  PopInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
                               state_q == StPopLoad |->
                               (PopAW + 1)'(pop_q) < num_pops_q && 32'(num_pops_q) <= MaxPops)
    else $error("snn_core: population %0d of %0d (at most %0d)", pop_q, num_pops_q, MaxPops);
  ProjInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                state_q == StProjLoad |->
                                proj_q < proj_end_q && 32'(proj_end_q) <= MaxProjs)
    else $error("snn_core: projection %0d, the population's end %0d (at most %0d)", proj_q,
                proj_end_q, MaxProjs);
  DescLoadInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                    32'(ld_q) <= DescW)
    else $error("snn_core: descriptor word %0d past %0d", ld_q, DescW);
  // A population's new events stay inside the event memory (snn_merge
  // writes event base + count; the address would wrap).
  // (A net, not the sum itself: Verilator 5.006 fails on array selects
  // inside a property.)
  logic [31:0] new_event_addr;
  assign new_event_addr = pop_word[snn_pkg::PopEventBase] + 32'(pop_count_q);
  EventInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 merge_new && pop_stores_events |->
                                 new_event_addr < EventDepth)
    else $error("snn_core: population %0d's new event at %0d, past the event memory's %0d words",
                pop_q, new_event_addr, EventDepth);
  // A core without the input-current cache (CacheDepth 0) delivers no
  // projection into it: the host leaves every projection uncached.
  CacheBuilt: assert property (@(posedge clk_i) disable iff (!rst_ni)
                               !(CacheDepth == 0 && state_q == StDeliverStart && proj_cached))
    else $error("snn_core: projection %0d is cached: the core is built without a cache (CacheDepth 0)",
                proj_q);
  // A population that pools its currents needs the pooler (the flags
  // register of a core without it drops the bit); the pooler is done with
  // a population when its sweep is.  (The bus inputs themselves: a
  // simulator may sample nets computed from them before they settle.)
  PoolCurrentsBuilt: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                      !(PoolCurrents == 0 && bus_req_i && bus_we_i && !busy_o &&
                                        bus_addr_i[31:24] == 8'(snn_pkg::RegionPop) &&
                                        32'(bus_addr_i[23:4]) % DescW == snn_pkg::PopFlags &&
                                        bus_wdata_i[snn_pkg::PopFlagPoolCurrents]))
    else $error("snn_core: population %0d pools its currents: the core is built without PoolCurrents",
                32'(bus_addr_i[23:4]) / DescW);
  // The membrane readout and the last-step readout need ReadoutModes (a
  // core without it sweeps the kind as a LIF population and ignores the
  // flag).
  MembraneReadoutBuilt: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                         !(ReadoutModes == 0 && bus_req_i && bus_we_i &&
                                           !busy_o &&
                                           bus_addr_i[31:24] == 8'(snn_pkg::RegionPop) &&
                                           32'(bus_addr_i[23:4]) % DescW == snn_pkg::PopKind &&
                                           2'(bus_wdata_i) == 2'(snn_pkg::PopKindMembrane)))
    else $error("snn_core: population %0d reads out its membranes: the core is built without ReadoutModes",
                32'(bus_addr_i[23:4]) / DescW);
  ReadoutLastBuilt: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                     !(ReadoutModes == 0 && bus_req_i && bus_we_i && !busy_o &&
                                       bus_addr_i[31:24] == 8'(snn_pkg::RegionPop) &&
                                       32'(bus_addr_i[23:4]) % DescW == snn_pkg::PopFlags &&
                                       bus_wdata_i[snn_pkg::PopFlagReadoutLast]))
    else $error("snn_core: population %0d keeps the last step's readout: the core is built without ReadoutModes",
                32'(bus_addr_i[23:4]) / DescW);
  // Only a readout keeps its last step (elsewhere the flag would be lost).
  ReadoutLastOnReadout: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                         state_q == StSweepStart && readout_last |->
                                         readout || membrane)
    else $error("snn_core: population %0d keeps the last step's readout but is no readout",
                pop_q);
  PoolDoneWithSweep: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                      sweep_done |-> !pool_busy)
    else $error("snn_core: the sweep is done before the pooled currents");
  // Counters never wrap.  step_q counts from the last CmdClear; the
  // merge's slot tags ({population, step}) assume it does not wrap.
  StepNoWrap: assert property (@(posedge clk_i) disable iff (!rst_ni)
                               (command_step || command_replay) |-> step_q != '1)
    else $error("snn_core: %0d steps since the last clear", step_q);
  CyclesNoWrap: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                 busy_o |-> cycles_q != '1)
    else $error("snn_core: cycle counter wrapped");
  SweepWordsNoWrap: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                     swept_word |-> sweep_words_q != '1)
    else $error("snn_core: swept-word counter wrapped");
  `endif

  // ---- Host reads ---------------------------------------------------------------
  // Registers are read into rdata_q; a readout word or SOP count comes from
  // its RAM in the same cycle (a readout word selected by the registered
  // lane and half).
  logic [31:0] rdata_q, rdata_d;
  logic rd_readout_q, rd_readout_d, rd_high_q, rd_high_d, rd_sops_q, rd_sops_d;
  logic [SweepLaneAW-1:0] rd_lane_q, rd_lane_d;
  logic [ReadoutBits-1:0] rd_acc;
  assign rd_acc = readout_rdata[ReadoutBits*rd_lane_q+:ReadoutBits];
  always_comb begin
    bus_rdata_o = rdata_q;
    if (rd_readout_q) begin
      bus_rdata_o = rd_high_q ? 32'(signed'(rd_acc[ReadoutBits-1:32])) : rd_acc[31:0];
    end else if (rd_sops_q) begin
      bus_rdata_o = sops_rdata;
    end
  end
  always_comb begin : host_read
    rdata_d = rdata_q;
    rd_readout_d = rd_readout_q;
    rd_sops_d = rd_sops_q;
    rd_high_d = rd_high_q;
    rd_lane_d = rd_lane_q;
    if (bus_req_i && !bus_we_i) begin
      rd_readout_d = region == 8'(snn_pkg::RegionReadout) &&
                     32'(word) < ReadoutWords * SweepLanes;
      rd_sops_d = region == 8'(snn_pkg::RegionPerf) && 32'(word) < MaxProjs;
      rd_high_d = slice[0];
      rd_lane_d = SweepLaneAW'(32'(word) & (SweepLanes - 1));
      unique case (region)
        8'(snn_pkg::RegionCtrl): begin
          unique case (word)
            20'(snn_pkg::CtrlStatus):     rdata_d = 32'(busy_o);
            20'(snn_pkg::CtrlCyclesLo):   rdata_d = cycles_q[31:0];
            20'(snn_pkg::CtrlCyclesHi):   rdata_d = cycles_q[63:32];
            20'(snn_pkg::CtrlSweepWords): rdata_d = sweep_words_q;
            default:                      rdata_d = '0;
          endcase
        end
        default: rdata_d = '0;
      endcase
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rdata_q <= '0;
      rd_readout_q <= 1'b0;
      rd_sops_q <= 1'b0;
      rd_high_q <= 1'b0;
      rd_lane_q <= '0;
    end else begin
      rdata_q <= rdata_d;
      rd_readout_q <= rd_readout_d;
      rd_sops_q <= rd_sops_d;
      rd_high_q <= rd_high_d;
      rd_lane_q <= rd_lane_d;
    end
  end

endmodule
