// Copyright snnc authors.
//
// snn_pool_max: the input currents of a population that pools them
// (snn_pkg::PopFlagPoolCurrents; snnTorch's Conv -> MaxPool2d -> Leaky).
// Its projections deliver into a fine grid of (height * pool_y) x
// (width * pool_x) positions, channel-last like the neurons; each pooled
// neuron word m = (py * width + px) * groups + g reads, per lane, the signed
// maximum of its window's pool_y x pool_x fine words
//
//   a = ((py * pool_y + i) * width * pool_x + px * pool_x + j) * groups + g,
//
// each the 32-bit wrapping sum of the stored current and, for a cached
// population, the cached input current at cache_base + a (what snn_sweep
// adds for a population that does not pool).
//
// The words go to snn_sweep in its order, one window at a time: one fine
// word is read a cycle (the current memory's read port, and the cache's at
// the same offset), and the cycle after, its value joins the running
// maximum while the word is cleared through the write port, so the current
// memory is all zeros again when the next population starts delivering.
// A window's maximum waits in max_q until the sweep takes it (max_ready_i,
// the cycle the sweep issues the word); it stays there for one more cycle,
// because the sweep uses it in its next stage, as it would the current
// memory's read data.  The last read of a window waits for max_q to free:
// a pooled word costs max(2, pool_y * pool_x) cycles while the sweep keeps
// up.  Before the first word, the fine grid's row stride (width * pool_x *
// groups words) is summed, one groups a cycle: width * pool_x cycles per
// population instead of a multiplier.  Addresses then follow from adders
// only (the next word, row, lane word or window).

