"""Exact JSON form of term DAGs and values, for saved fuzz reproducers.

A DAG is a list of nodes in post-order, each ``[op, [arg indices], params,
sort]``; rebuilding goes through ``terms.apply`` (the checking constructors),
so a reloaded DAG is the same hash-consed term as the one saved.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from hwverify.errors import SemanticsError
from hwverify.semantics import terms as T
from hwverify.semantics.terms import BV, Array, Sort, Term
from hwverify.semantics.values import Value, value_from_json, value_to_json

__all__ = ["sort_to_json", "sort_from_json", "terms_to_json", "terms_from_json", "env_to_json", "env_from_json"]


def sort_to_json(sort: Sort) -> list:
    return ["bv", sort.width] if isinstance(sort, BV) else ["array", sort.index_width, sort.elem_width]


def sort_from_json(data: Sequence) -> Sort:
    if data[0] == "bv":
        return BV(int(data[1]))
    if data[0] == "array":
        return Array(int(data[1]), int(data[2]))
    raise SemanticsError(f"bad sort {data!r} in fuzz case")


def terms_to_json(roots: Sequence[Term]) -> dict:
    """``{"nodes": [...], "roots": [...]}`` describing the DAG of ``roots``."""
    index: dict[Term, int] = {}
    nodes = []
    for node in T.postorder(roots):
        index[node] = len(nodes)
        nodes.append([node.op, [index[a] for a in node.args], list(node.params), sort_to_json(node.sort)])
    return {"nodes": nodes, "roots": [index[r] for r in roots]}


def terms_from_json(data: Mapping) -> list[Term]:
    built: list[Term] = []
    for op, args, params, sort in data["nodes"]:
        built.append(T.apply(op, [built[i] for i in args], tuple(params), sort_from_json(sort)))
    return [built[i] for i in data["roots"]]


def env_to_json(env: Mapping[Term, Value]) -> list:
    return [[v.name, sort_to_json(v.sort), value_to_json(x)] for v, x in env.items()]


def env_from_json(data: Sequence) -> dict[Term, Value]:
    return {T.var(name, sort_from_json(sort)): value_from_json(x) for name, sort, x in data}
