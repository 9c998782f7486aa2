"""The page's matrix, intents and diff views (docs/web.md): the CLI's functions, shaped for the page.

- ``matrix_view``: ``vpclab matrix`` (vpclab.network.api.matrix) as a heat map, filtered by VPC,
  account or tag, bounded per request: above ``MAX_SIDE`` rows or columns the cells are VPC by VPC
  (each the share of pairs that reach), and either way one answer holds at most ``MAX_SIDE`` ×
  ``MAX_SIDE`` cells — ``row_offset``/``col_offset`` page through the rest.
- ``check_view``: ``vpclab check`` (api.check) — each intent ok or violated, with its first
  violating flows (at most ``MAX_VIOLATIONS`` each) for the page to trace.
- ``diff_view``: ``vpclab diff`` (api.diff) — the flows opened and closed, each with the nodes of
  its ends on the picture.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from ..model.base import Resource
from ..network import api
from ..network.facade import Network
from ..network.intents import loads_intents
from .graph import node_of

#: the most rows (and columns) one matrix answer holds; above it, cells are VPC by VPC, then paged
MAX_SIDE = 150
#: the most violating flows listed per intent (``violations_total`` says how many there were)
MAX_VIOLATIONS = 20


class ViewError(ValueError):
    """A bad parameter of a view: a 400 with its code and message (the CLI's "did you mean")."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _vpc_of(r: Resource | None) -> str | None:
    if r is None:
        return None
    if r.KIND == "vpc":
        return r.id
    return getattr(r, "vpc_id", None)


def _resolve_vpc(net: Network, spec: str) -> str:
    vpcs = {r.id for r in net.world.resources() if r.KIND == "vpc"}
    rid = net.ids.get(spec, spec)
    if rid in vpcs:
        return rid
    choices = [n for n, i in net.ids.items() if i in vpcs] + sorted(vpcs)
    near = difflib.get_close_matches(spec, choices, n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    raise ViewError("UnknownVpc", f"{spec!r} is not a VPC in {net.file}{hint}")


def _resolve_account(net: Network, spec: str) -> str:
    owners = {r.owner_id for r in net.world.resources()}
    rid = net.accounts.get(spec, spec)
    if rid in owners:
        return rid
    near = difflib.get_close_matches(spec, [*net.accounts, *sorted(owners)], n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    raise ViewError("UnknownAccount", f"{spec!r} is not an account in {net.file}{hint}")


def _keep(net: Network, vpc: str | None, account: str | None, tag: str | None) -> Any:
    """A predicate on member ids: in the VPC, owned by the account, carrying the tag (Key or Key=Value)."""
    vpc_id = _resolve_vpc(net, vpc) if vpc else None
    account_id = _resolve_account(net, account) if account else None
    key, _, value = (tag or "").partition("=")
    world = net.world

    def keep(rid: str) -> bool:
        r = world.get(rid)
        if r is None:
            return False
        if vpc_id is not None and _vpc_of(r) != vpc_id:
            return False
        if account_id is not None and r.owner_id != account_id:
            return False
        if key:
            have = r.tags.get(key)
            if have is None or (value and have != value):
                return False
        return True

    return keep


def _offset(value: str | None, name: str) -> int:
    text = (value or "0").strip()
    if not text.isdigit():
        raise ViewError("InvalidParameterValue", f"{name} must be a number from 0, not {text!r}")
    return int(text)


def matrix_view(
    net: Network,
    graph: dict[str, Any],
    *,
    protocol: str,
    port: int | None,
    level: str = "subnet",
    vpc: str | None = None,
    account: str | None = None,
    tag: str | None = None,
    aggregate: str | None = None,
    row_offset: str | None = None,
    col_offset: str | None = None,
    diff: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The heat map of ``vpclab matrix`` (see the module docstring); ``diff`` (a ``diff_view``
    answer) marks the cells whose flow it opened or closed."""
    if level not in ("subnet", "interface"):
        raise ViewError("InvalidParameterValue", f"level must be 'subnet' or 'interface', not {level!r}")
    keep = _keep(net, vpc, account, tag)
    r0, c0 = _offset(row_offset, "row_offset"), _offset(col_offset, "col_offset")
    m = api.matrix(net, protocol=protocol, port=port, level=level)
    sources = [s for s in m.sources if keep(s)]
    destinations = [d for d in m.destinations if keep(d)]
    big = len(sources) > MAX_SIDE or len(destinations) > MAX_SIDE
    by_vpc = aggregate in ("1", "true", "vpc") or (big and aggregate not in ("0", "false"))
    answer: dict[str, Any] = {
        "level": level,
        "protocol": m.protocol,
        "port": m.port,
        "engine": m.engine,
        "sources": len(sources),
        "destinations": len(destinations),
        "reachable": sum(1 for s, d in m.pairs if s in set(sources) and d in set(destinations))
        if len(sources) * len(destinations) <= MAX_SIDE * MAX_SIDE
        else None,
        "aggregated": by_vpc,
        "row_offset": r0,
        "col_offset": c0,
        "limit": MAX_SIDE,
    }
    if by_vpc:
        answer.update(_by_vpc(net, m.pairs, sources, destinations, r0, c0))
        answer["note"] = (
            f"{len(sources)} × {len(destinations)} {level}s: shown VPC by VPC (each cell: the share of "
            f"pairs that reach)" + ("" if not big else f"; more than {MAX_SIDE} a side is too many to draw")
        )
    else:
        rows, cols = sources[r0 : r0 + MAX_SIDE], destinations[c0 : c0 + MAX_SIDE]
        opened, closed = _diff_pairs(diff, m.protocol, m.port)
        answer["rows"] = [_member(net, graph, s) for s in rows]
        answer["columns"] = [_member(net, graph, d) for d in cols]
        answer["cells"] = [
            [
                {
                    "reachable": (s, d) in m.pairs,
                    **_changed(m.label(s), m.label(d), opened, closed),
                }
                for d in cols
            ]
            for s in rows
        ]
        answer["total_rows"], answer["total_columns"] = len(sources), len(destinations)
        if len(sources) > len(rows) or len(destinations) > len(cols):
            answer["note"] = (
                f"rows {r0 + 1}–{r0 + len(rows)} of {len(sources)}, columns {c0 + 1}–{c0 + len(cols)} of "
                f"{len(destinations)} (row_offset, col_offset page through the rest)"
            )
    return answer


def _changed(s: str, d: str, opened: set[tuple[str, str]], closed: set[tuple[str, str]]) -> dict[str, str]:
    if (s, d) in opened:
        return {"diff": "opened"}
    if (s, d) in closed:
        return {"diff": "closed"}
    return {}


def _diff_pairs(
    diff: dict[str, Any] | None, protocol: str, port: int | None
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    if diff is None:
        return set(), set()

    def pairs(rows: Iterable[dict[str, Any]]) -> set[tuple[str, str]]:
        return {
            (r["source"], r["destination"]) for r in rows if r["protocol"] == protocol and r["port"] == port
        }

    return pairs(diff["opened"]), pairs(diff["closed"])


def _member(net: Network, graph: dict[str, Any], rid: str) -> dict[str, Any]:
    vpc = _vpc_of(net.world.get(rid))
    return {
        "id": rid,
        "name": net.names.get(rid, rid),
        "vpc": net.names.get(vpc, vpc) if vpc else None,
        "node": node_of(graph, rid),
    }


def _by_vpc(
    net: Network,
    pairs: frozenset[tuple[str, str]],
    sources: Sequence[str],
    destinations: Sequence[str],
    r0: int,
    c0: int,
) -> dict[str, Any]:
    world = net.world
    vpc_of = {rid: _vpc_of(world.get(rid)) or "-" for rid in {*sources, *destinations}}
    src_count: dict[str, int] = {}
    dst_count: dict[str, int] = {}
    for s in sources:
        src_count[vpc_of[s]] = src_count.get(vpc_of[s], 0) + 1
    for d in destinations:
        dst_count[vpc_of[d]] = dst_count.get(vpc_of[d], 0) + 1
    keep_s, keep_d = set(sources), set(destinations)
    reach: dict[tuple[str, str], int] = {}
    for s, d in pairs:
        if s in keep_s and d in keep_d:
            key = (vpc_of[s], vpc_of[d])
            reach[key] = reach.get(key, 0) + 1
    by_name = lambda v: (net.names.get(v, v), v)  # noqa: E731
    rows = sorted(src_count, key=by_name)[r0 : r0 + MAX_SIDE]
    cols = sorted(dst_count, key=by_name)[c0 : c0 + MAX_SIDE]

    def vpc_row(v: str, count: int) -> dict[str, Any]:
        return {"id": v, "name": net.names.get(v, v), "vpc": net.names.get(v, v), "node": v, "members": count}

    return {
        "rows": [vpc_row(v, src_count[v]) for v in rows],
        "columns": [vpc_row(v, dst_count[v]) for v in cols],
        "cells": [
            [
                {
                    "reachable_pairs": reach.get((s, d), 0),
                    "pairs": src_count[s] * dst_count[d],
                    "share": round(reach.get((s, d), 0) / (src_count[s] * dst_count[d]), 4),
                }
                for d in cols
            ]
            for s in rows
        ],
        "total_rows": len(src_count),
        "total_columns": len(dst_count),
    }


def check_view(net: Network, intents: str | list[Any]) -> dict[str, Any]:
    """``vpclab check``: ``intents`` is YAML text (posted) or a path's parsed intents."""
    parsed = loads_intents(intents, "<posted intents>") if isinstance(intents, str) else intents
    report = api.check(net, parsed)
    results = []
    for r in report.results:
        row = r.to_dict()
        row["violations_total"] = len(r.violations)
        row["violations"] = [
            {
                "source": v.source,
                "destination": v.destination,
                "reason": v.reason,
                "protocol": r.intent.protocol,
                "port": r.intent.port,
                "disposition": v.trace.disposition,
                "codes": v.trace.codes,
            }
            for v in r.violations[:MAX_VIOLATIONS]
        ]
        results.append(row)
    return {
        "ok": report.ok,
        "intents": len(report.results),
        "violated": len(report.violated),
        "results": results,
    }


def diff_view(old: Network, new: Network, graph: dict[str, Any], level: str = "subnet") -> dict[str, Any]:
    """``vpclab diff OLD NEW``: each opened and closed flow, with its ends' nodes on NEW's picture."""
    if level not in ("subnet", "interface"):
        raise ViewError("InvalidParameterValue", f"level must be 'subnet' or 'interface', not {level!r}")
    d = api.diff(old, new, level=level)

    def row(c: Any) -> dict[str, Any]:
        t = c.explanation
        return {
            "source": c.source,
            "destination": c.destination,
            "protocol": c.protocol,
            "port": c.port,
            "source_node": _node_by_name(new, graph, c.source),
            "destination_node": _node_by_name(new, graph, c.destination),
            "codes": [e.code for e in t.explanations] if t is not None else [],
        }

    return {
        "old": old.file,
        "new": new.file,
        "level": level,
        "flows": [{"protocol": p, "port": n} for p, n in d.flows],
        "opened": [row(c) for c in d.opened],
        "closed": [row(c) for c in d.closed],
    }


def _node_by_name(net: Network, graph: dict[str, Any], name: str) -> str | None:
    rid = net.ids.get(name)
    return node_of(graph, rid) if rid else None
