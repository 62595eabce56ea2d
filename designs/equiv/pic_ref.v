// Reference: a PIC16F84-style two-phase core (ours). The instruction register is loaded on the falling
// clock edge, the W/file registers execute on the rising edge, so the clock is used with both polarities.
// op = ir[11:8]: 1 movlw k, 2 addlw k, 3 xorlw k, 4 movwf f, 5 addwf f (W <= W + f), 6 movf f to port, 7 clrw.
module pic (
  input clk, input rst, input [11:0] instr,
  output reg [7:0] w, output reg [7:0] port
);
  reg [11:0] ir;
  reg [7:0] f0, f1, f2, f3;
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
      w <= 8'd0; port <= 8'd0; f0 <= 8'd0; f1 <= 8'd0; f2 <= 8'd0; f3 <= 8'd0;
    end else case (ir[11:8])
      4'd1: w <= k;
      4'd2: w <= w + k;
      4'd3: w <= w ^ k;
      4'd4: case (ir[1:0])
              2'd0: f0 <= w;
              2'd1: f1 <= w;
              2'd2: f2 <= w;
              default: f3 <= w;
            endcase
      4'd5: w <= w + fsel;
      4'd6: port <= fsel;
      4'd7: w <= 8'd0;
      default: ;
    endcase
endmodule
