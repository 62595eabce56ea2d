"""Driver for designs/verilog/crypto/sha256_core.v: one 512-bit block per start, init or chained.

The message is padded here (padding is the software's job for this core);
the first block starts from the IV (``init``), the rest chain.
"""
from hwverify.cosim.conformance_tb import read_bytes
from hwverify.golden.sha256 import pad


async def reset(dut, bench):
    dut.start.value = 0
    dut.init.value = 0
    dut.rst_n.value = 0
    await bench.tick(2)
    dut.rst_n.value = 1
    await bench.tick()


async def drive(dut, bench, v):
    """Hash ``v["message"]``; return the 32-byte digest."""
    m = pad(v["message"])
    for i in range(0, len(m), 64):
        dut.block.value = int.from_bytes(m[i:i + 64], "big")
        dut.init.value = int(i == 0)
        await bench.pulse(dut.start)
        await bench.wait_for(dut.done, limit=100)
    return read_bytes(dut.digest, 32)
