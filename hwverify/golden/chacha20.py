"""ChaCha20 (RFC 8439): the quarter round, the block function, encryption.

The state is 16 little-endian 32-bit words. ``initial_state`` builds the
RFC 8439 layout (constants, 256-bit key, 32-bit counter, 96-bit nonce);
``djb_initial_state`` the original layout of Bernstein's ChaCha (64-bit
counter, 64-bit nonce, 128- or 256-bit key) that some cores implement, which
differs only in how words 12..15 (and, for 128-bit keys, the constants and
words 8..11) are filled: the rounds are the same.
"""
from __future__ import annotations

import struct

MASK = 0xFFFFFFFF
SIGMA = struct.unpack("<4I", b"expand 32-byte k")   # RFC 8439 section 2.3
TAU = struct.unpack("<4I", b"expand 16-byte k")     # the original 128-bit-key constants


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & MASK


def quarter_round(a: int, b: int, c: int, d: int) -> tuple[int, int, int, int]:
    """QUARTERROUND of RFC 8439 section 2.1."""
    a = (a + b) & MASK; d = _rotl(d ^ a, 16)
    c = (c + d) & MASK; b = _rotl(b ^ c, 12)
    a = (a + b) & MASK; d = _rotl(d ^ a, 8)
    c = (c + d) & MASK; b = _rotl(b ^ c, 7)
    return a, b, c, d


COLUMNS = ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15))
DIAGONALS = ((0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14))


def double_round(x: list[int]) -> list[int]:
    """Four column quarter rounds, then four diagonal ones (RFC 8439 section 2.3)."""
    x = list(x)
    for idx in COLUMNS + DIAGONALS:
        vals = quarter_round(*(x[i] for i in idx))
        for i, v in zip(idx, vals):
            x[i] = v
    return x


def initial_state(key: bytes, counter: int, nonce: bytes) -> list[int]:
    """The RFC 8439 input state: constants, key, 32-bit block counter, 96-bit nonce."""
    if len(key) != 32 or len(nonce) != 12 or not 0 <= counter <= MASK:
        raise ValueError("ChaCha20 (RFC 8439) takes a 32-byte key, a 32-bit counter and a 12-byte nonce")
    return [*SIGMA, *struct.unpack("<8I", key), counter, *struct.unpack("<3I", nonce)]


def djb_initial_state(key: bytes, counter: int, nonce: bytes) -> list[int]:
    """The original ChaCha input state: 64-bit counter in words 12-13, 8-byte nonce in 14-15.

    A 16-byte key is used twice with the "expand 16-byte k" constants.
    """
    if len(key) not in (16, 32) or len(nonce) != 8 or not 0 <= counter < 1 << 64:
        raise ValueError("original ChaCha takes a 16- or 32-byte key, a 64-bit counter and an 8-byte nonce")
    consts, k = (SIGMA, key) if len(key) == 32 else (TAU, key + key)
    return [*consts, *struct.unpack("<8I", k), counter & MASK, counter >> 32, *struct.unpack("<2I", nonce)]


def core(state: list[int], rounds: int = 20) -> bytes:
    """The block function on an input state: ``rounds`` rounds, then the input added word-wise, serialised."""
    if rounds % 2:
        raise ValueError(f"ChaCha rounds come in double rounds: {rounds} is odd")
    x = list(state)
    for _ in range(rounds // 2):
        x = double_round(x)
    return struct.pack("<16I", *[(a + b) & MASK for a, b in zip(x, state)])


def block(key: bytes, counter: int, nonce: bytes) -> bytes:
    """The ChaCha20 block function of RFC 8439 section 2.3: 64 bytes of key stream."""
    return core(initial_state(key, counter, nonce))


def encrypt(key: bytes, counter: int, nonce: bytes, plaintext: bytes) -> bytes:
    """ChaCha20 encryption (RFC 8439 section 2.4); decryption is the same function."""
    out = bytearray()
    for j in range(0, len(plaintext), 64):
        stream = block(key, (counter + j // 64) & MASK, nonce)
        out += bytes(p ^ s for p, s in zip(plaintext[j:j + 64], stream))
    return bytes(out)
