// expect: pass
// Twin counters kept equal: a (8 bits) and b (16 bits) both count 0..99 and
// wrap when they reach 99. The assertion a == b[7:0] holds, but is not
// k-inductive for small k: from an unreachable state with a == b[7:0] and
// b >= 256, b does not wrap when a does, and the two part ~100 steps later.
// The invariant needs a == b and b < 100 (the upper byte of b stays 0).
module twin_counters (
  input clk,
  input en,
  output reg [7:0] a,
  output reg [15:0] b
);
  initial a = 8'd0;
  initial b = 16'd0;
  always @(posedge clk)
    if (en) begin
      a <= (a == 8'd99) ? 8'd0 : a + 8'd1;
      b <= (b == 16'd99) ? 16'd0 : b + 16'd1;
    end

`ifdef FORMAL
  always @(posedge clk) assert(a == b[7:0]);
`endif
endmodule
