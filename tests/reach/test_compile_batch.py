"""compile_world's batch compile of every route table (reach/compile_tables.py, runs.paint_many)
gives exactly what the per-table compile gives, and the whole compiled view equals the reference
compile (the straightforward one compile_world was before issue 15's speed-up, kept below).

Worlds: the generator's SMALL and a dual-stack AWS-MAX-shaped network (TGW segments, hub and mesh
peerings, VGW route propagation, gateway endpoints' prefix-list routes, a pending peering's
blackholes), every bundled example, and each of those with crafted routes that exercise AWS's route
priority (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html): a static
route beating a prefix-list entry of the same CIDR, two prefix lists with the same entry (the
route listed first wins: vpclab's documented choice), prefix-list and static routes to missing
targets (blackholes), routes to middleboxes more specific than the local route, IPv6 routes.
Both families: IPv6 compiled in compressed coordinates.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import replace
from ipaddress import ip_network
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vpclab
from bench.generator import SMALL, Spec, build
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.prefix_lists import ManagedPrefixList, PrefixListEntry, prefix_list_cidrs
from vpclab.model.route_table import Route, RouteTable
from vpclab.model.security_group import SecurityGroup
from vpclab.model.subnet import Subnet
from vpclab.model.transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable
from vpclab.model.vpc import Vpc
from vpclab.model.vpn import propagated_routes
from vpclab.model.world import World
from vpclab.reach.compile_tables import compile_route_tables, compile_tgw_route_tables
from vpclab.reach.compiled import (
    Compiled,
    SubnetInfo,
    _compress,
    attachment_info,
    compile_route_table,
    compile_tgw_route_table,
    compile_world,
    middleboxes,
    subnet_acls,
    subnet_route_tables,
)
from vpclab.reach.runs import NO_ROUTE, Ranked, paint, paint_many
from vpclab.reach.space import V4, Space

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
#: AWS-MAX's shape at a small size: every kind of route the generator makes, both families
MID = Spec(
    vpcs=40,
    tgw_route_tables=4,
    tgw_routes=80,
    hub_peerings=6,
    other_peerings=12,
    vpns=5,
    interface_endpoints=3,
    gateway_endpoints=4,
    interfaces=120,
    acl_templates=3,
    edge_cases=True,
    dual_stack=True,
)


def reference_compile(world: World, family: int) -> Compiled:
    """compile_world as it was before the batch compile: one pass per concern, one table at a time."""
    v6 = family == 6
    space = Space(6) if v6 else V4
    subnet_rt, subnet_acl = subnet_route_tables(world), subnet_acls(world)
    subnets = {}
    for s in world.all(Subnet):
        block = s.ipv6_cidr_block if v6 else s.cidr_block
        if block:
            lo, hi = space.span(block)
            subnets[s.id] = SubnetInfo(
                s.id, s.vpc_id, s.availability_zone, lo, hi, subnet_rt[s.id], subnet_acl[s.id]
            )
    vpc_spans = {
        v.id: tuple(space.span(c) for c in (v.ipv6_cidr_blocks if v6 else v.cidr_blocks))
        for v in world.all(Vpc)
    }
    attachments, vpc_atts = {}, {}
    for att in world.all(TransitGatewayAttachment):
        if att.state == "available":
            info = attachments[att.id] = attachment_info(world, att, subnet_rt)
            if att.resource_type == "vpc":
                vpc_atts.setdefault((att.transit_gateway_id, att.resource_id), info)
    peerings = {
        p.id: (p.requester_vpc_id, p.accepter_vpc_id) for p in world.all(VpcPeeringConnection) if p.is_active
    }
    acls = {a.id: a for a in world.all(NetworkAcl)}
    c = Compiled(world.version, subnets, vpc_spans, vpc_atts, attachments, peerings, acls)
    c.middleboxes = middleboxes(world)
    for spans in vpc_spans.values():
        c.routing_prefixes.update(spans)
    blocks: set[str | None] = set()
    for acl in acls.values():
        blocks.update(e.ipv6_cidr_block if v6 else e.cidr_block for e in acl.entries)
    lists = set()
    for sg in world.all(SecurityGroup):
        for r in sg.all_rules:
            block = r.cidr_ipv6 if v6 else r.cidr_ipv4
            if block:
                blocks.add(block)
            elif v6 and r.prefix_list_id:
                lists.add(r.prefix_list_id)
    for pl in lists:
        blocks.update(x for x in prefix_list_cidrs(world, pl) if ":" in x)
    c.routing_prefixes.update(space.span(b) for b in blocks if b)
    c.space = space
    states: dict[tuple[str, str], str] = {}
    for rt in world.all(RouteTable):
        runs = c.route_tables[rt.id] = compile_route_table(world, rt, states, space)
        c.routing_prefixes.update(runs.prefixes)
    for trt in world.all(TransitGatewayRouteTable):
        runs = c.tgw_tables[trt.id] = compile_tgw_route_table(world, trt, space)
        c.routing_prefixes.update(runs.prefixes)
    c.prefixes = set(c.routing_prefixes)
    c.prefixes.update((s.lo, s.hi) for s in subnets.values())
    if v6:
        _compress(c)
    return c


def with_crafted_routes(world: World) -> World:
    """``world`` with extra routes in every route table, each a priority case (module docstring)."""
    lists = (
        ManagedPrefixList(
            id="pl-0a0a0a0a0a0a0a0a0",
            owner_id="111122223333",
            region="us-east-1",
            prefix_list_name="crafted-a",
            entries=tuple(PrefixListEntry(cidr=c) for c in ("10.99.0.0/16", "10.98.0.0/16")),
        ),
        ManagedPrefixList(
            id="pl-0b0b0b0b0b0b0b0b0",
            owner_id="111122223333",
            region="us-east-1",
            prefix_list_name="crafted-b",
            address_family="IPv6",
            entries=tuple(PrefixListEntry(cidr=c) for c in ("2001:db8:99::/48", "2001:db8:98::/48")),
        ),
        ManagedPrefixList(
            id="pl-0c0c0c0c0c0c0c0c0",
            owner_id="111122223333",
            region="us-east-1",
            prefix_list_name="crafted-c",
            entries=tuple(PrefixListEntry(cidr=c) for c in ("10.99.0.0/16", "10.96.0.0/12")),
        ),
    )
    enis = {e.vpc_id: e.id for e in world.all(NetworkInterface)}
    with world.transaction():
        for pl in lists:
            world.put(pl)
        for rt in list(world.all(RouteTable)):
            vpc = world.get(rt.vpc_id, Vpc)
            targets = [{r.target_field: r.target} for r in rt.routes if r.target not in ("", "local")]
            first = targets[0] if targets else {"gateway_id": "igw-0000000000000dead"}
            last = targets[-1] if targets else {"nat_gateway_id": "nat-0000000000000dead"}
            extra = [
                Route(destination_prefix_list_id=lists[0].id, gateway_id="igw-0000000000000dead"),
                Route(destination_prefix_list_id=lists[2].id, **first),  # listed after A: A's 10.99/16 wins
                Route(destination_cidr_block="10.98.0.0/16", **last),  # static beats list A's entry
                Route(destination_prefix_list_id=lists[1].id, **first),
                Route(destination_ipv6_cidr_block="2001:db8:98::/48", **last),
            ]
            if vpc is not None and vpc.cidr_blocks:  # a middlebox route inside the local route
                inner = next(ip_network(vpc.cidr_blocks[0]).subnets(new_prefix=28))
                eni = enis.get(vpc.id, "eni-0000000000000dead")
                extra.append(Route(destination_cidr_block=str(inner), network_interface_id=eni))
            for r in propagated_routes(world, rt)[:1]:  # a static route to a propagated CIDR beats it
                extra.append(Route(destination_cidr_block=r.destination_cidr_block, **last))
            world.put(replace(rt, routes=rt.routes + tuple(extra)))
    return world


def worlds() -> list[tuple[str, World]]:
    out = [("small", build(SMALL)), ("mid", build(MID)), ("small-crafted", with_crafted_routes(build(SMALL)))]
    out.append(("mid-crafted", with_crafted_routes(build(MID))))
    for path in EXAMPLES:
        out.append((path.stem, vpclab.load(path).world))
        out.append((f"{path.stem}-crafted", with_crafted_routes(vpclab.load(path).world)))
    return out


_WORLDS = worlds()


def runs_of(tables: dict) -> dict:
    return {k: (r.starts, r.hops, r.prefixes) for k, r in tables.items()}


@pytest.mark.parametrize("family", [4, 6])
@pytest.mark.parametrize(("name", "world"), _WORLDS, ids=[n for n, _ in _WORLDS])
def test_compile_world_equals_the_reference_compile(name, world, family):
    """Every field of the compiled view, every route table's and TGW route table's runs, and the
    IPv6 coordinates are the reference compile's."""
    new, ref = compile_world(world, family=family), reference_compile(world, family)
    assert new.version == ref.version
    for f in ("subnets", "vpc_spans", "vpc_attachments", "attachments", "peerings", "acls", "middleboxes"):
        assert getattr(new, f) == getattr(ref, f), f
    assert new.prefixes == ref.prefixes and new.routing_prefixes == ref.routing_prefixes
    assert runs_of(new.route_tables) == runs_of(ref.route_tables)
    assert runs_of(new.tgw_tables) == runs_of(ref.tgw_tables)
    assert new.space.family == ref.space.family and new.space.points == ref.space.points


