"""A static HTML report of one or many runs: summary table, per-property results, SVG waveforms.

``write_html_report(runs, folder)`` writes ``folder/index.html`` and, next to
it, every counterexample and cover trace as VCD and JSON
(``traces/<task>/<property>.vcd``) that the page links to. The page is one
file with inline CSS and inline SVG (``report/svg_wave.py``): no server, no
script, no plugin, nothing fetched, so a CI system can publish the folder as
an artifact and anyone can open it.

For an equivalence counterexample the two designs are drawn on one time
axis: the shared inputs, then each compared output as the reference's and the
gate's rows one above the other (the steps where they differ shaded), then
the registers paired by the miter.
"""
from __future__ import annotations

import datetime
import os
from html import escape
from importlib.metadata import PackageNotFoundError, version

from hwverify.formats.vcd import flatten_frames, signal_widths
from hwverify.prover.result import FAIL, PASS, PropertyResult
from hwverify.report.console import visible_signals
from hwverify.report.outputs import Written, safe_name, unique_names, write_traces
from hwverify.report.svg_wave import Pair, waveform_svg
from hwverify.run.project import task_retcode
from hwverify.run.session import RunResult
from hwverify.semantics.replay import annotate_trace

__all__ = ["write_html_report", "html_page", "MAX_SIGNALS"]

