`default_nettype none
`define STEP_BASE 1
module include_top(input wire clk, input wire rst, output reg [7:0] count);
`include "include_defs.vh"
  always @(posedge clk)
    if (rst) count <= 8'd0;
    else count <= count + STEP[7:0];
endmodule
`default_nettype wire
