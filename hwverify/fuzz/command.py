"""``hwverify fuzz``: argument parsing and the command, kept out of ``cli.py``.

Prints exactly one summary line ``fuzz: N cases, M mismatches`` on stdout,
followed by ``, K unknown (not soundness mismatches)`` when engines left
decidable cases undecided (details and reproducer paths go to stderr), and
exits 2 on any mismatch, 0 otherwise: an engine that could not decide is
reported, not a failed campaign. ``--replay DIR`` re-runs one saved
reproducer and exits 2 if it still shows a mismatch, 4 if it shows only
unknowns, 0 if it shows nothing.
"""
from __future__ import annotations

import argparse
import sys

from hwverify.fuzz.campaign import DEFAULT_OUT, LAYERS, Summary, replay, run_campaign, split_findings


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("fuzz", help="differential random testing of terms, solvers, BTOR2, engines, kernel "
                                    "and Verilog frontends")
    p.add_argument("--cases", type=int, default=100, help="number of generated cases (spread over the layers)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--layer", action="append", choices=LAYERS, default=None,
                   help="layer to fuzz (repeatable; default: all)")
    p.add_argument("--time-budget", type=float, default=None, metavar="S", help="stop after S seconds")
    p.add_argument("--solver", action="append", default=None, help="solver back ends to use (default: all installed)")
    p.add_argument("--out", default=DEFAULT_OUT, help="where failing cases are saved")
    p.add_argument("--no-shrink", action="store_true")
    p.add_argument("--thorough", action="store_true", help="terms: every back end and SMT-LIB parser on every case")
    p.add_argument("--replay", metavar="DIR", help="re-run one saved reproducer")
    return p


def run(args: argparse.Namespace) -> int:
    if args.replay:
        found = replay(args.replay)
        for m in found:
            print(m, file=sys.stderr)
        mismatches, unknowns = split_findings(found)
        print(Summary(cases=1, mismatches=int(bool(mismatches)), unknowns=int(bool(unknowns and not mismatches))
                      ).line())
        return 2 if mismatches else 4 if unknowns else 0
    summary = run_campaign(args.cases, args.seed, args.layer, args.time_budget, args.out, args.solver,
                           shrink=not args.no_shrink, thorough=args.thorough,
                           progress=lambda m: print(m, file=sys.stderr))
    for path in summary.saved:
        print(f"reproducer: hwverify fuzz --replay {path}", file=sys.stderr)
    for detail in summary.unknown_details:
        print(f"unknown: {detail}", file=sys.stderr)
    print(summary.line())
    return 2 if summary.mismatches else 0
