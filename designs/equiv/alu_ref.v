// Reference 8-bit ALU (a case statement per operation).
module alu (
  input [2:0] op, input [7:0] a, input [7:0] b,
  output reg [7:0] y, output zero, output reg carry
);
  always @* begin
    carry = 1'b0;
    case (op)
      3'd0: {carry, y} = a + b;
      3'd1: {carry, y} = {1'b0, a} - {1'b0, b};
      3'd2: y = a & b;
      3'd3: y = a | b;
      3'd4: y = a ^ b;
      3'd5: y = $signed(a) < $signed(b);
      3'd6: y = a < b;
      default: y = $signed(a) >>> b[2:0];
    endcase
  end
  assign zero = y == 8'd0;
endmodule
