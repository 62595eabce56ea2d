// expect: pass
// A modulo-12 counter in 16 bits with a wide unreachable region (12..65535).
// The assertion (count never reads 16'hFFF0) holds; from 12 the counter needs
// 65508 steps to get there, so k-induction cannot prove it, and the whole
// invariant count < 12 must be found (at the bit level: the upper 12 bits are
// 0 and bits 3 and 2 are never both set). Reported as decided by neither of
// SBY's engines in 60 s.
module mod12_wide (
  input clk,
  input en,
  input rst,
  output reg [15:0] count
);
  initial count = 16'd0;
  always @(posedge clk)
    if (rst) count <= 16'd0;
    else if (en) count <= (count == 16'd11) ? 16'd0 : count + 16'd1;

`ifdef FORMAL
  always @(posedge clk) assert(count != 16'hFFF0);
`endif
endmodule
