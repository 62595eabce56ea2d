// expect: pass
// 8-bit maximal-length Fibonacci LFSR (x^8 + x^6 + x^5 + x^4 + 1) with a seed load.
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
    if (load) state <= (seed == 8'h00) ? 8'h01 : seed;
    else state <= {state[6:0], ^(state & TAPS)};

`ifdef FORMAL
  always @* assert(state != 8'h00);
  always @(posedge clk) cover(state == 8'h80);
`endif
endmodule
