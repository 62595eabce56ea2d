// Verilog-2001 as real cores write it: an asynchronous reset clearing a memory in a loop over an
// integer declared in the named block, reg a = 1, b = 0;, part-selects of memory words as targets,
// a generate loop, localparam expressions, $clog2 and `default_nettype none.
`default_nettype none
module async_loops #(parameter DEPTH = 12, parameter W = 8)
  (input wire clk, input wire reset_n, input wire we, input wire [7:0] d, input wire [3:0] a,
   output wire [W-1:0] q, output wire [31:0] s);
  localparam AW = $clog2(DEPTH);
  localparam HALF = (W / 2) + (DEPTH > 8 ? 1 : 0);
  reg [W-1:0] mem [0:DEPTH-1];
  reg x = 1'b1, y = 1'b0;
  reg [AW-1:0] ptr;
  genvar g;
  wire [W-1:0] rev;
  generate for (g = 0; g < W; g = g + 1) begin : rv
    assign rev[g] = d[W-1-g];
  end endgenerate
  always @(posedge clk or negedge reset_n)
    begin : reg_update
      integer i;
      if (!reset_n) begin
        for (i = 0; i < DEPTH; i = i + 1)
          mem[i] <= {W{1'b0}};
        ptr <= 0;
      end else begin
        if (we) begin
          mem[a % DEPTH][3:0] <= rev[3:0];
          mem[a % DEPTH][7:4] <= d[7:4];
        end
        ptr <= ptr + HALF[AW-1:0];
        x <= ~x; y <= x;
      end
    end
  assign q = mem[ptr % DEPTH] ^ {x, y, 6'd0};
  assign s = HALF;
endmodule
