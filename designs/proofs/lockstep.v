// expect: pass (with a lemma; plain k-induction stalls)
// Two 16-bit counters that start at 0 and always move together. "Never a == 3 && b == 5" holds, but
// it is not k-inductive for any small k: the unreachable states (x, x + 2) reach it after 3 - x steps
// and simple paths through 2^16 such states are long. The lemma a == b makes it 1-inductive.
module lockstep (
  input clk,
  input en,
  output reg [15:0] a,
  output reg [15:0] b
);
  initial a = 16'd0;
  initial b = 16'd0;

  always @(posedge clk)
    if (en) begin
      a <= a + 16'd1;
      b <= b + 16'd1;
    end

`ifdef FORMAL
  always @(posedge clk)
    assert(!(a == 16'd3 && b == 16'd5));
`endif
endmodule
