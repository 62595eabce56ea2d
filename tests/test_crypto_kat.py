"""Golden-model conformance of the crypto cores (issue 13, item 2).

Two halves:

* the golden models (``hwverify.golden``) against the standards' own vectors
  (FIPS-197 Appendices A.1, B, C.1; FIPS 180-4's examples; RFC 8439 2.1.1,
  2.3.2, 2.4.2) and against ``hashlib`` and ``cryptography`` on random inputs;
* every core, bundled and third-party, driven through its own interface in
  Icarus (cocotb, ``hwverify.cosim.pytest_helpers.assert_conformance``) with
  the known-answer vectors and seeded random ones, each answer compared with
  the golden model: 20 random vectors per core in ``make test``, 1,000 in
  ``make test-all`` (``slow``). The secworks cores are skipped, naming the
  folder, when ``$HWVERIFY_CORPUS`` does not hold them (tests/corpus/README.md).

Plus the helper's own contract: a deliberately wrong model fails with the
vector, expected and actual value in the message, and ``pytest --junitxml``
carries that message into the XML.
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from hwverify.cosim.conformance import Vector, as_vectors, decode, encode, function_ref, run_conformance
from hwverify.cosim.pytest_helpers import assert_conformance, requires_cocotb
from hwverify.golden import aes, chacha20, sha256
from tests.crypto_kat import accel, aes128, chacha20 as chacha20_drv, secworks_aes, secworks_chacha
from tests.crypto_kat import secworks_sha256, sha256 as sha256_drv
from tests.crypto_kat import vectors as V

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "designs" / "verilog"
CRYPTO = DESIGNS / "crypto"
CORPUS = Path(os.environ.get("HWVERIFY_CORPUS") or Path.home() / ".cache" / "hwverify" / "corpus")


# =================================================================== the golden models
def test_aes_fips197_vectors():
    """Appendix B and C.1 both ways; A.1's last expanded key word; the S-box's defining properties."""
    for kat in (V.AES_B, V.AES_C1):
        assert aes.encrypt_block(kat["key"], kat["pt"]) == kat["ct"]
        assert aes.decrypt_block(kat["key"], kat["ct"]) == kat["pt"]
    assert int.from_bytes(aes.expand_key(V.AES_B["key"])[10][12:], "big") == V.AES_A1_LAST_WORD
    assert aes.SBOX[0x00] == 0x63 and aes.SBOX[0x53] == 0xED and aes.INV_SBOX[0x63] == 0x00   # FIPS-197 5.1.1
    assert sorted(aes.SBOX) == list(range(256))
    assert all(aes.SBOX[x] ^ x for x in range(256))          # no fixed points
    assert all(aes.SBOX[x] ^ x != 0xFF for x in range(256))  # no opposite fixed points


def test_aes_against_cryptography():
    algorithms = pytest.importorskip("cryptography.hazmat.primitives.ciphers")
    rng = random.Random(13)
    for _ in range(200):
        key, block = rng.randbytes(16), rng.randbytes(16)
        ecb = algorithms.Cipher(algorithms.algorithms.AES(key), algorithms.modes.ECB())
        ct = ecb.encryptor().update(block)
        assert aes.encrypt_block(key, block) == ct
        assert aes.decrypt_block(key, ct) == block


def test_sha256_fips180_examples():
    """FIPS 180-4 examples: "abc", the 448-bit message and its intermediate H(1); the constants."""
    for msg, digest in (V.SHA_ABC, V.SHA_448):
        assert sha256.sha256(msg) == digest == hashlib.sha256(msg).digest()
    assert sha256.compress(sha256.IV, sha256.pad(V.SHA_448[0])[:64]) == V.SHA_448_H1
    assert (sha256.K[0], sha256.K[63], sha256.IV[0], sha256.IV[7]) == (0x428A2F98, 0xC67178F2, 0x6A09E667, 0x5BE0CD19)


def test_sha256_against_hashlib():
    """Every length 0..300 (all padding cases, one to six blocks) and random contents."""
    rng = random.Random(13)
    for n in range(301):
        msg = rng.randbytes(n)
        assert sha256.sha256(msg) == hashlib.sha256(msg).digest(), n
    assert len(sha256.pad(bytes(55))) == 64 and len(sha256.pad(bytes(56))) == 128


def test_chacha20_rfc8439_vectors():
    """2.1.1 quarter round, 2.3.2 block, 2.4.2 encryption; the original layout builds the same state."""
    assert chacha20.quarter_round(*V.RFC_QR_IN) == V.RFC_QR_OUT
    assert chacha20.block(V.RFC_232["key"], V.RFC_232["counter"], V.RFC_232["nonce"]) == V.RFC_232["block"]
    k = V.RFC_242
    assert chacha20.encrypt(k["key"], k["counter"], k["nonce"], k["plaintext"]) == k["ciphertext"]
    assert chacha20.encrypt(k["key"], k["counter"], k["nonce"], k["ciphertext"]) == k["plaintext"]
    for kat in V.chacha_kats():
        assert V.djb_model(V.djb_from_rfc(kat.inputs)) == V.chacha_model(kat.inputs)


def test_chacha20_against_cryptography():
    prims = pytest.importorskip("cryptography.hazmat.primitives.ciphers")
    rng = random.Random(13)
    for _ in range(100):
        key, nonce, counter = rng.randbytes(32), rng.randbytes(12), rng.getrandbits(32) & ~3
        data = rng.randbytes(rng.randint(1, 200))
        full_nonce = counter.to_bytes(4, "little") + nonce      # cryptography: 32-bit counter then nonce
        ref = prims.Cipher(prims.algorithms.ChaCha20(key, full_nonce), mode=None).encryptor().update(data)
        assert chacha20.encrypt(key, counter, nonce, data) == ref


def test_vector_codec_and_names():
    value = {"k": b"\x00\xff", "n": 1 << 300, "l": (1, b"a"), "s": "x"}
    assert decode(encode(value)) == {"k": b"\x00\xff", "n": 1 << 300, "l": [1, b"a"], "s": "x"}
    with pytest.raises(TypeError, match="not float"):
        encode(1.5)
    assert as_vectors({"a": {}, "b": {}}) == [Vector("a", {}), Vector("b", {})]
    with pytest.raises(ValueError, match="'a' repeat"):
        as_vectors([("a", {}), ("a", {})])
    assert function_ref(aes128.drive) == ("tests.crypto_kat.aes128:drive", [str(ROOT)])
    with pytest.raises(ValueError, match="module-level"):
        function_ref(lambda dut, bench, v: None)


# =================================================================== the cores in Icarus
@dataclass(frozen=True)
class Core:
    """One core: where its RTL is, its driver module, its model and vector sets."""

    files: Callable[[], list[Path]]
    top: str
    driver: object                      # module with reset() and drive()
    model: Callable
    kats: Callable[[], list[Vector]]
    random: Callable[[int, int], list[Vector]]
    include: Path | None = None
    corpus: str | None = None           # secworks-<core> folder of $HWVERIFY_CORPUS


def _corpus(folder: str) -> Callable[[], list[Path]]:
    return lambda: sorted((CORPUS / folder).glob("*.v"))


CORES = {
    "aes128": Core(lambda: [DESIGNS / "aes" / "aes128.v"], "aes128", aes128, V.aes_model, V.aes_kats, V.aes_random),
    "sha256_core": Core(lambda: [CRYPTO / "sha256_core.v"], "sha256_core", sha256_drv, V.sha_model,
                        V.sha_kats, V.sha_random),
    "chacha20_core": Core(lambda: [CRYPTO / "chacha20_core.v"], "chacha20_core", chacha20_drv, V.chacha_model,
                          V.chacha_kats, V.chacha_random),
    "crypto_accel": Core(lambda: sorted(CRYPTO.glob("*.v")), "crypto_accel", accel, V.accel_model,
                         lambda: V.accel_vectors(True, 0, 0), lambda n, s: V.accel_vectors(False, n, s),
                         include=CRYPTO),
    "secworks_aes": Core(_corpus("secworks-aes"), "aes_core", secworks_aes, V.aes_model, V.aes_kats,
                         V.aes_random, corpus="secworks-aes"),
    "secworks_sha256": Core(_corpus("secworks-sha256"), "sha256_core", secworks_sha256, V.sha_model,
                            V.sha_kats, V.sha_random, corpus="secworks-sha256"),
    # the original ChaCha layout: the RFC vectors translated (same state), and random vectors
    # with 128/256-bit keys and 8/12/20 rounds
    "secworks_chacha": Core(_corpus("secworks-chacha"), "chacha_core", secworks_chacha, V.djb_model,
                            lambda: [Vector(v.name, V.djb_from_rfc(v.inputs)) for v in V.chacha_kats()],
                            V.djb_random, corpus="secworks-chacha"),
}


def _check(name: str, vectors: list[Vector], tmp_path: Path, record_property) -> None:
    core = CORES[name]
    files = core.files()
    if core.corpus and not files:
        pytest.skip(f"{core.corpus} not installed in {CORPUS} (tests/corpus/README.md)")
    res = assert_conformance(files, core.top, driver=core.driver.drive, reset=core.driver.reset,
                             model=core.model, vectors=vectors,
                             include_dirs=[str(core.include)] if core.include else (), work_dir=str(tmp_path))
    record_property("vectors", len(res.outcomes))
    record_property("seconds", round(res.seconds, 2))
    assert len(res.outcomes) == len(vectors)


@requires_cocotb
@pytest.mark.iverilog
@pytest.mark.parametrize("name", list(CORES))
def test_core_kat(name, tmp_path, record_property):
    """The standards' vectors and 20 random ones: one simulation per core."""
    _check(name, CORES[name].kats() + CORES[name].random(20, 1), tmp_path, record_property)


