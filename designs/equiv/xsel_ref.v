// Reference with don't-cares: unused opcodes give x, and the data register takes x when not loading.
module xsel (
  input clk, input [1:0] op, input load, input [7:0] a, input [7:0] b,
  output reg [7:0] y, output [7:0] q
);
  reg [7:0] r;
  always @* case (op)
    2'd0: y = a & b;
    2'd1: y = a | b;
    2'd2: y = a ^ b;
    default: y = 8'bx;
  endcase
  always @(posedge clk) r <= load ? a : 8'bx;
  assign q = load ? r : 8'h00;
endmodule
