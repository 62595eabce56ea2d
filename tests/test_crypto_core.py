"""The crypto accelerator core in designs/verilog/crypto (AES-128, SHA-256, ChaCha20).

A ~2,000-line core (the reused AES core in designs/verilog/aes included): it
must lower (the time is recorded, bench/verilog_lowering.py measures it), the
lowered system must compute the standard test vectors when driven cycle by
cycle through its bus interface, and Icarus must agree with the lowered
system on every named signal in every cycle of the same stimulus.

The bus driver runs against the lowered model (it polls ``done``) and records
every cycle's inputs; that recording is the stimulus replayed in Icarus.
"""
from __future__ import annotations

import functools
import hashlib
import random
import struct
import time
from pathlib import Path

import pytest

from hwverify.frontend.verilog.lower import lower_verilog_info
from hwverify.cosim.icarus import compare, have_iverilog
from hwverify.semantics.evaluate import CompiledSystem

CRYPTO = Path(__file__).resolve().parent.parent / "designs" / "verilog" / "crypto"
FILES = [str(p) for p in sorted(CRYPTO.glob("*.v"))]
TOP = "crypto_accel"

pytestmark = pytest.mark.skipif(not have_iverilog(), reason="pyverilog preprocesses with Icarus")

# Register map (word addresses), see crypto_accel.v.
CTRL, STATUS, ID, CYCLES = 0x00, 0x01, 0x02, 0x03
AES_KEY, AES_DIN, AES_DOUT, AES_IV = 0x04, 0x08, 0x0C, 0x10
SHA_M, SHA_H, SHA_CNT = 0x20, 0x30, 0x38
CC_KEY, CC_CTR, CC_NONCE, CC_DATA, CC_OUT = 0x40, 0x48, 0x49, 0x50, 0x60
ENG_AES, ENG_SHA, ENG_CHACHA, ENG_NONE = 0, 1, 2, 3
AES_DEC, AES_CBC, SHA_INIT, CC_AUTOINC, IRQ_EN = 1 << 4, 1 << 5, 1 << 8, 1 << 12, 1 << 16

IDLE = {"rst_n": 1, "bus_we": 0, "bus_waddr": 0, "bus_wdata": 0, "bus_wstrb": 0,
        "bus_raddr": 0x7F, "start": 0}

OUTPUTS = ("bus_rdata", "busy", "done", "irq")

LOWER_SECONDS: dict[str, float] = {}


@functools.lru_cache(maxsize=None)
def lowered(formal: bool = False):
    t = time.perf_counter()
    result = lower_verilog_info(FILES, TOP, formal=formal)
    LOWER_SECONDS[f"formal={formal}"] = time.perf_counter() - t
    return result


@functools.lru_cache(maxsize=None)
def compiled() -> CompiledSystem:
    return CompiledSystem(lowered()[0])


class Bus:
    """Drives the lowered system one clock cycle per call and records the inputs."""

    def __init__(self, seed: int = 0):
        self.cs = compiled()
        self.rng = random.Random(seed)
        # registers without reset (AES/SHA/ChaCha datapaths) start random
        self.initial = self.cs.initial_state(rng=self.rng)
        self.state = dict(self.initial)
        self.inputs: list[dict[str, int]] = []
        self.outputs: list[dict[str, int]] = []     # the top's outputs per cycle
        self.cycle(rst_n=0)
        self.cycle(rst_n=0)

    def cycle(self, **inputs: int) -> dict[str, int]:
        """One cycle with ``inputs`` (others idle): the signals of that cycle."""
        inp = {**IDLE, **inputs}
        signals = self.cs.observe(self.state, inp).signals
        self.state = self.cs.step(self.state, inp)
        self.inputs.append(inp)
        self.outputs.append({n: signals[n] for n in OUTPUTS})
        return signals

    def write(self, addr: int, data: int, strb: int = 0xF) -> None:
        self.cycle(bus_we=1, bus_waddr=addr, bus_wdata=data, bus_wstrb=strb)

    def read(self, addr: int) -> int:
        return self.cycle(bus_raddr=addr)["bus_rdata"]

    def write_words(self, addr: int, words) -> None:
        for i, w in enumerate(words):
            self.write(addr + i, w)

    def read_words(self, addr: int, n: int) -> list[int]:
        return [self.read(addr + i) for i in range(n)]

    def run(self, ctrl: int, limit: int = 200) -> int:
        """Start the engine selected by ``ctrl``, wait for done; returns the cycles waited."""
        self.write(CTRL, ctrl)
        sig = self.cycle(start=1)
        assert not sig["busy"]
        for k in range(limit):
            sig = self.cycle()
            assert not (sig["busy"] and sig["done"])
            if sig["done"]:
                return k
            assert sig["busy"]
        raise AssertionError(f"no done after {limit} cycles")


