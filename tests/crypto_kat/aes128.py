"""Driver for designs/verilog/aes/aes128.v: start/decrypt/key/block_in in, done/block_out out.

Bytes map big-endian onto the ports (byte 0 in bits [127:120]), as FIPS-197
writes the input and key.
"""
from hwverify.cosim.conformance_tb import read_bytes


async def reset(dut, bench):
    dut.start.value = 0
    dut.decrypt.value = 0
    dut.rst_n.value = 0
    await bench.tick(2)
    dut.rst_n.value = 1
    await bench.tick()


async def drive(dut, bench, v):
    """Encrypt or decrypt one block; return the output block."""
    await bench.wait_for(dut.ready, limit=40)
    dut.key.value = int.from_bytes(v["key"], "big")
    dut.block_in.value = int.from_bytes(v["block"], "big")
    dut.decrypt.value = v["decrypt"]
    await bench.pulse(dut.start)
    await bench.wait_for(dut.done, limit=40)
    return read_bytes(dut.block_out, 16)
