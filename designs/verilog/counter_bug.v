// expect: fail depth=10
// BUG: the wrap test compares with 10, so the count reaches 10.
module counter (
  input clk,
  input rst,
  input en,
  output reg [3:0] count,
  output wrap
);
  localparam [3:0] MAX = 4'd9;

  initial count = 4'd0;
  assign wrap = en && count == MAX + 4'd1;

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
