// Reference: a tiny accumulator machine. op: 0 nop, 1 load, 2 add, 3 sub, 4 and, 5 xor, 6 store, 7 clear.
module tinyacc (
  input clk, input rst, input [2:0] op, input [7:0] data,
  output reg [7:0] out, output zero
);
  reg [7:0] acc;
  always @(posedge clk)
    if (rst) begin
      acc <= 0; out <= 0;
    end else begin
      case (op)
        3'd1: acc <= data;
        3'd2: acc <= acc + data;
        3'd3: acc <= acc - data;
        3'd4: acc <= acc & data;
        3'd5: acc <= acc ^ data;
        3'd7: acc <= 0;
        default: ;
      endcase
      if (op == 3'd6) out <= acc;
    end
  assign zero = acc == 0;
endmodule