@pytest.mark.parametrize("family", [4, 6])
@pytest.mark.parametrize(("name", "world"), _WORLDS, ids=[n for n, _ in _WORLDS])
def test_batch_tables_equal_single_table_compiles(name, world, family):
    """compile_route_tables/compile_tgw_route_tables equal compile_route_table/compile_tgw_route_table
    table by table — with the states shared as compile_world shares them, and with none shared (as
    the incremental intent checker recompiles one table) — before any IPv6 compression."""
    space = Space(family)
    tables = list(world.all(RouteTable))
    batch = runs_of(compile_route_tables(world, tables, {}, space))
    states: dict[tuple[str, str], str] = {}
    assert batch == runs_of({rt.id: compile_route_table(world, rt, states, space) for rt in tables})
    assert batch == runs_of({rt.id: compile_route_table(world, rt, None, space) for rt in tables})
    tgw = list(world.all(TransitGatewayRouteTable))
    assert runs_of(compile_tgw_route_tables(world, tgw, space)) == runs_of(
        {t.id: compile_tgw_route_table(world, t, space) for t in tgw}
    )


def test_the_crafted_routes_decide_by_aws_priority():
    """The crafted cases decide as AWS's route priority says
    (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html): a static route
    beats a prefix-list route to the same CIDR; of two prefix lists with the same entry the route
    listed first wins (AWS does not document it; vpclab's choice); a route to a missing target is a
    blackhole; the more specific middlebox route beats the local route; a static route beats a
    route a virtual private gateway propagates to the same CIDR."""
    world = with_crafted_routes(vpclab.load(next(p for p in EXAMPLES if p.stem == "vpn-vgw")).world)
    c = compile_world(world)
    a, b = ip_network("10.99.0.0/16"), ip_network("10.98.0.0/16")
    seen = {"propagated": 0, "middlebox": 0}
    for rt in world.all(RouteTable):
        runs = c.route_tables[rt.id]
        assert runs.at(int(a.network_address)) == ("blackhole", "igw-0000000000000dead")
        static = next(r for r in rt.routes if r.destination_cidr_block == "10.98.0.0/16")
        assert runs.at(int(b.network_address))[1] == static.target
        for r in propagated_routes(world, rt)[:1]:
            static = next(x for x in rt.routes if x.destination_cidr_block == r.destination_cidr_block)
            assert (
                runs.at(int(ip_network(r.destination_cidr_block or "").network_address))[1] == static.target
            )
            seen["propagated"] += 1
        box = next((r for r in rt.routes if r.network_interface_id), None)
        if box is not None:
            start = int(ip_network(box.destination_cidr_block or "").network_address)
            assert runs.at(start)[0] in ("mbox", "blackhole")
            assert runs.at(start)[1] == box.network_interface_id
            seen["middlebox"] += 1
    assert all(seen.values()), seen


