"""The forwarding view's indexes agree with the model's route evaluation.

AWS docs: "Transit gateway route tables" — route evaluation order (static over prefix-list
referenced over propagated routes; identical propagated CIDRs)
(https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html).
"""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from bench.generator import SMALL, build
from vpclab.model.transit_gateway import TransitGatewayRouteTable, tgw_routes
from vpclab.reach.forwarding import effective_tgw_routes, net_bounds, normal_cidr

from .helpers import example


def _as_rows(routes: object) -> set[tuple[object, ...]]:
    return {
        (r.destination_cidr_block, r.transit_gateway_attachment_ids, r.type, r.state, r.resource_type)
        for r in routes  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize(
    "world_of", ["small", "centralized-egress", "tgw-segmentation", "vpn-tgw", "tgw-inter-region-peering"]
)
def test_transit_gateway_index_matches_the_model(world_of: str) -> None:
    """Every transit gateway route table: the view's effective routes (built with cached parsing for
    speed) are exactly the model's ``tgw_routes``, one per destination, with the same state."""
    world = build(SMALL) if world_of == "small" else example(world_of).world
    tables = list(world.all(TransitGatewayRouteTable))
    assert tables
    for rtb in tables:
        fast = effective_tgw_routes(world, rtb)
        assert _as_rows(fast.values()) == _as_rows(tgw_routes(world, rtb))
        for (base, plen), r in fast.items():
            assert (base, plen) == net_bounds(r.destination_cidr_block or "0.0.0.0/32")


@pytest.mark.parametrize(
    "cidr", ["10.0.0.0/16", "10.0.1.5/24", "0.0.0.0/0", "255.255.255.255/32", "192.168.7.9", "172.16.0.0/12"]
)
def test_cidr_parsing_matches_ipaddress(cidr: str) -> None:
    net = IPv4Network(cidr, strict=False)
    assert net_bounds(cidr) == (int(net.network_address), net.prefixlen)
    if IPv4Network(cidr, strict=False).with_prefixlen == cidr or "/" not in cidr:
        assert normal_cidr(cidr) == str(IPv4Network(cidr, strict=False))


@pytest.mark.parametrize("bad", ["010.0.0.0/8", "10.0.0/8", "10.0.0.0/33", "a.b.c.d/8", "10.0.0.256/32"])
def test_cidr_parsing_rejects_what_ipaddress_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        net_bounds(bad)
