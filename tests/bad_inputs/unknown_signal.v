module m(input clk, output reg [3:0] q);
  always @(posedge clk) q <= nosuch + 1;
endmodule
