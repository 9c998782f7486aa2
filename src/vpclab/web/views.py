"""The page's matrix, intents and diff views (docs/web.md): the CLI's functions, shaped for the page.

- ``matrix_view``: ``vpclab matrix``'s engine (vpclab.reach.matrix, which api.matrix calls) as a
  heat map, filtered by VPC, account or tag, bounded per request: above ``MAX_SIDE`` rows or
  columns the cells are VPC by VPC (each the share of pairs that reach), and either way one answer
  holds at most ``MAX_SIDE`` × ``MAX_SIDE`` cells — ``row_offset``/``col_offset`` page through the rest.
- ``check_view``: ``vpclab check`` (api.check) — each intent ok or violated, with its first
  violating flows (at most ``MAX_VIOLATIONS`` each) for the page to trace.
- ``diff_view``: ``vpclab diff`` (api.diff) — the flows opened and closed, each with the nodes of
  its ends on the picture.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..core.protocols import Protocol
from ..model.base import Resource
from ..model.world import World
from ..network import api
from ..network.facade import Network
from ..network.intents import loads_intents
from ..reach.matrix import ReachabilityMatrix
from ..reach.matrix import matrix as reach_matrix
from ..reach.result import traced_protocol
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


#: the last matrices computed (world, version, protocol, port, level) → matrix: paging through one,
#: or filtering it, does not compute it again
_MATRICES: dict[tuple[int, int, str, int | None, str], tuple[World, ReachabilityMatrix]] = {}
#: rows unpacked at a time when counting a filtered matrix's reachable pairs
_CHUNK = 2048


def _reach_matrix(net: Network, protocol: str, port: int | None, level: str) -> ReachabilityMatrix:
    """``vpclab matrix``'s engine (vpclab.reach.matrix, what api.matrix calls), bit-packed: the
    page never turns AWS-MAX's 31 million reachable pairs into Python objects."""
    world = net.world
    key = (id(world), world.version, protocol, port, level)
    hit = _MATRICES.get(key)
    if hit is not None and hit[0] is world:
        return hit[1]
    m = reach_matrix(world, protocol=protocol, port=port, level=level)
    _MATRICES.clear()
    _MATRICES[key] = (world, m)
    return m


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
    Protocol(protocol)  # a ProtocolError (ValueError: a 400) for what is not a protocol
    m = _reach_matrix(net, protocol, port, level)
    all_src: list[str] = [str(x) for x in m.sources.tolist()]
    all_dst: list[str] = [str(x) for x in m.destinations.tolist()]
    src_idx = np.array([i for i, s in enumerate(all_src) if keep(s)], dtype=np.int64)
    dst_idx = np.array([j for j, d in enumerate(all_dst) if keep(d)], dtype=np.int64)
    filtered = len(src_idx) < len(all_src) or len(dst_idx) < len(all_dst)
    big = len(src_idx) > MAX_SIDE or len(dst_idx) > MAX_SIDE
    by_vpc = aggregate in ("1", "true", "vpc") or (big and aggregate not in ("0", "false"))
    answer: dict[str, Any] = {
        "level": level,
        "protocol": m.protocol,
        "port": m.port,
        "engine": "classes",
        "sources": len(src_idx),
        "destinations": len(dst_idx),
        "reachable": _count(m, src_idx, dst_idx) if filtered else m.count(),
        "aggregated": by_vpc,
        "row_offset": r0,
        "col_offset": c0,
        "limit": MAX_SIDE,
    }
    if by_vpc:
        answer.update(_by_vpc(net, m, all_src, all_dst, src_idx, dst_idx, r0, c0))
        answer["note"] = (
            f"{len(src_idx)} × {len(dst_idx)} {level}s: shown VPC by VPC (each cell: the share of "
            f"pairs that reach)" + ("" if not big else f"; more than {MAX_SIDE} a side is too many to draw")
        )
        if answer["total_rows"] > MAX_SIDE or answer["total_columns"] > MAX_SIDE:
            answer["note"] += (
                f"; VPC rows {r0 + 1}–{r0 + len(answer['rows'])} of {answer['total_rows']}, columns "
                f"{c0 + 1}–{c0 + len(answer['columns'])} of {answer['total_columns']} "
                "(row_offset, col_offset)"
            )
        return answer
    rows, cols = src_idx[r0 : r0 + MAX_SIDE], dst_idx[c0 : c0 + MAX_SIDE]
    dense = _dense(m, rows, cols)
    opened, closed = _diff_pairs(diff, m.protocol, m.port)
    names = net.names
    answer["rows"] = [_member(net, graph, all_src[i]) for i in rows.tolist()]
    answer["columns"] = [_member(net, graph, all_dst[j]) for j in cols.tolist()]
    answer["cells"] = [
        [
            {
                "reachable": bool(dense[a, b]),
                **_changed(
                    names.get(all_src[i], all_src[i]), names.get(all_dst[j], all_dst[j]), opened, closed
                ),
            }
            for b, j in enumerate(cols.tolist())
        ]
        for a, i in enumerate(rows.tolist())
    ]
    answer["total_rows"], answer["total_columns"] = len(src_idx), len(dst_idx)
    if len(src_idx) > len(rows) or len(dst_idx) > len(cols):
        answer["note"] = (
            f"rows {r0 + 1}–{r0 + len(rows)} of {len(src_idx)}, columns {c0 + 1}–{c0 + len(cols)} of "
            f"{len(dst_idx)} (row_offset, col_offset page through the rest)"
        )
    return answer


