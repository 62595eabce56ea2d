// crypto_accel: a bus-attached crypto accelerator with three engines.
//
//   * AES-128 encryption/decryption, ECB or CBC (the iterative core in
//     designs/verilog/aes/aes128.v, instantiated, not copied);
//   * SHA-256 compression of one 512-bit block, from the IV or chained
//     (sha256_core.v: one round per clock, 16-word message schedule window);
//   * ChaCha20 block function with optional XOR of 16 data words and
//     automatic block counter increment (chacha20_core.v: one quarter-round
//     per clock).
//
// Bus: one write port (bus_we, bus_waddr, bus_wdata, bus_wstrb byte strobes)
// and one combinational read port (bus_raddr -> bus_rdata), 32-bit words,
// word addresses. `start` launches the engine selected in CTRL; `busy` is high
// while it runs; `done` is set when it finishes and stays set until the next
// accepted start or a write of 1 to STATUS.done. Writes to the engines' data
// registers are ignored while busy (STATUS.wr_err records them).
//
// Register map (word addresses; unmapped addresses read as 0, keys are
// write-only and read as 0):
//   0x00        CTRL     RW  [1:0] engine (0 AES, 1 SHA-256, 2 ChaCha20, 3 reserved)
//                            [4] AES decrypt  [5] AES CBC  [8] SHA init (IV)
//                            [12] ChaCha auto-increment  [16] irq enable
//                            [31] (write 1) zeroise the keys; reads as 0
//   0x01        STATUS   R/W1C [0] busy  [1] done  [2] engine error  [3] write error
//                            [5:4] engine of the last operation
//                            [10:8] engine activity: [8] AES, [9] SHA-256, [10] ChaCha20
//   0x02        ID       RO  "CRYP"
//   0x03        CYCLES   RO  clock cycles of the last operation
//   0x04-0x07   AES_KEY  WO  key, big-endian words (byte 0 in bits [31:24] of 0x04)
//   0x08-0x0b   AES_DIN  RW  input block
//   0x0c-0x0f   AES_DOUT RO  output block
//   0x10-0x13   AES_IV   RW  CBC chaining value (updated by each CBC operation)
//   0x20-0x2f   SHA_M    RW  message block M[0..15]
//   0x30-0x37   SHA_H    RO  digest H0..H7
//   0x38        SHA_CNT  RO  blocks compressed since the last init
//   0x40-0x47   CC_KEY   WO  ChaCha20 key words k0..k7 (little-endian words as in RFC 8439)
//   0x48        CC_CTR   RW  block counter
//   0x49-0x4b   CC_NONCE RW  nonce words n0..n2
//   0x50-0x5f   CC_DATA  RW  data XORed with the key stream
//   0x60-0x6f   CC_OUT   RO  key stream block XOR data
//
// Programming sequences (bus_wstrb = 4'hf unless a partial write is meant):
//   SHA-256 of a message: pad it (FIPS 180-4 section 5.1.1); for each 512-bit
//     block write SHA_M[0..15], write CTRL = 1 | (first block ? 1 << 8 : 0),
//     pulse start, wait for done (or irq); the digest is in SHA_H[0..7].
//   ChaCha20: write CC_KEY, CC_CTR, CC_NONCE once; per 64-byte block write
//     CC_DATA (zeros for the raw key stream), CTRL = 2 | 1 << 12, start, wait,
//     read CC_OUT; the counter has been incremented for the next block.
//   AES-128: write AES_KEY (and AES_IV for CBC); per block write AES_DIN,
//     CTRL = 0 | decrypt << 4 | cbc << 5, start, wait, read AES_DOUT.
//     Decryption first runs the key schedule forward (10 extra cycles).
// A start while busy is ignored; a start for engine 3 sets done and STATUS[2].
//
// Busy cycles per operation (CYCLES holds the count of the last one): AES 12
// (encrypt) / 22 (decrypt), SHA-256 66, ChaCha20 82.
//
// top: crypto_accel

