"""A result cache: verdicts with their evidence, in SQLite under ``.hwverify/``.

CI runs the same tasks on the same designs again and again. The cache keys a
run by what decides its verdicts: the digest of the lowered system
(``formats.btor2.system_digest``, which covers every property term, so a
changed design or property misses), the property names and kinds, the mode,
engine, portfolio members, bound and engine options, and hwverify itself (its
version and a digest of its source, so an edited engine misses too). A hit
returns the stored per-property results with their certificates and traces;
``verify`` has the kernel re-check that evidence against the system it just
loaded unless the task trusts the cache, so a stale or tampered entry can
cost time, never a wrong verdict.

Only fully decided runs are stored: every property PASS or FAIL with
evidence the kernel accepted. UNKNOWN, TIMEOUT, ERROR and verdicts without
evidence (a cover goal unreachable within the bound) run again next time.

Entries are encoded with ``run.worker.encode`` (terms as one node table,
rebuilt through the term constructors) and read back with ``decode``, which
refuses every class but the result classes: a cache file is data, never
code. Many processes may use one database at once (CI jobs, a process pool,
Dask workers on one machine): SQLite's write-ahead log and a busy timeout
serialise the writers; an entry is one row written in one transaction. A
cache that cannot be opened or read is skipped with a note, never an error
of the run.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from hwverify.errors import HwverifyError
from hwverify.formats.btor2 import system_digest
from hwverify.prover.result import FAIL, PASS, Mode, PropertyResult, Result
from hwverify.run.worker import decode, encode, malformed_result
from hwverify.run.task import Task
from hwverify.semantics.system import Property, TransitionSystem

__all__ = ["CACHE_DIR", "CACHE_FILE", "ResultCache", "TaskCache", "cache_key", "cacheable", "hwverify_digest"]

CACHE_DIR = ".hwverify"            # the folder every default output of hwverify goes to
CACHE_FILE = "cache.sqlite"
_SCHEMA = 1                         # bump when the row layout or the key recipe changes
_BUSY_TIMEOUT = 60.0                # seconds a writer waits for another process's transaction
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_source_digest: str | None = None
VERDICT_LAYERS = ("semantics", "formats", "prover", "kernel", "run")   # packages whose code can change a verdict


def hwverify_digest() -> str:
    """The version of hwverify and a SHA-256 of its Python source (computed once per process).

    The version alone does not change while the code is developed; the source
    digest does, so a fixed engine never serves its predecessor's verdicts.
    Only the layers that decide a verdict from a lowered system count
    (``VERDICT_LAYERS``): a frontend's changes show in the system's digest,
    and reporters and the CLI decide no verdict.
    """
    global _source_digest
    if _source_digest is None:
        h = hashlib.sha256()
        try:
            h.update(version("hwverify").encode())
        except PackageNotFoundError:
            h.update(b"unknown")
        walked = [w for layer in VERDICT_LAYERS for w in os.walk(os.path.join(_PACKAGE, layer))]
        for folder, dirs, files in sorted(walked):
            for name in sorted(files):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    h.update(os.path.relpath(path, _PACKAGE).encode() + b"\0")
                    with open(path, "rb") as fh:
                        h.update(fh.read())
        _source_digest = h.hexdigest()
    return _source_digest


def cache_key(system: TransitionSystem, properties: list[Property], mode: Mode, engine: str,
              members: list[tuple[str, str]] | None, bound: int, options: dict) -> str:
    """The SHA-256 naming one run: system, properties, mode, engine and its options, hwverify."""
    parts = [f"schema={_SCHEMA}", f"hwverify={hwverify_digest()}", f"system={system_digest(system)}",
             f"class={type(system).__name__}", f"mode={mode}", f"engine={engine}",
             f"members={sorted(members or [])}", f"bound={bound}",
             "properties=" + ";".join(f"{p.kind}:{p.name}" for p in properties),
             "options=" + ";".join(f"{k}={options[k]!r}" for k in sorted(options))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cacheable(properties: list[PropertyResult]) -> bool:
    """True when every verdict is PASS or FAIL with evidence the kernel accepted."""
    return bool(properties) and all(
        p.status in (PASS, FAIL) and p.checked is True and (p.certificate is not None or p.trace is not None)
        for p in properties)


@dataclass
class CacheEntry:
    """What a hit gives back: the engine's result and when it was stored."""

    result: Result
    stored: float


