// Properties of the bundled AES-128 core (designs/verilog/aes/aes128.v).
//
// aes_enc_round_ref / aes_dec_round_ref / aes_key_expand_ref: the golden round
// and key schedule step written from FIPS-197 (sections 5.1-5.3) as index
// formulas over the state matrix s[r][c] = byte r + 4c of the block, byte 0 in
// bits [127:120]. SubBytes uses the core's own `aes_sbox` / `aes_inv_sbox`
// modules: those are proven equal to the GF(2^8)-inverse-plus-affine form on
// their own (aes_sbox_ref.v), so the round proofs need not carry the algebra
// (docs/crypto.md, "Functional correctness by composition").
//
// aes128_round_check: the core's next state and next round key equal the golden
// round applied to the current ones, in every cycle of every run.
// aes128_control_check: round counter range, done exactly 12 (encryption) or 22
// (decryption) cycles after an accepted start, done never while busy, starts
// while busy ignored, block_out stable except when done rises.
// top: aes128_round_check

module aes_shift_rows_ref (input [127:0] s, output [127:0] t);
  // FIPS-197 (5.3): s'[r][c] = s[r][(c + r) mod 4]
  genvar r, c;
  generate
    for (r = 0; r < 4; r = r + 1) begin : row
      for (c = 0; c < 4; c = c + 1) begin : col
        assign t[127 - 8 * (r + 4 * c) -: 8] = s[127 - 8 * (r + 4 * ((c + r) % 4)) -: 8];
      end
    end
  endgenerate
endmodule

module aes_inv_shift_rows_ref (input [127:0] s, output [127:0] t);
  // FIPS-197 (5.3.1): s'[r][(c + r) mod 4] = s[r][c]
  genvar r, c;
  generate
    for (r = 0; r < 4; r = r + 1) begin : row
      for (c = 0; c < 4; c = c + 1) begin : col
        assign t[127 - 8 * (r + 4 * ((c + r) % 4)) -: 8] = s[127 - 8 * (r + 4 * c) -: 8];
      end
    end
  endgenerate
endmodule