@requires_cocotb
@pytest.mark.iverilog
@pytest.mark.slow
@pytest.mark.parametrize("name", list(CORES))
def test_core_random_1000(name, tmp_path, record_property):
    _check(name, CORES[name].random(1000, 2), tmp_path, record_property)


# =================================================================== planted bugs (designs' `ifdef BUG_*)
def planted_bugs(name: str) -> list[str]:
    """The ``BUG_*`` macros a bundled core's sources (and files they include) switch on."""
    core = CORES[name]
    files = core.files() + ([DESIGNS / "aes" / "aes128.v"] if name == "crypto_accel" else [])
    return sorted({m for f in files for m in re.findall(r"`ifdef\s+(BUG_\w+)", f.read_text())})


def _run_with_bug(name: str, bug: str, tmp_path: Path, n_random: int):
    core = CORES[name]
    return run_conformance([str(f) for f in core.files()], core.top, driver=core.driver.drive,
                           reset=core.driver.reset, model=core.model,
                           vectors=core.kats() + core.random(n_random, 1), defines={bug: "1"},
                           include_dirs=[str(core.include)] if core.include else (), work_dir=str(tmp_path))


def sbox_reads(v, entry: int) -> bool:
    """Whether AES-128 on vector ``v`` looks up S-box ``entry`` (key schedule, and the rounds when encrypting)."""
    rk = aes.expand_key(v["key"])
    if any(entry in rk[r][12:16] for r in range(10)):      # SubWord(RotWord(last word))
        return True
    if v["decrypt"]:
        return False            # the inverse cipher's rounds use the inverse S-box
    s = aes.add_round_key(v["block"], rk[0])
    for r in range(1, 11):
        if entry in s:
            return True
        s = aes.encrypt_round(s, rk[r], last=r == 10)
    return False