def words_be(data: bytes) -> list[int]:
    return list(struct.unpack(f">{len(data) // 4}I", data))


def words_le(data: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(data) // 4}I", data))


# --------------------------------------------------------------- golden models
def sha256_pad_one_block(msg: bytes) -> bytes:
    assert len(msg) <= 55
    return msg + b"\x80" + b"\x00" * (55 - len(msg)) + struct.pack(">Q", 8 * len(msg))


SHA256_IV = [0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19]


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


def chacha20_block(key: bytes, counter: int, nonce: bytes) -> bytes:
    """RFC 8439 section 2.3."""
    const = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    init = const + words_le(key) + [counter] + words_le(nonce)
    x = list(init)

    def qr(a, b, c, d):
        x[a] = (x[a] + x[b]) & 0xFFFFFFFF; x[d] = _rotl(x[d] ^ x[a], 16)
        x[c] = (x[c] + x[d]) & 0xFFFFFFFF; x[b] = _rotl(x[b] ^ x[c], 12)
        x[a] = (x[a] + x[b]) & 0xFFFFFFFF; x[d] = _rotl(x[d] ^ x[a], 8)
        x[c] = (x[c] + x[d]) & 0xFFFFFFFF; x[b] = _rotl(x[b] ^ x[c], 7)

    for _ in range(10):
        qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
        qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
    return struct.pack("<16I", *[(a + b) & 0xFFFFFFFF for a, b in zip(x, init)])


# RFC 8439 section 2.3.2
RFC_KEY = bytes(range(32))
RFC_NONCE = bytes.fromhex("000000090000004a00000000")
RFC_COUNTER = 1
RFC_BLOCK = bytes.fromhex(
    "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
    "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e")

# FIPS-197 appendix C.1
AES_KEY_C1 = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
AES_PT_C1 = bytes.fromhex("00112233445566778899aabbccddeeff")
AES_CT_C1 = bytes.fromhex("69c4e0d86a7b0430d8cdb78070b4c55a")


def test_golden_models():
    assert chacha20_block(RFC_KEY, RFC_COUNTER, RFC_NONCE) == RFC_BLOCK


# --------------------------------------------------------------- sequences
def seq_sha256(bus: Bus) -> None:
    """SHA-256('abc'): one padded block compressed from the IV; then chaining."""
    block = sha256_pad_one_block(b"abc")
    bus.write_words(SHA_M, words_be(block))
    assert bus.read_words(SHA_M, 16) == words_be(block)
    waited = bus.run(ENG_SHA | SHA_INIT)
    assert 64 <= waited <= 70
    digest = b"".join(struct.pack(">I", w) for w in bus.read_words(SHA_H, 8))
    assert digest == hashlib.sha256(b"abc").digest()
    assert bus.read(SHA_CNT) == 1
    assert bus.read(STATUS) & 0b11 == 0b10          # done, not busy
    # a two-block message: the second block chains from the digest of the first
    msg = bytes(range(64)) + b"hwverify"
    second = msg[64:] + b"\x80" + b"\x00" * (55 - 8) + struct.pack(">Q", 8 * len(msg))
    bus.write_words(SHA_M, words_be(msg[:64]))
    bus.run(ENG_SHA | SHA_INIT)
    bus.write_words(SHA_M, words_be(second))
    bus.run(ENG_SHA)
    digest = b"".join(struct.pack(">I", w) for w in bus.read_words(SHA_H, 8))
    assert digest == hashlib.sha256(msg).digest()
    assert bus.read(SHA_CNT) == 2


def seq_chacha20(bus: Bus) -> None:
    """RFC 8439 2.3.2 block, then the next block with auto-increment and data XOR."""
    bus.write_words(CC_KEY, words_le(RFC_KEY))
    assert bus.read_words(CC_KEY, 8) == [0] * 8        # write-only
    bus.write(CC_CTR, RFC_COUNTER)
    bus.write_words(CC_NONCE, words_le(RFC_NONCE))
    bus.write_words(CC_DATA, [0] * 16)
    waited = bus.run(ENG_CHACHA | CC_AUTOINC)
    assert 80 <= waited <= 85
    out = struct.pack("<16I", *bus.read_words(CC_OUT, 16))
    assert out == RFC_BLOCK
    assert bus.read(CC_CTR) == RFC_COUNTER + 1
    # second block: encrypt 64 bytes of data
    data = bytes((7 * i + 3) & 0xFF for i in range(64))
    bus.write_words(CC_DATA, words_le(data))
    bus.run(ENG_CHACHA)
    out = struct.pack("<16I", *bus.read_words(CC_OUT, 16))
    stream = chacha20_block(RFC_KEY, RFC_COUNTER + 1, RFC_NONCE)
    assert out == bytes(a ^ b for a, b in zip(data, stream))
    assert bus.read(CC_CTR) == RFC_COUNTER + 1      # auto-increment was off


def seq_aes(bus: Bus) -> None:
    """FIPS-197 C.1 encryption and decryption, then CBC encrypt/decrypt of two blocks."""
    bus.write_words(AES_KEY, words_be(AES_KEY_C1))
    assert bus.read_words(AES_KEY, 4) == [0] * 4       # write-only
    bus.write_words(AES_DIN, words_be(AES_PT_C1))
    bus.run(ENG_AES)
    assert bus.read_words(AES_DOUT, 4) == words_be(AES_CT_C1)
    bus.write_words(AES_DIN, words_be(AES_CT_C1))
    bus.run(ENG_AES | AES_DEC)
    assert bus.read_words(AES_DOUT, 4) == words_be(AES_PT_C1)
    # CBC with a zero IV: the first block is ECB
    iv = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
    p1, p2 = bytes(range(16, 32)), bytes(range(32, 48))
    bus.write_words(AES_IV, [0] * 4)
    bus.write_words(AES_DIN, words_be(AES_PT_C1))
    bus.run(ENG_AES | AES_CBC)
    assert bus.read_words(AES_DOUT, 4) == words_be(AES_CT_C1)
    assert bus.read_words(AES_IV, 4) == words_be(AES_CT_C1)
    # CBC round trip of two blocks
    bus.write_words(AES_IV, words_be(iv))
    cts = []
    for p in (p1, p2):
        bus.write_words(AES_DIN, words_be(p))
        bus.run(ENG_AES | AES_CBC)
        cts.append(bus.read_words(AES_DOUT, 4))
    assert bus.read_words(AES_IV, 4) == cts[1]
    bus.write_words(AES_IV, words_be(iv))
    for p, c in zip((p1, p2), cts):
        bus.write_words(AES_DIN, c)
        bus.run(ENG_AES | AES_CBC | AES_DEC)
        assert bus.read_words(AES_DOUT, 4) == words_be(p)


def seq_control(bus: Bus) -> None:
    """ID, unmapped reads, reserved engine, write while busy, W1C, irq, zeroise."""
    assert bus.read(ID) == 0x43525950
    for addr in (0x14, 0x1F, 0x39, 0x3F, 0x4C, 0x70, 0xFF):
        assert bus.read(addr) == 0
    bus.write(CTRL, ENG_NONE | IRQ_EN)
    sig = bus.cycle(start=1)
    sig = bus.cycle()
    assert sig["done"] and not sig["busy"] and sig["irq"]
    assert bus.read(STATUS) & 0b0110 == 0b0110            # done + engine error
    bus.write(STATUS, 0b0110)
    assert bus.read(STATUS) & 0b1111 == 0
    # a data write while busy is dropped and flagged
    bus.write(CTRL, ENG_SHA | SHA_INIT)
    bus.cycle(start=1)
    bus.write(SHA_M, 0xDEADBEEF)
    assert bus.read(STATUS) == 0x200 | ENG_SHA << 4 | 0b1001   # SHA active, busy + write error
    while not bus.cycle()["done"]:
        pass
    assert bus.read(SHA_M) != 0xDEADBEEF
    # byte strobes
    bus.write(CC_CTR, 0x11223344)
    bus.write(CC_CTR, 0xAABBCCDD, strb=0b0101)
    assert bus.read(CC_CTR) == 0x11BB33DD
    # zeroise: the keys are cleared (checked through a ChaCha block with a zero key)
    bus.write_words(CC_KEY, [0xFFFFFFFF] * 8)
    bus.write(CTRL, 1 << 31)
    bus.write(CC_CTR, 0)
    bus.write_words(CC_NONCE, [0, 0, 0])
    bus.write_words(CC_DATA, [0] * 16)
    bus.run(ENG_CHACHA)
    assert struct.pack("<16I", *bus.read_words(CC_OUT, 16)) == chacha20_block(bytes(32), 0, bytes(12))
    assert bus.read(CYCLES) == 82
    # the busy cycles documented in crypto_accel.v
    for ctrl, cycles in ((ENG_AES, 12), (ENG_AES | AES_DEC, 22), (ENG_SHA, 66)):
        bus.run(ctrl)
        assert bus.read(CYCLES) == cycles


SEQUENCES = {"sha256": seq_sha256, "chacha20": seq_chacha20, "aes": seq_aes, "control": seq_control}


# --------------------------------------------------------------- tests
def test_lowering(record_property):
    """Lowering succeeds; its time is recorded (bench/verilog_lowering.py has the target)."""
    system, info = lowered()
    seconds = LOWER_SECONDS["formal=False"]
    record_property("lowering_seconds", round(seconds, 3))
    print(f"crypto_accel lowered in {seconds:.2f} s: {len(system.states)} states, {len(system.inputs)} inputs")
    assert info.clock == "clk"
    assert {n for n, _ in info.inputs} == set(IDLE)
    assert {n for n, _ in info.outputs} == set(OUTPUTS)
    formal, _ = lowered(True)
    assert len(formal.asserts) >= 4


def test_sha256_smoke():
    seq_sha256(Bus(seed=1))


@pytest.mark.parametrize("name", ["chacha20", "aes", "control"])
def test_functional(name):
    SEQUENCES[name](Bus(seed=2))


def _icarus(name: str, seed: int):
    bus = Bus(seed=seed)
    SEQUENCES[name](bus)
    system, info = lowered()
    r = compare(FILES, system, info, len(bus.inputs), stimulus=lambda k: bus.inputs[k],
                include_dirs=[str(CRYPTO)], initial=bus.initial)
    assert r.ok, "\n".join(str(m) for m in r.mismatches[:5])
    assert len(r.observations) == len(bus.inputs)
    assert r.compared >= len(bus.inputs) * len(r.signals) // 2
    # the outputs Icarus agreed with are the ones the golden models checked
    for k, outs in enumerate(bus.outputs):
        assert {n: r.observations[k].signals[n] for n in outs} == outs, f"cycle {k}"
    return r


@pytest.mark.iverilog
@pytest.mark.parametrize("name", list(SEQUENCES))
def test_icarus_agrees(name):
    _icarus(name, seed=3)
