// equiv: xsel_ref.v pass
// X-removal refactor: the unused opcode gives a + b and the register keeps its value when not loading.
module xsel (
  input clk, input [1:0] op, input load, input [7:0] a, input [7:0] b,
  output reg [7:0] y, output [7:0] q
);
  reg [7:0] r;
  always @* case (op)
    2'd0: y = a & b;
    2'd1: y = a | b;
    2'd2: y = a ^ b;
    default: y = a + b;
  endcase
  always @(posedge clk) if (load) r <= a;
  assign q = load ? r : 8'h00;
endmodule
