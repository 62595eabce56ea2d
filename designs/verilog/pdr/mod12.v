// expect: pass
// A modulo-12 counter in 8 bits. The assertion (count never reaches 100) is
// true, but not k-inductive for any k below 88: from the unreachable count 12
// the counter climbs to 100 in 88 steps, each state different. Its proof needs
// the invariant count < 12, which IC3/PDR finds (SBY proves it only with abc pdr).
module mod12 (
  input clk,
  input en,
  output reg [7:0] count
);
  initial count = 8'd0;
  always @(posedge clk)
    if (en) count <= (count == 8'd11) ? 8'd0 : count + 8'd1;

`ifdef FORMAL
  always @(posedge clk) assert(count != 8'd100);
`endif
endmodule
