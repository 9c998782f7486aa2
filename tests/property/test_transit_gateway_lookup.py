"""tgw_lookup against a brute-force scan of every candidate route.

AWS "Route evaluation order" (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html):
the most specific route wins; for identical destinations static before prefix-list before
propagated (VPC, Direct Connect gateway, Connect, VPN).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from hypothesis import given, settings
from hypothesis import strategies as st

from vpclab import ControlPlane, World
from vpclab.model.transit_gateway import (
    TransitGatewayRoute,
    TransitGatewayRouteTable,
    best_routes,
    candidate_routes,
    longest_match,
    route_rank,
    tgw_lookup,
)

# a small address space, so that routes overlap and ties are common
prefixes = st.builds(lambda addr,
                     plen: str(IPv4Network((addr << 24 | (addr * 7919 % 256) << 16, plen), strict=False)),
                     st.integers(0, 3), st.integers(6, 18))
routes = st.builds(
    lambda dest, kind, target: TransitGatewayRoute(
        destination_cidr_block=dest, type="static" if kind in ("static", "prefix-list") else "propagated",
        prefix_list_id="pl-0123456789abcdef0" if kind == "prefix-list" else None,
        resource_type=None if kind in ("static", "prefix-list") else kind,
        transit_gateway_attachment_ids=(f"tgw-attach-{target:017x}",)),
    prefixes, st.sampled_from(["static", "prefix-list", "vpc", "direct-connect-gateway", "connect", "vpn"]),
    st.integers(0, 5))
addresses = st.integers(0, 2**32 - 1).map(IPv4Address)


def brute_force(candidates: list[TransitGatewayRoute], ip: IPv4Address) -> TransitGatewayRoute | None:
    """Scan everything: longest prefix, then lowest rank, then earliest."""
    best = None
    best_key = None
    for i, r in enumerate(candidates):
        net = IPv4Network(r.destination_cidr_block)
        if ip not in net:
            continue
        key = (-net.prefixlen, route_rank(r), i)
        if best_key is None or key < best_key:
            best, best_key = r, key
    return best


@given(st.lists(routes, max_size=25), addresses)
def test_lookup_matches_brute_force(candidates, ip):
    assert longest_match(best_routes(candidates), ip) == brute_force(candidates, ip)


@given(st.lists(routes, max_size=25))
def test_one_route_per_destination(candidates):
    chosen = best_routes(candidates)
    assert len({r.destination_cidr_block for r in chosen}) == len(chosen)
    assert {r.destination_cidr_block for r in chosen} == {r.destination_cidr_block for r in candidates}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(prefixes, st.booleans()), max_size=8, unique_by=lambda t: t[0]), addresses)
def test_world_lookup_matches_brute_force(statics, ip):
    """A real route table: two attached VPCs propagating, plus random static and blackhole routes."""
    cp = ControlPlane(World(seed=3), account_id="111111111111")
    tgw = cp.create_transit_gateway()
    rtb_id = tgw.options.association_default_route_table_id
    atts = []
    for cidr in ("2.0.0.0/16", "1.0.0.0/16"):
        vpc = cp.create_vpc(cidr_block=cidr)
        subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block=cidr.replace("/16", "/24"))
        atts.append(cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                             subnet_ids=[subnet.id]))
    for i, (dest, hole) in enumerate(statics):
        cp.create_transit_gateway_route(destination_cidr_block=dest, transit_gateway_route_table_id=rtb_id,
                                        blackhole=hole, transit_gateway_attachment_id=None if hole
                                        else atts[i % 2].id)
    rtb = cp.world.get(rtb_id, TransitGatewayRouteTable)
    assert tgw_lookup(cp.world, rtb, ip) == brute_force(candidate_routes(cp.world, rtb), ip)
