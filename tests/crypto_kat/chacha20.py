"""Driver for designs/verilog/crypto/chacha20_core.v: key/counter/nonce in, one key-stream block out.

The state words are little-endian in the RFC; the core takes word 0 of the
key and nonce in the top bits and puts output word 0 in block[511:480].
Encryption (RFC 8439 2.4) is the key stream of successive counters XORed
with the plaintext here: the core has no data input.
"""
import struct

from hwverify.cosim.conformance_tb import read_int


def _words(data: bytes) -> int:
    """Little-endian words, word 0 in the most significant position."""
    value = 0
    for w in struct.unpack(f"<{len(data) // 4}I", data):
        value = value << 32 | w
    return value


async def reset(dut, bench):
    dut.start.value = 0
    dut.rst_n.value = 0
    await bench.tick(2)
    dut.rst_n.value = 1
    await bench.tick()


async def key_stream(dut, bench, key: bytes, counter: int, nonce: bytes) -> bytes:
    dut.key.value = _words(key)
    dut.counter.value = counter
    dut.nonce.value = _words(nonce)
    await bench.pulse(dut.start)
    await bench.wait_for(dut.done, limit=120)
    out = read_int(dut.block)
    return struct.pack("<16I", *[(out >> (32 * (15 - i))) & 0xFFFFFFFF for i in range(16)])


async def drive(dut, bench, v):
    """The block for (key, counter, nonce), or the encryption of ``v["plaintext"]`` if given."""
    if "plaintext" not in v:
        return await key_stream(dut, bench, v["key"], v["counter"], v["nonce"])
    p, out = v["plaintext"], bytearray()
    for j in range(0, len(p), 64):
        stream = await key_stream(dut, bench, v["key"], v["counter"] + j // 64, v["nonce"])
        out += bytes(a ^ b for a, b in zip(p[j:j + 64], stream))
    return bytes(out)
