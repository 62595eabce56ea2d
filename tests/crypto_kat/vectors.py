"""Known-answer vectors of the standards, golden-model adapters and random vectors, per algorithm.

The KAT values are the standards' own numbers: FIPS-197 Appendix B and C.1
(AES-128), FIPS 180-4's examples (SHA-256 of "abc" and of the 448-bit
two-block message), RFC 8439 sections 2.1.1, 2.3.2 and 2.4.2 (ChaCha20).
``tests/test_crypto_kat.py`` checks the golden models against them (and
against hashlib / cryptography); the conformance runs then compare each core
with the golden model on these inputs and on seeded random ones.
"""
from __future__ import annotations

import random
import struct

from hwverify.cosim.conformance import Vector
from hwverify.golden import aes, chacha20, sha256

# ------------------------------------------------------------------ AES-128 (FIPS-197)
AES_B = dict(key=bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c"),
             pt=bytes.fromhex("3243f6a8885a308d313198a2e0370734"),
             ct=bytes.fromhex("3925841d02dc09fbdc118597196a0b32"))
AES_C1 = dict(key=bytes.fromhex("000102030405060708090a0b0c0d0e0f"),
              pt=bytes.fromhex("00112233445566778899aabbccddeeff"),
              ct=bytes.fromhex("69c4e0d86a7b0430d8cdb78070b4c55a"))
AES_A1_LAST_WORD = 0xB6630CA6          # FIPS-197 A.1: w[43] for the key of Appendix B


def aes_kats(decrypt: bool = True) -> list[Vector]:
    out = []
    for name, kat in (("FIPS-197 B", AES_B), ("FIPS-197 C.1", AES_C1)):
        out.append(Vector(f"{name} encrypt", dict(key=kat["key"], block=kat["pt"], decrypt=0)))
        if decrypt:
            out.append(Vector(f"{name} decrypt", dict(key=kat["key"], block=kat["ct"], decrypt=1)))
    return out


def aes_random(n: int, seed: int, decrypt: bool = True) -> list[Vector]:
    rng = random.Random(seed)
    return [Vector(f"random #{i} (seed {seed})",
                   dict(key=rng.randbytes(16), block=rng.randbytes(16), decrypt=rng.randint(0, 1) if decrypt else 0))
            for i in range(n)]


def aes_model(v) -> bytes:
    return (aes.decrypt_block if v["decrypt"] else aes.encrypt_block)(v["key"], v["block"])


