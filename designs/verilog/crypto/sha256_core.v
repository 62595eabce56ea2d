// SHA-256 compression unit (FIPS 180-4, section 6.2.2) of the crypto_accel core.
//
// One round per clock: the eight working variables a..h live in registers, the
// round constant K[t] comes from a 64-entry ROM (a case table) and the message
// schedule is a 16-word sliding window: at round t the window holds
// W[t] .. W[t+15], W[t] feeds the round and W[t+16] is shifted in at the far end.
//
//   cycle 0        start: load the window with the block, a..h with H (or the IV)
//   cycles 1..64   rounds 0..63
//   cycle 65       H(i) = H(i-1) + {a..h}; `done` pulses for one cycle
//
// `init` selects the initial hash value of FIPS 180-4 section 5.3.3 (first block
// of a message) or the current digest (chaining: the following blocks).
// Padding is the software's job: the unit compresses exactly one 512-bit block.
//
// Word order: big-endian as in the standard, M[0] at block[511:480] and H0 at
// digest[255:224].

module sha256_k_rom (
  input      [5:0]  round,
  output reg [31:0] k
);
  // K[t]: the first 32 bits of the fractional parts of the cube roots of the
  // first 64 primes.
  always @* begin
    case (round)
      6'd0: k = 32'h428a2f98;
      6'd1: k = 32'h71374491;
      6'd2: k = 32'hb5c0fbcf;
      6'd3: k = 32'he9b5dba5;
      6'd4: k = 32'h3956c25b;
      6'd5: k = 32'h59f111f1;
      6'd6: k = 32'h923f82a4;
      6'd7: k = 32'hab1c5ed5;
      6'd8: k = 32'hd807aa98;
      6'd9: k = 32'h12835b01;
      6'd10: k = 32'h243185be;
      6'd11: k = 32'h550c7dc3;
      6'd12: k = 32'h72be5d74;
      6'd13: k = 32'h80deb1fe;
      6'd14: k = 32'h9bdc06a7;
      6'd15: k = 32'hc19bf174;
      6'd16: k = 32'he49b69c1;
      6'd17: k = 32'hefbe4786;
      6'd18: k = 32'h0fc19dc6;
      6'd19: k = 32'h240ca1cc;
      6'd20: k = 32'h2de92c6f;
      6'd21: k = 32'h4a7484aa;
      6'd22: k = 32'h5cb0a9dc;
      6'd23: k = 32'h76f988da;
      6'd24: k = 32'h983e5152;
      6'd25: k = 32'ha831c66d;
      6'd26: k = 32'hb00327c8;
      6'd27: k = 32'hbf597fc7;
      6'd28: k = 32'hc6e00bf3;
      6'd29: k = 32'hd5a79147;
      6'd30: k = 32'h06ca6351;
      6'd31: k = 32'h14292967;
      6'd32: k = 32'h27b70a85;
      6'd33: k = 32'h2e1b2138;
      6'd34: k = 32'h4d2c6dfc;
      6'd35: k = 32'h53380d13;
      6'd36: k = 32'h650a7354;
      6'd37: k = 32'h766a0abb;
      6'd38: k = 32'h81c2c92e;
      6'd39: k = 32'h92722c85;
      6'd40: k = 32'ha2bfe8a1;
      6'd41: k = 32'ha81a664b;
      6'd42: k = 32'hc24b8b70;
      6'd43: k = 32'hc76c51a3;
      6'd44: k = 32'hd192e819;
      6'd45: k = 32'hd6990624;
      6'd46: k = 32'hf40e3585;
      6'd47: k = 32'h106aa070;
      6'd48: k = 32'h19a4c116;
      6'd49: k = 32'h1e376c08;
      6'd50: k = 32'h2748774c;
      6'd51: k = 32'h34b0bcb5;
      6'd52: k = 32'h391c0cb3;
      6'd53: k = 32'h4ed8aa4a;
      6'd54: k = 32'h5b9cca4f;
      6'd55: k = 32'h682e6ff3;
      6'd56: k = 32'h748f82ee;
      6'd57: k = 32'h78a5636f;
      6'd58: k = 32'h84c87814;
      6'd59: k = 32'h8cc70208;
      6'd60: k = 32'h90befffa;
      6'd61: k = 32'ha4506ceb;
      6'd62: k = 32'hbef9a3f7;
      6'd63: k = 32'hc67178f2;
      default: k = 32'h00000000;
    endcase
  end
