// expect: fail depth=1
// BUG: a zero seed is loaded as is, and the LFSR locks up at 0.
module lfsr (
  input clk,
  input load,
  input [7:0] seed,
  output reg [7:0] state,
  output bit_out
);
  localparam [7:0] TAPS = 8'b1011_1000;

  initial state = 8'h01;
  assign bit_out = state[7];

  always @(posedge clk)
    if (load) state <= seed;
    else state <= {state[6:0], ^(state & TAPS)};

`ifdef FORMAL
  always @* assert(state != 8'h00);
  always @(posedge clk) cover(state == 8'h80);
`endif
endmodule
