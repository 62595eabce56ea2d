// expect: pass
// Synchronous FIFO (4 x 8 bits) with count, full and empty.
module fifo #(
  parameter DW = 8,
  parameter AW = 2
) (
  input clk,
  input rst,
  input wr_en,
  input [DW-1:0] wr_data,
  input rd_en,
  output [DW-1:0] rd_data,
  output full,
  output empty,
  output reg [AW:0] count
);
  localparam DEPTH = 1 << AW;

  reg [DW-1:0] mem [0:DEPTH-1];
  reg [AW-1:0] wr_ptr, rd_ptr;
  wire do_wr = wr_en && !full;
  wire do_rd = rd_en && !empty;

  assign full = count == DEPTH;
  assign empty = count == 0;
  assign rd_data = mem[rd_ptr];

  always @(posedge clk) begin
    if (rst) begin
      wr_ptr <= 0;
      rd_ptr <= 0;
      count <= 0;
    end else begin
      if (do_wr) begin
        mem[wr_ptr] <= wr_data;
        wr_ptr <= wr_ptr + 1'b1;
      end
      if (do_rd) rd_ptr <= rd_ptr + 1'b1;
      count <= count + do_wr - do_rd;
    end
  end

`ifdef FORMAL
  reg past_valid = 1'b0;
  always @(posedge clk) past_valid <= 1'b1;
  initial assume(rst);

  wire ptr_ok = count <= DEPTH && wr_ptr - rd_ptr == count[AW-1:0];

  always @* if (past_valid) begin
    assert(ptr_ok);
    assert(!(full && empty));
  end

  // A word written into an empty FIFO is the next word read. The pointer
  // invariant is part of the assertion so that it is inductive on its own.
  always @(posedge clk) if (past_valid)
    assert(ptr_ok && (!$past(do_wr && empty && !rst) || rd_data == $past(wr_data)));

  always @(posedge clk) begin
    cover(full);
    cover(past_valid && $past(full) && empty);
  end
`endif
endmodule
