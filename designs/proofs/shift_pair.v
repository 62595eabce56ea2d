// expect: pass (with a lemma; plain k-induction stalls below k = 32)
// Two 32-stage shift registers fed the same bit: their outputs always agree. Plain k-induction needs
// k = 32 (an unreachable difference in the first stage reaches the outputs 31 steps later), beyond
// the default depth of 20; the lemma a == b makes the property 1-inductive.
module shift_pair (
  input clk,
  input din,
  output qa,
  output qb
);
  reg [31:0] a, b;
  initial a = 32'd0;
  initial b = 32'd0;

  always @(posedge clk) begin
    a <= {a[30:0], din};
    b <= {b[30:0], din};
  end

  assign qa = a[31];
  assign qb = b[31];

`ifdef FORMAL
  always @(posedge clk)
    assert(qa == qb);
`endif
endmodule