module snn_pool_max #(
  parameter int unsigned Lanes       = 1,
  parameter int unsigned CurrentBits = 32,
  parameter int unsigned CurrentAW   = 8,
  parameter int unsigned CacheAW     = 8,
  parameter int unsigned CoordBits   = 8,
  // The window's extent, as PopFlags holds it.
  localparam int unsigned WinBits    = snn_pkg::PopFlagPoolBits
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         start_i,
  // Reading, or a maximum not yet taken.
  output logic                         busy_o,
  // The population (stable from start_i until busy_o falls): pooled
  // extent, window, lane words per position.
  input  logic                         cached_i,
  input  logic [CurrentAW-1:0]         groups_i,
  input  logic [CoordBits-1:0]         height_i,
  input  logic [CoordBits-1:0]         width_i,
  input  logic [WinBits-1:0]           pool_y_i,
  input  logic [WinBits-1:0]           pool_x_i,
  input  logic [CacheAW-1:0]           cache_base_i,
  // Memory ports; a word written is written with zero.
  output logic [CurrentAW-1:0]         current_raddr_o,
  input  logic [CurrentBits*Lanes-1:0] current_rdata_i,
  output logic                         current_we_o,
  output logic [CurrentAW-1:0]         current_waddr_o,
  output logic [CacheAW-1:0]           cache_raddr_o,
  input  logic [CurrentBits*Lanes-1:0] cache_rdata_i,
  // The pooled words' currents, in order; held the cycle after they are
  // taken.
  output logic                         max_valid_o,
  input  logic                         max_ready_i,
  output logic [32*Lanes-1:0]          max_o,
  // A fine word is read (the core counts them as swept words).
  output logic                         word_o
);

  typedef enum logic [1:0] {
    PoolIdle, PoolStride, PoolWalk
  } pool_state_e;

  pool_state_e state_q, state_d;
  // Where the walk is: offsets in the window (i, j), lane word, pooled
  // position; the fine word read next, the first of its window row, of its
  // window, and of the next window along the row.
  logic [WinBits-1:0] i_q, i_d, j_q, j_d;
  logic [CurrentAW-1:0] g_q, g_d;
  logic [CoordBits-1:0] px_q, px_d, py_q, py_d;
  logic [CurrentAW-1:0] addr_q, addr_d, row_q, row_d, win_q, win_d, next_win_q, next_win_d;
  logic [CurrentAW-1:0] stride_q, stride_d;
  // The word read last cycle, whose data arrive now.
  logic rd_valid_q, rd_first_q, rd_last_q;
  logic [CurrentAW-1:0] rd_addr_q;
  logic [32*Lanes-1:0] acc_q, acc_d, max_q;
  logic max_valid_q, max_valid_d;

  logic last_i, last_j, last_g, last_px, last_py, window_last, max_free, issue;
  logic [CurrentAW-1:0] addr_inc, next_win;
  assign last_i = i_q == pool_y_i - WinBits'(1);
  assign last_j = j_q == pool_x_i - WinBits'(1);
  assign last_g = g_q == groups_i - CurrentAW'(1);
  assign last_px = px_q == width_i - CoordBits'(1);
  assign last_py = py_q == height_i - CoordBits'(1);
  assign window_last = last_i && last_j;
  // The word after the window's last element of row 0 starts the next
  // window along the row (read in the last lane word's window; with a
  // one-row window, that is now).  The word after a pooled row's very last
  // starts the next pooled row.
  assign addr_inc = addr_q + CurrentAW'(1);
  assign next_win = i_q == '0 ? addr_inc : next_win_q;
  // A window's last read fills max_q the cycle after: max_q must be free
  // by then, so it is either empty or taken now, and no other window's
  // last read is in flight (registered terms only).
  assign max_free = (!max_valid_q || max_ready_i) && !(rd_valid_q && rd_last_q);
  assign issue = state_q == PoolWalk && (!window_last || max_free);

  always_comb begin : walk
    state_d = state_q;
    i_d = i_q;
    j_d = j_q;
    g_d = g_q;
    px_d = px_q;
    py_d = py_q;
    addr_d = addr_q;
    row_d = row_q;
    win_d = win_q;
    next_win_d = next_win_q;
    stride_d = stride_q;
    unique case (state_q)
      PoolIdle: begin
        if (start_i) begin
          state_d = PoolStride;
          i_d = '0;
          j_d = '0;
          g_d = '0;
          px_d = '0;
          py_d = '0;
          addr_d = '0;
          row_d = '0;
          win_d = '0;
          stride_d = '0;
        end
      end
      // The row stride: groups, once per fine column (j, px count them).
      PoolStride: begin
        stride_d = stride_q + groups_i;
        if (!last_j) begin
          j_d = j_q + WinBits'(1);
        end else begin
          j_d = '0;
          if (!last_px) begin
            px_d = px_q + CoordBits'(1);
          end else begin
            px_d = '0;
            state_d = PoolWalk;
          end
        end
      end
      PoolWalk: begin
        if (issue) begin
          if (i_q == '0 && last_j) begin
            next_win_d = addr_inc;
          end
          if (!last_j) begin
            j_d = j_q + WinBits'(1);
            addr_d = addr_q + groups_i;
          end else if (!last_i) begin
            j_d = '0;
            i_d = i_q + WinBits'(1);
            row_d = row_q + stride_q;
            addr_d = row_q + stride_q;
          end else begin
            j_d = '0;
            i_d = '0;
            if (!last_g) begin
              g_d = g_q + CurrentAW'(1);
              win_d = win_q + CurrentAW'(1);
              row_d = win_q + CurrentAW'(1);
              addr_d = win_q + CurrentAW'(1);
            end else begin
              g_d = '0;
              if (!last_px) begin
                px_d = px_q + CoordBits'(1);
                win_d = next_win;
                row_d = next_win;
                addr_d = next_win;
              end else begin
                px_d = '0;
                py_d = py_q + CoordBits'(1);
                win_d = addr_inc;
                row_d = addr_inc;
                addr_d = addr_inc;
                if (last_py) begin
                  state_d = PoolIdle;
                end
              end
            end
          end
        end
      end
      default: state_d = PoolIdle;
    endcase
  end

  assign current_raddr_o = addr_q;
  assign cache_raddr_o = CacheAW'(32'(cache_base_i) + 32'(addr_q));
  assign word_o = issue;
  // The word read last cycle is consumed: cleared for the next population.
  assign current_we_o = rd_valid_q;
  assign current_waddr_o = rd_addr_q;

  // ---- The maximum ------------------------------------------------------------
  for (genvar l = 0; l < Lanes; l++) begin : g_lane
    logic signed [31:0] value, acc;
    // The same 32-bit wrapping sum as the sweep's.
    assign value = 32'(signed'(current_rdata_i[CurrentBits*l+:CurrentBits])) +
                   (cached_i ? 32'(signed'(cache_rdata_i[CurrentBits*l+:CurrentBits]))
                             : 32'd0);
    assign acc = acc_q[32*l+:32];
    assign acc_d[32*l+:32] = (rd_first_q || value > acc) ? value : acc;
  end
  assign max_valid_d = (max_valid_q && !max_ready_i) || (rd_valid_q && rd_last_q);
  assign max_valid_o = max_valid_q;
  assign max_o = max_q;
  assign busy_o = state_q != PoolIdle || rd_valid_q || max_valid_q;

  // The running and finished maxima are read only where valid: no reset.
  always_ff @(posedge clk_i) begin
    if (rd_valid_q) begin
      acc_q <= acc_d;
    end
    if (rd_valid_q && rd_last_q) begin
      max_q <= acc_d;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= PoolIdle;
      i_q <= '0;
      j_q <= '0;
      g_q <= '0;
      px_q <= '0;
      py_q <= '0;
      addr_q <= '0;
      row_q <= '0;
      win_q <= '0;
      next_win_q <= '0;
      stride_q <= '0;
      rd_valid_q <= 1'b0;
      rd_first_q <= 1'b0;
      rd_last_q <= 1'b0;
      rd_addr_q <= '0;
      max_valid_q <= 1'b0;
    end else begin
      state_q <= state_d;
      i_q <= i_d;
      j_q <= j_d;
      g_q <= g_d;
      px_q <= px_d;
      py_q <= py_d;
      addr_q <= addr_d;
      row_q <= row_d;
      win_q <= win_d;
      next_win_q <= next_win_d;
      stride_q <= stride_d;
      rd_valid_q <= issue;
      rd_first_q <= i_q == '0 && j_q == '0;
      rd_last_q <= window_last;
      rd_addr_q <= addr_q;
      max_valid_q <= max_valid_d;
    end
  end

  `ifndef SYNTHESIS
  // A population is pooled over at least one fine word per window, and
  // has at least one word to sweep.
  WindowLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                start_i |-> pool_y_i != '0 && pool_x_i != '0)
    else $error("snn_pool_max: a %0d x %0d pooling window", pool_y_i, pool_x_i);
  ExtentLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                start_i |-> groups_i != '0 && height_i != '0 && width_i != '0)
    else $error("snn_pool_max: %0d x %0d positions of %0d lane words", height_i, width_i,
                groups_i);
  StartWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                  start_i |-> !busy_o)
    else $error("snn_pool_max: started while busy");
  // A window's maximum never overwrites one the sweep has not taken, nor
  // one it takes now (it reads it next cycle).
  MaxNoOverflow: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                  rd_valid_q && rd_last_q |-> !max_valid_q)
    else $error("snn_pool_max: a window's maximum overwrites the last one");
  TakenWhenValid: assert property (@(posedge clk_i) disable iff (!rst_ni)
                                   max_ready_i |-> max_valid_q)
    else $error("snn_pool_max: the sweep took a maximum that is not there");
  `endif

endmodule
