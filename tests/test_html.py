"""The HTML report (hwverify/report/html.py, svg_wave.py), checked from what headless Chromium renders.

The page is opened in Debian's Chromium (``make sysdeps`` installs it): its
DOM after load (``--dump-dom``) must hold the summary table and the SVG
waveforms, and its screenshot must show them: the table's header shading,
the bus segments' fill and the failing step's band are counted in the pixels.
The screenshot stays in the test's tmp folder (``report.png``) as an artifact.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tomllib
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hwverify.cli import main

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "designs" / "hwverify.toml"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make sysdeps installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def _chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


class _Dom(HTMLParser):
    """The elements of a dumped DOM: (tag, attributes, ancestors' tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.elements: list[tuple[str, dict[str, str], tuple[str, ...]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict((k, v or "") for k, v in attrs), tuple(self.stack)))
        if tag not in ("meta", "br", "polygon", "polyline", "line", "rect", "img", "input"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict((k, v or "") for k, v in attrs), tuple(self.stack)))

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def find(self, tag: str, cls: str | None = None, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a, _ in self.elements if t == tag and (cls is None or cls in a.get("class", "").split())
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def _rendered_dom(page: Path, tmp_path: Path) -> _Dom:
    r = _chromium(page, tmp_path, "--dump-dom")
    assert r.returncode == 0 and "<html" in r.stdout, r.stderr[-2000:]
    dom = _Dom()
    dom.feed(r.stdout)
    return dom


def _png_pixels(path: Path) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Decode an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) with the standard library."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    pixels = [(r[x], r[x + 1], r[x + 2]) for r in rows for x in range(0, stride, bpp)]
    return width, height, pixels


def _count(pixels: list[tuple[int, int, int]], rgb: tuple[int, int, int], tolerance: int = 3) -> int:
    return sum(all(abs(p[i] - rgb[i]) <= tolerance for i in range(3)) for p in pixels)


@needs_chromium
def test_project_report_renders_table_and_waveforms(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["run", str(PROJECT), "--html", "report", "--junit", "out.xml", "--no-cache"])
    out = capsys.readouterr()
    assert code == 0 and "summary:" in out.out and "HTML report: report/index.html" in out.err
    assert (tmp_path / "out.xml").is_file()
    page = tmp_path / "report" / "index.html"
    dom = _rendered_dom(page, tmp_path)
    assert len(dom.find("table", "summary")) == 1
    links = dom.find("a")
    tasks = tomllib.loads(PROJECT.read_text())["tasks"]
    assert len([a for a in links if a["href"].startswith("#task-")]) == len(tasks)   # the summary: a row per task
    waves = dom.find("svg", "waveform")
    assert len(waves) == 6   # counter_bug, counter_cover, handshake_sv (2 assertions), btor2_memory, secure_cipher_leak
    assert {w["data-marked"] for w in waves} >= {"10", "9"}
    assert dom.find("rect", "marked-step") and dom.find("g", "bus-value", data_value="a")   # count = 10 at step 10
    assert dom.find("g", "signal", data_name="count")
    for a in links:   # every trace link points at a file that exists
        if a["href"].endswith((".vcd", ".json")):
            assert (page.parent / a["href"]).is_file(), a["href"]
    shot = tmp_path / "report.png"
    r = _chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1000,1100")
    assert r.returncode == 0 and shot.is_file(), r.stderr[-2000:]
    width, height, pixels = _png_pixels(shot)
    assert (width, height) == (1000, 1100)
    assert _count(pixels, (0xf3, 0xf3, 0xf3)) > 2000        # the tables' header cells
    assert _count(pixels, (0xff, 0xf3, 0xcd)) > 300         # bus segments of the waveforms
    assert _count(pixels, (248, 220, 221), 4) > 300         # the failing step's band


@needs_chromium
def test_equivalence_failure_shows_both_designs_aligned(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    ref, bug = ROOT / "designs" / "equiv" / "alu_ref.v", ROOT / "designs" / "equiv" / "alu_shared_bug.v"
    assert main(["equiv", str(ref), "--gate", str(bug), "--top", "alu", "--html", "eq", "--no-cache"]) == 2
    dom = _rendered_dom(tmp_path / "eq" / "index.html", tmp_path)
    [first, *_] = dom.find("svg", "waveform")
    rows = [a["data-name"] for t, a, up in dom.elements if t == "g" and "signal" in a.get("class", "")]
    assert {"a.y", "b.y"} <= set(rows) and rows.index("b.y") == rows.index("a.y") + 1
    assert dom.find("rect", "differs")
    assert first["data-marked"] == "0"


def test_a_design_that_does_not_load_gets_a_page_with_the_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "broken.v"
    broken.write_text("module m(input a);\n  assign = ;\nendmodule\n")
    assert main(["bmc", str(broken), "--top", "m", "--html", "r"]) == 16
    text = (tmp_path / "r" / "index.html").read_text()
    assert "ERROR" in text and re.search(re.escape(f"{broken}:2"), text)
