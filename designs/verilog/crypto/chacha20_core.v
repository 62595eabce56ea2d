// ChaCha20 block function unit (RFC 8439, section 2.3) of the crypto_accel core.
//
// Iterative: one quarter-round per clock on a 16-word state held in registers.
// A double round is eight quarter-rounds, four on the columns and four on the
// diagonals; ten double rounds make the 20 rounds of ChaCha20:
//
//   cycle 0         start: x = j = {constants, key, counter, nonce}
//   cycles 1..80    quarter-rounds (qr = 0..7 within double round 0..9)
//   cycle 81        out = x + j (word-wise); `done` pulses for one cycle
//
// Word order: the state words are little-endian 32-bit words as in the RFC
// (the software packs the bytes); key word 0 at key[255:224], nonce word 0 at
// nonce[95:64] and output word 0 at block[511:480].

// QUARTERROUND(a, b, c, d) of RFC 8439 section 2.1.
module chacha20_quarter_round (
  input  [31:0] a_in,
  input  [31:0] b_in,
  input  [31:0] c_in,
  input  [31:0] d_in,
  output [31:0] a_out,
  output [31:0] b_out,
  output [31:0] c_out,
  output [31:0] d_out
);
  // a += b; d ^= a; d <<<= 16;
  wire [31:0] a1 = a_in + b_in;
  wire [31:0] d1x = d_in ^ a1;
  wire [31:0] d1 = {d1x[15:0], d1x[31:16]};
  // c += d; b ^= c; b <<<= 12;
  wire [31:0] c1 = c_in + d1;
  wire [31:0] b1x = b_in ^ c1;
  wire [31:0] b1 = {b1x[19:0], b1x[31:20]};
  // a += b; d ^= a; d <<<= 8;
  wire [31:0] a2 = a1 + b1;
  wire [31:0] d2x = d1 ^ a2;
  wire [31:0] d2 = {d2x[23:0], d2x[31:24]};
  // c += d; b ^= c; b <<<= 7;
  wire [31:0] c2 = c1 + d2;
  wire [31:0] b2x = b1 ^ c2;
`ifdef BUG_ROUND
  wire [31:0] b2 = {b2x[23:0], b2x[31:24]};   // planted bug: b <<<= 8 for b <<<= 7
`else
  wire [31:0] b2 = {b2x[24:0], b2x[31:25]};
`endif

  assign a_out = a2;
  assign b_out = b2;
  assign c_out = c2;
  assign d_out = d2;
endmodule

module chacha20_core (
  input              clk,
  input              rst_n,
  input              start,      // compute the block for key/counter/nonce (ignored while busy)
  input      [255:0] key,
  input      [31:0]  counter,
  input      [95:0]  nonce,
  output     [511:0] block,      // the key stream block (serialised state words)
  output             busy,
  output reg         done        // one-cycle pulse: `block` holds the new value
);
  localparam [1:0] S_IDLE = 2'd0, S_ROUNDS = 2'd1, S_FINAL = 2'd2;

  // "expand 32-byte k"
  localparam [31:0] C0 = 32'h61707865;
  localparam [31:0] C1 = 32'h3320646e;
  localparam [31:0] C2 = 32'h79622d32;
  localparam [31:0] C3 = 32'h6b206574;

  reg [1:0]  fsm;
  reg [2:0]  qr;         // quarter-round within the double round: 0..3 columns, 4..7 diagonals
  reg [3:0]  dround;     // double round 0..9

  // The working state x0..x15, as a 4x4 matrix (x0..x3 the first row).
  reg [31:0] x0, x1, x2, x3, x4, x5, x6, x7;
  reg [31:0] x8, x9, x10, x11, x12, x13, x14, x15;

  // The input state j0..j15 (kept for the final addition). j0..j3 are the
  // constants and need no registers.
  reg [31:0] j4, j5, j6, j7, j8, j9, j10, j11;
  reg [31:0] j12, j13, j14, j15;

  // The serialised output block.
  reg [31:0] o0, o1, o2, o3, o4, o5, o6, o7;
  reg [31:0] o8, o9, o10, o11, o12, o13, o14, o15;

  assign block = {o0, o1, o2, o3, o4, o5, o6, o7, o8, o9, o10, o11, o12, o13, o14, o15};
  assign busy  = fsm != S_IDLE;

  // Operand selection of the current quarter-round:
  //   columns   QR(0,4,8,12) QR(1,5,9,13) QR(2,6,10,14) QR(3,7,11,15)
  //   diagonals QR(0,5,10,15) QR(1,6,11,12) QR(2,7,8,13) QR(3,4,9,14)
  reg [31:0] qa, qb, qc, qd;
  always @* begin
    case (qr)
      3'd0: begin qa = x0; qb = x4; qc = x8;  qd = x12; end
      3'd1: begin qa = x1; qb = x5; qc = x9;  qd = x13; end
      3'd2: begin qa = x2; qb = x6; qc = x10; qd = x14; end
      3'd3: begin qa = x3; qb = x7; qc = x11; qd = x15; end
      3'd4: begin qa = x0; qb = x5; qc = x10; qd = x15; end
      3'd5: begin qa = x1; qb = x6; qc = x11; qd = x12; end
      3'd6: begin qa = x2; qb = x7; qc = x8;  qd = x13; end
      default: begin qa = x3; qb = x4; qc = x9;  qd = x14; end
    endcase
  end

  wire [31:0] ra, rb, rc, rd;
  chacha20_quarter_round u_qr (
    .a_in(qa), .b_in(qb), .c_in(qc), .d_in(qd),
    .a_out(ra), .b_out(rb), .c_out(rc), .d_out(rd)
  );

`ifdef BUG_ROUNDS
  wire last_qr = qr == 3'd7 && dround == 4'd8;   // planted bug: 9 double rounds instead of 10
