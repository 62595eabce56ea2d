"""Driver for secworks' chacha_core (chacha_core.v): original ChaCha, 64-bit counter and nonce.

Key, nonce (``iv``) and data are byte strings packed big-endian into the
ports (the core swaps each word to little-endian itself); ``ctr`` is the
64-bit block counter as a number; ``keylen`` 1 is a 256-bit key, 0 a 128-bit
one in key[255:128]; ``rounds`` 8, 12 or 20. ``init`` loads the counter and
computes a block, ``next`` computes the block of the incremented counter;
the output is ``data_in`` XOR the key stream, so encryption runs in the core.
"""
from hwverify.cosim.conformance_tb import read_bytes


async def reset(dut, bench):
    for name in ("init", "next", "key", "keylen", "iv", "ctr", "rounds", "data_in"):
        getattr(dut, name).value = 0
    dut.reset_n.value = 0
    await bench.tick(2)
    dut.reset_n.value = 1
    await bench.tick()


async def drive(dut, bench, v):
    key = v["key"]
    dut.key.value = int.from_bytes(key, "big") << (256 - 8 * len(key))
    dut.keylen.value = int(len(key) == 32)
    dut.iv.value = int.from_bytes(v["nonce"], "big")
    dut.ctr.value = v["counter"]
    dut.rounds.value = v.get("rounds", 20)
    data = v.get("plaintext", bytes(64))
    out = bytearray()
    for j in range(0, len(data), 64):
        chunk = data[j:j + 64]
        dut.data_in.value = int.from_bytes(chunk.ljust(64, b"\0"), "big")
        await bench.pulse(dut.init if j == 0 else dut.next)
        await bench.tick()
        await bench.wait_for(dut.data_out_valid, limit=200)
        out += read_bytes(dut.data_out, 64)[:len(chunk)]
    return bytes(out)
