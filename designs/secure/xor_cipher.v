// A toy keyed cipher with a done flag: four rounds of state = rotl(state ^ key, 1).
// The data output shows the state only once done is set; before that it is 0.
// With -D LEAK the output shows state ^ key while busy (the planted leak path).
module xor_cipher (
  input             clk,
  input             rst,
  input             start,
  input      [15:0] key,
  input      [15:0] din,
  output     [15:0] dout,
  output            busy,
  output reg        done
);
  reg [15:0] key_q;
  reg [15:0] state;
  reg [2:0]  round;
  reg        running;

  assign busy = running;
`ifdef LEAK
  assign dout = done ? state : (running ? state ^ key_q : 16'd0);
`else
  assign dout = done ? state : 16'd0;
`endif

  always @(posedge clk) begin
    if (rst) begin
      running <= 1'b0;
      done <= 1'b0;
      round <= 3'd0;
      state <= 16'd0;
      key_q <= 16'd0;
    end else if (start && !running) begin
      running <= 1'b1;
      done <= 1'b0;
      round <= 3'd0;
      state <= din;
      key_q <= key;
    end else if (running) begin
      state <= {state[14:0] ^ key_q[14:0], state[15] ^ key_q[15]};
      round <= round + 3'd1;
      if (round == 3'd3) begin
        running <= 1'b0;
        done <= 1'b1;
      end
    end
  end
endmodule
