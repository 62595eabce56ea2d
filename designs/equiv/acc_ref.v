// Reference accumulator: sums 'din' for 'len' cycles after 'start', then holds the total.
module acc (
  input clk, input rst, input start, input [3:0] len, input [7:0] din,
  output [7:0] total, output busy
);
  reg [7:0] sum = 8'd0;
  reg [3:0] left = 4'd0;
  reg running = 1'b0;
  always @(posedge clk) begin
    if (rst) begin
      sum <= 8'd0; left <= 4'd0; running <= 1'b0;
    end else if (start && !running) begin
      sum <= 8'd0; left <= len; running <= len != 4'd0;
    end else if (running) begin
      sum <= sum + din;
      left <= left - 4'd1;
      running <= left != 4'd1;
    end
  end
  assign total = sum;
  assign busy = running;
endmodule
