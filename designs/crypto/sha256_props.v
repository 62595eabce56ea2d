// Properties of the bundled SHA-256 core (designs/verilog/crypto/sha256_core.v).
//
// sha256_round_ref / sha256_schedule_ref: one compression round and one message
// schedule step written from FIPS 180-4 (sections 4.1.2, 6.2.2) with rotations
// as ROTR^n(x) = (x >> n) | (x << 32 - n); proven equal to the core's
// sha256_round / sha256_schedule by `hwverify equiv`.
// sha256_control_check: done exactly 66 cycles after an accepted start (64
// rounds + load + final addition), busy and done never both, round counter 0
// outside the rounds, starts while busy ignored; sha256_output_check: the digest
// stable except when done rises.
// top: sha256_control_check

module sha256_round_ref (
  input  [255:0] vars_in,
  input  [31:0]  k,
  input  [31:0]  w,
  output [255:0] vars_out
);
  function [31:0] rotr;
    input [31:0] x;
    input [5:0] n;
    rotr = (x >> n) | (x << (6'd32 - n));
  endfunction

  wire [31:0] a = vars_in[255:224], b = vars_in[223:192], c = vars_in[191:160], d = vars_in[159:128];
  wire [31:0] e = vars_in[127:96],  f = vars_in[95:64],   g = vars_in[63:32],   h = vars_in[31:0];

  wire [31:0] s1  = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);     // (4.5)
  wire [31:0] s0  = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);     // (4.4)
  wire [31:0] chf = (e & f) ^ (~e & g);                          // (4.2)
  wire [31:0] mjf = (a & b) ^ (a & c) ^ (b & c);                 // (4.3)
  wire [31:0] t1  = h + s1 + chf + k + w;
  wire [31:0] t2  = s0 + mjf;
  assign vars_out = {t1 + t2, a, b, c, d + t1, e, f, g};
endmodule

module sha256_schedule_ref (
  input  [511:0] window,     // W[t] .. W[t+15], W[t] in the top word
  output [31:0]  w_t,
  output [31:0]  w_next      // W[t+16]
);
  function [31:0] rotr;
    input [31:0] x;
    input [5:0] n;
    rotr = (x >> n) | (x << (6'd32 - n));
  endfunction
  function [31:0] word;      // W[t+i]
    input [511:0] win;
    input [4:0] i;
    word = win[511 - 32 * i -: 32];
  endfunction
  wire [31:0] x1 = word(window, 1), x14 = word(window, 14);
  wire [31:0] sg0 = rotr(x1, 7) ^ rotr(x1, 18) ^ (x1 >> 3);       // (4.6)
  wire [31:0] sg1 = rotr(x14, 17) ^ rotr(x14, 19) ^ (x14 >> 10);  // (4.7)
  assign w_t = word(window, 0);
  assign w_next = sg1 + word(window, 9) + sg0 + word(window, 0);  // (6.2.2 step 1)
endmodule

module sha256_control_check (
  input          clk,
  input          rst_n,
  input          start,
  input          init,
  input  [511:0] block
);
  wire [255:0] digest;
  wire busy, done;
  wire [31:0] blocks;
  sha256_core u (.clk(clk), .rst_n(rst_n), .start(start), .init(init), .block(block),
                 .digest(digest), .busy(busy), .done(done), .blocks(blocks));

  initial assume(!rst_n);          // as in crypto_accel: the run starts in reset
  reg        reset_seen = 1'b0;
  reg        pending = 1'b0;
  reg [6:0]  cnt = 7'd0;
  always @(posedge clk) begin
    reset_seen <= reset_seen || !rst_n;
    if (!rst_n) begin
      pending <= 1'b0;
      cnt <= 7'd0;
    end else if (start && !busy) begin
      pending <= 1'b1;
      cnt <= 7'd1;
    end else if (done) begin
      pending <= 1'b0;
    end else if (pending && cnt != 7'd127) begin
      cnt <= cnt + 7'd1;
    end
  end

  always @* begin
    if (reset_seen && rst_n) begin
      assert(done == (pending && cnt == 7'd66));     // 64 rounds + load + final addition
      assert(busy == (pending && cnt != 7'd66));     // a start while busy is not accepted
      assert(!(busy && done));
      if (u.fsm != 2'd1) assert(u.round == 6'd0);    // round counter 0..63, 0 outside the rounds
      if (pending && cnt >= 7'd1 && cnt <= 7'd64) assert(u.round == cnt - 7'd1);
    end
  end
endmodule

// The digest changes only when done rises, or to the IV after an accepted start
// with init (its own wrapper: this one has the datapath in its cone, the control
// check above has not).
module sha256_output_check (
  input          clk,
  input          rst_n,
  input          start,
  input          init,
  input  [511:0] block
);
  wire [255:0] digest;
  wire busy, done;
  wire [31:0] blocks;
  sha256_core u (.clk(clk), .rst_n(rst_n), .start(start), .init(init), .block(block),
                 .digest(digest), .busy(busy), .done(done), .blocks(blocks));

  initial assume(!rst_n);
  reg        reset_seen = 1'b0, seen = 1'b0;
  reg [255:0] last_digest;
  reg        last_rst_n = 1'b0, last_load_iv = 1'b0;
  always @(posedge clk) begin
    reset_seen <= reset_seen || !rst_n;
    seen <= 1'b1;
    last_digest <= digest;
    last_rst_n <= rst_n;
    last_load_iv <= start && init && !busy;   // the IV is loaded at an accepted start with init (even in reset)
  end
  always @* if (reset_seen && seen && rst_n && last_rst_n && !done && !last_load_iv) assert(digest == last_digest);
endmodule
