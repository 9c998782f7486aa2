"""The break-even picture: what a full mesh of peerings, a transit gateway hub and one shared VPC
cost a month as the number of VPCs (or the traffic) grows — each point a real network, built
through the ControlPlane and priced by ``vpclab cost``.

The networks are :func:`~vpclab.advisor.designs.synthetic`: n VPCs with one workload each, spread
over ``azs`` Availability Zones, every ordered pair of workloads exchanging ``pair_gb`` GB a month.
The designs are symmetric, so every pair of workloads in the same AZ costs the same per GB, and
every pair in different AZs too: one representative flow of each kind, carrying the volume of all
pairs of its kind, prices the whole traffic (tests/advisor/test_sweep.py checks this against every
pair priced one by one).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..core.errors import VpclabError
from ..network.intents import Selector
from .cost import cents, cost
from .designs import DESIGNS, build, synthetic
from .headroom import headroom
from .prices import PriceTable
from .traffic import TrafficFlow


@dataclass(frozen=True)
class Point:
    """One design at one size: its monthly cost, or why it cannot be built."""

    design: str
    vpcs: int
    pair_gb: Decimal
    fixed: Decimal = Decimal(0)
    usage: Decimal = Decimal(0)
    error: str | None = None
    connections: int = 0  # peerings or attachments to manage
    routes_per_table: int = 0
    increases: tuple[str, ...] = ()  # quotas to raise from AWS's defaults

    @property
    def total(self) -> Decimal:
        return self.fixed + self.usage

    @property
    def buildable(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "design": self.design,
            "vpcs": self.vpcs,
            "pair_gb": str(self.pair_gb),
            "buildable": self.buildable,
            "error": self.error,
            "fixed": str(cents(self.fixed)),
            "usage": str(cents(self.usage)),
            "total": str(cents(self.total)),
            "connections": self.connections,
            "routes_per_table": self.routes_per_table,
            "quota_increases": list(self.increases),
        }


@dataclass(frozen=True)
class Sweep:
    axis: str  # "vpcs" | "pair_gb"
    points: tuple[Point, ...]
    azs: int
    crossings: tuple[tuple[str, str, float], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "axis": self.axis,
            "azs": self.azs,
            "points": [p.to_dict() for p in self.points],
            "break_even": [{"designs": [a, b], "at": x} for a, b, x in self.crossings],
        }


def point(
    design: str, n: int, pair_gb: Decimal, table: PriceTable, *, azs: int = 2, quotas: str = "lab"
) -> Point:
    """Build ``design`` over ``n`` synthetic VPCs and price it (a load error is the answer).
    ``quotas``: "lab" (AWS's maximums) or "aws-default" (a new account's: what needs no increase)."""
    from ..topology import loads

    doc = build(design, synthetic(n, azs=azs))
    doc["settings"] = {"quotas": quotas}
    try:
        net = loads(_yaml(doc), f"<{design} of {n} VPCs>")
    except VpclabError as exc:
        return Point(design, n, pair_gb, error=_first_line(exc))
    hosts = [f"team{i}-host" for i in range(n)]
    same = sum(1 for i in range(n) for j in range(n) if i != j and i % azs == j % azs)
    cross = n * (n - 1) - same
    flows = []
    if same and n > azs:
        flows.append(
            TrafficFlow(
                Selector("name", hosts[0]),
                Selector("name", hosts[azs]),
                pair_gb * same,
                protocol="-1",
                name="same-AZ pairs",
            )
        )
    if cross:
        flows.append(
            TrafficFlow(
                Selector("name", hosts[0]),
                Selector("name", hosts[1]),
                pair_gb * cross,
                protocol="-1",
                name="cross-AZ pairs",
            )
        )
    report = cost(net, table, flows)
    blocked = [f for f in report.flows if f.status != "costed"]
    if blocked:
        return Point(design, n, pair_gb, error=f"{blocked[0].flow} blocked: {', '.join(blocked[0].codes)}")
    uses = headroom(net.world, everything=True)
    routes = max((u.used for u in uses if u.quota == "routes_per_route_table"), default=0)
    increases = tuple(sorted({u.quota for u in uses if u.warning and u.warning.startswith("needs a quota")}))
    connections = len(doc.get("peerings") or {}) + sum(
        len(t.get("attachments") or {}) for t in (doc.get("transit_gateways") or {}).values()
    )
    return Point(design, n, pair_gb, report.fixed, report.usage, None, connections, routes, increases)


def sweep(
    axis: str,
    values: Sequence[int | Decimal],
    table: PriceTable,
    *,
    vpcs: int = 10,
    pair_gb: Decimal = Decimal(100),
    azs: int = 2,
    designs: Sequence[str] = DESIGNS,
    quotas: str = "lab",
) -> Sweep:
    """Every design at every value of ``axis`` ("vpcs": the number of VPCs, at ``pair_gb``;
    "pair_gb": GB a month between each ordered pair of workloads, at ``vpcs``)."""
    points = []
    for v in values:
        for d in designs:
            if axis == "vpcs":
                points.append(point(d, int(v), pair_gb, table, azs=azs, quotas=quotas))
            else:
                points.append(point(d, vpcs, Decimal(v), table, azs=azs, quotas=quotas))
    return Sweep(axis, tuple(points), azs, tuple(crossings(points, axis)))


def crossings(points: Sequence[Point], axis: str) -> list[tuple[str, str, float]]:
    """Where one design's total overtakes another's (linear between neighbouring values): the
    break-even points. Designs that cost the same at every point cross nowhere."""

    def x(p: Point) -> float:
        return float(p.vpcs if axis == "vpcs" else p.pair_gb)

    series = {
        d: sorted((p for p in points if p.design == d and p.buildable), key=x)
        for d in dict.fromkeys(p.design for p in points)
    }
    found = []
    names = list(series)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            both = {x(p): p for p in series[a]}
            diffs = [(x(q), float(both[x(q)].total - q.total)) for q in series[b] if x(q) in both]
            signs = [(at, d) for at, d in diffs if d != 0]
            for (x0, d0), (x1, d1) in itertools.pairwise(signs):
                if d0 * d1 < 0:
                    found.append((a, b, round(x0 + (x1 - x0) * d0 / (d0 - d1), 2)))
    return found


def same_cost(points: Sequence[Point]) -> list[tuple[str, str]]:
    """Pairs of designs whose totals are equal wherever both can be built."""
    by: dict[str, dict[tuple[int, Decimal], Decimal]] = {}
    for p in points:
        if p.buildable:
            by.setdefault(p.design, {})[(p.vpcs, p.pair_gb)] = p.total
    names = list(by)
    return [
        (a, b)
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if (common := by[a].keys() & by[b].keys()) and all(by[a][k] == by[b][k] for k in common)
    ]


def first_increases(points: Sequence[Point], axis: str) -> list[tuple[str, str, float]]:
    """For each design, the first value of the axis at which each quota must be raised."""
    seen: dict[tuple[str, str], float] = {}
    for p in sorted(points, key=lambda p: (p.vpcs, p.pair_gb)):
        for q in p.increases:
            seen.setdefault((p.design, q), float(p.vpcs if axis == "vpcs" else p.pair_gb))
    return [(d, q, at) for (d, q), at in seen.items()]


def parse_range(text: str) -> tuple[str, list[int]]:
    """``vpcs=2..60`` (or ``vpcs=2..60:5``, a step; ``pair_gb=0..1000:100``) → (axis, values)."""
    axis, eq, rest = text.partition("=")
    axis = axis.strip().replace("-", "_")
    if not eq or axis not in ("vpcs", "pair_gb"):
        raise ValueError(f"--sweep takes vpcs=A..B or pair_gb=A..B (with :STEP), not {text!r}")
    span, _, step_text = rest.partition(":")
    lo_text, dots, hi_text = span.partition("..")
    try:
        lo, hi = int(lo_text), int(hi_text)
        step = int(step_text) if step_text else 0
    except ValueError:
        raise ValueError(f"--sweep {text!r}: A, B and STEP are whole numbers") from None
    if not dots or lo > hi or lo < (2 if axis == "vpcs" else 0) or step < 0:
        raise ValueError(f"--sweep {text!r}: expected A..B with {'2' if axis == 'vpcs' else '0'} ≤ A ≤ B")
    if axis == "vpcs" and hi > 250:
        raise ValueError(f"--sweep {text!r}: at most 250 VPCs")
    if not step:  # about a dozen points, always both ends
        step = max(1, (hi - lo) // 12)
    values = list(range(lo, hi + 1, step))
    if values[-1] != hi:
        values.append(hi)
    if len(values) > 100:
        raise ValueError(f"--sweep {text!r}: {len(values)} points; at most 100 (give a larger :STEP)")
    return axis, values


def _first_line(exc: Exception) -> str:
    problems = getattr(exc, "problems", None)
    text = str(problems[0]) if problems else str(exc)
    return text.splitlines()[0]


def _yaml(doc: dict[str, Any]) -> str:
    import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints

    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=False)


__all__ = [
    "DESIGNS",
    "Point",
    "Sweep",
    "crossings",
    "first_increases",
    "parse_range",
    "point",
    "same_cost",
    "sweep",
]
