// Reference: a request/grant handshake FSM, binary-encoded, no initial values, synchronous reset.
module fsm (
  input clk, input rst, input req, input ack, input abort,
  output grant, output busy, output [1:0] phase
);
  localparam IDLE = 2'd0, WAIT = 2'd1, GRANT = 2'd2, DONE = 2'd3;
  reg [1:0] state;
  always @(posedge clk)
    if (rst) state <= IDLE;
    else case (state)
      IDLE:  if (req) state <= WAIT;
      WAIT:  if (abort) state <= IDLE; else if (ack) state <= GRANT;
      GRANT: if (!req) state <= DONE;
      DONE:  state <= IDLE;
    endcase
  assign grant = state == GRANT;
  assign busy = state == WAIT || state == GRANT;
  assign phase = state;
endmodule
