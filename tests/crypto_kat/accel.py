"""Driver for designs/verilog/crypto/crypto_accel.v through its bus, following the programming
sequences in the file's header: one vector is one AES block, one SHA-256 message or one ChaCha20
block/encryption, selected by ``inputs["engine"]``.
"""
import struct

from hwverify.cosim.conformance_tb import read_int
from hwverify.golden.sha256 import pad

CTRL, AES_KEY, AES_DIN, AES_DOUT = 0x00, 0x04, 0x08, 0x0C
SHA_M, SHA_H = 0x20, 0x30
CC_KEY, CC_CTR, CC_NONCE, CC_DATA, CC_OUT = 0x40, 0x48, 0x49, 0x50, 0x60
ENG_AES, ENG_SHA, ENG_CHACHA = 0, 1, 2
AES_DEC, SHA_INIT, CC_AUTOINC = 1 << 4, 1 << 8, 1 << 12


async def reset(dut, bench):
    for name in ("bus_we", "bus_waddr", "bus_wdata", "bus_wstrb", "bus_raddr", "start"):
        getattr(dut, name).value = 0
    dut.rst_n.value = 0
    await bench.tick(2)
    dut.rst_n.value = 1
    await bench.tick()


async def write(dut, bench, addr: int, words) -> None:
    dut.bus_we.value = 1
    dut.bus_wstrb.value = 0xF
    for i, w in enumerate(words):
        dut.bus_waddr.value = addr + i
        dut.bus_wdata.value = w
        await bench.tick()
    dut.bus_we.value = 0


async def read(dut, bench, addr: int, n: int) -> list[int]:
    """``n`` words from ``addr`` on; the read port is combinational: one address per cycle."""
    out = []
    for i in range(n):
        dut.bus_raddr.value = addr + i
        await bench.tick()
        out.append(read_int(dut.bus_rdata))
    return out


async def run(dut, bench, ctrl: int) -> None:
    await write(dut, bench, CTRL, [ctrl])
    await bench.pulse(dut.start)
    await bench.wait_for(dut.done, limit=200)


async def drive(dut, bench, v):
    eng = v["engine"]
    if eng == "aes":
        await write(dut, bench, AES_KEY, struct.unpack(">4I", v["key"]))
        await write(dut, bench, AES_DIN, struct.unpack(">4I", v["block"]))
        await run(dut, bench, ENG_AES | (AES_DEC if v["decrypt"] else 0))
        return struct.pack(">4I", *await read(dut, bench, AES_DOUT, 4))
    if eng == "sha256":
        m = pad(v["message"])
        for i in range(0, len(m), 64):
            await write(dut, bench, SHA_M, struct.unpack(">16I", m[i:i + 64]))
            await run(dut, bench, ENG_SHA | (SHA_INIT if i == 0 else 0))
        return struct.pack(">8I", *await read(dut, bench, SHA_H, 8))
    if eng == "chacha20":
        await write(dut, bench, CC_KEY, struct.unpack("<8I", v["key"]))
        await write(dut, bench, CC_CTR, [v["counter"]])
        await write(dut, bench, CC_NONCE, struct.unpack("<3I", v["nonce"]))
        data = v.get("plaintext", bytes(64))
        out = bytearray()
        for j in range(0, len(data), 64):
            chunk = data[j:j + 64]
            await write(dut, bench, CC_DATA, struct.unpack("<16I", chunk.ljust(64, b"\0")))
            await run(dut, bench, ENG_CHACHA | CC_AUTOINC)
            out += struct.pack("<16I", *await read(dut, bench, CC_OUT, 16))[:len(chunk)]
        return bytes(out)
    raise ValueError(f"unknown engine {eng!r}")