@requires_cocotb
@pytest.mark.iverilog
def test_planted_sbox_bug_caught(tmp_path):
    """One wrong S-box entry in aes128 (``BUG_SBOX``) fails exactly the vectors that read that entry.

    FIPS-197 B and C.1 never read entry 0x53 (the one planted today): the
    random vectors are what catches it.
    """
    src = (DESIGNS / "aes" / "aes128.v").read_text()
    m = re.search(r"`ifdef\s+BUG_SBOX\s+8'h([0-9a-fA-F]{2})\s*:", src)
    if not m:
        pytest.skip("aes128.v has no `ifdef BUG_SBOX around an S-box entry")
    entry = int(m.group(1), 16)
    res = _run_with_bug("aes128", "BUG_SBOX", tmp_path, 20)
    reading = {o.vector.name for o in res.outcomes if sbox_reads(o.vector.inputs, entry)}
    assert reading, "no vector reads the planted entry: the test would prove nothing"
    assert {o.vector.name for o in res.failures} == reading
    assert all(o.error is None for o in res.failures)


@requires_cocotb
@pytest.mark.iverilog
@pytest.mark.slow
@pytest.mark.parametrize("name", ["aes128", "sha256_core", "chacha20_core", "crypto_accel"])
def test_planted_bugs_caught(name, tmp_path, record_property):
    """Every planted functional bug fails some vector; a leak (the key on an output while busy)
    leaves the results right, so the KATs are not expected to see it (the secure check is)."""
    bugs = [b for b in planted_bugs(name) if "LEAK" not in b]
    if not bugs:
        pytest.skip(f"no planted BUG_* macros in {name}'s sources yet")
    missed = [b for b in bugs if _run_with_bug(name, b, tmp_path / b, 20).ok]
    record_property("bugs", ",".join(bugs))
    assert not missed, f"{name}: planted bugs no vector detects: {missed}"


