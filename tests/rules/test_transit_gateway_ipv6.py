"""IPv6 through transit gateways: VPC attachments' Ipv6Support, IPv6 CIDRs propagated, static IPv6
routes, longest-prefix match per family. AWS docs: "Transit gateway VPC attachments"
(https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html), CreateTransitGatewayRoute
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayRoute.html)."""

from __future__ import annotations

import pytest

from tests.conftest import raises_aws, unchanged
from tests.rules.ipv6_setup import give_subnet_ipv6, give_vpc_ipv6
from vpclab.model.transit_gateway import (
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    tgw_lookup,
    tgw_routes,
)

NO_DEFAULTS = {"default_route_table_association": "disable", "default_route_table_propagation": "disable"}


@pytest.fixture
def dual(cp, world):
    """A transit gateway with a route table, and a dual-stack VPC (a /56, its subnet a /64)."""
    tgw = cp.create_transit_gateway(options=NO_DEFAULTS)
    rtb = cp.create_transit_gateway_route_table(transit_gateway_id=tgw.id)
    vpc = cp.create_vpc(cidr_block="10.1.0.0/16")
    give_vpc_ipv6(world, vpc.id, "2600:1f18:1:100::/56")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.1.0.0/24", availability_zone="us-east-1a")
    return tgw, rtb, vpc, subnet


def _table(world, rtb):
    return world.get(rtb.id, TransitGatewayRouteTable)


def test_ipv6_support_needs_subnets_with_ipv6_blocks(cp, world, dual):
    """AWS "Transit gateway VPC attachments": IPv6 support routes the VPC's IPv6 traffic; the
    attachment's subnets must have IPv6 CIDR blocks. AWS's wording for a subnet without one is
    undocumented (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html)."""
    tgw, _, vpc, subnet = dual
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_transit_gateway_vpc_attachment(
            transit_gateway_id=tgw.id,
            vpc_id=vpc.id,
            subnet_ids=[subnet.id],
            options={"ipv6_support": "enable"},
        )
    att = cp.create_transit_gateway_vpc_attachment(
        transit_gateway_id=tgw.id, vpc_id=vpc.id, subnet_ids=[subnet.id]
    )
    assert att.ipv6_support == "disable"
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.modify_transit_gateway_vpc_attachment(
            transit_gateway_attachment_id=att.id, options={"ipv6_support": "enable"}
        )
    give_subnet_ipv6(world, subnet.id, "2600:1f18:1:100::/64")
    att = cp.modify_transit_gateway_vpc_attachment(
        transit_gateway_attachment_id=att.id, options={"ipv6_support": "enable"}
    )
    assert world.get(att.id, TransitGatewayAttachment).ipv6_support == "enable"
    with (
        unchanged(world),
        raises_aws("InvalidParameterValue", "Value (maybe) for parameter ipv6Support is invalid."),
    ):
        cp.modify_transit_gateway_vpc_attachment(
            transit_gateway_attachment_id=att.id, options={"ipv6_support": "maybe"}
        )


def test_ipv6_cidrs_propagate_with_ipv6_support(cp, world, dual):
    """AWS "Transit gateway VPC attachments" / "Transit gateway route tables": a VPC attachment propagates
    the VPC's CIDR blocks; its IPv6 blocks only with IPv6 support enabled
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html)."""
    tgw, rtb, vpc, subnet = dual
    give_subnet_ipv6(world, subnet.id, "2600:1f18:1:100::/64")
    att = cp.create_transit_gateway_vpc_attachment(
        transit_gateway_id=tgw.id, vpc_id=vpc.id, subnet_ids=[subnet.id]
    )
    cp.enable_transit_gateway_route_table_propagation(
        transit_gateway_route_table_id=rtb.id, transit_gateway_attachment_id=att.id
    )
    assert [r.destination_cidr_block for r in tgw_routes(world, _table(world, rtb), family=None)] == [
        "10.1.0.0/16"
    ]
    cp.modify_transit_gateway_vpc_attachment(
        transit_gateway_attachment_id=att.id, options={"ipv6_support": "enable"}
    )
    routes = tgw_routes(world, _table(world, rtb), family=None)
    assert [r.destination_cidr_block for r in routes] == ["10.1.0.0/16", "2600:1f18:1:100::/56"]
    assert tgw_lookup(world, _table(world, rtb), "2600:1f18:1:1ff::1").transit_gateway_attachment_ids == (
        att.id,
    )
    assert tgw_lookup(world, _table(world, rtb), "2600:1f18:2::1") is None
    # the IPv4 view (what IPv4 forwarding reads) is unchanged
    assert [r.destination_cidr_block for r in tgw_routes(world, _table(world, rtb))] == ["10.1.0.0/16"]


def test_static_ipv6_routes(cp, world, dual):
    """AWS CreateTransitGatewayRoute: DestinationCidrBlock is "The CIDR range used for destination
    matches" — an IPv6 range too; one static route per destination (RouteAlreadyExists)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayRoute.html)."""
    tgw, rtb, vpc, subnet = dual
    att = cp.create_transit_gateway_vpc_attachment(
        transit_gateway_id=tgw.id, vpc_id=vpc.id, subnet_ids=[subnet.id]
    )
    route = cp.create_transit_gateway_route(
        destination_cidr_block="::/0",
        transit_gateway_route_table_id=rtb.id,
        transit_gateway_attachment_id=att.id,
    )
    assert route.destination_cidr_block == "::/0" and route.state == "active"
    cp.create_transit_gateway_route(
        destination_cidr_block="2001:db8::/32", transit_gateway_route_table_id=rtb.id, blackhole=True
    )
    with unchanged(world), raises_aws("RouteAlreadyExists"):
        cp.create_transit_gateway_route(
            destination_cidr_block="0::/0", transit_gateway_route_table_id=rtb.id, blackhole=True
        )
    table = _table(world, rtb)
    assert tgw_lookup(world, table, "2001:db8::1").state == "blackhole"
    assert tgw_lookup(world, table, "2001:db9::1").destination_cidr_block == "::/0"
    assert tgw_lookup(world, table, "8.8.8.8") is None  # ::/0 is not an IPv4 default route
    found = cp.search_transit_gateway_routes(
        transit_gateway_route_table_id=rtb.id,
        filters=[{"name": "route-search.supernet-of-match", "values": ["2001:db8:1::/48"]}],
    )
    assert sorted(r.destination_cidr_block for r in found) == ["2001:db8::/32", "::/0"]
    cp.delete_transit_gateway_route(
        transit_gateway_route_table_id=rtb.id, destination_cidr_block="2001:db8::/32"
    )
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_transit_gateway_route(
            destination_cidr_block="2001:db8::1/32", transit_gateway_route_table_id=rtb.id, blackhole=True
        )
