"""Golden models of the bundled crypto cores, written from the standards.

Plain Python, standard library only, so that a conformance test compares the
RTL with something that shares none of its structure: the AES S-box and the
SHA-256 constants are derived from their definitions rather than copied as
tables, and every model is checked against the standards' own vectors and
against ``hashlib`` / ``cryptography`` in ``tests/test_crypto_kat.py``.

* :mod:`hwverify.golden.aes` — AES-128 (FIPS-197): key expansion, the round
  steps, encryption and decryption of one block;
* :mod:`hwverify.golden.sha256` — SHA-256 (FIPS 180-4): padding, the
  compression function, the full hash;
* :mod:`hwverify.golden.chacha20` — ChaCha20 (RFC 8439): the quarter round,
  the block function, encryption; also the original 64-bit-nonce layout.
"""
from hwverify.golden import aes, chacha20, sha256

__all__ = ["aes", "chacha20", "sha256"]
