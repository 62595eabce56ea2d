// ANSI function and task headers: automatic, signed, integer, 1995-style alongside, task outputs.
module functions_ansi(input clk, input [7:0] a, input [7:0] b, output reg [7:0] q, output [31:0] r, output [7:0] t);
  function automatic [7 : 0] gm2(input [7 : 0] op);
    begin
      gm2 = {op[6 : 0], 1'b0} ^ (8'h1b & {8{op[7]}});
    end
  endfunction
  function [31 : 0] l2b(input [31 : 0] op);
    begin
      l2b = {op[7 : 0], op[15 : 8], op[23 : 16], op[31 : 24]};
    end
  endfunction
  function signed [7:0] sadd(input signed [7:0] x, y);
    sadd = x + y;
  endfunction
  function integer ones(input [7:0] v);
    integer k;
    begin
      ones = 0;
      for (k = 0; k < 8; k = k + 1) ones = ones + v[k];
    end
  endfunction
  function par;
    input [7:0] v;
    par = ^v;
  endfunction
  task automatic swap(input [7:0] x, input [7:0] y, output [7:0] o1, output [7:0] o2);
    begin
      o1 = y; o2 = x;
    end
  endtask
  reg [7:0] u, v;
  always @(posedge clk) begin
    swap(a, b, u, v);
    q <= gm2(a) ^ sadd(a, b) ^ u ^ {7'd0, par(b)};
  end
  assign r = l2b({a, b, a, b}) + ones(a);
  assign t = v;
endmodule