`ifndef CRYPTO_ACCEL_AES128
`define CRYPTO_ACCEL_AES128
`include "../aes/aes128.v"
`endif

module crypto_accel (
  input             clk,
  input             rst_n,
  // write port
  input             bus_we,
  input      [7:0]  bus_waddr,
  input      [31:0] bus_wdata,
  input      [3:0]  bus_wstrb,
  // read port (combinational)
  input      [7:0]  bus_raddr,
  output reg [31:0] bus_rdata,
  // command / status
  input             start,
  output            busy,
  output reg        done,
  output            irq
);
  localparam [1:0] ENG_AES = 2'd0, ENG_SHA = 2'd1, ENG_CHACHA = 2'd2, ENG_NONE = 2'd3;
  localparam [1:0] S_IDLE = 2'd0, S_RUN = 2'd1;
  localparam [31:0] ID_VALUE = 32'h43525950;   // "CRYP"

  localparam [7:0] A_CTRL   = 8'h00;
  localparam [7:0] A_STATUS = 8'h01;

  // ------------------------------------------------------------------
  // Byte-strobe merge of a bus write into a 32-bit register.
  // ------------------------------------------------------------------
  function [31:0] merge;
    input [31:0] old;
    input [31:0] data;
    input [3:0]  strb;
    begin
      merge[31:24] = strb[3] ? data[31:24] : old[31:24];
      merge[23:16] = strb[2] ? data[23:16] : old[23:16];
      merge[15:8]  = strb[1] ? data[15:8]  : old[15:8];
      merge[7:0]   = strb[0] ? data[7:0]   : old[7:0];
    end
  endfunction

  // Engine data registers: written only while idle.
  function is_data_reg;
    input [7:0] a;
    begin
      is_data_reg = (a >= 8'h04 && a <= 8'h13) ||
                    (a >= 8'h20 && a <= 8'h2f) ||
                    (a >= 8'h40 && a <= 8'h4b) ||
                    (a >= 8'h50 && a <= 8'h5f);
    end
  endfunction

  // ------------------------------------------------------------------
  // Registers
  // ------------------------------------------------------------------
  // CTRL fields
  reg [1:0]   ctrl_engine;
  reg         ctrl_aes_dec;
  reg         ctrl_aes_cbc;
  reg         ctrl_sha_init;
  reg         ctrl_cc_autoinc;
  reg         ctrl_irq_en;

  // STATUS / sequencer
  reg [1:0]   fsm;
  reg [1:0]   op_engine;        // engine of the running (or last) operation
  reg         op_aes_dec;
  reg         op_aes_cbc;
  reg         err_engine;
  reg         err_write;
  reg [31:0]  cycles;
  reg [31:0]  last_cycles;

  // AES-128
  reg [127:0] aes_key;
  reg [127:0] aes_din;
  reg [127:0] aes_iv;
  reg [127:0] aes_iv_used;      // chaining value of the running CBC decryption

  // SHA-256
  reg [511:0] sha_block;

  // ChaCha20
  reg [255:0] cc_key;
  reg [31:0]  cc_counter;
  reg [95:0]  cc_nonce;
  reg [511:0] cc_data;

  wire [31:0] ctrl_word = {15'd0, ctrl_irq_en, 3'd0, ctrl_cc_autoinc, 3'd0, ctrl_sha_init,
                           2'd0, ctrl_aes_cbc, ctrl_aes_dec, 2'd0, ctrl_engine};
  wire [2:0]  engine_busy;
  wire [31:0] status_word = {21'd0, engine_busy, 2'd0, op_engine, err_write, err_engine, done, busy};

  // ------------------------------------------------------------------
  // Command decode
  // ------------------------------------------------------------------
  assign busy = fsm == S_RUN;
  assign irq  = done & ctrl_irq_en;

  wire accept     = start && fsm == S_IDLE;
  wire go_aes     = accept && ctrl_engine == ENG_AES;
  wire go_sha     = accept && ctrl_engine == ENG_SHA;
  wire go_chacha  = accept && ctrl_engine == ENG_CHACHA;
  wire go_bad     = accept && ctrl_engine == ENG_NONE;

  wire wr_ctrl    = bus_we && bus_waddr == A_CTRL;
  wire wr_status  = bus_we && bus_waddr == A_STATUS;
  wire wr_data    = bus_we && is_data_reg(bus_waddr);
  wire wr_blocked = wr_data && busy;
  wire zeroise    = wr_ctrl && bus_wstrb[3] && bus_wdata[31];

  // ------------------------------------------------------------------
  // Engines
  // ------------------------------------------------------------------
  // AES-128 (reused core). In CBC encryption the input is XORed with the
  // chaining value; in CBC decryption the output is (see aes_result).
  wire [127:0] aes_block_in = (ctrl_aes_cbc && !ctrl_aes_dec) ? aes_din ^ aes_iv : aes_din;
  wire [127:0] aes_block_out;
  wire         aes_ready;
  wire         aes_done;

  aes128 u_aes (
    .clk(clk),
    .rst_n(rst_n),
    .start(go_aes),
    .decrypt(ctrl_aes_dec),
    .key(aes_key),
    .block_in(aes_block_in),
    .block_out(aes_block_out),
    .ready(aes_ready),
    .done(aes_done)
  );

  wire [127:0] aes_result = (op_aes_cbc && op_aes_dec) ? aes_block_out ^ aes_iv_used : aes_block_out;

  // SHA-256 compression.
  wire [255:0] sha_digest;
  wire         sha_busy;
  wire         sha_done;
  wire [31:0]  sha_blocks;

  sha256_core u_sha (
    .clk(clk),
    .rst_n(rst_n),
    .start(go_sha),
    .init(ctrl_sha_init),
    .block(sha_block),
    .digest(sha_digest),
    .busy(sha_busy),
    .done(sha_done),
    .blocks(sha_blocks)
  );

  // ChaCha20 block function.
  wire [511:0] cc_stream;
  wire         cc_busy;
  wire         cc_done;

  chacha20_core u_chacha (
    .clk(clk),
    .rst_n(rst_n),
    .start(go_chacha),
    .key(cc_key),
    .counter(cc_counter),
    .nonce(cc_nonce),
    .block(cc_stream),
    .busy(cc_busy),
    .done(cc_done)
  );

  wire [511:0] cc_result = cc_stream ^ cc_data;

  assign engine_busy = {cc_busy, sha_busy, ~aes_ready};

  // Completion of the running operation.
  reg op_done;
  always @* begin
    case (op_engine)
      ENG_AES:    op_done = aes_done;
      ENG_SHA:    op_done = sha_done;
      ENG_CHACHA: op_done = cc_done;
      default:    op_done = 1'b1;
    endcase
  end

  wire finish = fsm == S_RUN && op_done;

  // ------------------------------------------------------------------
  // Sequencer: state, done, errors, cycle counter
  // ------------------------------------------------------------------
  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      fsm         <= S_IDLE;
      done        <= 1'b0;
      op_engine   <= ENG_AES;
      op_aes_dec  <= 1'b0;
      op_aes_cbc  <= 1'b0;
      err_engine  <= 1'b0;
      err_write   <= 1'b0;
      cycles      <= 32'd0;
      last_cycles <= 32'd0;
    end else begin
      // STATUS: write 1 to clear
      if (wr_status && bus_wstrb[0]) begin
        if (bus_wdata[1]) done <= 1'b0;
        if (bus_wdata[2]) err_engine <= 1'b0;
        if (bus_wdata[3]) err_write <= 1'b0;
      end
      if (wr_blocked) err_write <= 1'b1;

      case (fsm)
        S_IDLE: begin
          if (accept) begin
            op_engine  <= ctrl_engine;
            op_aes_dec <= ctrl_aes_dec;
            op_aes_cbc <= ctrl_aes_cbc;
            cycles     <= 32'd0;
            if (go_bad) begin
              // reserved engine: complete at once with an error
              err_engine  <= 1'b1;
              done        <= 1'b1;
              last_cycles <= 32'd0;
            end else begin
              done <= 1'b0;
              fsm  <= S_RUN;
            end
          end
        end
        S_RUN: begin
          cycles <= cycles + 32'd1;
          if (finish) begin
            fsm         <= S_IDLE;
            done        <= 1'b1;
            last_cycles <= cycles + 32'd1;
          end
        end
        default: begin
          fsm  <= S_IDLE;
          done <= 1'b0;
        end
      endcase
    end
  end

  // ------------------------------------------------------------------
  // Register file: bus writes, CBC chaining, counter increment, zeroise
  // ------------------------------------------------------------------
  always @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      ctrl_engine     <= ENG_AES;
      ctrl_aes_dec    <= 1'b0;
      ctrl_aes_cbc    <= 1'b0;
      ctrl_sha_init   <= 1'b0;
      ctrl_cc_autoinc <= 1'b0;
      ctrl_irq_en     <= 1'b0;
      aes_key         <= 128'd0;
      aes_din         <= 128'd0;
      aes_iv          <= 128'd0;
      aes_iv_used     <= 128'd0;
      sha_block       <= 512'd0;
      cc_key          <= 256'd0;
      cc_counter      <= 32'd0;
      cc_nonce        <= 96'd0;
      cc_data         <= 512'd0;
    end else begin
      if (wr_ctrl) begin
        if (bus_wstrb[0]) begin
          ctrl_engine  <= bus_wdata[1:0];
          ctrl_aes_dec <= bus_wdata[4];
          ctrl_aes_cbc <= bus_wdata[5];
        end
        if (bus_wstrb[1]) begin
          ctrl_sha_init   <= bus_wdata[8];
          ctrl_cc_autoinc <= bus_wdata[12];
        end
        if (bus_wstrb[2]) ctrl_irq_en <= bus_wdata[16];
      end

      if (bus_we && !busy) begin
        case (bus_waddr)
          // AES-128: key (write-only), input block, CBC chaining value
          8'h04: aes_key[127:96] <= merge(aes_key[127:96], bus_wdata, bus_wstrb);
          8'h05: aes_key[95:64] <= merge(aes_key[95:64], bus_wdata, bus_wstrb);
          8'h06: aes_key[63:32] <= merge(aes_key[63:32], bus_wdata, bus_wstrb);
          8'h07: aes_key[31:0] <= merge(aes_key[31:0], bus_wdata, bus_wstrb);
          8'h08: aes_din[127:96] <= merge(aes_din[127:96], bus_wdata, bus_wstrb);
          8'h09: aes_din[95:64] <= merge(aes_din[95:64], bus_wdata, bus_wstrb);
          8'h0a: aes_din[63:32] <= merge(aes_din[63:32], bus_wdata, bus_wstrb);
          8'h0b: aes_din[31:0] <= merge(aes_din[31:0], bus_wdata, bus_wstrb);
          8'h10: aes_iv[127:96] <= merge(aes_iv[127:96], bus_wdata, bus_wstrb);
          8'h11: aes_iv[95:64] <= merge(aes_iv[95:64], bus_wdata, bus_wstrb);
          8'h12: aes_iv[63:32] <= merge(aes_iv[63:32], bus_wdata, bus_wstrb);
          8'h13: aes_iv[31:0] <= merge(aes_iv[31:0], bus_wdata, bus_wstrb);
          // SHA-256: message block M[0..15]
          8'h20: sha_block[511:480] <= merge(sha_block[511:480], bus_wdata, bus_wstrb);
          8'h21: sha_block[479:448] <= merge(sha_block[479:448], bus_wdata, bus_wstrb);
          8'h22: sha_block[447:416] <= merge(sha_block[447:416], bus_wdata, bus_wstrb);
          8'h23: sha_block[415:384] <= merge(sha_block[415:384], bus_wdata, bus_wstrb);
          8'h24: sha_block[383:352] <= merge(sha_block[383:352], bus_wdata, bus_wstrb);
          8'h25: sha_block[351:320] <= merge(sha_block[351:320], bus_wdata, bus_wstrb);
          8'h26: sha_block[319:288] <= merge(sha_block[319:288], bus_wdata, bus_wstrb);
          8'h27: sha_block[287:256] <= merge(sha_block[287:256], bus_wdata, bus_wstrb);
          8'h28: sha_block[255:224] <= merge(sha_block[255:224], bus_wdata, bus_wstrb);
          8'h29: sha_block[223:192] <= merge(sha_block[223:192], bus_wdata, bus_wstrb);
          8'h2a: sha_block[191:160] <= merge(sha_block[191:160], bus_wdata, bus_wstrb);
          8'h2b: sha_block[159:128] <= merge(sha_block[159:128], bus_wdata, bus_wstrb);
          8'h2c: sha_block[127:96] <= merge(sha_block[127:96], bus_wdata, bus_wstrb);
          8'h2d: sha_block[95:64] <= merge(sha_block[95:64], bus_wdata, bus_wstrb);
          8'h2e: sha_block[63:32] <= merge(sha_block[63:32], bus_wdata, bus_wstrb);
          8'h2f: sha_block[31:0] <= merge(sha_block[31:0], bus_wdata, bus_wstrb);
          // ChaCha20: key (write-only), block counter, nonce, data
          8'h40: cc_key[255:224] <= merge(cc_key[255:224], bus_wdata, bus_wstrb);
          8'h41: cc_key[223:192] <= merge(cc_key[223:192], bus_wdata, bus_wstrb);
          8'h42: cc_key[191:160] <= merge(cc_key[191:160], bus_wdata, bus_wstrb);
          8'h43: cc_key[159:128] <= merge(cc_key[159:128], bus_wdata, bus_wstrb);
          8'h44: cc_key[127:96] <= merge(cc_key[127:96], bus_wdata, bus_wstrb);
          8'h45: cc_key[95:64] <= merge(cc_key[95:64], bus_wdata, bus_wstrb);
          8'h46: cc_key[63:32] <= merge(cc_key[63:32], bus_wdata, bus_wstrb);
          8'h47: cc_key[31:0] <= merge(cc_key[31:0], bus_wdata, bus_wstrb);
          8'h48: cc_counter <= merge(cc_counter, bus_wdata, bus_wstrb);
          8'h49: cc_nonce[95:64] <= merge(cc_nonce[95:64], bus_wdata, bus_wstrb);
          8'h4a: cc_nonce[63:32] <= merge(cc_nonce[63:32], bus_wdata, bus_wstrb);
          8'h4b: cc_nonce[31:0] <= merge(cc_nonce[31:0], bus_wdata, bus_wstrb);
          8'h50: cc_data[511:480] <= merge(cc_data[511:480], bus_wdata, bus_wstrb);
          8'h51: cc_data[479:448] <= merge(cc_data[479:448], bus_wdata, bus_wstrb);
          8'h52: cc_data[447:416] <= merge(cc_data[447:416], bus_wdata, bus_wstrb);
          8'h53: cc_data[415:384] <= merge(cc_data[415:384], bus_wdata, bus_wstrb);
          8'h54: cc_data[383:352] <= merge(cc_data[383:352], bus_wdata, bus_wstrb);
          8'h55: cc_data[351:320] <= merge(cc_data[351:320], bus_wdata, bus_wstrb);
          8'h56: cc_data[319:288] <= merge(cc_data[319:288], bus_wdata, bus_wstrb);
          8'h57: cc_data[287:256] <= merge(cc_data[287:256], bus_wdata, bus_wstrb);
          8'h58: cc_data[255:224] <= merge(cc_data[255:224], bus_wdata, bus_wstrb);
          8'h59: cc_data[223:192] <= merge(cc_data[223:192], bus_wdata, bus_wstrb);
          8'h5a: cc_data[191:160] <= merge(cc_data[191:160], bus_wdata, bus_wstrb);
          8'h5b: cc_data[159:128] <= merge(cc_data[159:128], bus_wdata, bus_wstrb);
          8'h5c: cc_data[127:96] <= merge(cc_data[127:96], bus_wdata, bus_wstrb);
          8'h5d: cc_data[95:64] <= merge(cc_data[95:64], bus_wdata, bus_wstrb);
          8'h5e: cc_data[63:32] <= merge(cc_data[63:32], bus_wdata, bus_wstrb);
          8'h5f: cc_data[31:0] <= merge(cc_data[31:0], bus_wdata, bus_wstrb);
        endcase
      end

      // CBC chaining: remember the chaining value of a decryption, whose
      // ciphertext becomes the next one; an encryption's output becomes the next one.
      if (go_aes && ctrl_aes_cbc && ctrl_aes_dec) begin
        aes_iv_used <= aes_iv;
        aes_iv      <= aes_din;
      end
      if (finish && op_engine == ENG_AES && op_aes_cbc && !op_aes_dec)
        aes_iv <= aes_block_out;

      // ChaCha20: next block counter
      if (finish && op_engine == ENG_CHACHA && ctrl_cc_autoinc)
        cc_counter <= cc_counter + 32'd1;

      // zeroise the keys (CTRL bit 31)
      if (zeroise) begin
        aes_key <= 128'd0;
        cc_key  <= 256'd0;
      end
    end
  end

  // ------------------------------------------------------------------
  // Read port
  // ------------------------------------------------------------------
  always @* begin
    case (bus_raddr)
      8'h00: bus_rdata = ctrl_word;
      8'h01: bus_rdata = status_word;
      8'h02: bus_rdata = ID_VALUE;
      8'h03: bus_rdata = last_cycles;
      // 8'h04 .. 8'h07: the AES key is write-only (reads as 0)
      8'h08: bus_rdata = aes_din[127:96];
      8'h09: bus_rdata = aes_din[95:64];
      8'h0a: bus_rdata = aes_din[63:32];
      8'h0b: bus_rdata = aes_din[31:0];
      8'h0c: bus_rdata = aes_result[127:96];
      8'h0d: bus_rdata = aes_result[95:64];
      8'h0e: bus_rdata = aes_result[63:32];
      8'h0f: bus_rdata = aes_result[31:0];
      8'h10: bus_rdata = aes_iv[127:96];
      8'h11: bus_rdata = aes_iv[95:64];
      8'h12: bus_rdata = aes_iv[63:32];
      8'h13: bus_rdata = aes_iv[31:0];
      8'h20: bus_rdata = sha_block[511:480];
      8'h21: bus_rdata = sha_block[479:448];
      8'h22: bus_rdata = sha_block[447:416];
      8'h23: bus_rdata = sha_block[415:384];
      8'h24: bus_rdata = sha_block[383:352];
      8'h25: bus_rdata = sha_block[351:320];
      8'h26: bus_rdata = sha_block[319:288];
      8'h27: bus_rdata = sha_block[287:256];
      8'h28: bus_rdata = sha_block[255:224];
      8'h29: bus_rdata = sha_block[223:192];
      8'h2a: bus_rdata = sha_block[191:160];
      8'h2b: bus_rdata = sha_block[159:128];
      8'h2c: bus_rdata = sha_block[127:96];
      8'h2d: bus_rdata = sha_block[95:64];
      8'h2e: bus_rdata = sha_block[63:32];
      8'h2f: bus_rdata = sha_block[31:0];
      8'h30: bus_rdata = sha_digest[255:224];
      8'h31: bus_rdata = sha_digest[223:192];
      8'h32: bus_rdata = sha_digest[191:160];
      8'h33: bus_rdata = sha_digest[159:128];
      8'h34: bus_rdata = sha_digest[127:96];
      8'h35: bus_rdata = sha_digest[95:64];
      8'h36: bus_rdata = sha_digest[63:32];
      8'h37: bus_rdata = sha_digest[31:0];
      8'h38: bus_rdata = sha_blocks;
      // 8'h40 .. 8'h47: the ChaCha20 key is write-only (reads as 0)
      8'h48: bus_rdata = cc_counter;
      8'h49: bus_rdata = cc_nonce[95:64];
      8'h4a: bus_rdata = cc_nonce[63:32];
      8'h4b: bus_rdata = cc_nonce[31:0];
      8'h50: bus_rdata = cc_data[511:480];
      8'h51: bus_rdata = cc_data[479:448];
      8'h52: bus_rdata = cc_data[447:416];
      8'h53: bus_rdata = cc_data[415:384];
      8'h54: bus_rdata = cc_data[383:352];
      8'h55: bus_rdata = cc_data[351:320];
      8'h56: bus_rdata = cc_data[319:288];
      8'h57: bus_rdata = cc_data[287:256];
      8'h58: bus_rdata = cc_data[255:224];
      8'h59: bus_rdata = cc_data[223:192];
      8'h5a: bus_rdata = cc_data[191:160];
      8'h5b: bus_rdata = cc_data[159:128];
      8'h5c: bus_rdata = cc_data[127:96];
      8'h5d: bus_rdata = cc_data[95:64];
      8'h5e: bus_rdata = cc_data[63:32];
      8'h5f: bus_rdata = cc_data[31:0];
      8'h60: bus_rdata = cc_result[511:480];
      8'h61: bus_rdata = cc_result[479:448];
      8'h62: bus_rdata = cc_result[447:416];
      8'h63: bus_rdata = cc_result[415:384];
      8'h64: bus_rdata = cc_result[383:352];
      8'h65: bus_rdata = cc_result[351:320];
      8'h66: bus_rdata = cc_result[319:288];
      8'h67: bus_rdata = cc_result[287:256];
      8'h68: bus_rdata = cc_result[255:224];
      8'h69: bus_rdata = cc_result[223:192];
      8'h6a: bus_rdata = cc_result[191:160];
      8'h6b: bus_rdata = cc_result[159:128];
      8'h6c: bus_rdata = cc_result[127:96];
      8'h6d: bus_rdata = cc_result[95:64];
      8'h6e: bus_rdata = cc_result[63:32];
      8'h6f: bus_rdata = cc_result[31:0];
      default: bus_rdata = 32'd0;
    endcase
  end

`ifdef FORMAL
  initial assume(!rst_n);
  always @(posedge clk) begin
    // busy and done are never both high
    assert(!(busy && done));
    // unmapped addresses read as 0
    if ((bus_raddr >= 8'h14 && bus_raddr <= 8'h1f) || (bus_raddr >= 8'h39 && bus_raddr <= 8'h3f) ||
        (bus_raddr >= 8'h4c && bus_raddr <= 8'h4f) || bus_raddr >= 8'h70)
      assert(bus_rdata == 32'd0);
    // the keys cannot be read back
    if ((bus_raddr >= 8'h04 && bus_raddr <= 8'h07) || (bus_raddr >= 8'h40 && bus_raddr <= 8'h47))
      assert(bus_rdata == 32'd0);
    // the interrupt is the enabled done flag
    if (irq) assert(done);
    // only real engines run
    if (busy) assert(op_engine != ENG_NONE);
  end

  // every engine can complete an operation
  always @(posedge clk) begin
    cover(finish && op_engine == ENG_AES);
    cover(finish && op_engine == ENG_SHA);
    cover(finish && op_engine == ENG_CHACHA);
    cover(done && err_engine);
  end
`endif
endmodule
