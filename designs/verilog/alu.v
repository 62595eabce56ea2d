// expect: pass
// A small 8-bit ALU; each result is checked against a second formulation.
module alu (
  input [2:0] op,
  input [7:0] a,
  input [7:0] b,
  output reg [7:0] y,
  output zero,
  output reg carry
);
  localparam ADD = 3'd0, SUB = 3'd1, AND = 3'd2, OR = 3'd3,
             XOR = 3'd4, SLT = 3'd5, SLTU = 3'd6, SRA = 3'd7;

  always @* begin
    carry = 1'b0;
    case (op)
      ADD:  {carry, y} = a + b;
      SUB:  {carry, y} = {1'b0, a} - {1'b0, b};
      AND:  y = a & b;
      OR:   y = a | b;
      XOR:  y = a ^ b;
      SLT:  y = $signed(a) < $signed(b);
      SLTU: y = a < b;
      default: y = $signed(a) >>> b[2:0];
    endcase
  end
  assign zero = y == 8'd0;

`ifdef FORMAL
  wire [8:0] diff = {1'b0, a} + {1'b1, ~b} + 9'd1;   // a - b by two's complement
  always @* begin
    assert(zero == ~|y);
    case (op)
      ADD:  assert(y == a + b && carry == (a > 8'hff - b));
      SUB:  assert(y == diff[7:0] && carry == (a < b));
      SLT:  assert(y == ((a[7] != b[7]) ? {7'd0, a[7]} : {7'd0, diff[7]}));
      SLTU: assert(y == {7'd0, carry | (a < b)});
      SRA:  assert(y == (({{8{a[7]}}, a} >> b[2:0]) & 16'h00ff));
      default: assert(carry == 1'b0);
    endcase
    cover(op == SLT && y == 8'd1 && a[7] == 1'b0);
  end
`endif
endmodule