def _dense(m: ReachabilityMatrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The bool cells of ``rows`` × ``cols`` (indexes into the matrix's sources and destinations)."""
    if len(rows) == 0 or len(cols) == 0:
        return np.zeros((len(rows), len(cols)), dtype=bool)
    unpacked = np.unpackbits(m.bits[rows], axis=1, count=len(m.destinations)).astype(bool)
    return unpacked[:, cols]


def _count(m: ReachabilityMatrix, src_idx: np.ndarray, dst_idx: np.ndarray) -> int:
    """How many kept sources reach how many kept destinations, ``_CHUNK`` rows unpacked at a time."""
    total = 0
    for k in range(0, len(src_idx), _CHUNK):
        total += int(_dense(m, src_idx[k : k + _CHUNK], dst_idx).sum())
    return total


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
    m: ReachabilityMatrix,
    all_src: list[str],
    all_dst: list[str],
    src_idx: np.ndarray,
    dst_idx: np.ndarray,
    r0: int,
    c0: int,
) -> dict[str, Any]:
    """VPC by VPC: only the window's VPCs are unpacked (at most MAX_SIDE VPCs a side)."""
    world = net.world
    vpc_of_src = [_vpc_of(world.get(all_src[i])) or "-" for i in src_idx.tolist()]
    vpc_of_dst = [_vpc_of(world.get(all_dst[j])) or "-" for j in dst_idx.tolist()]

    def by_name(v: str) -> tuple[str, str]:
        return (net.names.get(v, v), v)

    src_vpcs = sorted(set(vpc_of_src), key=by_name)
    dst_vpcs = sorted(set(vpc_of_dst), key=by_name)
    rows, cols = src_vpcs[r0 : r0 + MAX_SIDE], dst_vpcs[c0 : c0 + MAX_SIDE]
    row_at, col_at = {v: a for a, v in enumerate(rows)}, {v: b for b, v in enumerate(cols)}
    pick_s = [(i, row_at[v]) for i, v in zip(src_idx.tolist(), vpc_of_src, strict=True) if v in row_at]
    pick_d = [(j, col_at[v]) for j, v in zip(dst_idx.tolist(), vpc_of_dst, strict=True) if v in col_at]
    reach = np.zeros((len(rows), len(cols)), dtype=np.int64)
    src_count = np.zeros(len(rows), dtype=np.int64)
    dst_count = np.zeros(len(cols), dtype=np.int64)
    for _, a in pick_s:
        src_count[a] += 1
    for _, b in pick_d:
        dst_count[b] += 1
    if pick_s and pick_d:
        d_idx = np.array([j for j, _ in pick_d], dtype=np.int64)
        d_grp = np.array([b for _, b in pick_d], dtype=np.int64)
        for k in range(0, len(pick_s), _CHUNK):
            part = pick_s[k : k + _CHUNK]
            dense = _dense(m, np.array([i for i, _ in part], dtype=np.int64), d_idx).astype(np.int64)
            per_col = np.zeros((len(part), len(cols)), dtype=np.int64)
            np.add.at(per_col.T, d_grp, dense.T)  # each row's reachable count per destination VPC
            np.add.at(reach, np.array([a for _, a in part], dtype=np.int64), per_col)

    def vpc_row(v: str, count: int) -> dict[str, Any]:
        name = net.names.get(v, v)
        return {"id": v, "name": name, "vpc": name, "node": v, "members": count}

    cells = []
    for a in range(len(rows)):
        line = []
        for b in range(len(cols)):
            pairs = int(src_count[a] * dst_count[b])
            n = int(reach[a, b])
            line.append(
                {"reachable_pairs": n, "pairs": pairs, "share": round(n / pairs, 4) if pairs else 0.0}
            )
        cells.append(line)
    return {
        "rows": [vpc_row(v, int(src_count[a])) for a, v in enumerate(rows)],
        "columns": [vpc_row(v, int(dst_count[b])) for b, v in enumerate(cols)],
        "cells": cells,
        "total_rows": len(src_vpcs),
        "total_columns": len(dst_vpcs),
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


#: at most this many flows compared per diff request (``vpclab diff``'s default is 4)
MAX_DIFF_FLOWS = 4
#: at most this many opened (and closed) flows listed per answer; the totals say how many there are
MAX_DIFF_ROWS = 500


def diff_flows(
    flows: list[str], protocol: str | None, port: str | None
) -> tuple[tuple[str, int | None], ...]:
    """The flows a diff request compares: each ``flow=PROTOCOL/PORT`` (as ``vpclab diff --flow``),
    or ``protocol`` and ``port``, or none given: ``vpclab diff``'s defaults (empty answer)."""
    specs = [f.strip() for f in flows if f.strip()]
    if protocol:
        specs.append(f"{protocol}/{(port or '').strip()}" if (port or "").strip() else protocol)
    if len(specs) > MAX_DIFF_FLOWS:
        raise ViewError(
            "InvalidParameterValue", f"at most {MAX_DIFF_FLOWS} flows a request, not {len(specs)}"
        )
    out: list[tuple[str, int | None]] = []
    for spec in specs:
        name, _, number = spec.partition("/")
        p = traced_protocol(name.strip().lower() or "tcp")
        if p is None:
            raise ViewError(
                "InvalidParameterValue", f"a flow is PROTOCOL/PORT (tcp/443, icmp/8, udp), not {spec!r}"
            )
        n = number.strip()
        if n and (not n.isdigit() or int(n) > 65535):
            raise ViewError("InvalidParameterValue", f"port must be a number from 0 to 65535, not {n!r}")
        out.append((p, int(n) if n else None))
    return tuple(dict.fromkeys(out))


def diff_view(
    old: Network,
    new: Network,
    graph: dict[str, Any],
    level: str = "subnet",
    flows: tuple[tuple[str, int | None], ...] = (),
) -> dict[str, Any]:
    """``vpclab diff OLD NEW [--flow P/N …]``: each opened and closed flow (at most
    ``MAX_DIFF_ROWS`` of each), with its ends' nodes on NEW's picture; ``flows`` empty: the CLI's
    default flows."""
    if level not in ("subnet", "interface"):
        raise ViewError("InvalidParameterValue", f"level must be 'subnet' or 'interface', not {level!r}")
    d = api.diff(old, new, level=level, **({"flows": flows} if flows else {}))

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
        "opened": [row(c) for c in d.opened[:MAX_DIFF_ROWS]],
        "closed": [row(c) for c in d.closed[:MAX_DIFF_ROWS]],
        "opened_total": len(d.opened),
        "closed_total": len(d.closed),
        "limit": MAX_DIFF_ROWS,
    }


def _node_by_name(net: Network, graph: dict[str, Any], name: str) -> str | None:
    rid = net.ids.get(name)
    return node_of(graph, rid) if rid else None
