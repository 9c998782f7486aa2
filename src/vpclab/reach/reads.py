"""What a trace read, and whether a change touches it: the page re-runs an open trace only then.

A trace's read set is the ids of every component it passed or blamed (its hops and explanations),
each with the ids of its own links (its VPC, subnet, transit gateway, interface …), and the
subnets and VPCs of the flow's two addresses. A change set touches the read set when a
changed resource (before or after the change) is in it or names an id in it: a new route table in
a VPC the trace crossed, a route to a peering connection it used, a rule of a security group of an
interface on the path. So the answer over-approximates at the grain of the VPCs, transit gateways
and connections the path crossed — a change in a VPC the path never entered, with no link to it,
leaves the trace as it was; any other change re-runs it (always correct, sometimes redundant).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..model.base import Resource
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
        if res is not None:  # its own links only: a hub's route table names every attachment
            reads |= names(res, deep=False)
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
    """Every id a change set's resources (before and after) are or name."""
    out: set[str] = set()
    for old, new in changes:
        for res in (old, new):
            if res is not None:
                out |= names(res)
    return out
