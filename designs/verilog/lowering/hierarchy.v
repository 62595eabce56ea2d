// Hierarchy, parameters (#() and defparam), generate for/if, functions, tasks,
// signed arithmetic through ports, memories with $readmemh, named blocks.
module adder #(parameter W = 4, parameter SIGNED_OUT = 0) (
  input [W-1:0] x, input [W-1:0] y, output [W:0] s
);
  // ripple-carry through a generate loop: bit-level chains are not loops
  wire [W:0] c;
  assign c[0] = 1'b0;
  genvar i;
  generate
    for (i = 0; i < W; i = i + 1) begin : bitn
      wire p = x[i] ^ y[i];
      assign s[i] = p ^ c[i];
      assign c[i+1] = (x[i] & y[i]) | (p & c[i]);
    end
  endgenerate
  generate
    if (SIGNED_OUT) begin : sx
      assign s[W] = x[W-1] ^ y[W-1] ^ c[W];
    end else begin : ux
      assign s[W] = c[W];
    end
  endgenerate
endmodule

module regfile #(parameter AW = 3, parameter DW = 8) (
  input clk, input we, input [AW-1:0] wa, input [DW-1:0] wd,
  input [AW-1:0] ra, output [DW-1:0] rd
);
  reg [DW-1:0] mem [0:(1<<AW)-1];
  initial $readmemh("hierarchy_rom.hex", mem);
  always @(posedge clk) if (we) mem[wa] <= wd;
  assign rd = mem[ra];
endmodule

module hierarchy (
  input clk, input rst,
  input [7:0] a, input [7:0] b, input [2:0] k, input go,
  output [8:0] sum, output [8:0] ssum, output [7:0] rd,
  output reg signed [9:0] sacc, output reg [7:0] fout, output reg [3:0] lead
);
  adder #(.W(8)) u_add (.x(a), .y(b), .s(sum));
  adder u_sadd (.x(a), .y(b), .s(ssum));
  defparam u_sadd.W = 8, u_sadd.SIGNED_OUT = 1;
  regfile #(3, 8) u_rf (.clk(clk), .we(go), .wa(k), .wd(a ^ b), .ra(b[2:0]), .rd(rd));

  function [7:0] rotl;
    input [7:0] v;
    input [2:0] n;
    integer j;
    begin
      rotl = v;
      for (j = 0; j < 8; j = j + 1)
        if (j < n) rotl = {rotl[6:0], rotl[7]};
    end
  endfunction

  function signed [9:0] sext8;
    input [7:0] v;
    sext8 = $signed(v);
  endfunction

  function [3:0] lz;   // leading zeros with a casez priority table
    input [7:0] v;
    casez (v)
      8'b1???????: lz = 0;
      8'b01??????: lz = 1;
      8'b001?????: lz = 2;
      8'b0001????: lz = 3;
      8'b00001???: lz = 4;
      8'b000001??: lz = 5;
      8'b0000001?: lz = 6;
      8'b00000001: lz = 7;
      default:     lz = 8;
    endcase
  endfunction

  task bump;
    input [7:0] by;
    begin
      fout <= fout + by;
    end
  endtask

  always @(posedge clk) begin : main
    reg [7:0] tmp;
    if (rst) begin
      sacc <= 0;
      fout <= 8'h5a;
    end else begin
      tmp = rotl(a, k);
      sacc <= sacc + sext8(tmp) - $signed({1'b0, b});
      if (go) bump(tmp);
      else fout <= fout ^ tmp;
    end
    lead <= lz(a & b);
  end
endmodule
