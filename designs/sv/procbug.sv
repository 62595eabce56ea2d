// expect: pass
// yosys' nested non-blocking override bug (issue 12): inside `if (a)`, the later `r <= x` must override
// the earlier `if (b) r <= 0`, so r is x one step after a. yosys 0.70 (and SymbiYosys with it) reads
// `if (a) r <= b ? 0 : x` and reports a wrong FAIL; hwverify's yosys frontend reads the later
// assignment as `if (1'b1) r <= x;` (hwverify/frontend/procbug.py), which yosys orders correctly.
module procbug(input clk, input a, input b, input [3:0] x, output reg [3:0] r);
  initial r = 0;
  always @(posedge clk) if (a) begin if (b) r <= 4'd0; r <= x; end
`ifdef FORMAL
  reg [3:0] px; reg pa; reg pv = 0;
  always @(posedge clk) begin px <= x; pa <= a; pv <= 1; end
  always @(*) if (pv && pa) assert(r == px);
`endif
endmodule