MAX_SIGNALS = 64     # rows of one waveform; the VCD has them all
_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin-bottom: 6px; } .meta { color: #666; font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
th, td { border: 1px solid #d6d6d6; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: bold; } .PASS { color: #18794e; } .FAIL { color: #c62828; }
.UNKNOWN, .TIMEOUT { color: #a66a00; } .ERROR { color: #8e24aa; }
.unexpected { background: #fde8e8; } code, .loc { font-family: monospace; font-size: 13px; }
.wave { overflow-x: auto; border: 1px solid #e0e0e0; padding: 6px; margin-bottom: 6px; background: #fff; }
.links a { margin-right: 14px; } .note { color: #555; font-size: 13px; }
"""


def _version() -> str:
    try:
        return version("hwverify")
    except PackageNotFoundError:
        return "unknown"


def write_html_report(runs: list[RunResult], folder: str, written: Written, *, title: str = "hwverify report",
                      command: str = "") -> str | None:
    """Write ``folder/index.html`` and the traces it links to; the page's path, or None if it could not be written."""
    trace_links: dict[tuple[int, str], dict[str, str]] = {}
    for i, run in enumerate(runs):
        traced = [p for p in run.properties if p.trace is not None]
        names = unique_names([p.name for p in traced])
        base = os.path.join("traces", safe_name(run.task.label()) if len(runs) == 1 else
                            f"{i:02d}_{safe_name(run.task.label())}")
        for p in traced:
            single = RunResult(run.task, [p], run.system)
            stem = os.path.join(base, names[p.name])
            local = Written()
            write_traces(single, local, vcd=os.path.join(folder, stem + ".vcd"),
                         trace_json=os.path.join(folder, stem + ".json"))
            written.errors += local.errors
            trace_links[(i, p.name)] = {kind: os.path.relpath(path, folder) for kind, path in
                                        (("VCD", local.vcd.get(p.name)), ("JSON", local.trace_json.get(p.name)))
                                        if path}
    page = html_page(runs, trace_links, title=title, command=command)
    path = os.path.join(folder, "index.html")

    def dump() -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(page)
    return path if written.attempt(path, dump) else None


def html_page(runs: list[RunResult], trace_links: dict[tuple[int, str], dict[str, str]] | None = None, *,
              title: str = "hwverify report", command: str = "") -> str:
    """The report as one HTML document (``trace_links``: (run index, property) -> {"VCD": path, ...})."""
    links = trace_links or {}
    stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    body = [f"<h1>{escape(title)}</h1>",
            f'<p class="meta">hwverify {escape(_version())}, {escape(stamp)}'
            + (f" &mdash; <code>{escape(command)}</code>" if command else "") + "</p>",
            _summary(runs)]
    for i, run in enumerate(runs):
        body.append(_task_section(i, run, links))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def _status(status: str) -> str:
    return f'<span class="status {escape(str(status))}">{escape(str(status))}</span>'


def _anchor(i: int, run: RunResult) -> str:
    return f"task-{i}-{safe_name(run.task.label())}"


def _summary(runs: list[RunResult]) -> str:
    rows = []
    for i, run in enumerate(runs):
        ok = task_retcode(run.status, run.task.expect) == 0
        counts: dict[str, int] = {}
        for p in run.properties:
            counts[str(p.status)] = counts.get(str(p.status), 0) + 1
        props = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or ("&mdash;" if run.error is None
                                                                              else "did not load")
        expect = "/".join(str(e) for e in run.task.expect)
        rows.append(f'<tr class="{"" if ok else "unexpected"}"><td><a href="#{_anchor(i, run)}">'
                    f'{escape(run.task.label())}</a></td><td>{escape(str(run.task.mode))}</td>'
                    f"<td>{_status(run.status)}</td><td>{escape(expect)}{'' if ok else ' (unexpected)'}</td>"
                    f"<td>{props}</td><td>{'yes' if run.cached else ''}</td>"
                    f'<td class="num">{run.wall:.2f}</td></tr>')
    return ('<table class="summary"><thead><tr><th>task</th><th>mode</th><th>status</th><th>expected</th>'
            "<th>properties</th><th>cached</th><th>seconds</th></tr></thead><tbody>\n"
            + "\n".join(rows) + "\n</tbody></table>")


def _task_section(i: int, run: RunResult, links: dict[tuple[int, str], dict[str, str]]) -> str:
    task = run.task
    design = ", ".join(task.design) if task.design else (run.system.name if run.system else "")
    gate = f" &nbsp;vs&nbsp; <code>{escape(', '.join(task.gate.design))}</code>" if task.gate else ""
    out = [f'<section class="task" id="{_anchor(i, run)}"><h2>{escape(task.label())} {_status(run.status)}</h2>',
           f'<p class="meta">{escape(str(task.mode))} of <code>{escape(design)}</code>{gate}'
           + (f" (top <code>{escape(task.top)}</code>)" if task.top else "")
           + f"; engine {escape(run.engine)}, solver {escape(run.solver)}; load {run.load_time:.2f} s, "
             f"engine {run.engine_time:.2f} s, kernel {run.kernel_time:.2f} s"
           + ("; <b>cached</b>" + (" (trusted)" if task.trust_cache else ", evidence re-checked by the kernel")
              if run.cached else "") + "</p>"]
    if run.error is not None:
        where = f'<span class="loc">{escape(str(run.error.loc))}</span>: ' if run.error.loc else ""
        out.append(f'<p class="error">{_status("ERROR")} {where}{escape(run.error.message)}</p></section>')
        return "\n".join(out)
    out += [f'<p class="note">{escape(n)}</p>' for n in run.notes if n.startswith("warning:")]
    out.append('<table class="properties"><thead><tr><th>property</th><th>kind</th><th>status</th>'
               "<th>source</th><th>step</th><th>evidence</th><th>reason</th></tr></thead><tbody>")
    for p in run.properties:
        out.append(f"<tr><td><code>{escape(p.name)}</code></td><td>{escape(p.kind)}</td><td>{_status(p.status)}</td>"
                   f'<td class="loc">{escape(str(p.loc)) if p.loc else ""}</td>'
                   f'<td class="num">{"" if p.depth is None else p.depth}</td><td>{_evidence(p)}</td>'
                   f"<td>{escape(p.reason) if p.status != PASS or p.kind == 'cover' else ''}</td></tr>")
    out.append("</tbody></table>")
    for p in run.properties:
        if p.trace is not None and run.system is not None:
            out.append(_trace_block(run, p, links.get((i, p.name), {})))
    out.append("</section>")
    return "\n".join(out)


def _evidence(p: PropertyResult) -> str:
    if p.certificate is not None:
        what = "bounded" if p.certificate.bounded else f"{p.certificate.method}, k={p.certificate.k}"
    elif p.trace is not None:
        steps = len(p.trace.frames)
        what = f"trace, {steps} step{'' if steps == 1 else 's'}"
    else:
        return ""
    return escape(what) + (" &#10003; kernel" if p.checked else "")


def _trace_block(run: RunResult, p: PropertyResult, links: dict[str, str]) -> str:
    """A property's trace: heading, waveform, links to its VCD and JSON."""
    trace = p.trace
    assert trace is not None and run.system is not None
    if not trace.signals:
        annotate_trace(run.system, trace)
    frames = flatten_frames(trace.signals or trace.frames)
    widths = signal_widths(run.system)
    for name in {n for f in frames for n in f}:   # array words (mem[3]) have their array's width
        if name not in widths and "[" in name:
            widths[name] = widths.get(name.split("[", 1)[0], 1)
    names, pairs, note = _rows(run, frames)
    failing = p.kind == "assert" and p.status == FAIL
    kind = "counterexample" if p.kind == "assert" else "cover trace"
    svg = waveform_svg(frames, names, widths, marked=trace.depth, mark_label="FAIL" if failing else "HIT",
                       title=f"{kind} for {p.name}", pairs=pairs)
    step = f"fails in step {trace.depth}" if failing else f"reached in step {trace.depth}"
    where = f" at <span class=\"loc\">{escape(str(p.loc))}</span>" if p.loc else ""
    link_html = " ".join(f'<a href="{escape(path, quote=True)}">{kind_} trace</a>' for kind_, path in links.items())
    return (f'<div class="trace" data-property="{escape(p.name, quote=True)}"><h3>{kind} for '
            f"<code>{escape(p.name)}</code>{where}: {step}</h3>"
            + (f'<p class="note">{escape(note)}</p>' if note else "")
            + f'<div class="wave">{svg}</div><p class="links">{link_html}</p></div>')


def _rows(run: RunResult, frames: list[dict[str, int]]) -> tuple[list[str], list[Pair], str]:
    """The signals to draw, the (reference, gate) pairs among them, and a note on what was left out."""
    system = run.system
    present = {n for f in frames for n in f}
    compared = getattr(system, "compared", None)
    if compared:   # a miter: inputs, then every compared output and register of both designs, side by side
        pairs: list[Pair] = [(f"a.{n}", f"b.{n}") for n in compared]
        pairs += [(a.name, b.name) for a, b in getattr(system, "register_pairs", [])
                  if (a.name, b.name) not in pairs]
        pairs = [(a, b) for a, b in pairs if a in present and b in present]
        names = [n for n in getattr(system, "shared_inputs", []) if n in present and not (_is_clock(n) and _constant(n, frames))]
        names += [n for pair in pairs for n in pair]
        gate = ", ".join(run.task.gate.design) if run.task.gate else "the gate"
        note = f"a.* = {', '.join(run.task.design)} (reference), b.* = {gate}; shaded: the two sides differ"
    else:
        pairs, note = [], ""
        names = [n for n in visible_signals(present) if not (_is_clock(n) and _constant(n, frames))]
    if len(names) > MAX_SIGNALS:
        note = (note + "; " if note else "") + f"first {MAX_SIGNALS} of {len(names)} signals (all in the VCD)"
        names = names[:MAX_SIGNALS]
        kept = set(names)
        pairs = [(a, b) for a, b in pairs if a in kept and b in kept]
    return names, pairs, note


def _is_clock(name: str) -> bool:
    base = name.rsplit(".", 1)[-1].lower()
    return base in ("clk", "clock") or base.endswith(("_clk", "_clock"))


def _constant(name: str, frames: list[dict[str, int]]) -> bool:
    return len({f.get(name) for f in frames}) <= 1
