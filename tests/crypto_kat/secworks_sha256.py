"""Driver for secworks' sha256_core (sha256_core.v): ``init`` hashes the first block, ``next`` chains.

``mode`` 1 selects SHA-256 (0 is SHA-224). Handshake as in the author's
testbench: pulse, then wait for ``ready``; the digest is valid with
``digest_valid``.
"""
from hwverify.cosim.conformance_tb import read_bytes
from hwverify.golden.sha256 import pad


async def reset(dut, bench):
    for name in ("init", "next", "mode", "block"):
        getattr(dut, name).value = 0
    dut.reset_n.value = 0
    await bench.tick(2)
    dut.reset_n.value = 1
    await bench.tick()


async def drive(dut, bench, v):
    m = pad(v["message"])
    dut.mode.value = 1
    for i in range(0, len(m), 64):
        dut.block.value = int.from_bytes(m[i:i + 64], "big")
        await bench.pulse(dut.init if i == 0 else dut.next)
        await bench.tick()
        await bench.wait_for(dut.ready, limit=200)
    await bench.wait_for(dut.digest_valid, limit=10)
    return read_bytes(dut.digest, 32)
