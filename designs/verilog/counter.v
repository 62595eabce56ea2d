// expect: pass
// A modulo-10 counter with enable: the count never leaves 0..9 and wraps to 0.
module counter (
  input clk,
  input rst,
  input en,
  output reg [3:0] count,
  output wrap
);
  localparam [3:0] MAX = 4'd9;

  initial count = 4'd0;
  assign wrap = en && count == MAX;

  always @(posedge clk)
    if (rst) count <= 4'd0;
    else if (en) count <= wrap ? 4'd0 : count + 4'd1;

`ifdef FORMAL
  reg past_valid = 1'b0;
  always @(posedge clk) past_valid <= 1'b1;

  always @(posedge clk) begin
    assert(count <= MAX);
    if (past_valid && !$past(rst) && $past(wrap)) assert(count == 4'd0);
    cover(wrap);
  end
`endif
endmodule
