// A key register with load and clear, and a status flag key_empty.
// dout = din ^ key_q: the key is in use whenever one is loaded.
// clear must zeroise the key: with -D WEAK_CLEAR it only clears the low byte
// (key_empty is set anyway), so the old key's high byte still reaches dout.
module key_store (
  input             clk,
  input             rst,
  input             load,
  input             clear,
  input      [15:0] key,
  input      [15:0] din,
  output     [15:0] dout,
  output reg        key_empty
);
  reg [15:0] key_q;

  assign dout = din ^ key_q;

  always @(posedge clk) begin
    if (rst || clear) begin
`ifdef WEAK_CLEAR
      key_q[7:0] <= 8'd0;
`else
      key_q <= 16'd0;
`endif
      key_empty <= 1'b1;
    end else if (load) begin
      key_q <= key;
      key_empty <= 1'b0;
    end
  end
endmodule