module aes_mix_columns_ref (input [127:0] s, input inverse, output [127:0] t);
  // FIPS-197 (5.1.3, 5.3.3): each column times the matrix circ(02 03 01 01), or
  // circ(0e 0b 0d 09) for the inverse, in GF(2^8).
  function [7:0] gmul;
    input [7:0] a;
    input [7:0] b;
    reg [7:0] p, x;
    integer i;
    begin
      p = 8'h00;
      x = a;
      for (i = 0; i < 8; i = i + 1) begin
        if (b[i]) p = p ^ x;
        x = {x[6:0], 1'b0} ^ (x[7] ? 8'h1b : 8'h00);
      end
      gmul = p;
    end
  endfunction

  function [7:0] coef;     // row r, column k of the (inverse) MixColumns matrix
    input inv;
    input [1:0] d;         // (k - r) mod 4
    case (d)
      2'd0: coef = inv ? 8'h0e : 8'h02;
      2'd1: coef = inv ? 8'h0b : 8'h03;
      2'd2: coef = inv ? 8'h0d : 8'h01;
      default: coef = inv ? 8'h09 : 8'h01;
    endcase
  endfunction

  genvar r, c;
  generate
    for (c = 0; c < 4; c = c + 1) begin : col
      for (r = 0; r < 4; r = r + 1) begin : row
        assign t[127 - 8 * (r + 4 * c) -: 8] =
            gmul(s[127 - 8 * (0 + 4 * c) -: 8], coef(inverse, (0 - r) & 3)) ^
            gmul(s[127 - 8 * (1 + 4 * c) -: 8], coef(inverse, (1 - r) & 3)) ^
            gmul(s[127 - 8 * (2 + 4 * c) -: 8], coef(inverse, (2 - r) & 3)) ^
            gmul(s[127 - 8 * (3 + 4 * c) -: 8], coef(inverse, (3 - r) & 3));
      end
    end
  endgenerate
endmodule

// Cipher round (5.1): SubBytes, ShiftRows, MixColumns (not in the last round), AddRoundKey.
module aes_enc_round_ref (input [127:0] s, input [127:0] rk, input last, output [127:0] t);
  wire [127:0] sb, sr, mc;
  genvar i;
  generate
    for (i = 0; i < 16; i = i + 1) begin : sub
      aes_sbox u (.in_byte(s[127 - 8 * i -: 8]), .out_byte(sb[127 - 8 * i -: 8]));
    end
  endgenerate
  aes_shift_rows_ref  u_sr (.s(sb), .t(sr));
  aes_mix_columns_ref u_mc (.s(sr), .inverse(1'b0), .t(mc));
  assign t = (last ? sr : mc) ^ rk;
endmodule

// Inverse cipher round (5.3): InvShiftRows, InvSubBytes, AddRoundKey, InvMixColumns
// (not in the last round).
module aes_dec_round_ref (input [127:0] s, input [127:0] rk, input last, output [127:0] t);
  wire [127:0] isr, isb, ark, imc;
  aes_inv_shift_rows_ref u_isr (.s(s), .t(isr));
  genvar i;
  generate
    for (i = 0; i < 16; i = i + 1) begin : sub
      aes_inv_sbox u (.in_byte(isr[127 - 8 * i -: 8]), .out_byte(isb[127 - 8 * i -: 8]));
    end
  endgenerate
  assign ark = isb ^ rk;
  aes_mix_columns_ref u_imc (.s(ark), .inverse(1'b1), .t(imc));
  assign t = last ? ark : imc;
endmodule

// KeyExpansion (5.2), one round key: w[i] = w[i-4] ^ (i mod 4 == 0 ?
// SubWord(RotWord(w[i-1])) ^ Rcon : w[i-1]).
module aes_key_expand_ref (input [127:0] k, input [7:0] rcon, output [127:0] n);
  wire [31:0] w0 = k[127:96], w1 = k[95:64], w2 = k[63:32], w3 = k[31:0];
  wire [31:0] rot = {w3[23:0], w3[31:24]};
  wire [31:0] sub;
  aes_sbox s0 (.in_byte(rot[31:24]), .out_byte(sub[31:24]));
  aes_sbox s1 (.in_byte(rot[23:16]), .out_byte(sub[23:16]));
  aes_sbox s2 (.in_byte(rot[15:8]),  .out_byte(sub[15:8]));
  aes_sbox s3 (.in_byte(rot[7:0]),   .out_byte(sub[7:0]));
  wire [31:0] w4 = w0 ^ sub ^ {rcon, 24'h0};
  wire [31:0] w5 = w1 ^ w4;
  wire [31:0] w6 = w2 ^ w5;
  wire [31:0] w7 = w3 ^ w6;
  assign n = {w4, w5, w6, w7};
endmodule

// Rcon[i] = x^(i-1) in GF(2^8) (5.2), i = 1..11.
module aes_rcon_ref (input [3:0] i, output reg [7:0] rc);
  always @* begin
    case (i)
      4'd1: rc = 8'h01;  4'd2: rc = 8'h02;  4'd3: rc = 8'h04;  4'd4: rc = 8'h08;
      4'd5: rc = 8'h10;  4'd6: rc = 8'h20;  4'd7: rc = 8'h40;  4'd8: rc = 8'h80;
      4'd9: rc = 8'h1b;  4'd10: rc = 8'h36; 4'd11: rc = 8'h6c; default: rc = 8'h00;
    endcase
  end
endmodule

module aes128_round_check (
  input          clk,
  input          rst_n,
  input          start,
  input          decrypt,
  input  [127:0] key,
  input  [127:0] block_in
);
  wire [127:0] block_out;
  wire ready, done;
  aes128 u (.clk(clk), .rst_n(rst_n), .start(start), .decrypt(decrypt), .key(key),
            .block_in(block_in), .block_out(block_out), .ready(ready), .done(done));

  localparam [2:0] KEYEXP = 3'd1, ROUNDS = 3'd2;

  // Golden next round key (encryption, key expansion) and golden round.
  wire [127:0] gold_key;
  aes_key_expand_ref u_gk (.k(u.round_key), .rcon(u.rcon), .n(gold_key));
  wire [127:0] gold_enc, gold_dec;
  aes_enc_round_ref u_ge (.s(u.state), .rk(gold_key), .last(u.round == 4'd10), .t(gold_enc));
  // Decryption walks the schedule backwards: the previous round key is the one
  // whose expansion gives the current one (checked below), and the round uses it.
  aes_dec_round_ref u_gd (.s(u.state), .rk(u.key_prev), .last(u.round == 4'd10), .t(gold_dec));
  wire [127:0] gold_back;
  wire [7:0] rcon_back;
  aes_rcon_ref u_rb (.i(4'd11 - u.round), .rc(rcon_back));
  aes_key_expand_ref u_gb (.k(u.key_prev), .rcon(rcon_back), .n(gold_back));
  wire [7:0] rcon_fwd, rcon_bwd;
  aes_rcon_ref u_rf (.i(u.round), .rc(rcon_fwd));
  aes_rcon_ref u_rw (.i(4'd12 - u.round), .rc(rcon_bwd));

  // What the next cycle must hold, computed from this cycle.
  reg          chk_enc = 1'b0, chk_dec = 1'b0, chk_kx = 1'b0;
  reg [127:0]  exp_state, exp_key;
  always @(posedge clk) begin
    chk_enc   <= rst_n && u.phase == ROUNDS && !u.dec;
    chk_dec   <= rst_n && u.phase == ROUNDS && u.dec;
    chk_kx    <= rst_n && u.phase == KEYEXP;
    exp_state <= u.dec ? gold_dec : gold_enc;
    exp_key   <= u.phase == KEYEXP || !u.dec ? gold_key : u.key_prev;
  end

  always @* begin
    if (chk_enc) assert(u.state == exp_state && u.round_key == exp_key);
    if (chk_dec) assert(u.state == exp_state && u.round_key == exp_key);
    if (chk_kx)  assert(u.round_key == exp_key);
    // the round constant follows the round: Rcon[round] going forward,
    // Rcon[12 - round] (the next key's) going backward
    // (proven on its own in aes128_rcon_check, assumed here: assume-guarantee)
    if (rst_n && (u.phase == KEYEXP || (u.phase == ROUNDS && !u.dec))) assume(u.rcon == rcon_fwd);
    if (rst_n && u.phase == ROUNDS && u.dec) assume(u.rcon == rcon_bwd);
    // the reverse key step undoes the forward one
    if (rst_n && u.phase == ROUNDS && u.dec) assert(gold_back == u.round_key);
  end
endmodule

module aes128_control_check (
  input          clk,
  input          rst_n,
  input          start,
  input          decrypt,
  input  [127:0] key,
  input  [127:0] block_in
);
  wire [127:0] block_out;
  wire ready, done;
  aes128 u (.clk(clk), .rst_n(rst_n), .start(start), .decrypt(decrypt), .key(key),
            .block_in(block_in), .block_out(block_out), .ready(ready), .done(done));

  localparam [2:0] IDLE = 3'd0, KEYEXP = 3'd1, ROUNDS = 3'd2, FINISH = 3'd3;

  // An observer: cycles since the last accepted start.
  reg        reset_seen = 1'b0;
  reg        pending = 1'b0;      // an accepted start whose done has not come
  reg        op_dec = 1'b0;
  reg [4:0]  cnt = 5'd0;
  always @(posedge clk) begin
    reset_seen <= reset_seen || !rst_n;
    if (!rst_n) begin
      pending <= 1'b0;
      cnt <= 5'd0;
    end else if (start && ready) begin
      pending <= 1'b1;
      op_dec <= decrypt;
      cnt <= 5'd1;
    end else if (done) begin
      pending <= 1'b0;
    end else if (pending && cnt != 5'd31) begin
      cnt <= cnt + 5'd1;
    end
  end

  wire [4:0] n_cycles = op_dec ? 5'd22 : 5'd12;   // 10 rounds (+ 10 key-schedule steps) + 2

  always @* begin
    if (reset_seen && rst_n) begin
      // round counter in range: 1..10 while the rounds or the key schedule run
      if (u.phase == ROUNDS || u.phase == KEYEXP) assert(u.round >= 4'd1 && u.round <= 4'd10);
      assert(u.phase <= FINISH);
      // done exactly N cycles after the accepted start, and only then
      assert(done == (pending && cnt == n_cycles));
      // busy (not ready) exactly while an operation runs; done never while busy
      assert(ready == (!pending || cnt == n_cycles));
      assert(!(done && !ready));
      // a start while busy is ignored: the mode of the running operation holds
      if (pending && cnt != n_cycles) assert(u.dec == op_dec);
    end
  end
endmodule

// The round constant follows the round counter (the lemma aes128_round_check assumes).
module aes128_rcon_check (
  input          clk,
  input          rst_n,
  input          start,
  input          decrypt,
  input  [127:0] key,
  input  [127:0] block_in
);
  wire [127:0] block_out;
  wire ready, done;
  aes128 u (.clk(clk), .rst_n(rst_n), .start(start), .decrypt(decrypt), .key(key),
            .block_in(block_in), .block_out(block_out), .ready(ready), .done(done));
  localparam [2:0] KEYEXP = 3'd1, ROUNDS = 3'd2;
  wire [7:0] rcon_fwd, rcon_bwd;
  aes_rcon_ref u_rf (.i(u.round), .rc(rcon_fwd));
  aes_rcon_ref u_rw (.i(4'd12 - u.round), .rc(rcon_bwd));
  reg reset_seen = 1'b0;
  always @(posedge clk) reset_seen <= reset_seen || !rst_n;
  always @* begin
    if (reset_seen && rst_n && (u.phase == KEYEXP || (u.phase == ROUNDS && !u.dec))) assert(u.rcon == rcon_fwd);
    if (reset_seen && rst_n && u.phase == ROUNDS && u.dec) assert(u.rcon == rcon_bwd);
  end
endmodule

// The data output changes only in the cycle `done` rises (it holds the last
// result while the next operation runs).
module aes128_output_check (
  input          clk,
  input          rst_n,
  input          start,
  input          decrypt,
  input  [127:0] key,
  input  [127:0] block_in
);
  wire [127:0] block_out;
  wire ready, done;
  aes128 u (.clk(clk), .rst_n(rst_n), .start(start), .decrypt(decrypt), .key(key),
            .block_in(block_in), .block_out(block_out), .ready(ready), .done(done));
  reg         seen = 1'b0;
  reg [127:0] last_out;
  always @(posedge clk) begin
    seen <= 1'b1;
    last_out <= block_out;
  end
  // (a reset in the cycle done would rise hides done: the new block_out then shows with done low)
  always @* if (seen && rst_n && !done) assert(block_out == last_out);
endmodule
