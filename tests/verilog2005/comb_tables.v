// Lookup tables and combinational memories as real cores write them: words of a wire
// array driven by assign, a memory filled in always @*, one always @* block that both
// feeds a submodule and reads its output (no loop), and a case that is full over the
// selector's own width with 32-bit labels.
module comb_round(input wire [7:0] a, output wire [7:0] y);
  assign y = {a[6:0], a[7]} ^ 8'h1b;
endmodule

module comb_tables(input wire clk, input wire reset_n, input wire [1:0] sel, input wire [7:0] d,
                   output reg [7:0] q, output wire [7:0] t, output reg [31:0] k);
  wire [7:0] lut [0:3];
  assign lut[0] = 8'h63;
  assign lut[1] = 8'h7c;
  assign lut[2] = 8'h77;
  assign lut[3] = 8'h7b;
  assign t = lut[sel];

  reg [7:0] words [0:3];
  reg [7:0] round_in, mixed;
  wire [7:0] round_out;
  comb_round r0(.a(round_in), .y(round_out));
  always @*
    begin : mix
      integer i;
      for (i = 0; i < 4; i = i + 1)
        words[i] = d + i[7:0];
      if (sel[0])
        words[2] = 8'hff;
      round_in = words[sel];
      mixed = round_out ^ words[0];
    end

  always @*
    begin : consts
      case (sel)
        00: k = 32'h428a2f98;
        01: k = 32'h71374491;
        02: k = 32'hb5c0fbcf;
        03: k = 32'he9b5dba5;
      endcase
    end

  always @(posedge clk or negedge reset_n)
    if (!reset_n) q <= 8'h0;
    else q <= mixed;
endmodule
