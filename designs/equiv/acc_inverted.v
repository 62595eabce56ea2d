// equiv: acc_ref.v pass
// The accumulator stored inverted (nsum = ~sum) and the state as two one-hot flags.
module acc (
  input clk, input rst, input start, input [3:0] len, input [7:0] din,
  output [7:0] total, output busy
);
  reg [7:0] nsum = 8'hff;
  reg [3:0] left = 4'd0;
  reg idle = 1'b1;                     // one-hot with run: exactly one is set
  reg run = 1'b0;
  always @(posedge clk) begin
    if (rst) begin
      nsum <= 8'hff; left <= 4'd0; idle <= 1'b1; run <= 1'b0;
    end else if (start && idle) begin
      nsum <= 8'hff; left <= len; run <= len != 4'd0; idle <= len == 4'd0;
    end else if (run) begin
      nsum <= ~(~nsum + din);
      left <= left - 4'd1;
      run <= left != 4'd1; idle <= left == 4'd1;
    end
  end
  assign total = ~nsum;
  assign busy = run;
endmodule
