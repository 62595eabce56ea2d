// expect: fail depth=3
// BUG: the second operand skips a pipeline stage.
module pipe_mul (
  input clk,
  input rst,
  input in_valid,
  input [7:0] a,
  input [7:0] b,
  output reg out_valid,
  output reg [15:0] p
);
  reg [7:0] a1, b1;
  reg [15:0] m2;
  reg v1, v2;

  always @(posedge clk) begin
    a1 <= a;
    b1 <= b;
    m2 <= a1 * b;
    p <= m2;
    if (rst) {v1, v2, out_valid} <= 3'b000;
    else {v1, v2, out_valid} <= {in_valid, v1, v2};
  end

`ifdef FORMAL
  reg [1:0] age = 2'd0;
  always @(posedge clk) if (age != 2'd3) age <= age + 1'b1;

  always @(posedge clk) if (age == 2'd3) begin
    assert(p == $past(a, 3) * $past(b, 3));
    if (!$past(rst, 1) && !$past(rst, 2) && !$past(rst, 3))
      assert(out_valid == $past(in_valid, 3));
  end
  always @(posedge clk) cover(out_valid && p == 16'd143);
`endif
endmodule