endmodule

// W[t+16] = sigma1(W[t+14]) + W[t+9] + sigma0(W[t+1]) + W[t], computed from the
// window {W[t], ..., W[t+15]} with W[t] in the most significant word.
module sha256_schedule (
  input  [511:0] window,
  output [31:0]  w_t,
  output [31:0]  w_next
);
  function [31:0] small_sigma0;
    input [31:0] x;
    small_sigma0 = {x[6:0], x[31:7]} ^ {x[17:0], x[31:18]} ^ {3'b000, x[31:3]};
  endfunction

  function [31:0] small_sigma1;
    input [31:0] x;
    small_sigma1 = {x[16:0], x[31:17]} ^ {x[18:0], x[31:19]} ^ {10'b0000000000, x[31:10]};
  endfunction

  wire [31:0] w0  = window[511:480];   // W[t]
  wire [31:0] w1  = window[479:448];   // W[t+1]
  wire [31:0] w9  = window[223:192];   // W[t+9]
  wire [31:0] w14 = window[63:32];     // W[t+14]

  wire [31:0] s0 = small_sigma0(w1);
  wire [31:0] s1 = small_sigma1(w14);

  assign w_t    = w0;
  assign w_next = s1 + w9 + s0 + w0;
endmodule

// One compression round on the working variables {a, b, c, d, e, f, g, h}.
module sha256_round (
  input  [255:0] vars_in,    // a at [255:224] ... h at [31:0]
  input  [31:0]  k,
  input  [31:0]  w,
  output [255:0] vars_out
);
  function [31:0] big_sigma0;
    input [31:0] x;
    big_sigma0 = {x[1:0], x[31:2]} ^ {x[12:0], x[31:13]} ^ {x[21:0], x[31:22]};
  endfunction

  function [31:0] big_sigma1;
    input [31:0] x;
`ifdef BUG_ROUND
    big_sigma1 = {x[6:0], x[31:7]} ^ {x[10:0], x[31:11]} ^ {x[24:0], x[31:25]};   // planted bug: ROTR^7 for ROTR^6
`else
    big_sigma1 = {x[5:0], x[31:6]} ^ {x[10:0], x[31:11]} ^ {x[24:0], x[31:25]};
`endif
  endfunction

  function [31:0] ch;
    input [31:0] x, y, z;
    ch = (x & y) ^ (~x & z);
  endfunction

  function [31:0] maj;
    input [31:0] x, y, z;
    maj = (x & y) ^ (x & z) ^ (y & z);
  endfunction

  wire [31:0] a = vars_in[255:224];
  wire [31:0] b = vars_in[223:192];
  wire [31:0] c = vars_in[191:160];
  wire [31:0] d = vars_in[159:128];
  wire [31:0] e = vars_in[127:96];
  wire [31:0] f = vars_in[95:64];
  wire [31:0] g = vars_in[63:32];
  wire [31:0] h = vars_in[31:0];

  wire [31:0] t1 = h + big_sigma1(e) + ch(e, f, g) + k + w;
  wire [31:0] t2 = big_sigma0(a) + maj(a, b, c);

  // h = g, g = f, f = e, e = d + T1, d = c, c = b, b = a, a = T1 + T2
  assign vars_out = {t1 + t2, a, b, c, d + t1, e, f, g};
endmodule

module sha256_core (
  input              clk,
  input              rst_n,
  input              start,     // compress `block` (ignored while busy)
  input              init,      // 1: from the IV, 0: chain from the current digest
  input      [511:0] block,
  output     [255:0] digest,
  output             busy,
  output reg         done,      // one-cycle pulse: `digest` holds the new value
  output reg [31:0]  blocks     // blocks compressed since the last `init`
);
  localparam [1:0] S_IDLE = 2'd0, S_ROUND = 2'd1, S_FINAL = 2'd2;

  // FIPS 180-4 section 5.3.3: the first 32 bits of the fractional parts of the
  // square roots of the first 8 primes.
  localparam [31:0] IV0 = 32'h6a09e667;
  localparam [31:0] IV1 = 32'hbb67ae85;
  localparam [31:0] IV2 = 32'h3c6ef372;
  localparam [31:0] IV3 = 32'ha54ff53a;
  localparam [31:0] IV4 = 32'h510e527f;
  localparam [31:0] IV5 = 32'h9b05688c;
  localparam [31:0] IV6 = 32'h1f83d9ab;
  localparam [31:0] IV7 = 32'h5be0cd19;

  reg [1:0]   fsm;
  reg [5:0]   round;

  // The chaining value H0..H7 (the digest).
  reg [31:0]  h0, h1, h2, h3, h4, h5, h6, h7;

  // The working variables a..h.
  reg [31:0]  va, vb, vc, vd, ve, vf, vg, vh;

  // The message schedule window W[t] .. W[t+15].
  reg [511:0] window;

  wire [31:0]  k_t;
  wire [31:0]  w_t;
  wire [31:0]  w_next;
  wire [255:0] vars_next;

  sha256_k_rom    u_krom  (.round(round), .k(k_t));
  sha256_schedule u_sched (.window(window), .w_t(w_t), .w_next(w_next));
  sha256_round    u_round (.vars_in({va, vb, vc, vd, ve, vf, vg, vh}), .k(k_t), .w(w_t),
                           .vars_out(vars_next));

  assign digest = {h0, h1, h2, h3, h4, h5, h6, h7};
  assign busy   = fsm != S_IDLE;

`ifdef BUG_ROUNDS
  wire last_round = round == 6'd62;   // planted bug: 63 rounds instead of 64
`else
  wire last_round = round == 6'd63;
`endif

  // Control.
  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      fsm    <= S_IDLE;
      round  <= 6'd0;
      done   <= 1'b0;
      blocks <= 32'd0;
    end else begin
      done <= 1'b0;
      case (fsm)
        S_IDLE: begin
          if (start) begin
            fsm   <= S_ROUND;
            round <= 6'd0;
            if (init) blocks <= 32'd0;
          end
        end
        S_ROUND: begin
          round <= round + 6'd1;      // wraps to 0 after round 63
          if (last_round) fsm <= S_FINAL;
        end
        S_FINAL: begin
          fsm    <= S_IDLE;
          done   <= 1'b1;
          blocks <= blocks + 32'd1;
        end
        default: begin
          fsm   <= S_IDLE;
          round <= 6'd0;
        end
      endcase
    end
  end

  // Datapath: the chaining value, the working variables and the schedule window.
  // No reset: the digest is undefined until the first block with `init`.
  always @(posedge clk) begin
    if (fsm == S_IDLE && start) begin
      window <= block;
      if (init) begin
        h0 <= IV0; h1 <= IV1; h2 <= IV2; h3 <= IV3;
        h4 <= IV4; h5 <= IV5; h6 <= IV6; h7 <= IV7;
        va <= IV0; vb <= IV1; vc <= IV2; vd <= IV3;
        ve <= IV4; vf <= IV5; vg <= IV6; vh <= IV7;
      end else begin
        va <= h0; vb <= h1; vc <= h2; vd <= h3;
        ve <= h4; vf <= h5; vg <= h6; vh <= h7;
      end
    end else if (fsm == S_ROUND) begin
      va <= vars_next[255:224];
      vb <= vars_next[223:192];
      vc <= vars_next[191:160];
      vd <= vars_next[159:128];
      ve <= vars_next[127:96];
      vf <= vars_next[95:64];
      vg <= vars_next[63:32];
      vh <= vars_next[31:0];
      window <= {window[479:0], w_next};
    end else if (fsm == S_FINAL) begin
      h0 <= h0 + va;
      h1 <= h1 + vb;
      h2 <= h2 + vc;
      h3 <= h3 + vd;
      h4 <= h4 + ve;
      h5 <= h5 + vf;
      h6 <= h6 + vg;
      h7 <= h7 + vh;
    end
  end

`ifdef FORMAL
  always @(posedge clk) begin
    assert(fsm != 2'd3);
    if (fsm != S_ROUND) assert(round == 6'd0);
    if (done) assert(!busy);
  end
`endif
endmodule
