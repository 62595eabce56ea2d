// expect: pass
// A 20-bit counter that stays even: it starts at 0 and adds 2 (or 4 when
// fast). The assertion (it never reads all ones) holds, but an odd
// unreachable value reaches 20'hFFFFF only after up to 2**19 steps, so no
// small k makes it k-inductive; the invariant is count[0] == 0.
module even20 (
  input clk,
  input fast,
  output reg [19:0] count
);
  initial count = 20'd0;
  always @(posedge clk)
    count <= count + (fast ? 20'd4 : 20'd2);

`ifdef FORMAL
  always @(posedge clk) assert(count != 20'hFFFFF);
`endif
endmodule
