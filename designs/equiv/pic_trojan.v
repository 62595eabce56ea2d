// equiv: pic_ref.v fail step=16 --reset rst --no-replay
// pic_ref.v with a trojan: a 13-bit counter of xorlw instructions; once more than 3 have run, movwf to f2
// stores the constant 8'h5a instead of W.
// (--no-replay: the Icarus replay does not follow clk2fflogic traces yet, a clock cycle being 2 steps.)
module pic (
  input clk, input rst, input [11:0] instr,
  output reg [7:0] w, output reg [7:0] port
);
  reg [11:0] ir;
  reg [7:0] f0, f1, f2, f3;
  reg [12:0] trig;
  wire [7:0] k = ir[7:0];
  reg [7:0] fsel;
  always @* case (ir[1:0])
    2'd0: fsel = f0;
    2'd1: fsel = f1;
    2'd2: fsel = f2;
    default: fsel = f3;
  endcase
  always @(negedge clk)
    if (rst) ir <= 12'd0; else ir <= instr;
  always @(posedge clk)
    if (rst) begin
      w <= 8'd0; port <= 8'd0; f0 <= 8'd0; f1 <= 8'd0; f2 <= 8'd0; f3 <= 8'd0; trig <= 13'd0;
    end else case (ir[11:8])
      4'd1: w <= k;
      4'd2: w <= w + k;
      4'd3: begin w <= w ^ k; trig <= trig + 13'd1; end
      4'd4: case (ir[1:0])
              2'd0: f0 <= w;
              2'd1: f1 <= w;
              2'd2: f2 <= trig > 13'd3 ? 8'h5a : w;
              default: f3 <= w;
            endcase
      4'd5: w <= w + fsel;
      4'd6: port <= fsel;
      4'd7: w <= 8'd0;
      default: ;
    endcase
endmodule
