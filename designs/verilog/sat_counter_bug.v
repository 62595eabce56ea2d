// expect: fail depth=14
// BUG: counting up does not check for saturation.
module sat_counter #(
  parameter W = 4,
  parameter [W-1:0] MAX = 12
) (
  input clk,
  input rst_n,
  input up,
  input down,
  output reg [W-1:0] level,
  output at_max,
  output at_min
);
  assign at_max = level == MAX;
  assign at_min = level == {W{1'b0}};

  always @(posedge clk or negedge rst_n)
    if (!rst_n) level <= {W{1'b0}};
    else case ({up, down})
      2'b10: level <= level + 1'b1;
      2'b01: if (!at_min) level <= level - 1'b1;
      default: level <= level;
    endcase

`ifdef FORMAL
  reg past_valid = 1'b0;
  always @(posedge clk) past_valid <= 1'b1;
  // The reset is asserted in the first cycle; while it is, level reads 0.
  initial assume(!rst_n);

  always @(posedge clk) begin
    assert(level <= MAX);
    if (!rst_n) assert(level == 0);
    if (past_valid && rst_n && $past(rst_n)) begin
      if ($past(up && !down && at_max)) assert(at_max);
      if ($past(!up && down && at_min)) assert(at_min);
      if ($past(up == down)) assert($stable(level));
    end
    cover(at_max);
  end
`endif
endmodule
