// Reference: inputs registered, then summed (8 bits, wraps). Registers start at 0.
module retime (input clk, input [7:0] a, input [7:0] b, output [7:0] y);
  reg [7:0] ra = 0, rb = 0;
  always @(posedge clk) begin ra <= a; rb <= b; end
  assign y = ra + rb;
endmodule
