// equiv: pic_ref.v pass --reset rst
// Refactoring of pic_ref.v: one shared adder for addlw/addwf, the ALU as a mux tree, file writes by decoded
// enables. The clock is still used on both edges: hwverify lowers both designs with clk2fflogic.
module pic (
  input clk, input rst, input [11:0] instr,
  output reg [7:0] w, output reg [7:0] port
);
  reg [11:0] ir;
  reg [7:0] f0, f1, f2, f3;
  wire [3:0] op = ir[11:8];
  wire [1:0] a = ir[1:0];
  wire [7:0] fsel = a[1] ? (a[0] ? f3 : f2) : (a[0] ? f1 : f0);
  wire [7:0] operand = op == 4'd5 ? fsel : ir[7:0];
  wire [7:0] sum = w + operand;
  wire [7:0] alu = op == 4'd1 ? ir[7:0] : op == 4'd3 ? (w ^ ir[7:0]) : op == 4'd7 ? 8'd0 : sum;
  wire w_en = op == 4'd1 || op == 4'd2 || op == 4'd3 || op == 4'd5 || op == 4'd7;
  wire [3:0] f_en = {4{op == 4'd4}} & (4'b0001 << a);
  always @(negedge clk)
    ir <= rst ? 12'd0 : instr;
  always @(posedge clk) begin
    if (rst) w <= 8'd0; else if (w_en) w <= alu;
    if (rst) port <= 8'd0; else if (op == 4'd6) port <= fsel;
    if (rst) f0 <= 8'd0; else if (f_en[0]) f0 <= w;
    if (rst) f1 <= 8'd0; else if (f_en[1]) f1 <= w;
    if (rst) f2 <= 8'd0; else if (f_en[2]) f2 <= w;
    if (rst) f3 <= 8'd0; else if (f_en[3]) f3 <= w;
  end
endmodule
