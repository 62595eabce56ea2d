// expect: pass (with a lemma; plain k-induction stalls)
// A 16-entry FIFO that keeps an occupancy count next to its read and write pointers. The pointers
// carry a wrap bit (full and empty are decided from them, as many FIFOs do), and the count is kept
// apart. "count <= 16" holds but is not k-inductive for small k: from the unreachable states where
// the count disagrees with the pointers (count = 16 while the pointers say "not full") a push
// overflows it. The invariant count == wptr - rptr closes the proof.
module fifo_count (
  input clk,
  input rst,
  input push,
  input pop,
  input [7:0] din,
  output [7:0] dout,
  output full,
  output empty,
  output reg [4:0] count
);
  reg [4:0] wptr, rptr;     // 4 address bits and a wrap bit
  reg [7:0] mem [0:15];

  initial begin
    wptr = 5'd0;
    rptr = 5'd0;
    count = 5'd0;
  end

  assign empty = wptr == rptr;
  assign full = wptr[3:0] == rptr[3:0] && wptr[4] != rptr[4];
  assign dout = mem[rptr[3:0]];

  wire do_push = push && !full;
  wire do_pop = pop && !empty;

  always @(posedge clk) begin
    if (rst) begin
      wptr <= 5'd0;
      rptr <= 5'd0;
      count <= 5'd0;
    end else begin
      if (do_push) begin
        mem[wptr[3:0]] <= din;
        wptr <= wptr + 5'd1;
      end
      if (do_pop)
        rptr <= rptr + 5'd1;
      count <= count + (do_push ? 5'd1 : 5'd0) - (do_pop ? 5'd1 : 5'd0);
    end
  end

`ifdef FORMAL
  always @(posedge clk)
    assert(count <= 5'd16);
`endif
endmodule
