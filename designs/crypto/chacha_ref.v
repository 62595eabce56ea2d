// Reference ChaCha20 quarter round and double round, written from RFC 8439
// section 2.1-2.3 in the RFC's own terms (rotl as shifts, the state as words
// x[0..15]), independent of the RTL's concatenation style.
// top: chacha_qr_ref

module chacha_qr_ref (
  input  [31:0] a_in,
  input  [31:0] b_in,
  input  [31:0] c_in,
  input  [31:0] d_in,
  output [31:0] a_out,
  output [31:0] b_out,
  output [31:0] c_out,
  output [31:0] d_out
);
  function [31:0] rotl;
    input [31:0] v;
    input [5:0] n;
    rotl = (v << n) | (v >> (32 - n));
  endfunction

  // 1. a += b; d ^= a; d <<<= 16;  2. c += d; b ^= c; b <<<= 12;
  // 3. a += b; d ^= a; d <<<= 8;   4. c += d; b ^= c; b <<<= 7;
  wire [31:0] a1 = a_in + b_in;
  wire [31:0] d1 = rotl(d_in ^ a1, 16);
  wire [31:0] c1 = c_in + d1;
  wire [31:0] b1 = rotl(b_in ^ c1, 12);
  wire [31:0] a2 = a1 + b1;
  wire [31:0] d2 = rotl(d1 ^ a2, 8);
  wire [31:0] c2 = c1 + d2;
  wire [31:0] b2 = rotl(b1 ^ c2, 7);

  assign a_out = a2;
  assign b_out = b2;
  assign c_out = c2;
  assign d_out = d2;
endmodule

// The same quarter round with the port names of secworks' chacha_qr
// (github.com/secworks/chacha, src/rtl/chacha_qr.v).
module chacha_qr_ref_secworks (
  input  [31:0] a,
  input  [31:0] b,
  input  [31:0] c,
  input  [31:0] d,
  output [31:0] a_prim,
  output [31:0] b_prim,
  output [31:0] c_prim,
  output [31:0] d_prim
);
  chacha_qr_ref u (.a_in(a), .b_in(b), .c_in(c), .d_in(d),
                   .a_out(a_prim), .b_out(b_prim), .c_out(c_prim), .d_out(d_prim));
endmodule

// One double round (RFC 8439 section 2.3, "inner_block"): the four column
// rounds, then the four diagonal rounds, on x = {x0, ..., x15} (x0 in the top word).
module chacha_double_round_ref (
  input  [511:0] x_in,
  output [511:0] x_out
);
  wire [31:0] x [0:15];
  genvar i;
  generate
    for (i = 0; i < 16; i = i + 1) begin : unpack
      assign x[i] = x_in[511 - 32 * i -: 32];
    end
  endgenerate

  // columns: QR(0,4,8,12) QR(1,5,9,13) QR(2,6,10,14) QR(3,7,11,15)
  wire [31:0] c [0:15];
  chacha_qr_ref q0 (x[0], x[4], x[8],  x[12], c[0], c[4], c[8],  c[12]);
  chacha_qr_ref q1 (x[1], x[5], x[9],  x[13], c[1], c[5], c[9],  c[13]);
  chacha_qr_ref q2 (x[2], x[6], x[10], x[14], c[2], c[6], c[10], c[14]);
  chacha_qr_ref q3 (x[3], x[7], x[11], x[15], c[3], c[7], c[11], c[15]);
  // diagonals: QR(0,5,10,15) QR(1,6,11,12) QR(2,7,8,13) QR(3,4,9,14)
  wire [31:0] y [0:15];
  chacha_qr_ref q4 (c[0], c[5], c[10], c[15], y[0], y[5], y[10], y[15]);
  chacha_qr_ref q5 (c[1], c[6], c[11], c[12], y[1], y[6], y[11], y[12]);
  chacha_qr_ref q6 (c[2], c[7], c[8],  c[13], y[2], y[7], y[8],  y[13]);
  chacha_qr_ref q7 (c[3], c[4], c[9],  c[14], y[3], y[4], y[9],  y[14]);

  generate
    for (i = 0; i < 16; i = i + 1) begin : pack
      assign x_out[511 - 32 * i -: 32] = y[i];
    end
  endgenerate
endmodule

// Control of the bundled ChaCha20 core (designs/verilog/crypto/chacha20_core.v):
// done exactly 82 cycles after an accepted start (80 quarter rounds = 20 rounds,
// + load + final addition), busy and done never both, the round counters in
// range, starts while busy ignored.
module chacha20_control_check (
  input          clk,
  input          rst_n,
  input          start,
  input  [255:0] key,
  input  [31:0]  counter,
  input  [95:0]  nonce
);
  wire [511:0] block;
  wire busy, done;
  chacha20_core u (.clk(clk), .rst_n(rst_n), .start(start), .key(key), .counter(counter),
                   .nonce(nonce), .block(block), .busy(busy), .done(done));

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
      assert(done == (pending && cnt == 7'd82));
      assert(busy == (pending && cnt != 7'd82));
      assert(!(busy && done));
      assert(u.dround <= 4'd9);
      // quarter round qr of double round dround runs in cycle 1 + 8 * dround + qr
      if (pending && cnt >= 7'd1 && cnt <= 7'd80) assert({u.dround, u.qr} == cnt - 7'd1);
    end
  end
endmodule