# ------------------------------------------------------------------ SHA-256 (FIPS 180-4)
SHA_ABC = (b"abc", bytes.fromhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
SHA_448 = (b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
           bytes.fromhex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"))
# FIPS 180-4 example: H(1) after the first block of the 448-bit message
SHA_448_H1 = (0x85E655D6, 0x417A1795, 0x3363376A, 0x624CDE5C, 0x76E09589, 0xCAC5F811, 0xCC4B32C1, 0xF20E533A)


def sha_kats() -> list[Vector]:
    out = [Vector('FIPS 180-4 "abc"', dict(message=SHA_ABC[0])),
           Vector("FIPS 180-4 448-bit two-block", dict(message=SHA_448[0]))]
    # padding boundaries: 55 bytes fill one block, 56 need two, 64 is a whole block plus one of padding
    out += [Vector(f"padding boundary {n} bytes", dict(message=bytes(range(n)))) for n in (0, 55, 56, 64)]
    return out


def sha_random(n: int, seed: int, max_len: int = 150) -> list[Vector]:
    rng = random.Random(seed)
    return [Vector(f"random #{i} (seed {seed})", dict(message=rng.randbytes(rng.randint(0, max_len))))
            for i in range(n)]


def sha_model(v) -> bytes:
    return sha256.sha256(v["message"])


# ------------------------------------------------------------------ ChaCha20 (RFC 8439)
RFC_QR_IN = (0x11111111, 0x01020304, 0x9B8D6F43, 0x01234567)        # 2.1.1
RFC_QR_OUT = (0xEA2A92F4, 0xCB1CF8CE, 0x4581472E, 0x5881C4BB)
RFC_232 = dict(key=bytes(range(32)), counter=1, nonce=bytes.fromhex("000000090000004a00000000"),
               block=bytes.fromhex("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                                   "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"))
RFC_242 = dict(key=bytes(range(32)), counter=1, nonce=bytes.fromhex("000000000000004a00000000"),
               plaintext=b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
                         b"the future, sunscreen would be it.",
               ciphertext=bytes.fromhex(
                   "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
                   "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
                   "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
                   "5af90bbf74a35be6b40b8eedf2785e42874d"))


def chacha_kats() -> list[Vector]:
    return [Vector("RFC 8439 2.3.2 block", {k: RFC_232[k] for k in ("key", "counter", "nonce")}),
            Vector("RFC 8439 2.4.2 encryption", {k: RFC_242[k] for k in ("key", "counter", "nonce", "plaintext")})]


def chacha_random(n: int, seed: int, max_len: int = 130) -> list[Vector]:
    """Block-function vectors and, every third one, an encryption of up to ``max_len`` bytes."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        v = dict(key=rng.randbytes(32), counter=rng.getrandbits(32) if i % 2 else rng.randint(0, 9),
                 nonce=rng.randbytes(12))
        if i % 3 == 2:
            v["counter"] = min(v["counter"], 0xFFFFFFFF - 4)
            v["plaintext"] = rng.randbytes(rng.randint(1, max_len))
        out.append(Vector(f"random #{i} (seed {seed})", v))
    return out


def chacha_model(v) -> bytes:
    if "plaintext" in v:
        return chacha20.encrypt(v["key"], v["counter"], v["nonce"], v["plaintext"])
    return chacha20.block(v["key"], v["counter"], v["nonce"])


def djb_from_rfc(v) -> dict:
    """The RFC 8439 inputs in the original ChaCha layout: word 13 (nonce word 0) joins the counter.

    Both layouts build the same 16-word state: words 12..15 are the 32-bit
    counter and the three nonce words in one, a 64-bit counter (low word
    first) and two nonce words in the other.
    """
    n0 = struct.unpack("<I", v["nonce"][:4])[0]
    out = dict(key=v["key"], counter=v["counter"] | n0 << 32, nonce=v["nonce"][4:], rounds=20)
    if "plaintext" in v:
        out["plaintext"] = v["plaintext"]
    return out


def djb_model(v) -> bytes:
    """Original-layout ChaCha (any key length and round count): the block, or the encryption."""
    rounds = v.get("rounds", 20)
    if "plaintext" not in v:
        return chacha20.core(chacha20.djb_initial_state(v["key"], v["counter"], v["nonce"]), rounds)
    p, out = v["plaintext"], bytearray()
    for j in range(0, len(p), 64):
        state = chacha20.djb_initial_state(v["key"], (v["counter"] + j // 64) % (1 << 64), v["nonce"])
        out += bytes(a ^ b for a, b in zip(p[j:j + 64], chacha20.core(state, rounds)))
    return bytes(out)


def djb_random(n: int, seed: int, max_len: int = 130) -> list[Vector]:
    """Original-layout vectors: 128/256-bit keys, 8/12/20 rounds, counters near the 32-bit carry."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        counter = rng.getrandbits(64) if i % 4 else (rng.getrandbits(32) << 32 | 0xFFFFFFFF)
        v = dict(key=rng.randbytes(rng.choice((16, 32))), counter=counter, nonce=rng.randbytes(8),
                 rounds=rng.choice((8, 12, 20)))
        if i % 3 == 2:
            v["plaintext"] = rng.randbytes(rng.randint(1, max_len))
        out.append(Vector(f"random #{i} (seed {seed})", v))
    return out


# ------------------------------------------------------------------ the accelerator: all three behind one bus
def accel_vectors(kats: bool, n_random: int, seed: int) -> list[Vector]:
    """The three engines' vectors, tagged with ``engine``; random ones interleave the engines."""
    out: list[Vector] = []
    if kats:
        out += [Vector(f"AES {v.name}", dict(v.inputs, engine="aes")) for v in aes_kats()]
        out += [Vector(f"SHA-256 {v.name}", dict(v.inputs, engine="sha256")) for v in sha_kats()]
        out += [Vector(f"ChaCha20 {v.name}", dict(v.inputs, engine="chacha20")) for v in chacha_kats()]
    per = {"aes": aes_random(n_random, seed), "sha256": sha_random(n_random, seed + 1),
           "chacha20": chacha_random(n_random, seed + 2)}
    rng = random.Random(seed)
    for i in range(n_random):
        eng = rng.choice(sorted(per))
        v = per[eng][i]
        out.append(Vector(f"random #{i} {eng} (seed {seed})", dict(v.inputs, engine=eng)))
    return out


ACCEL_MODELS = {"aes": aes_model, "sha256": sha_model, "chacha20": chacha_model}


def accel_model(v) -> bytes:
    return ACCEL_MODELS[v["engine"]](v)
