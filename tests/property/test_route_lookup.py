"""``model.route_table.lookup`` against a brute-force longest-prefix scan over random route sets.

AWS "How route priority works" (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html):
the longest prefix wins; at an equal prefix a static route beats a prefix-list route, which beats a
propagated route. The brute force here works differently from ``lookup``: it walks the prefix
lengths from /32 down to /0 and, at each, looks for routes whose destination is exactly the
address's network at that length.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vpclab.model.prefix_lists import ManagedPrefixList, PrefixListEntry
from vpclab.model.route_table import (
    ORIGIN_PROPAGATED,
    Route,
    RouteTable,
    lookup,
    route_state,
)
from vpclab.model.world import World

ACCOUNT, REGION, VPC_ID = "111111111111", "us-east-1", "vpc-0aaaaaaaaaaaaaaaa"
#: a small address space, so random routes overlap and random addresses hit them
SPACE = IPv4Network("10.0.0.0/12")

addresses = st.integers(min_value=int(SPACE.network_address),
                        max_value=int(SPACE.broadcast_address)).map(IPv4Address)
networks = st.builds(lambda a, n: IPv4Network(f"{a}/{n}", strict=False), addresses,
                     st.integers(min_value=0, max_value=32))
#: targets: one that exists and forwards (the peering below is active) and one that does not exist
targets = st.sampled_from(["pcx-0bbbbbbbbbbbbbbbb", "pcx-0ddddddddddddddde"])


@st.composite
def route_sets(draw: st.DrawFn) -> tuple[list[Route], list[Route], dict[str, list[str]]]:
    """Static CIDR routes (unique destinations), prefix-list routes, and propagated routes."""
    static: dict[str, Route] = {}
    for net in draw(st.lists(networks, max_size=12)):
        static.setdefault(str(net),
                          Route(destination_cidr_block=str(net), vpc_peering_connection_id=draw(targets)))
    lists: dict[str, list[str]] = {}
    for i in range(draw(st.integers(min_value=0, max_value=3))):
        lists[f"pl-0{i:016x}"] = sorted({str(n) for n in draw(st.lists(networks, min_size=1, max_size=4))})
    pl_routes = [Route(destination_prefix_list_id=pl, vpc_peering_connection_id=draw(targets))
                 for pl in lists]
    propagated = [Route(destination_cidr_block=str(n), gateway_id="vgw-0ccccccccccccccccc",
                        origin=ORIGIN_PROPAGATED)
                  for n in {str(n): n for n in draw(st.lists(networks, max_size=6))}.values()]
    return [*static.values(), *pl_routes], propagated, lists


def build_world(stored: list[Route], lists: dict[str, list[str]]) -> tuple[World, RouteTable]:
    from vpclab.model.peering import VpcPeeringConnection

    world = World(seed=1)
    world.put(VpcPeeringConnection(
        id="pcx-0bbbbbbbbbbbbbbbb", owner_id=ACCOUNT, region=REGION, requester_vpc_id=VPC_ID,
        requester_owner_id=ACCOUNT, requester_region=REGION, accepter_vpc_id="vpc-0eeeeeeeeeeeeeeee",
        accepter_owner_id=ACCOUNT, accepter_region=REGION, status_code="active"))
    for pl_id, cidrs in lists.items():
        world.put(ManagedPrefixList(id=pl_id, owner_id=ACCOUNT, region=REGION, prefix_list_name=pl_id,
                                    max_entries=10, entries=tuple(PrefixListEntry(cidr=c) for c in cidrs)))
    rt = world.put(RouteTable(id="rtb-0aaaaaaaaaaaaaaaa", owner_id=ACCOUNT, region=REGION, vpc_id=VPC_ID,
                              routes=tuple(stored)))
    return world, rt


def brute_force(ip: IPv4Address, stored: list[Route], propagated: list[Route],
                lists: dict[str, list[str]]) -> Route | None:
    for length in range(32, -1, -1):
        net = IPv4Network(f"{ip}/{length}", strict=False)
        static = [r for r in stored if r.destination_cidr_block == str(net)]
        by_list = [r for r in stored if r.destination_prefix_list_id
                   and any(IPv4Network(c) == net for c in lists[r.destination_prefix_list_id])]
        dynamic = [r for r in propagated if r.destination_cidr_block == str(net)]
        for candidates in (static, by_list, dynamic):
            if candidates:
                return candidates[0]  # the route listed first (AWS leaves ties between prefix lists open)
    return None


@settings(max_examples=300, deadline=None)
@given(route_sets(), st.lists(addresses, min_size=1, max_size=8))
def test_lookup_matches_brute_force(routes: tuple[list[Route], list[Route], dict[str, list[str]]],
                                    ips: list[IPv4Address]) -> None:
    stored, propagated, lists = routes
    world, rt = build_world(stored, lists)
    with pytest.MonkeyPatch.context() as mp:
        import vpclab.model.vpn as vpn

        mp.setattr(vpn, "propagated_routes", lambda w, t, **_: tuple(propagated), raising=False)
        for ip in ips:
            expected = brute_force(ip, stored, propagated, lists)
            got = lookup(world, rt, ip)
            assert (got[0] if got else None) == expected
            if got is not None:
                assert got[1] == route_state(world, rt, got[0])
                assert got[1] == ("active" if got[0].vpc_peering_connection_id == "pcx-0bbbbbbbbbbbbbbbb"
                                  else "blackhole")


@given(route_sets(), addresses)
def test_removing_a_target_never_changes_the_matching_route(
        routes: tuple[list[Route], list[Route], dict[str, list[str]]], ip: IPv4Address) -> None:
    """A blackhole route still wins the match: deleting a target drops traffic, it does not reroute it."""
    stored, _, lists = routes
    world, rt = build_world(stored, lists)
    before = lookup(world, rt, ip)
    world.remove("pcx-0bbbbbbbbbbbbbbbb")
    after = lookup(world, rt, ip)
    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert before[0] == after[0] and after[1] == "blackhole"
