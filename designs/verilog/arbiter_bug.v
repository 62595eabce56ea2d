// expect: fail depth=2
// BUG: requester 3 is granted whenever it asks, even with another grant.
module arbiter (
  input clk,
  input rst,
  input [3:0] req,
  output reg [3:0] grant
);
  reg [1:0] last;          // index of the last requester served
  reg [3:0] next_grant;
  reg found;
  integer i;

  function [1:0] encode;
    input [3:0] onehot;
    casez (onehot)
      4'b???1: encode = 2'd0;
      4'b??10: encode = 2'd1;
      4'b?100: encode = 2'd2;
      default: encode = 2'd3;
    endcase
  endfunction

  // Search from the requester after the last one served.
  always @* begin
    next_grant = 4'b0000;
    found = 1'b0;
    for (i = 1; i <= 4; i = i + 1)
      if (!found && req[(last + i) % 4]) begin
        next_grant[(last + i) % 4] = 1'b1;
        found = 1'b1;
      end
  end

  always @(posedge clk)
    if (rst) begin
      grant <= 4'b0000;
      last <= 2'd3;
    end else begin
      grant <= next_grant | (req & 4'b1000);
      if (found) last <= encode(next_grant);
    end

`ifdef FORMAL
  reg past_valid = 1'b0;
  always @(posedge clk) past_valid <= 1'b1;
  initial assume(rst);

  // Cycles requester 0 has been waiting (requesting without a grant).
  reg [3:0] wait0;
  always @(posedge clk)
    if (rst || !req[0] || grant[0]) wait0 <= 0;
    else if (wait0 != 4'hf) wait0 <= wait0 + 1'b1;

  always @(posedge clk) if (past_valid && !$past(rst)) begin
    assert((grant & (grant - 1'b1)) == 0);      // at most one grant
    assert((grant & ~$past(req)) == 0);         // only to requesters
    assert(grant == 0 || grant[last]);          // last remembers the grant
    assert(wait0 <= 4);                         // no starvation
    cover(grant == 4'b1000);
  end
`endif
endmodule
