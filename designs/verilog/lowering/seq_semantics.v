// Blocking vs non-blocking assignments, swaps, partial writes, loops, case.
module seq_semantics (
  input clk,
  input rst_n,
  input [7:0] a,
  input [7:0] b,
  input [2:0] sel,
  output reg [7:0] x,
  output reg [7:0] y,
  output reg [7:0] t,
  output reg [15:0] acc,
  output [3:0] pop
);
  reg [7:0] shreg [0:3];
  reg [3:0] ones;
  integer i;

  // swap with non-blocking assignments; blocking temporaries inside
  always @(posedge clk) begin
    t = a ^ b;          // blocking: visible below
    x <= y;
    y <= x + t;
    if (sel == 3'd7) begin
      x[3:0] <= 4'hf;   // partial NBA after a full NBA: last one wins per bit
    end
    t[7] = 1'b0;
  end

  // shift register array with a loop and an async reset
  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      for (i = 0; i < 4; i = i + 1) shreg[i] <= 8'd0;
      acc <= 16'h0;
    end else begin
      shreg[0] <= a;
      for (i = 1; i < 4; i = i + 1) shreg[i] <= shreg[i-1];
      case (sel)
        3'd0: acc <= acc + a;
        3'd1, 3'd2: acc <= acc - {8'd0, b};
        3'd3: acc[15:8] <= a;
        3'd4: acc[sel +: 4] <= b[3:0];
        default: acc <= {acc[7:0], acc[15:8]};
      endcase
    end
  end

  // combinational popcount with a for loop
  always @* begin
    ones = 0;
    for (i = 0; i < 8; i = i + 1)
      ones = ones + a[i];
  end
  assign pop = ones;
endmodule
