"""What a trace read, and whether a change touches it: the page re-runs an open trace only then.

A trace's read set is the ids of every component it passed or blamed (its hops and explanations)
with the ids of its own links (its VPC, subnet, transit gateway, interface …) — a VPC's route
table, security group or network ACL with every id its routes and rules name (prefix lists,
referenced groups) —, the ids its hops' details and causes' messages name, and the subnets and
VPCs of the flow's two addresses (the caller adds the names it was asked by). A change set touches
the read set when a changed resource (before or after the change) is in it, names an id in it or
carries a name in it: a new route table in a VPC the trace crossed, a route to a peering connection
it used, a rule of a security group of an interface on the path. So the answer over-approximates
at the grain of the VPCs, transit gateways and connections the path crossed — a change in a VPC
the path never entered, with no link to it, leaves the trace as it was; any other change re-runs it
(always correct, sometimes redundant). Not seen: a change to a prefix list named only by a transit
gateway route table's prefix-list reference (its tables are read by their own links only).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..model.base import Resource
from ..model.network_acl import NetworkAcl
from ..model.prefix_lists import ManagedPrefixList
from ..model.route_table import RouteTable
from ..model.security_group import SecurityGroup
from ..model.transit_gateway import TransitGatewayRouteTable
from .forwarding import forwarding_view
from .result import Trace

if TYPE_CHECKING:
    from ..model.world import World

#: an AWS resource id (``vpc-0a1b2c3d``, ``tgw-rtb-…``, ``subnet-…``) or a Direct Connect gateway's
#: UUID; account numbers, Regions and Availability Zone ids (``use1-az1``) are not ids
_ID = re.compile(
    r"^(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)*-[0-9a-f]{8,}"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


#: what a trace through a transit gateway route table reads, and what any prefix list's change touches
ANY_PREFIX_LIST = "prefix-list:*"
#: the words of a hop's detail or a cause's message that may be ids
_WORD = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]*[0-9a-f]")
#: kinds read with everything they name (bounded: at most a few hundred routes or rules each)
_DEEP = (RouteTable, SecurityGroup, NetworkAcl)


def _ids_in(value: Any, out: set[str], depth: int = 0) -> None:
    if isinstance(value, str):
        if _ID.match(value):
            out.add(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        if depth < 6:
            for f in dataclasses.fields(value):
                _ids_in(getattr(value, f.name, None), out, depth + 1)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            _ids_in(k, out, depth + 1)
            _ids_in(v, out, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            _ids_in(v, out, depth + 1)


def names(res: Resource, *, deep: bool = True) -> set[str]:
    """``res``'s id and every id it names (its VPC, subnets, targets, groups, attachments, …);
    ``deep=False``: only its own id fields (``vpc_id``, ``transit_gateway_id``, …), not those of its
    routes, rules or associations."""
    out = {res.id}
    if deep:
        _ids_in(res, out)
        return out
    for f in dataclasses.fields(res):
        value = getattr(res, f.name, None)
        if isinstance(value, str) and _ID.match(value):
            out.add(value)
    return out


def trace_reads(world: World, trace: Trace) -> frozenset[str]:
    """The ids ``trace`` read (see the module docstring)."""
    reads: set[str] = set()
    seen = {h.id for h in (*trace.forward_hops, *trace.return_hops)}
    seen.update(e.component for e in trace.explanations)
    for rid in seen:
        reads.add(rid)
        res = world.get(rid)
        if res is not None:
            # a VPC's route table, security group or network ACL with everything its routes and rules
            # name (a prefix list, a referenced group); anything else its own links only (a transit
            # gateway route table names every attachment of the hub)
            reads |= names(res, deep=isinstance(res, _DEEP))
            if isinstance(res, TransitGatewayRouteTable):
                reads.add(ANY_PREFIX_LIST)
    for text in (
        *(h.detail for h in (*trace.forward_hops, *trace.return_hops)),
        *(e.message for e in trace.explanations),
    ):
        reads.update(w for w in _WORD.findall(text) if _ID.match(w))
    view = forwarding_view(world)
    for ip in (trace.flow.src_ip, trace.flow.dst_ip):
        try:
            found = view.subnets_containing(ip)
        except ValueError:  # not an address (an ``internet`` or service end)
            continue
        for s in found:
            reads.update((s.id, s.vpc_id))
    return frozenset(reads)


def touched(changes: Iterable[tuple[Resource | None, Resource | None]]) -> set[str]:
    """Every id a change set's resources (before and after) are or name, and their ``Name`` tags
    (a trace asked by name reads which resource carries it)."""
    out: set[str] = set()
    for old, new in changes:
        for res in (old, new):
            if res is not None:
                out |= names(res)
                if isinstance(res, ManagedPrefixList):
                    out.add(ANY_PREFIX_LIST)
                if res.name:
                    out.add(res.name)
    return out
