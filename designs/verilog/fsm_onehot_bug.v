// expect: fail depth=3
// BUG: leaving LOAD also sets the DONE bit.
module fsm_onehot (
  input clk,
  input rst,
  input start,
  input last,
  output busy,
  output done
);
  localparam IDLE = 0, LOAD = 1, RUN = 2, DONE = 3;
  reg [3:0] state;
  reg [3:0] next;

  always @* begin
    next = 4'b0000;
    case (1'b1)
      state[IDLE]: if (start) next[LOAD] = 1'b1; else next[IDLE] = 1'b1;
      state[LOAD]: begin next[RUN] = 1'b1; next[DONE] = 1'b1; end
      state[RUN]:  if (last) next[DONE] = 1'b1; else next[RUN] = 1'b1;
      state[DONE]: next[IDLE] = 1'b1;
      default:     next[IDLE] = 1'b1;
    endcase
  end

  always @(posedge clk)
    if (rst) state <= 4'b0001;
    else state <= next;

  assign busy = state[LOAD] | state[RUN];
  assign done = state[DONE];

`ifdef FORMAL
  reg past_valid = 1'b0;
  always @(posedge clk) past_valid <= 1'b1;
  initial assume(rst);

  always @(posedge clk) if (past_valid) begin
    assert($onehot(state));
    if (!$past(rst) && done) assert($past(state[RUN]) && $past(last));
    cover(done);
  end
`endif
endmodule