# =================================================================== the helper's failure report, as CI sees it
WRONG_MODEL_TEST = '''
"""A user's one-file conformance test, with a deliberately wrong model and a driver that hangs."""
from hwverify.cosim.pytest_helpers import assert_conformance
from hwverify.golden import sha256
from tests.crypto_kat import sha256 as core


async def drive(dut, bench, v):
    if v.get("stall"):                       # waits for a pulse that never comes
        await bench.wait_for(dut.done, limit=30)
    return await core.drive(dut, bench, v)


def wrong_model(v):
    d = sha256.sha256(v["message"])
    return bytes([d[0] ^ 0x80]) + d[1:] if v["message"] == b"abc" else d


def test_sha256_core(tmp_path):
    assert_conformance([{rtl!r}], "sha256_core", driver=drive, reset=core.reset, model=wrong_model,
                       vectors={{"FIPS 180-4 abc": {{"message": b"abc"}}, "empty": {{"message": b""}},
                                 "stalls": {{"message": b"x", "stall": True}}, "after": {{"message": b"y"}}}},
                       work_dir=str(tmp_path))
'''


@requires_cocotb
@pytest.mark.iverilog
def test_junit_carries_the_failing_vector(tmp_path):
    """``pytest --junitxml`` on a wrong model: the XML names the vector, expected and actual values."""
    test_file = tmp_path / "test_user_core.py"
    test_file.write_text(WRONG_MODEL_TEST.format(rtl=str(CRYPTO / "sha256_core.v")))
    xml = tmp_path / "report.xml"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                           f"--rootdir={tmp_path}", f"--junitxml={xml}", str(test_file)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    suite = ET.parse(xml).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("1", "1")
    failure = suite.find("testcase").find("failure")
    message = failure.get("message") + failure.text
    good = hashlib.sha256(b"abc").hexdigest()
    wrong = f"{int(good[:2], 16) ^ 0x80:02x}" + good[2:]
    assert "sha256_core: 3 of 4 vectors differ from the golden model" in message
    assert "timed out" in message
    assert f"vector 'FIPS 180-4 abc': inputs message=616263\n    expected {wrong}\n    actual   {good}" in message
    assert "vector 'stalls'" in message and "TimeoutError: done did not become 1 within 30 clock cycles (test_user_core.py:10)" in message
    assert "vector 'after'" in message and "not run" in message
    assert "vector 'empty'" not in message
