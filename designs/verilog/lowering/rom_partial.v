// A ROM that $readmemh fills in part: rom_partial.hex sets words 0-3 and 8;
// the others are x in Verilog and free (chosen once, at step 0) in the model.
module rom_partial (
  input clk,
  input [3:0] addr,
  output [7:0] peek,
  output reg [7:0] q
);
  reg [7:0] rom [0:15];
  initial $readmemh("rom_partial.hex", rom);
  assign peek = rom[addr];
  always @(posedge clk) q <= rom[addr];
endmodule