class ResultCache:
    """One SQLite file of results keyed by ``cache_key``; safe to share between processes."""

    def __init__(self, folder: str | None = None):
        self.folder = folder or CACHE_DIR
        self.path = os.path.join(self.folder, CACHE_FILE)

    def _connect(self) -> sqlite3.Connection:
        os.makedirs(self.folder, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")   # readers never block the writer, nor it them
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, stored REAL NOT NULL, "
                     "label TEXT NOT NULL, data BLOB NOT NULL)")
        return conn

    def lookup(self, key: str, expected: list[Property]) -> CacheEntry | None:
        """The stored result for ``key`` if there is a well-formed one for ``expected``; else None.

        A row that does not decode, or whose properties and evidence do not
        match ``expected`` (``worker.malformed_result``), is deleted and missed.
        """
        conn = self._connect()
        try:
            row = conn.execute("SELECT data, stored FROM results WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            try:
                result = decode(bytes(row[0]))
            except HwverifyError:
                result = None
            if result is None or malformed_result(result, expected):
                conn.execute("DELETE FROM results WHERE key = ?", (key,))
                return None
            return CacheEntry(result, row[1])
        finally:
            conn.close()

    def store(self, key: str, result: Result, label: str = "") -> None:
        """Store ``result`` under ``key`` (replacing an older entry), in one transaction."""
        data = encode(Result(result.engine, result.solver, [_stored(p) for p in result.properties],
                             result.time, dict(result.stats)))
        conn = self._connect()
        try:
            conn.execute("INSERT OR REPLACE INTO results (key, stored, label, data) VALUES (?, ?, ?, ?)",
                         (key, time.time(), label, data))
        finally:
            conn.close()

    def count(self) -> int:
        conn = self._connect()
        try:
            return conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        finally:
            conn.close()


def _stored(p: PropertyResult) -> PropertyResult:
    """A copy to store: the kernel flag and the location are the loader's to say on a hit."""
    return PropertyResult(p.name, p.kind, p.status, depth=p.depth, trace=p.trace, certificate=p.certificate,
                          reason=p.reason, loc=None, checked=None)


class TaskCache:
    """The cache as ``verify`` uses it for one task: look up before the engine, store after the kernel.

    Any SQLite or file-system trouble turns the cache off for this task with a
    ``warning:`` in ``notes``; the run itself goes on.
    """

    def __init__(self, task: Task, system: TransitionSystem, properties: list[Property]):
        self.properties = properties
        self.notes: list[str] = []
        self.cache: ResultCache | None = ResultCache(task.cache_dir)
        self.label = task.label()
        options = task.options()
        try:
            self.key = cache_key(system, properties, task.mode, task.engine_name, task.members, task.depth,
                                 {"solver": options.solver, "timeout": options.timeout,
                                  "simple_path": options.simple_path, "memory_mb": options.memory_mb,
                                  "seed": options.seed})
        except HwverifyError as e:    # a system BTOR2 cannot express has no digest: no cache
            self.key = ""
            self._off(e)

    def lookup(self) -> Result | None:
        """The stored result, with this system's property locations; None on a miss."""
        if self.cache is None:
            return None
        start = time.monotonic()
        try:
            entry = self.cache.lookup(self.key, self.properties)
        except (sqlite3.Error, OSError) as e:
            self._off(e)
            return None
        if entry is None:
            return None
        locs = {p.name: p.loc for p in self.properties}
        for p in entry.result.properties:
            p.loc = locs[p.name]
            p.checked = None
        result = entry.result
        result.stats = {**result.stats, "cache": {"key": self.key, "stored": round(entry.stored, 3),
                                                  "engine_time": round(result.time, 4)}}
        result.time = time.monotonic() - start   # a hit's engine time is the look-up's
        return result

    def store(self, result: Result) -> None:
        """Store ``result`` if it is fully decided and kernel-checked (``cacheable``)."""
        if self.cache is None or not cacheable(result.properties):
            return
        try:
            self.cache.store(self.key, result, self.label)
        except (sqlite3.Error, OSError) as e:
            self._off(e)

    def _off(self, e: Exception) -> None:
        self.notes.append(f"warning: result cache {self.cache.path if self.cache else ''} skipped: {e}")
        self.cache = None
