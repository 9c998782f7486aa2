"""``vpclab advise SOURCE --intents FILE``: the same VPCs joined each way AWS offers — your design,
a full mesh of peerings, a transit gateway hub, one shared VPC, PrivateLink for service-style flows
(advisor/privatelink.py) — each built as a real network
through the ControlPlane (AWS's rules hold: a design AWS would refuse cannot be built, with AWS's
error), checked against the intents (a candidate that breaks one is rejected, with the intent),
and compared: monthly cost (with a traffic file, the flows priced along their paths), the
connections and routes to manage, the quotas to raise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from ..core.errors import VpclabError
from ..model.endpoints import VpcEndpoint
from ..model.peering import VpcPeeringConnection
from ..model.route_table import RouteTable, is_local
from ..model.transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable
from ..network.intents import Intent, IntentError, Selector, check_intents
from .candidates import VPC_TAG, build, strip
from .cost import cost
from .headroom import headroom
from .prices import PriceTable
from .traffic import TrafficError, TrafficFlow

if TYPE_CHECKING:
    from ..network.facade import Network

DESIGNS = ("yours", "mesh", "transit-gateway", "transit-gateway-segmented", "shared-vpc", "privatelink")
#: a candidate's error that says it does not fit the intents (rather than that AWS refuses it)
NOT_APPLICABLE = "not applicable: "


@dataclass(frozen=True)
class Candidate:
    """One design: built or not (``error``), the intents it breaks, what it costs and asks of you."""

    design: str
    document: dict[str, Any] | None = None
    error: str | None = None
    intents: int = 0
    violated: tuple[str, ...] = ()
    fixed: Decimal = Decimal(0)
    usage: Decimal = Decimal(0)
    blocked_flows: int = 0
    connections: int = 0
    routes: int = 0
    route_tables: int = 0
    increases: tuple[str, ...] = ()
    over_limits: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.fixed + self.usage

    @property
    def accepted(self) -> bool:
        return self.error is None and not self.violated and not self.over_limits

    def to_dict(self) -> dict[str, Any]:
        from .bill import cents

        return {
            "design": self.design,
            "accepted": self.accepted,
            "applicable": not (self.error or "").startswith(NOT_APPLICABLE),
            "error": self.error,
            "intents": self.intents,
            "violated": list(self.violated),
            "fixed": str(cents(self.fixed)),
            "usage": str(cents(self.usage)),
            "total": str(cents(self.total)),
            "blocked_flows": self.blocked_flows,
            "connections": self.connections,
            "routes": self.routes,
            "route_tables": self.route_tables,
            "quota_increases": list(self.increases),
            "over_limits": list(self.over_limits),
            "notes": list(self.notes),
        }


def advise(
    net: Network,
    intents: Sequence[Intent],
    table: PriceTable,
    flows: Sequence[TrafficFlow] = (),
    designs: Sequence[str] = DESIGNS,
) -> list[Candidate]:
    """Every design, evaluated (see the module's text); the source network is "yours"."""
    from ..interop.export_yaml import dump, export_topology
    from ..topology import loads

    exported = export_topology(net)
    stripped, stripped_notes = strip(exported.topology)
    groups = segments(net, intents, list(stripped.get("vpcs") or {}))
    regions = {str(v.get("region") or stripped.get("region")) for v in (stripped.get("vpcs") or {}).values()}
    out: list[Candidate] = []
    for design in designs:
        if design == "yours":
            out.append(_evaluate("yours", net, exported.topology, intents, flows, table, ()))
            continue
        if design == "transit-gateway-segmented" and (groups is None or len(regions) > 1):
            continue  # no intent isolates VPCs (the flat hub is the same design), or several Regions
        if design == "privatelink":
            out.append(_privatelink(net, stripped, stripped_notes, intents, flows, table))
            continue
        doc, notes = build(design, stripped, groups)
        notes = [*stripped_notes, *notes]
        try:
            built = loads(dump(doc), f"<{design}>")
        except VpclabError as exc:
            out.append(Candidate(design, doc, error=_first(exc), notes=tuple(notes)))
            continue
        mine = [_for_shared(i) for i in intents] if design == "shared-vpc" else list(intents)
        carried = [_for_shared(f) for f in flows] if design == "shared-vpc" else list(flows)
        out.append(_evaluate(design, built, doc, mine, carried, table, tuple(notes)))
    return out


def _privatelink(
    net: Network,
    stripped: dict[str, Any],
    stripped_notes: list[str],
    intents: Sequence[Intent],
    flows: Sequence[TrafficFlow],
    table: PriceTable,
) -> Candidate:
    """PrivateLink for service-style flows (advisor/privatelink.py), or why it does not apply."""
    from ..interop.export_yaml import dump
    from ..topology import loads
    from . import privatelink as pl
    from .privatelink_check import check, via_endpoints

    p = pl.plan(net, intents, stripped)
    if p.reasons:
        return Candidate(pl.DESIGN, None, error=NOT_APPLICABLE + "; ".join(p.reasons))
    doc, notes = pl.build(stripped, p)
    notes = [*stripped_notes, *notes]
    notes.append(
        "services: "
        + "; ".join(
            f"{s.name} ({', '.join(s.targets)} on {', '.join(map(str, s.ports))}) "
            f"for {', '.join(sorted(s.consumers))}"
            for s in p.services
        )
    )
    try:
        built = loads(dump(doc), f"<{pl.DESIGN}>")
    except VpclabError as exc:
        return Candidate(pl.DESIGN, doc, error=_first(exc), notes=tuple(notes))
    return _evaluate(
        pl.DESIGN,
        built,
        doc,
        intents,
        flows,
        table,
        tuple(notes),
        checker=lambda n, i: check(n, i, p),
        via=via_endpoints(built, p),
    )


def segments(net: Network, intents: Sequence[Intent], vpcs: list[str]) -> list[list[str]] | None:
    """Groups of VPCs for a segmented hub, from the intents: VPCs an intent needs connected share a
    segment (union of its sides), every other VPC is a segment of its own. None when no intent
    asks for isolation (``unreachable`` between VPCs): then the flat hub is the design."""
    from ..network.intents import members

    def vpcs_of(intent: Intent, sel: Selector) -> set[str]:
        found: set[str] = set()
        for spec in members(net, intent, sel, []):
            res = net.world.get(spec)
            vpc_id = getattr(res, "vpc_id", None) or (
                res.id if res is not None and res.KIND == "vpc" else None
            )
            name = net.names.get(vpc_id or "")
            if name in vpcs:
                found.add(name)
        return found

    parent = {v: v for v in vpcs}

    def root(v: str) -> str:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    isolating = False
    for intent in intents:
        sides = vpcs_of(intent, intent.source) | vpcs_of(intent, intent.destination)
        if intent.expect == "unreachable":
            isolating = isolating or len(sides) > 1
            continue
        first = next(iter(sorted(sides)), None)
        for v in sides:
            if first is not None:
                parent[root(v)] = root(first)
    if not isolating:
        return None
    grouped: dict[str, list[str]] = {}
    for v in sorted(vpcs):
        grouped.setdefault(root(v), []).append(v)
    return sorted(grouped.values())


def recommended(candidates: Sequence[Candidate]) -> Candidate | None:
    """The accepted candidate that costs least; among equals, the one with fewest routes to manage."""
    ok = [c for c in candidates if c.accepted]
    return min(ok, key=lambda c: (c.total, c.routes + c.connections, DESIGNS.index(c.design))) if ok else None


def _evaluate(
    design: str,
    net: Network,
    doc: dict[str, Any],
    intents: Sequence[Intent],
    flows: Sequence[TrafficFlow],
    table: PriceTable,
    notes: tuple[str, ...],
    checker: Callable[[Network, Sequence[Intent]], tuple[int, tuple[str, ...]]] | None = None,
    via: Callable[[TrafficFlow, str, str], tuple[TrafficFlow, str]] | None = None,
) -> Candidate:
    try:
        if checker is not None:
            checked, violated = checker(net, intents)
        else:
            report = check_intents(net, intents)
            violated = tuple(r.intent.title for r in report.violated)
            checked = len(report.results)
    except IntentError as exc:
        if design == "yours":
            raise  # the intents do not fit the network they were written for: the user's mistake
        return Candidate(design, doc, error="its intents cannot be checked: " + _first(exc), notes=notes)
    try:
        bill = cost(net, table, flows, via)
    except (IntentError, TrafficError) as exc:
        if design == "yours":
            raise
        return Candidate(design, doc, error="its traffic cannot be priced: " + _first(exc), notes=notes)
    uses = headroom(net.world, everything=True)
    w = net.world
    return Candidate(
        design,
        doc,
        None,
        checked,
        violated,
        bill.fixed,
        bill.usage,
        sum(1 for f in bill.flows if f.status != "costed"),
        connections=sum(1 for p in w.all(VpcPeeringConnection) if p.status_code == "active")
        + sum(1 for a in w.all(TransitGatewayAttachment) if a.live)
        + sum(
            1
            for e in w.all(VpcEndpoint)
            if e.vpc_endpoint_type == "Interface" and e.service_id and e.state.lower() == "available"
        ),
        routes=sum(1 for rt in w.all(RouteTable) for r in rt.routes if not is_local(r))
        + sum(1 for t in w.all(TransitGatewayRouteTable) for r in t.routes if r.type == "static"),
        route_tables=sum(1 for rt in w.all(RouteTable) if not rt.main)
        + sum(1 for _ in w.all(TransitGatewayRouteTable)),
        increases=tuple(
            sorted({u.quota for u in uses if u.warning and u.warning.startswith("needs a quota")})
        ),
        over_limits=tuple(sorted({f"{u.quota} ({u.warning})" for u in uses if not u.buildable})),
        notes=notes,
    )


_Sided = TypeVar("_Sided", Intent, TrafficFlow)


def _for_shared(item: _Sided) -> _Sided:
    """An intent (or traffic flow) over the shared VPC: ``{vpc: NAME}`` follows the subnets that
    came from NAME."""
    return replace(item, source=_retarget(item.source), destination=_retarget(item.destination))


def _retarget(sel: Selector) -> Selector:
    if sel.kind == "vpc":
        return Selector("tag", {VPC_TAG: sel.value}, sel.pos)
    if sel.kind == "list":
        return Selector("list", tuple(_retarget(s) for s in sel.value), sel.pos)
    return sel


def _first(exc: Exception) -> str:
    problems = getattr(exc, "problems", None)
    return (str(problems[0]) if problems else str(exc)).splitlines()[0]
