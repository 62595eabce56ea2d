"""Driver for secworks' aes_core (aes_core.v): ``init`` expands the key, ``next`` processes a block.

``encdec`` 1 encrypts, 0 decrypts; ``keylen`` 0 is AES-128 with the key in
key[255:128]. Handshake as in the author's testbench: pulse, then wait for
``ready``.
"""
from hwverify.cosim.conformance_tb import read_bytes


async def reset(dut, bench):
    for name in ("encdec", "init", "next", "keylen", "key", "block"):
        getattr(dut, name).value = 0
    dut.reset_n.value = 0
    await bench.tick(2)
    dut.reset_n.value = 1
    await bench.tick()


async def drive(dut, bench, v):
    dut.key.value = int.from_bytes(v["key"], "big") << 128
    dut.keylen.value = 0
    dut.encdec.value = 0 if v["decrypt"] else 1
    await bench.pulse(dut.init)
    await bench.tick()
    await bench.wait_for(dut.ready, limit=100)
    dut.block.value = int.from_bytes(v["block"], "big")
    await bench.pulse(dut.next)
    await bench.tick()
    await bench.wait_for(dut.result_valid, limit=100)
    return read_bytes(dut.result, 16)
