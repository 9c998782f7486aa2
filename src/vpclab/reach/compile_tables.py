"""Every route table and TGW route table of a World compiled at once (``compile_world``'s fast path).

``compiled.compile_route_table`` and ``compiled.compile_tgw_route_table`` compile one table (the
incremental intent checker recompiles single tables with them, and they are the reference the batch
is tested against, table by table). Here the same decisions are taken for all tables together:

- a VPC route table's routes are ranked exactly as ``compile_route_table`` ranks them — the order of
  ``model.route_table.forwarding_entries`` (longest prefix, then static over prefix-list over
  propagated, then the route listed first), each route's state from
  ``model.route_table.route_state``, remembered per (VPC, target) across the compilation — but
  instead of one ``paint`` per table, every table's ranked ranges go into one column store
  (``runs.Ranked``) and ``runs.paint_many`` paints them all in a few numpy passes;
- a TGW route table's routes are ``model.transit_gateway.tgw_routes``'s (``best_routes`` over
  ``candidate_routes``: one route per destination by AWS's evaluation order), painted the same way.

The Python work left is one pass over the routes (state, hop, span: a dict look-up each); tables
stamped from one shape share their (hop, span) look-ups through the caches of ``reach.space``.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import TYPE_CHECKING

from ..model.prefix_lists import prefix_list_cidrs
from ..model.route_table import (
    ORIGIN_PROPAGATED,
    PRIORITY_PREFIX_LIST,
    PRIORITY_PROPAGATED,
    PRIORITY_STATIC,
    Route,
    RouteTable,
    route_state,
)
from ..model.transit_gateway import TransitGatewayRouteTable, best_routes, candidate_routes
from ..model.vpn import propagated_routes
from .runs import Hop, Ranked, Runs, paint_many
from .space import _SPANS, _SPANS6, Space, _span, _span6

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..model.world import World

#: every field of a route, as one tuple (a table's shape: C-speed, no per-route Python call)
_ROUTE_FIELDS = attrgetter(*(f.name for f in fields(Route)))


def route_rank(world: World, route: Route, v6: bool) -> tuple[tuple[str, ...], int] | None:
    """A VPC route's destinations in one family and its priority among routes of one prefix
    length (static over prefix-list over propagated: ``model.route_table.forwarding_entries``'
    order); None for a route of the other family, which decides nothing there (its state is not
    even read)."""
    if route.destination_cidr_block:
        return None if v6 else ((route.destination_cidr_block,), _priority(route))
    if route.destination_ipv6_cidr_block:
        return ((route.destination_ipv6_cidr_block,), _priority(route)) if v6 else None
    cidrs = tuple(
        c for c in prefix_list_cidrs(world, route.destination_prefix_list_id or "") if (":" in c) == v6
    )
    return (cidrs, _priority(route)) if cidrs else None


def _priority(route: Route) -> int:
    if route.origin == ORIGIN_PROPAGATED:
        return PRIORITY_PROPAGATED
    if route.destination_prefix_list_id:
        return PRIORITY_PREFIX_LIST
    return PRIORITY_STATIC


def compile_route_tables(
    world: World, tables: Iterable[RouteTable], states: dict[tuple[str, str], str], space: Space
) -> dict[str, Runs]:
    """route table id → its runs, equal to ``compile_route_table(world, rt, states, space)`` for
    each table in order (``states`` is shared and filled the same way)."""
    v6 = space.family == 6
    span = _span6 if v6 else _span
    spans = _SPANS6 if v6 else _SPANS
    ranked = Ranked()
    # the columns' appends and the look-ups, bound once (tens of thousands of calls each)
    add_table, add_lo, add_hi = ranked.table.append, ranked.lo.append, ranked.hi.append
    add_priority, add_position, add_code = ranked.priority.append, ranked.position.append, ranked.code.append
    code_of, known_code, state_of, known_span = ranked.code_of, ranked.codes.get, states.get, spans.get
    ids: list[str] = []
    #: per table: its index among the painted tables, and its prefixes
    painted_as: list[int] = []
    prefixes: list[frozenset[tuple[int, int]]] = []
    #: a table's shape (VPC, propagating gateways, every field of every route) → its painted index
    shapes: dict[tuple[object, ...], int] = {}
    k = -1
    for rt in tables:
        ids.append(rt.id)
        routes = rt.routes
        shape = (rt.vpc_id, rt.propagating_vgws, *map(_ROUTE_FIELDS, routes))
        seen = shapes.get(shape)
        if seen is not None:  # the same routes in the same VPC: the same decisions, painted once
            painted_as.append(seen)
            continue
        k += 1
        shapes[shape] = k
        painted_as.append(k)
        if rt.propagating_vgws:
            routes = (*routes, *propagated_routes(world, rt))
        vpc_id = rt.vpc_id
        mine: list[tuple[int, int]] = []
        for position, route in enumerate(routes):
            ranked_as = route_rank(world, route, v6)
            if ranked_as is None:
                continue
            cidrs, priority = ranked_as
            target = route.target
            key = (vpc_id, target)
            state = state_of(key)
            if state is None:
                state = states[key] = route_state(world, rt, route)
            # compiled.route_hop, inline
            hop: Hop
            if state != "active":
                hop = ("blackhole", target)
            elif route.gateway_id == "local":
                hop = ("local", vpc_id)
            elif route.vpc_peering_connection_id:
                hop = ("pcx", target)
            elif route.transit_gateway_id:
                hop = ("tgw", target)
            elif route.network_interface_id or route.instance_id or route.vpc_endpoint_id:
                hop = ("mbox", target)  # an interface or instance, or a Gateway Load Balancer endpoint
            else:
                hop = ("other", target)
            code = known_code(hop)
            if code is None:
                code = code_of(hop)
            for c in cidrs:
                sp = known_span(c) or span(c)
                mine.append(sp)
                add_table(k)
                add_lo(sp[0])
                add_hi(sp[1])
                add_priority(priority)
                add_position(position)
                add_code(code)
        prefixes.append(frozenset(mine))
    ranked.count = k + 1
    runs = paint_many(ranked, space.end)
    painted = [Runs(starts, hops, pre) for (starts, hops), pre in zip(runs, prefixes, strict=True)]
    return {rid: painted[n] for rid, n in zip(ids, painted_as, strict=True)}


def compile_tgw_route_tables(
    world: World, tables: Iterable[TransitGatewayRouteTable], space: Space
) -> dict[str, Runs]:
    """TGW route table id → its runs, equal to ``compile_tgw_route_table(world, trt, space)``."""
    span = _span6 if space.family == 6 else _span
    spans = _SPANS6 if space.family == 6 else _SPANS
    ranked = Ranked()
    table, lo, hi, codes = ranked.table, ranked.lo, ranked.hi, ranked.code
    code_of, known_codes = ranked.code_of, ranked.codes
    ids: list[str] = []
    prefixes: list[frozenset[tuple[int, int]]] = []
    k = -1
    for trt in tables:
        k += 1
        ids.append(trt.id)
        mine: list[tuple[int, int]] = []
        # one route per destination (AWS's evaluation order decided in the model): no ties to break
        for r in best_routes(candidate_routes(world, trt, family=space.family)):
            cidr = r.destination_cidr_block or "0.0.0.0/32"
            if r.state != "active" or not r.transit_gateway_attachment_ids:
                hop: Hop = ("blackhole", r.destination_cidr_block or "")
            else:  # ECMP over several VPN attachments: vpclab follows the first
                hop = ("att", r.transit_gateway_attachment_ids[0])
            code = known_codes.get(hop)
            if code is None:
                code = code_of(hop)
            sp = spans.get(cidr) or span(cidr)
            mine.append(sp)
            table.append(k)
            lo.append(sp[0])
            hi.append(sp[1])
            codes.append(code)
        prefixes.append(frozenset(mine))
    ranked.count = k + 1
    ranked.priority = ranked.position = [0] * len(lo)
    painted = zip(ids, paint_many(ranked, space.end), prefixes, strict=True)
    return {rid: Runs(starts, hops, pre) for rid, (starts, hops), pre in painted}
