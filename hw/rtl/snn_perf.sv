// Copyright snnc authors.
//
// snn_perf: the synaptic operations of each projection in the last step,
// the performance counters the host reads after every step (CoreEngine's
// statistics and efficiency).  One counter runs while a projection is
// delivered and is kept in a small block RAM when it ends; a projection
// skipped by a replayed step gets 0.  A register per projection had cost
// about 60 logic cells each on the iCE40.

module snn_perf #(
  parameter int unsigned MaxProjs = 4,
  parameter int unsigned OpsW     = 4, // width of the per-cycle count
  localparam int unsigned ProjAW  = $clog2(MaxProjs > 1 ? MaxProjs : 2)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              delivering_i, // the projection proj_i is delivered
  input  logic              done_i,       // its last operations are in ops_i
  input  logic              skipped_i,    // proj_i is skipped this step
  input  logic [ProjAW-1:0] proj_i,
  input  logic [OpsW-1:0]   ops_i,
  // Host reads: the count of projection raddr_i, the cycle after.
  input  logic [ProjAW-1:0] raddr_i,
  output logic [31:0]       rdata_o
);

  logic [31:0] count_q, total;
  assign total = count_q + 32'(ops_i);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      count_q <= '0;
    end else begin
      count_q <= delivering_i ? total : '0;
    end
  end

  snn_ram #(.Width(32), .Depth(MaxProjs)) u_counts (
    .clk_i,
    .we_i   ((delivering_i && done_i) || skipped_i),
    .waddr_i(proj_i),
    .wdata_i(delivering_i ? total : '0),
    .raddr_i,
    .rdata_o
  );

endmodule
