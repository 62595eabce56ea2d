"""Certificates on disk: write and re-check a certificate directory.

Layout: ``manifest.json`` (property, method, k, flags, design hash, solver),
``model.btor2`` (the system), ``invariant.btor2`` (the same system whose only
assertion is the invariant), and ``obligations/<name>.smt2``, each a
standalone script any SMT solver can check (``unsat`` expected). A bounded
certificate has one incremental script, ``obligations/bounded.smt2``, with
one ``(check-sat)`` per frame (each ``unsat`` expected); directories written
before it, with ``base_<j>.smt2`` files, are still read.
"""
from __future__ import annotations

import hashlib
import json
import os

from hwverify.kernel.bounded import build_bounded
from hwverify.kernel.check import CheckReport, check_certificate, simple_path_states
from hwverify.kernel.obligations import build_obligations
from hwverify.formats import smtlib
from hwverify.semantics import terms as T
from hwverify.formats.btor2 import read_btor2, symbol, write_btor2
from hwverify.semantics.certificate import Certificate
from hwverify.semantics.system import Property, TransitionSystem

FORMAT = "hwverify-certificate/1"


def write_certificate_dir(system: TransitionSystem, cert: Certificate, path: str) -> None:
    """Export ``cert`` for ``system`` as a self-contained directory."""
    os.makedirs(os.path.join(path, "obligations"), exist_ok=True)
    model = write_btor2(system)
    inv_text = write_btor2(system.with_properties(asserts=[Property("invariant", T.and_all(cert.invariant), "assert")]))
    # Obligations are built from the files as a checker will read them back, so that
    # check_certificate_dir can compare them textually.
    stored = read_btor2(model, "model.btor2")
    inv = read_btor2(inv_text, "invariant.btor2").asserts[0].term
    # BTOR2 symbols have no white space: a property named "count <= 8" is stored as "count_<=_8"
    prop = stored.property(symbol(cert.prop))
    path_states, problem = simple_path_states(stored, cert, [inv, prop.term])
    if problem:
        raise ValueError(f"cannot export an invalid certificate: {problem}")
    scripts = _scripts(stored, prop.term, inv, cert, path_states, incremental=True)
    manifest = {
        "format": FORMAT, "property": prop.name, "source_name": cert.prop, "method": cert.method, "k": cert.k,
        "simple_path": cert.simple_path, "simple_path_vars": cert.simple_path_vars,
        "bounded": cert.bounded, "solver": cert.solver,
        "design_sha256": hashlib.sha256(model.encode()).hexdigest(),
        "obligations": list(scripts),
    }
    _write(path, "model.btor2", model)
    _write(path, "invariant.btor2", inv_text)
    for name, text in scripts.items():
        _write(path, name, text)
    _write(path, "manifest.json", json.dumps(manifest, indent=2) + "\n")


def _scripts(system: TransitionSystem, prop: T.Term, inv: T.Term, cert: Certificate,
             path_states: list[T.Term] | None, incremental: bool) -> dict[str, str]:
    """File name -> text of each obligation script of ``cert``, as the kernel builds them."""
    if cert.bounded and incremental:
        return {"obligations/bounded.smt2": build_bounded(system, [(inv, cert.k)]).text(0)}
    return {f"obligations/{ob.name}.smt2": smtlib.script([ob.formula])
            for ob in build_obligations(system, prop, inv, cert.k, path_states, cert.bounded)}


def _write(root: str, name: str, text: str) -> None:
    with open(os.path.join(root, name), "w") as fh:
        fh.write(text)


def _read(root: str, name: str) -> str:
    with open(os.path.join(root, name)) as fh:
        return fh.read()


def check_certificate_dir(path: str, solver: str | None = None, timeout: float | None = None) -> CheckReport:
    """Re-check a certificate directory from its model and invariant alone."""
    try:
        manifest = json.loads(_read(path, "manifest.json"))
        if manifest.get("format") != FORMAT:
            return CheckReport(False, path, [f"unknown certificate format {manifest.get('format')!r}"],
                               unreadable=True)
        model_text = _read(path, "model.btor2")
        if hashlib.sha256(model_text.encode()).hexdigest() != manifest["design_sha256"]:
            return CheckReport(False, path, ["model.btor2 does not match the design hash in manifest.json"])
        system = read_btor2(model_text, os.path.join(path, "model.btor2"))
        inv_system = read_btor2(_read(path, "invariant.btor2"), os.path.join(path, "invariant.btor2"))
        if len(inv_system.asserts) != 1:
            return CheckReport(False, path, ["invariant.btor2 must hold exactly one assertion"])
        cert = Certificate(manifest["property"], [inv_system.asserts[0].term], int(manifest["k"]),
                           bool(manifest["simple_path"]), manifest["method"], manifest["solver"],
                           simple_path_vars=manifest.get("simple_path_vars"), bounded=bool(manifest["bounded"]))
        prop = system.property(cert.prop)
        path_states, problem = simple_path_states(system, cert, [cert.invariant[0], prop.term])
        if problem:
            return CheckReport(False, path, [problem])
        # bounded certificates written before the incremental script list base_<j>.smt2 files
        incremental = not cert.bounded or "obligations/bounded.smt2" in manifest.get("obligations", [])
        expected = _scripts(system, prop.term, cert.invariant[0], cert, path_states, incremental)
    except (OSError, KeyError, ValueError, TypeError) as e:
        return CheckReport(False, path, [f"malformed certificate: {e}"], unreadable=True)
    for name, text in expected.items():
        try:
            stored = _read(path, name)
        except OSError:
            return CheckReport(False, path, [f"missing {name}"], unreadable=True)
        if stored != text:
            return CheckReport(False, path, [f"{name} differs from the obligation rebuilt from the model"])
    return check_certificate(system, cert, solver=solver, timeout=timeout)
