// hwv_cells: a small standard-cell library's Verilog models, written for hwverify's tests (public domain,
// like the rest of this repository's own designs). Shaped like a PDK's models: `timescale, `celldefine,
// specify blocks with path delays, gate primitives in some cells and behavioural code in others.
`timescale 1ns/10ps

`celldefine
module INVX1 (A, Y);
  input A;
  output Y;
  not (Y, A);
  specify
    (A => Y) = (0.05, 0.04);
  endspecify
endmodule
`endcelldefine

`celldefine
module BUFX1 (A, Y);
  input A;
  output Y;
  buf (Y, A);
  specify
    (A => Y) = (0.08, 0.07);
  endspecify
endmodule
`endcelldefine

`celldefine
module NAND2X1 (A, B, Y);
  input A, B;
  output Y;
  nand (Y, A, B);
  specify
    (A => Y) = (0.06, 0.05);
    (B => Y) = (0.06, 0.05);
  endspecify
endmodule
`endcelldefine

`celldefine
module NOR2X1 (A, B, Y);
  input A, B;
  output Y;
  nor (Y, A, B);
  specify
    (A => Y) = (0.07, 0.05);
    (B => Y) = (0.07, 0.05);
  endspecify
endmodule
`endcelldefine

`celldefine
module AND2X1 (A, B, Y);
  input A, B;
  output Y;
  wire n;
  nand (n, A, B);
  not (Y, n);
endmodule
`endcelldefine

`celldefine
module OR2X1 (A, B, Y);
  input A, B;
  output Y;
  assign Y = A | B;
endmodule
`endcelldefine

`celldefine
module XOR2X1 (A, B, Y);
  input A, B;
  output Y;
  xor (Y, A, B);
endmodule
`endcelldefine

`celldefine
module XNOR2X1 (A, B, Y);
  input A, B;
  output Y;
  xnor (Y, A, B);
endmodule
`endcelldefine

`celldefine
module AOI21X1 (A, B, C, Y);
  input A, B, C;
  output Y;
  assign Y = ~((A & B) | C);
endmodule
`endcelldefine

`celldefine
module OAI21X1 (A, B, C, Y);
  input A, B, C;
  output Y;
  assign Y = ~((A | B) & C);
endmodule
`endcelldefine

`celldefine
module MUX2X1 (A, B, S, Y);
  input A, B, S;
  output Y;
  assign Y = S ? B : A;
endmodule
`endcelldefine

// rising-edge D flip-flop, no reset
`celldefine
module DFFPOSX1 (CLK, D, Q);
  input CLK, D;
  output Q;
  reg Q;
  always @(posedge CLK)
    Q <= D;
  specify
    (posedge CLK => (Q +: D)) = (0.12, 0.11);
    $setup(D, posedge CLK, 0.05);
    $hold(posedge CLK, D, 0.02);
  endspecify
endmodule
`endcelldefine