`else
  wire last_qr = qr == 3'd7 && dround == 4'd9;
`endif

  // Control.
  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      fsm    <= S_IDLE;
      qr     <= 3'd0;
      dround <= 4'd0;
      done   <= 1'b0;
    end else begin
      done <= 1'b0;
      case (fsm)
        S_IDLE: begin
          if (start) begin
            fsm    <= S_ROUNDS;
            qr     <= 3'd0;
            dround <= 4'd0;
          end
        end
        S_ROUNDS: begin
          qr <= qr + 3'd1;
          if (qr == 3'd7) begin
            if (last_qr) begin
              dround <= 4'd0;
              fsm    <= S_FINAL;
            end else begin
              dround <= dround + 4'd1;
            end
          end
        end
        S_FINAL: begin
          fsm  <= S_IDLE;
          done <= 1'b1;
        end
        default: begin
          fsm    <= S_IDLE;
          qr     <= 3'd0;
          dround <= 4'd0;
        end
      endcase
    end
  end

  // Datapath: load, quarter-round write-back, final addition.
  always @(posedge clk) begin
    if (fsm == S_IDLE && start) begin
      x0  <= C0;
      x1  <= C1;
      x2  <= C2;
      x3  <= C3;
      x4  <= key[255:224];
      x5  <= key[223:192];
      x6  <= key[191:160];
      x7  <= key[159:128];
      x8  <= key[127:96];
      x9  <= key[95:64];
      x10 <= key[63:32];
      x11 <= key[31:0];
      x12 <= counter;
      x13 <= nonce[95:64];
      x14 <= nonce[63:32];
      x15 <= nonce[31:0];
      j4  <= key[255:224];
      j5  <= key[223:192];
      j6  <= key[191:160];
      j7  <= key[159:128];
      j8  <= key[127:96];
      j9  <= key[95:64];
      j10 <= key[63:32];
      j11 <= key[31:0];
      j12 <= counter;
      j13 <= nonce[95:64];
      j14 <= nonce[63:32];
      j15 <= nonce[31:0];
`ifdef BUG_LEAK
      o0  <= o0 ^ key[255:224];   // planted bug: key XORed into the data output while busy
`endif
    end else if (fsm == S_ROUNDS) begin
      case (qr)
        3'd0: begin x0 <= ra; x4 <= rb; x8  <= rc; x12 <= rd; end
        3'd1: begin x1 <= ra; x5 <= rb; x9  <= rc; x13 <= rd; end
        3'd2: begin x2 <= ra; x6 <= rb; x10 <= rc; x14 <= rd; end
        3'd3: begin x3 <= ra; x7 <= rb; x11 <= rc; x15 <= rd; end
        3'd4: begin x0 <= ra; x5 <= rb; x10 <= rc; x15 <= rd; end
        3'd5: begin x1 <= ra; x6 <= rb; x11 <= rc; x12 <= rd; end
        3'd6: begin x2 <= ra; x7 <= rb; x8  <= rc; x13 <= rd; end
        default: begin x3 <= ra; x4 <= rb; x9  <= rc; x14 <= rd; end
      endcase
    end else if (fsm == S_FINAL) begin
      o0  <= x0 + C0;
      o1  <= x1 + C1;
      o2  <= x2 + C2;
      o3  <= x3 + C3;
      o4  <= x4 + j4;
      o5  <= x5 + j5;
      o6  <= x6 + j6;
      o7  <= x7 + j7;
      o8  <= x8 + j8;
      o9  <= x9 + j9;
      o10 <= x10 + j10;
      o11 <= x11 + j11;
      o12 <= x12 + j12;
      o13 <= x13 + j13;
      o14 <= x14 + j14;
      o15 <= x15 + j15;
    end
  end

`ifdef FORMAL
  always @(posedge clk) begin
    assert(fsm != 2'd3);
    assert(dround <= 4'd9);
    if (fsm != S_ROUNDS) assert(qr == 3'd0 && dround == 4'd0);
    if (done) assert(!busy);
  end
`endif
endmodule
