"""AES-128 (FIPS-197) on bytes: key expansion, the four round steps, one-block encryption and decryption.

The S-box is computed from its definition (FIPS-197 section 5.1.1: the
multiplicative inverse in GF(2^8) modulo x^8+x^4+x^3+x+1, then the affine
map), not copied from a table, so a wrong entry typed into an RTL table
cannot be repeated here. The state is 16 bytes in the standard's input
order (column-major: byte ``r + 4c`` is row r, column c).
"""
from __future__ import annotations

NR = 10          # rounds of AES-128
NK = 4           # key words of AES-128
POLY = 0x11B     # x^8 + x^4 + x^3 + x + 1


def gf_mul(a: int, b: int) -> int:
    """Multiply two bytes in GF(2^8) modulo the AES polynomial (section 4.2)."""
    p = 0
    while b:
        if b & 1:
            p ^= a
        a <<= 1
        if a & 0x100:
            a ^= POLY
        b >>= 1
    return p


def gf_inv(a: int) -> int:
    """The multiplicative inverse in GF(2^8) (a^254), with 0 mapped to 0 as section 5.1.1 says."""
    r, e = 1, 254
    while e:
        if e & 1:
            r = gf_mul(r, a)
        a = gf_mul(a, a)
        e >>= 1
    return r if r else 0


def _affine(b: int) -> int:
    """The affine map of section 5.1.1: b_i ^ b_{i+4} ^ b_{i+5} ^ b_{i+6} ^ b_{i+7} ^ c_i, c = 0x63."""
    out = 0
    for i in range(8):
        bit = ((b >> i) ^ (b >> ((i + 4) % 8)) ^ (b >> ((i + 5) % 8))
               ^ (b >> ((i + 6) % 8)) ^ (b >> ((i + 7) % 8)) ^ (0x63 >> i)) & 1
        out |= bit << i
    return out


SBOX: tuple[int, ...] = tuple(_affine(gf_inv(x)) for x in range(256))
INV_SBOX: tuple[int, ...] = tuple(SBOX.index(y) for y in range(256))


def _rcon(i: int) -> int:
    """Rcon[i] = x^(i-1) in GF(2^8) (section 5.2)."""
    r = 1
    for _ in range(i - 1):
        r = gf_mul(r, 2)
    return r


def expand_key(key: bytes) -> list[bytes]:
    """The 11 round keys of AES-128 (section 5.2), each 16 bytes; round key 0 is the key itself."""
    if len(key) != 16:
        raise ValueError(f"AES-128 key must be 16 bytes, not {len(key)}")
    w = [list(key[4 * i:4 * i + 4]) for i in range(NK)]
    for i in range(NK, 4 * (NR + 1)):
        t = list(w[i - 1])
        if i % NK == 0:
            t = t[1:] + t[:1]                       # RotWord
            t = [SBOX[b] for b in t]                # SubWord
            t[0] ^= _rcon(i // NK)
        w.append([a ^ b for a, b in zip(w[i - NK], t)])
    return [bytes(sum(w[4 * r:4 * r + 4], [])) for r in range(NR + 1)]


def sub_bytes(s: bytes) -> bytes:
    return bytes(SBOX[b] for b in s)


def inv_sub_bytes(s: bytes) -> bytes:
    return bytes(INV_SBOX[b] for b in s)


def shift_rows(s: bytes) -> bytes:
    """Row r rotates left by r columns (section 5.1.2)."""
    return bytes(s[r + 4 * ((c + r) % 4)] for c in range(4) for r in range(4))


def inv_shift_rows(s: bytes) -> bytes:
    return bytes(s[r + 4 * ((c - r) % 4)] for c in range(4) for r in range(4))


def _mix(s: bytes, m: tuple[int, int, int, int]) -> bytes:
    """Multiply each column by the circulant matrix whose first row is ``m``."""
    out = bytearray(16)
    for c in range(4):
        col = s[4 * c:4 * c + 4]
        for r in range(4):
            v = 0
            for k in range(4):
                v ^= gf_mul(m[(k - r) % 4], col[k])
            out[4 * c + r] = v
    return bytes(out)


def mix_columns(s: bytes) -> bytes:
    """Section 5.1.3: columns times {02, 03, 01, 01} circulant."""
    return _mix(s, (2, 3, 1, 1))


def inv_mix_columns(s: bytes) -> bytes:
    """Section 5.3.3: columns times {0e, 0b, 0d, 09} circulant."""
    return _mix(s, (0x0E, 0x0B, 0x0D, 0x09))


def add_round_key(s: bytes, k: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(s, k))


def encrypt_round(s: bytes, round_key: bytes, last: bool = False) -> bytes:
    """One full round of Cipher() (section 5.1); the last round has no MixColumns."""
    s = shift_rows(sub_bytes(s))
    return add_round_key(s if last else mix_columns(s), round_key)


def decrypt_round(s: bytes, round_key: bytes, last: bool = False) -> bytes:
    """One round of InvCipher() (section 5.3): InvShiftRows, InvSubBytes, AddRoundKey, InvMixColumns."""
    s = add_round_key(inv_sub_bytes(inv_shift_rows(s)), round_key)
    return s if last else inv_mix_columns(s)


def encrypt_block(key: bytes, block: bytes) -> bytes:
    """Cipher() of section 5.1 on one 16-byte block."""
    if len(block) != 16:
        raise ValueError(f"AES block must be 16 bytes, not {len(block)}")
    rk = expand_key(key)
    s = add_round_key(block, rk[0])
    for r in range(1, NR + 1):
        s = encrypt_round(s, rk[r], last=r == NR)
    return s


def decrypt_block(key: bytes, block: bytes) -> bytes:
    """InvCipher() of section 5.3 on one 16-byte block."""
    if len(block) != 16:
        raise ValueError(f"AES block must be 16 bytes, not {len(block)}")
    rk = expand_key(key)
    s = add_round_key(block, rk[NR])
    for r in range(NR - 1, -1, -1):
        s = decrypt_round(s, rk[r], last=r == 0)
    return s
