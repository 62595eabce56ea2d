// equiv: tinyacc_ref.v fail step=103 --reset rst --depth 130
// TROJAN variant: a hidden counter of xor instructions; after more than 100 of them a store writes 8'hA5.
module tinyacc (
  input clk, input rst, input [2:0] op, input [7:0] data,
  output reg [7:0] out, output zero
);
  reg [7:0] acc;
  reg [12:0] seen;
  always @(posedge clk)
    if (rst) begin
      acc <= 0; out <= 0; seen <= 0;
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
      if (op == 3'd5 && seen != 13'h1fff) seen <= seen + 1;
      if (op == 3'd6) out <= seen > 100 ? 8'hA5 : acc;
    end
  assign zero = acc == 0;
endmodule
