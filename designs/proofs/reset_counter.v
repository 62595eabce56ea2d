// expect: pass with assume_reset (registers start anywhere; the reset in the first cycle brings them home)
// A saturating counter without initial values: only reset gives it a value. Without assuming the reset
// in cycle 0 a run may start at 15 with rst low and the assertion fails at once (a real counterexample
// of the design as written); `assume_reset` adds that assumption and the proof goes through.
module reset_counter (
  input clk,
  input rst,
  input en,
  output reg [3:0] c
);
  always @(posedge clk)
    if (rst) c <= 4'd0;
    else if (en && c < 4'd9) c <= c + 4'd1;

`ifdef FORMAL
  always @(posedge clk)
    if (!rst) assert(c <= 4'd9);
`endif
endmodule
