// Statement attributes and blanks inside based literals (PicoRV32 writes both).
module attributes_literals(input clk, input resetn, input [2:0] op, input [31:0] a, output reg [31:0] r);
  parameter [31:0] RESET_VALUE = 32'h 0000_0010;
  reg [31:0] next;
  always @* begin
    next = r;
    (* parallel_case *)
    case (1'b1)
      op[0]: next = a + 32'h 0000_0001;
      op[1]: next = a ^ r;
      op[2]: next = r - 32'd 3;
    endcase
  end
  always @(posedge clk)
    if (!resetn) r <= RESET_VALUE;
    else r <= next;
endmodule
