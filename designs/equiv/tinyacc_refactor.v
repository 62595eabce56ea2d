// equiv: tinyacc_ref.v pass --reset rst
// Refactor: one adder for add and sub (acc + ~data + 1), the ALU as a mux tree, a store enable wire.
module tinyacc (
  input clk, input rst, input [2:0] op, input [7:0] data,
  output reg [7:0] out, output zero
);
  reg [7:0] acc;
  wire sub = op == 3'd3;
  wire [7:0] sum = acc + (sub ? ~data : data) + {7'd0, sub};
  wire [7:0] logic_res = op[0] ? (acc ^ data) : (acc & data);
  wire [7:0] alu = op == 3'd1 ? data : (op == 3'd2 || sub) ? sum : (op == 3'd4 || op == 3'd5) ? logic_res :
                   op == 3'd7 ? 8'd0 : acc;
  wire store = op == 3'd6;
  always @(posedge clk) begin
    acc <= rst ? 8'd0 : alu;
    out <= rst ? 8'd0 : store ? acc : out;
  end
  assign zero = ~|acc;
endmodule