def ranked_tables(draw_tables: list[list[tuple[int, int, int, int, int]]], width: int):
    """(paint's items per table, the Ranked of all tables) for tables of (start, prefix, priority,
    position, hop) draws; ranges are aligned blocks of a ``width``-bit space."""
    ranked = Ranked()
    per_table = []
    for k, table in enumerate(draw_tables):
        items = []
        for start, plen, priority, position, hop in table:
            size = 1 << (width - plen)
            lo = (start % (1 << width)) // size * size
            items.append((plen, priority, -position, lo, lo + size, ("h", str(hop))))
            ranked.table.append(k)
            ranked.lo.append(lo)
            ranked.hi.append(lo + size)
            ranked.priority.append(priority)
            ranked.position.append(position)
            ranked.code.append(ranked.code_of(("h", str(hop))))
        items.sort(key=lambda i: i[:3])
        per_table.append([(lo, hi, hop) for *_, lo, hi, hop in items])
    ranked.count = len(draw_tables)
    return per_table, ranked


_ENTRY = st.tuples(
    st.integers(0, (1 << 128) - 1), st.integers(0, 8), st.integers(0, 2), st.integers(0, 5), st.integers(0, 3)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_ENTRY, max_size=8), max_size=6), st.sampled_from([4, 6]))
