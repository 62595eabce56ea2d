// equiv: alu_ref.v pass
// The same ALU with one shared adder (a + ~b + 1 for subtraction) and a mux tree.
module alu (
  input [2:0] op, input [7:0] a, input [7:0] b,
  output [7:0] y, output zero, output carry
);
  wire sub = op != 3'd0;
  wire [8:0] sum = {1'b0, a} + {1'b0, sub ? ~b : b} + {8'd0, sub};
  wire borrow = ~sum[8];                         // a < b (unsigned) when subtracting
  wire overflow = (a[7] ^ b[7]) & (a[7] ^ sum[7]);
  wire less = sum[7] ^ overflow;                 // a < b (signed)
  wire [15:0] ext = {{8{a[7]}}, a};
  wire [7:0] sra = ext >> b[2:0];
  wire [7:0] logic_y = op[1] ? (op[0] ? a | b : a & b) : a ^ b;
  wire [7:0] cmp_y = {7'd0, op[0] ? less : borrow};   // 3'd5 signed, 3'd6 unsigned
  assign y = op == 3'd0 || op == 3'd1 ? sum[7:0]
           : op == 3'd7 ? sra
           : op[2] && op != 3'd4 ? cmp_y
           : logic_y;
  assign carry = op == 3'd0 ? sum[8] : op == 3'd1 ? borrow : 1'b0;
  assign zero = ~|y;
endmodule
