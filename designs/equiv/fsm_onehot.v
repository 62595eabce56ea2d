// equiv: fsm_ref.v pass --reset rst
// The FSM re-encoded one-hot (four flag registers), no initial values; equal to the reference after reset only.
module fsm (
  input clk, input rst, input req, input ack, input abort,
  output grant, output busy, output [1:0] phase
);
  reg s_idle, s_wait, s_grant, s_done;
  always @(posedge clk)
    if (rst) begin
      s_idle <= 1; s_wait <= 0; s_grant <= 0; s_done <= 0;
    end else begin
      s_idle  <= (s_idle && !req) || (s_wait && abort) || s_done;
      s_wait  <= (s_idle && req) || (s_wait && !abort && !ack);
      s_grant <= (s_wait && !abort && ack) || (s_grant && req);
      s_done  <= s_grant && !req;
    end
  assign grant = s_grant;
  assign busy = s_wait | s_grant;
  assign phase = {s_grant | s_done, s_wait | s_done};
endmodule
