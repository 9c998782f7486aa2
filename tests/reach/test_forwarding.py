"""The forwarding view's indexes agree with the model's route evaluation.

AWS docs: "Transit gateway route tables" — route evaluation order (static over prefix-list
referenced over propagated routes; identical propagated CIDRs)
(https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

import pytest

from bench.generator import SMALL, build
from vpclab.model.transit_gateway import TransitGatewayRouteTable, cidr_key, tgw_lookup, tgw_routes
from vpclab.reach.forwarding import forwarding_view, net_bounds

from .helpers import example


def _probes(base: int, plen: int) -> list[str]:
    """Addresses at both ends of a route's network and just outside it."""
    last = base | (0xFFFFFFFF >> plen if plen else 0xFFFFFFFF)
    return [str(IPv4Address(n)) for n in {base, last, max(base - 1, 0), min(last + 1, 0xFFFFFFFF)}]


@pytest.mark.parametrize(
    "world_of", ["small", "centralized-egress", "tgw-segmentation", "vpn-tgw", "tgw-inter-region-peering"]
)
def test_transit_gateway_index_matches_the_model(world_of: str) -> None:
    """Every transit gateway route table: the view's longest-prefix-match index (built from the
    model's ``tgw_routes``) picks the same route as the model's ``tgw_lookup`` at both ends of every
    route's network and just outside it."""
    world = build(SMALL) if world_of == "small" else example(world_of).world
    view = forwarding_view(world)
    tables = list(world.all(TransitGatewayRouteTable))
    assert tables
    for rtb in tables:
        routes = tgw_routes(world, rtb)
        assert routes or world_of != "small"
        for r in routes:
            for ip in _probes(*cidr_key(r.destination_cidr_block or "0.0.0.0/32")):
                assert view.tgw_route(rtb.id, ip) == tgw_lookup(world, rtb, ip), (rtb.id, ip)


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "10.0.1.5/24", "0.0.0.0/0", "172.16.0.0/12"])
def test_model_cidr_key_matches_ipaddress(cidr: str) -> None:
    net = IPv4Network(cidr, strict=False)
    if net.with_prefixlen == cidr:
        assert cidr_key(cidr) == (int(net.network_address), net.prefixlen)
    else:
        with pytest.raises(ValueError):  # the model's routes hold CIDRs with their host bits clear
            cidr_key(cidr)


@pytest.mark.parametrize(
    "cidr", ["10.0.0.0/16", "10.0.1.5/24", "0.0.0.0/0", "255.255.255.255/32", "192.168.7.9", "172.16.0.0/12"]
)
def test_cidr_parsing_matches_ipaddress(cidr: str) -> None:
    net = IPv4Network(cidr, strict=False)
    assert net_bounds(cidr) == (int(net.network_address), net.prefixlen)


@pytest.mark.parametrize("bad", ["010.0.0.0/8", "10.0.0/8", "10.0.0.0/33", "a.b.c.d/8", "10.0.0.256/32"])
def test_cidr_parsing_rejects_what_ipaddress_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        net_bounds(bad)


def test_canonical_cidr_fast_path_agrees_with_ipaddress() -> None:
    """The hand parser for canonical CIDRs gives ipaddress's answer, and leaves every other
    spelling (leading zeros, host bits, garbage) to ipaddress."""
    from ipaddress import IPv4Network

    from vpclab.model.transit_gateway import _canonical_key, _normal, cidr_key

    for cidr in ("0.0.0.0/0", "10.0.0.0/8", "10.1.2.0/24", "255.255.255.255/32", "172.16.0.0/12"):
        net = IPv4Network(cidr)
        assert _canonical_key(cidr) == (int(net.network_address), net.prefixlen) == cidr_key(cidr)
        assert _normal(cidr) == str(net)
    for odd in ("010.0.0.0/8", "10.0.0.1/8", "10.0.0.0/08", "10.0.0/8", "10.0.0.256/32", "10.0.0.0/33",
                "١٠.0.0.0/8", "10.0.0.0", "x"):
        assert _canonical_key(odd) is None