def test_paint_many_equals_paint(tables, family):
    """Random nested, disjoint and equal ranges (same spans: priority, then position decides), few
    distinct hops (neighbouring runs merge), empty tables: paint_many is paint, table by table, in
    IPv4 coordinates and in plain 128-bit ones."""
    width = 32 if family == 4 else 128
    # prefix lengths near the top of the space, so ranges nest and collide often
    tables = [[(s, p if family == 4 else p * 4, *rest) for s, p, *rest in t] for t in tables]
    per_table, ranked = ranked_tables(tables, width)
    end = 1 << width
    got = paint_many(ranked, end)
    for items, (starts, hops) in zip(per_table, got, strict=True):
        want = paint(items, end)
        assert (starts, hops) == (want.starts, want.hops)


def test_paint_many_of_no_tables_and_of_empty_tables():
    assert paint_many(Ranked()) == []
    ranked = Ranked()
    ranked.count = 2
    assert paint_many(ranked) == [((0,), (NO_ROUTE,)), ((0,), (NO_ROUTE,))]


def test_tables_of_one_shape_share_their_runs():
    """Route tables with the same routes in one VPC (per-AZ tables stamped from one template) are
    painted once; tables of another VPC are not taken for them."""
    world = build(dataclasses.replace(SMALL, edge_cases=False))
    c = compile_world(world)
    by_vpc: dict[str, set[int]] = {}
    shapes: dict[tuple, set[int]] = {}
    for rt in world.all(RouteTable):
        by_vpc.setdefault(rt.vpc_id, set()).add(id(c.route_tables[rt.id]))
        shapes.setdefault((rt.vpc_id, rt.routes), set()).add(id(c.route_tables[rt.id]))
    assert all(len(ids) == 1 for ids in shapes.values())  # one runs object per shape
    assert len(set().union(*by_vpc.values())) == sum(map(len, by_vpc.values()))  # none across VPCs


def test_shuffled_table_order_changes_nothing():
    """The batch does not depend on the order tables come in (each table's runs are its own)."""
    world = with_crafted_routes(build(MID))
    tables = list(world.all(RouteTable))
    want = runs_of(compile_route_tables(world, tables, {}, V4))
    random.Random(15).shuffle(tables)
    assert runs_of(compile_route_tables(world, tables, {}, V4)) == want


def test_the_compile_benchmark_runs_on_small(capsys):
    """``python -m bench.compile`` (docs/benchmarks.md, "Compile") measures AWS-MAX; the same code
    on SMALL, so it cannot rot — and its own check that the batch and per-table runs are equal holds."""
    from bench import compile as compile_bench

    assert compile_bench.main(["--size", "small", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "compile_world:" in out and "runs equal: True" in out


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(_ENTRY, max_size=8), max_size=6))
def test_paint_many_past_the_one_key_sorts(tables):
    """Positions too wide for paint_many's one-int64 sort keys (never at AWS's sizes) take its
    several-key sorts: the same answers as paint."""
    tables = [[(s, p, pr, pos + (1 << 40), h) for s, p, pr, pos, h in t] for t in tables]
    per_table, ranked = ranked_tables(tables, 32)
    for items, (starts, hops) in zip(per_table, paint_many(ranked), strict=True):
        want = paint(items)
        assert (starts, hops) == (want.starts, want.hops)
