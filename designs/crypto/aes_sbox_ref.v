// Reference AES S-boxes from their algebraic definition (FIPS-197 section 5.1.1),
// not from a table: SubBytes(x) = A * x^254 + 0x63 in GF(2^8) modulo
// x^8 + x^4 + x^3 + x + 1, where x^254 is the multiplicative inverse (0 maps to 0)
// and A the affine map b'_i = b_i ^ b_(i+4) ^ b_(i+5) ^ b_(i+6) ^ b_(i+7) ^ c_i.
// InvSubBytes(y) = (A^-1 * (y ^ 0x63))^254.
//
// x^254 by square-and-multiply: 254 = 0b11111110, so
//   x^2, x^3 = x^2*x, x^6 = (x^3)^2, x^7 = x^6*x, x^14, x^15, x^30, x^31,
//   x^62, x^63, x^126, x^127, x^254 = (x^127)^2.
// The solver proves the RTL tables equal to these modules for every input at once
// (`hwverify equiv`, designs/crypto/README.md); nothing enumerates the 256 cases.
// top: aes_sbox_ref


module aes_sbox_ref (
  input  [7:0] in_byte,
  output [7:0] out_byte
);
  function [7:0] gmul;          // a * b in GF(2^8), shift-and-add
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

  function [7:0] ginv;          // x^254: the inverse, 0 for 0
    input [7:0] x;
    reg [7:0] t;
    integer i;
    begin
      t = x;                    // x^1
      for (i = 0; i < 6; i = i + 1)
        t = gmul(gmul(t, t), x);   // x^3, x^7, x^15, x^31, x^63, x^127
      ginv = gmul(t, t);        // x^254
    end
  endfunction

  function [7:0] affine;
    input [7:0] b;
    integer i;
    begin
      for (i = 0; i < 8; i = i + 1)
        affine[i] = b[i] ^ b[(i + 4) % 8] ^ b[(i + 5) % 8] ^ b[(i + 6) % 8] ^ b[(i + 7) % 8];
      affine = affine ^ 8'h63;
    end
  endfunction

  assign out_byte = affine(ginv(in_byte));
endmodule

module aes_inv_sbox_ref (
  input  [7:0] in_byte,
  output [7:0] out_byte
);
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

  function [7:0] ginv;
    input [7:0] x;
    reg [7:0] t;
    integer i;
    begin
      t = x;
      for (i = 0; i < 6; i = i + 1)
        t = gmul(gmul(t, t), x);
      ginv = gmul(t, t);
    end
  endfunction

  // A^-1: b_i = b'_(i+2) ^ b'_(i+5) ^ b'_(i+7), after removing the constant 0x63
  // (equivalently: b_i = y_(i+2) ^ y_(i+5) ^ y_(i+7) ^ d_i with d = 0x05).
  function [7:0] inv_affine;
    input [7:0] y;
    integer i;
    begin
      for (i = 0; i < 8; i = i + 1)
        inv_affine[i] = y[(i + 2) % 8] ^ y[(i + 5) % 8] ^ y[(i + 7) % 8];
      inv_affine = inv_affine ^ 8'h05;
    end
  endfunction

  assign out_byte = ginv(inv_affine(in_byte));
endmodule
