"""SHA-256 (FIPS 180-4): the constants, padding, the compression function and the full hash.

The constants are computed from their definitions (sections 4.2.2 and
5.3.3: the first 32 bits of the fractional parts of the cube roots and
square roots of the first primes) with exact integer roots, not copied.
Words are big-endian as in the standard; a block is 64 bytes.
"""
from __future__ import annotations

import math
import struct

MASK = 0xFFFFFFFF


def _primes(n: int) -> list[int]:
    ps: list[int] = []
    k = 2
    while len(ps) < n:
        if all(k % p for p in ps if p * p <= k):
            ps.append(k)
        k += 1
    return ps


def _icbrt(n: int) -> int:
    """floor(n ** (1/3)) for a non-negative integer, exactly (Newton's method on integers)."""
    x = 1 << ((n.bit_length() + 2) // 3 + 1)
    while True:
        y = (2 * x + n // (x * x)) // 3
        if y >= x:
            break
        x = y
    while x * x * x > n:
        x -= 1
    while (x + 1) ** 3 <= n:
        x += 1
    return x


# frac(p ** (1/k)) * 2^32 = (p * 2^(32k)) ** (1/k) mod 2^32
K: tuple[int, ...] = tuple(_icbrt(p << 96) & MASK for p in _primes(64))
IV: tuple[int, ...] = tuple(math.isqrt(p << 64) & MASK for p in _primes(8))


def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (32 - n))) & MASK


def big_sigma0(x: int) -> int:
    return _rotr(x, 2) ^ _rotr(x, 13) ^ _rotr(x, 22)


def big_sigma1(x: int) -> int:
    return _rotr(x, 6) ^ _rotr(x, 11) ^ _rotr(x, 25)


def small_sigma0(x: int) -> int:
    return _rotr(x, 7) ^ _rotr(x, 18) ^ (x >> 3)


def small_sigma1(x: int) -> int:
    return _rotr(x, 17) ^ _rotr(x, 19) ^ (x >> 10)


def ch(x: int, y: int, z: int) -> int:
    return (x & y) ^ (~x & z & MASK)


def maj(x: int, y: int, z: int) -> int:
    return (x & y) ^ (x & z) ^ (y & z)


def pad(message: bytes) -> bytes:
    """Section 5.1.1: a 1 bit, zeros, and the 64-bit bit length, to a multiple of 64 bytes."""
    zeros = (55 - len(message)) % 64
    return message + b"\x80" + b"\x00" * zeros + struct.pack(">Q", 8 * len(message))


def schedule(block: bytes) -> list[int]:
    """The 64 message schedule words W[0..63] of section 6.2.2 step 1."""
    if len(block) != 64:
        raise ValueError(f"SHA-256 block must be 64 bytes, not {len(block)}")
    w = list(struct.unpack(">16I", block))
    for t in range(16, 64):
        w.append((small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16]) & MASK)
    return w


def round_step(v: tuple[int, ...], k: int, w: int) -> tuple[int, ...]:
    """One round of section 6.2.2 step 3 on the working variables (a, ..., h)."""
    a, b, c, d, e, f, g, h = v
    t1 = (h + big_sigma1(e) + ch(e, f, g) + k + w) & MASK
    t2 = (big_sigma0(a) + maj(a, b, c)) & MASK
    return ((t1 + t2) & MASK, a, b, c, (d + t1) & MASK, e, f, g)


def compress(h: tuple[int, ...] | list[int], block: bytes) -> tuple[int, ...]:
    """The compression function: the next chaining value H(i) from H(i-1) and one 64-byte block."""
    v = tuple(h)
    for k, w in zip(K, schedule(block)):
        v = round_step(v, k, w)
    return tuple((x + y) & MASK for x, y in zip(h, v))


def digest_bytes(h: tuple[int, ...] | list[int]) -> bytes:
    return struct.pack(">8I", *h)


def sha256(message: bytes) -> bytes:
    """The SHA-256 digest of ``message`` (section 6.2)."""
    h: tuple[int, ...] = IV
    m = pad(message)
    for i in range(0, len(m), 64):
        h = compress(h, m[i:i + 64])
    return digest_bytes(h)
