// secworks' S-box modules (github.com/secworks/aes, src/rtl/aes_sbox.v and
// aes_inv_sbox.v) substitute four bytes of a word at once; these wrappers put
// four algebraic reference S-boxes (aes_sbox_ref.v) behind the same ports.
// top: aes_sbox_word_ref

module aes_sbox_word_ref (
  input  [31:0] sboxw,
  output [31:0] new_sboxw
);
  aes_sbox_ref b3 (.in_byte(sboxw[31:24]), .out_byte(new_sboxw[31:24]));
  aes_sbox_ref b2 (.in_byte(sboxw[23:16]), .out_byte(new_sboxw[23:16]));
  aes_sbox_ref b1 (.in_byte(sboxw[15:8]),  .out_byte(new_sboxw[15:8]));
  aes_sbox_ref b0 (.in_byte(sboxw[7:0]),   .out_byte(new_sboxw[7:0]));
endmodule

module aes_inv_sbox_word_ref (
  input  [31:0] sboxw,
  output [31:0] new_sboxw
);
  aes_inv_sbox_ref b3 (.in_byte(sboxw[31:24]), .out_byte(new_sboxw[31:24]));
  aes_inv_sbox_ref b2 (.in_byte(sboxw[23:16]), .out_byte(new_sboxw[23:16]));
  aes_inv_sbox_ref b1 (.in_byte(sboxw[15:8]),  .out_byte(new_sboxw[15:8]));
  aes_inv_sbox_ref b0 (.in_byte(sboxw[7:0]),   .out_byte(new_sboxw[7:0]));
endmodule
