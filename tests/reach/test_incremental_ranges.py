"""The intent checker's finer read sets (issue 15): a recompiled route table counts as changed for a
subnet pair only where its hops changed within the pair's two subnets (``runs.changed_ranges``,
``IntentChecker._stale``). A change to a route no walk of the intent looks up walks nothing again;
a change to a route it uses walks the pair again and changes its verdict."""

from __future__ import annotations

import dataclasses
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generator import SMALL, build
from vpclab.model.route_table import Route, RouteTable
from vpclab.model.subnet import Subnet
from vpclab.reach.incremental import Intent, IntentChecker
from vpclab.reach.runs import NO_ROUTE, Runs, changed_ranges, paint

SPACE = 64
_HOPS = (("tgw", "tgw-1"), ("pcx", "pcx-1"), ("blackhole", "x"))


def _runs(ranges: list[tuple[int, int, int]]) -> Runs:
    """A table over [0, SPACE) from aligned blocks (start index, size exponent, hop)."""
    items = []
    for start, size, hop in ranges:
        width = 1 << size
        lo = start * width % SPACE
        items.append((lo, lo + width, _HOPS[hop]))
    return paint(items, SPACE)


_tables = st.lists(st.tuples(st.integers(0, 63), st.integers(0, 6), st.integers(0, 2)), max_size=6).map(_runs)


@settings(max_examples=200, deadline=None)
@given(_tables, _tables, st.booleans(), st.booleans())
def test_changed_ranges_are_exactly_the_addresses_whose_hop_differs(old, new, drop_old, drop_new):
    """``changed_ranges`` covers an address iff the two tables (None: no table, no route anywhere)
    give it different hops; ranges ascend, do not touch and are not empty."""
    a, b = (None if drop_old else old), (None if drop_new else new)
    ranges = changed_ranges(a, b, SPACE)
    covered = {x for lo, hi in ranges for x in range(lo, hi)}
    hop = lambda t, x: NO_ROUTE if t is None else t.at(x)  # noqa: E731
    assert covered == {x for x in range(SPACE) if hop(a, x) != hop(b, x)}
    assert all(lo < hi for lo, hi in ranges)
    assert all(h1 < l2 for (_l1, h1), (l2, _h2) in pairwise(ranges))


def _crossing_pair(world, checker):
    """A reachable subnet pair of different VPCs, and the source's route table it read on the way."""
    subnets = {s.id: s for s in world.all(Subnet)}
    tables = {rt.id: rt for rt in world.all(RouteTable)}
    for pairs in checker._pairs.values():
        for (s, d), (ok, read) in pairs.items():
            if ok and subnets[s].vpc_id != subnets[d].vpc_id:
                rt = next((t for t in read if t in tables and tables[t].vpc_id == subnets[s].vpc_id), None)
                if rt is not None:
                    return subnets[s], subnets[d], tables[rt]
    raise AssertionError("SMALL has a reachable pair across VPCs")


def test_a_route_the_intent_does_not_use_walks_nothing_a_route_it_uses_changes_the_verdict():
    """A route for a range outside both subnets of every pair of the intent, in a table the intent
    reads, re-walks no pair (the read set by table alone would re-answer it); a more specific
    route for the destination subnet's CIDR to a target that does not exist (a blackhole: AWS,
    "Route priority", longest prefix match,
    https://docs.aws.amazon.com/vpc/latest/userguide/route-tables.html#route-table-priority, and
    "blackhole" routes, https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html)
    walks the pair again and makes it unreachable — as a fresh checker answers."""
    world = build(SMALL)
    subnets = [s.id for s in world.all(Subnet)]
    probe = IntentChecker(world, [Intent((s,), (d,)) for s in subnets[:6] for d in subnets[-6:]])
    src, dst, rt = _crossing_pair(world, probe)
    intent = Intent((src.id,), (dst.id,), "tcp", 443, "reachable")
    checker = IntentChecker(world, [intent])
    assert checker.results()[0].holds and rt.id in checker._readers

    unused = Route(destination_cidr_block="192.0.2.0/24", transit_gateway_id="tgw-0000000000000000f")
    world.put(dataclasses.replace(rt, routes=(*rt.routes, unused)))
    assert checker.results()[0].holds
    assert checker.last_reanswered == 0 and checker.last_rewalked == 0

    rt = world.get(rt.id, RouteTable)
    used = Route(destination_cidr_block=dst.cidr_block, transit_gateway_id="tgw-0000000000000000f")
    world.put(dataclasses.replace(rt, routes=(*rt.routes, used)))
    result = checker.results()[0]
    assert checker.last_reanswered == 1 and checker.last_rewalked == 1
    assert not result.holds and result.counterexample == (src.id, dst.id)
    assert checker.results() == IntentChecker(world, [intent]).results()


def test_a_route_within_the_source_subnet_walks_the_pair_again():
    """The reply is looked up at the source's addresses: a changed range inside the source subnet
    (not the destination's) makes the pair stale too, and the reply, blackholed, loses it."""
    world = build(SMALL)
    subnets = [s.id for s in world.all(Subnet)]
    probe = IntentChecker(world, [Intent((s,), (d,)) for s in subnets[:6] for d in subnets[-6:]])
    src, dst, _rt = _crossing_pair(world, probe)
    intent = Intent((src.id,), (dst.id,))
    checker = IntentChecker(world, [intent])
    back = next(t for t in world.all(RouteTable) if t.id in checker._readers and t.vpc_id == dst.vpc_id)
    blackhole = Route(destination_cidr_block=src.cidr_block, transit_gateway_id="tgw-0000000000000000f")
    world.put(dataclasses.replace(back, routes=(*back.routes, blackhole)))
    result = checker.results()[0]
    assert checker.last_rewalked == 1 and not result.holds
    assert checker.results() == IntentChecker(world, [intent]).results()
