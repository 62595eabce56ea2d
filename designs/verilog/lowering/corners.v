// Corner cases: ascending ranges, offset memories, signed registers and ports,
// integer arithmetic, casex, nested functions, negative indices, wide values.
module corner_sub #(parameter signed [7:0] BIAS = -8'sd3) (
  input signed [7:0] x,
  output signed [9:0] y
);
  assign y = x * 2 + BIAS;      // signed through the port
endmodule

module corners (
  input clk,
  input [7:0] a,
  input signed [7:0] sb,
  input [3:0] k,
  input [2:0] s,
  output [0:7] asc,
  output reg [7:0] mo,
  output signed [9:0] sy,
  output reg signed [15:0] sacc,
  output reg [3:0] cx,
  output [70:0] wide,
  output reg [5:0] nf
);
  reg [7:0] om [15:8];          // memory with offset addresses
  reg [0:7] ar;                 // ascending register
  integer ii;

  assign asc = {a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]} ^ ar;
  corner_sub u_s (.x(sb), .y(sy));
  assign wide = {a, sb, 55'h0} + {63'd0, a} - 71'd1;

  function [3:0] f2;
    input [3:0] v;
    f2 = v ^ 4'b1010;
  endfunction
  function [5:0] f1;
    input [3:0] v;
    input [2:0] w;
    f1 = {f2(v), 2'b01} + w;
  endfunction

  always @(posedge clk) begin
    om[8 + k[2:0]] <= a;
    mo <= om[15 - k[2:0]];
    ar[s] <= a[0];
    ar[0:1] <= {a[7], a[6]};
    ii = $signed(sb) * -3 + k;
    sacc <= sacc + ii[15:0] - (sb >>> 2);
    casex (a[3:0])
      4'b1xx1: cx <= 4'd1;
      4'b0x1x: cx <= 4'd2;
      4'bxx00: cx <= 4'd3;
      default: cx <= cx + 4'd1;
    endcase
    nf <= f1(k, s);
  end
endmodule
