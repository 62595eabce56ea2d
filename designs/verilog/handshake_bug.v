// expect: fail depth=3
// BUG: always ready, so a stalled word is overwritten.
module handshake #(
  parameter W = 8
) (
  input clk,
  input rst,
  input in_valid,
  output in_ready,
  input [W-1:0] in_data,
  output reg out_valid,
  input out_ready,
  output reg [W-1:0] out_data
);
  assign in_ready = 1'b1;

  always @(posedge clk)
    if (rst) out_valid <= 1'b0;
    else if (in_ready) begin
      out_valid <= in_valid;
      if (in_valid) out_data <= in_data;
    end

`ifdef FORMAL
  reg past_valid = 1'b0;
  always @(posedge clk) past_valid <= 1'b1;
  initial assume(rst);

  // Words accepted but not yet delivered.
  reg [1:0] inflight;
  always @(posedge clk)
    if (rst) inflight <= 2'd0;
    else inflight <= inflight + (in_valid && in_ready) - (out_valid && out_ready);

  always @(posedge clk) if (past_valid && !$past(rst)) begin
    // The source keeps an offered word stable until it is taken ...
    if ($past(in_valid && !in_ready)) assume(in_valid && $stable(in_data));
    // ... and so does this stage.
    if ($past(out_valid && !out_ready)) assert(out_valid && $stable(out_data));
    assert(inflight == out_valid);
    cover(out_valid && out_ready && $past(out_valid && !out_ready));
  end
`endif
endmodule
