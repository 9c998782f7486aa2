"""IPv6 route rules: CreateRoute/ReplaceRoute/DeleteRoute with DestinationIpv6CidrBlock, the targets
that take each family, and longest-prefix match over IPv6. AWS docs: CreateRoute API reference
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html), "Configure route
tables" (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html).

The VPC's IPv6 /56 and the subnet's /64 are put into the World directly (tests/rules/ipv6_setup.py).
"""

from __future__ import annotations

import pytest

from tests.conftest import ACCOUNT_A, raises_aws, unchanged
from tests.rules.ipv6_setup import give_subnet_ipv6, give_vpc_ipv6
from tests.rules.routing_setup import REGION, make_net, put_eni, table
from vpclab.model.gateways import NatGateway
from vpclab.model.route_table import lookup

VPC6 = "2600:1f18:aa:bb00::/56"
SUBNET6 = "2600:1f18:aa:bb01::/64"


@pytest.fixture
def net(cp, world):
    """make_net's VPC with the /56 above, its subnet with a /64 of it."""
    vpc, subnet, rtb, igw = make_net(cp)
    vpc = give_vpc_ipv6(world, vpc.id, VPC6)
    subnet = give_subnet_ipv6(world, subnet.id, SUBNET6)
    return vpc, subnet, table(world, rtb.id), igw


def test_ipv6_default_route_to_an_egress_only_gateway(cp, world, net):
    """AWS "Enable outbound IPv6 traffic using an egress-only internet gateway": "Create a custom route
    table ... that points all IPv6 traffic (::/0) to the egress-only internet gateway"
    (https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html)."""
    vpc, _, rtb, _ = net
    eigw = cp.create_egress_only_internet_gateway(vpc_id=vpc.id)
    route = cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0",
                            egress_only_internet_gateway_id=eigw.id)
    assert (route.destination_ipv6_cidr_block, route.egress_only_internet_gateway_id) == ("::/0", eigw.id)
    assert route.destination_cidr_block is None
    assert lookup(world, table(world, rtb.id), "2001:db8::1")[0] == route
    assert lookup(world, table(world, rtb.id), "8.8.8.8") is None  # the families forward separately


def test_ipv6_routes_to_the_targets_aws_allows(cp, world, net):
    """AWS "Route table concepts" / "Example routing options": an IPv6 destination may target an
    internet gateway, a peering connection, a transit gateway, an interface or instance
    (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html)."""
    _, subnet, rtb, igw = net
    eni = put_eni(world, subnet)
    cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0", gateway_id=igw.id)
    cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="2001:db8:1::/48",
                    network_interface_id=eni.id)
    routes = {r.destination: r.target for r in table(world, rtb.id).routes}
    assert routes["::/0"] == igw.id and routes["2001:db8:1::/48"] == eni.id


def test_ipv6_destination_is_made_canonical_and_must_be_ipv6(cp, world, net):
    """AWS CreateRoute: "We modify the specified CIDR block to its canonical form"; each family has its
    own parameter — AWS answers "Value (::/0) for parameter destinationCidrBlock is invalid. This is not
    a valid CIDR block." for an IPv6 CIDR in DestinationCidrBlock (quoted in
    ansible-collections/amazon.aws#477); the reverse's wording is undocumented (vpclab's, same pattern)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    _, _, rtb, igw = net
    route = cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="2001:DB8::1/32",
                            gateway_id=igw.id)
    assert route.destination_ipv6_cidr_block == "2001:db8::/32"
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value (::/0) for parameter destinationCidrBlock is invalid. "
                                      "This is not a valid CIDR block."):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="::/0", gateway_id=igw.id)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value (0.0.0.0/0) for parameter destinationIpv6CidrBlock is invalid. "
                                      "This is not a valid CIDR block."):
        cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="0.0.0.0/0", gateway_id=igw.id)


def test_one_destination_parameter(cp, world, net):
    """AWS CreateRoute: "You must specify exactly one of the following parameters: DestinationCidrBlock,
    DestinationIpv6CidrBlock, DestinationPrefixListId"; the error's wording is undocumented
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    _, _, rtb, igw = net
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0",
                        destination_ipv6_cidr_block="::/0", gateway_id=igw.id)


def test_ipv6_route_already_exists(cp, world, net):
    """AWS CreateRoute: a destination appears once per table (RouteAlreadyExists), IPv6 as IPv4
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    _, _, rtb, igw = net
    cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0", gateway_id=igw.id)
    with unchanged(world), raises_aws("RouteAlreadyExists", "The route identified by ::/0 already exists."):
        cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="0::0/0", gateway_id=igw.id)
    # the IPv4 default route is another destination
    cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)


def test_egress_only_gateway_of_another_vpc(cp, world, net):
    """AWS "Example routing options": a route's gateway belongs to the table's VPC
    (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html)."""
    _, _, rtb, _ = net
    other = cp.create_vpc(cidr_block="10.9.0.0/16")
    eigw = cp.create_egress_only_internet_gateway(vpc_id=other.id)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      f"route table {rtb.id} and network gateway {eigw.id} belong to "
                                      "different networks"):
        cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0",
                        egress_only_internet_gateway_id=eigw.id)


def test_nat_gateway_takes_only_the_nat64_prefix(cp, world, net):
    """AWS "DNS64 and NAT64": IPv6-only workloads reach IPv4 through a NAT gateway by a route for the
    NAT64 prefix 64:ff9b::/96 (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html).
    AWS does not document its error for another IPv6 destination; vpclab refuses it (conservative)."""
    vpc, subnet, rtb, _ = net
    nat = world.put(NatGateway(id=world.ids.new("nat_gateway"), owner_id=ACCOUNT_A, region=REGION,
                               vpc_id=vpc.id, subnet_id=subnet.id, private_ip="10.0.1.5"))
    cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="64:ff9b::/96", nat_gateway_id=nat.id)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0", nat_gateway_id=nat.id)


def test_ipv6_route_within_the_vpc_block_needs_a_middlebox(cp, world, net):
    """AWS "Example routing options", middlebox routing: a route equal to or more specific than a VPC
    CIDR (its IPv6 /56 included) targets only an interface, instance, NAT gateway or Gateway Load
    Balancer endpoint, and a more specific one must match a subnet's CIDR
    (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html#route-tables-appliance-routing)."""
    _, subnet, rtb, igw = net
    eni = put_eni(world, subnet)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block=SUBNET6, gateway_id=igw.id)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="2600:1f18:aa:bb02::/64",
                        network_interface_id=eni.id)
    cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block=SUBNET6, network_interface_id=eni.id)
    with unchanged(world), raises_aws("RouteAlreadyExists"):
        cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block=VPC6, network_interface_id=eni.id)


def test_replace_and_delete_an_ipv6_route(cp, world, net):
    """AWS ReplaceRoute/DeleteRoute take DestinationIpv6CidrBlock; a missing route is InvalidRoute.NotFound
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceRoute.html,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteRoute.html)."""
    vpc, _, rtb, igw = net
    eigw = cp.create_egress_only_internet_gateway(vpc_id=vpc.id)
    cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0", gateway_id=igw.id)
    new = cp.replace_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0",
                           egress_only_internet_gateway_id=eigw.id)
    assert table(world, rtb.id).route_to("::/0") == new
    cp.delete_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0")
    assert table(world, rtb.id).route_to("::/0") is None
    with unchanged(world), raises_aws("InvalidRoute.NotFound"):
        cp.delete_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0")
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      f"cannot remove local route {VPC6} in route table {rtb.id}"):
        cp.delete_route(route_table_id=rtb.id, destination_ipv6_cidr_block=VPC6)


def test_longest_prefix_match_over_ipv6(cp, world, net):
    """AWS "How route priority works": the most specific route that matches the traffic wins, for IPv6
    as for IPv4 (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html)."""
    vpc, subnet, rtb, _ = net
    eni = put_eni(world, subnet)
    eigw = cp.create_egress_only_internet_gateway(vpc_id=vpc.id)
    cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0",
                    egress_only_internet_gateway_id=eigw.id)
    cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="2001:db8::/32",
                    network_interface_id=eni.id)
    rt = table(world, rtb.id)
    assert lookup(world, rt, "2001:db8::5")[0].network_interface_id == eni.id
    assert lookup(world, rt, "2001:db9::5")[0].egress_only_internet_gateway_id == eigw.id
    assert lookup(world, rt, "2600:1f18:aa:bb01::10")[0].gateway_id == "local"


def test_ipv6_route_over_a_peering_connection(cp, world, net):
    """AWS "VPC peering": to route IPv6 traffic between peered VPCs, add a route for the peer VPC's IPv6
    CIDR block to the peering connection (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html)."""
    from tests.rules.test_route_table_routes import put_pcx

    vpc, _, rtb, _ = net
    peer = cp.create_vpc(cidr_block="10.5.0.0/16")
    give_vpc_ipv6(world, peer.id, "2600:1f18:cc:dd00::/56")
    pcx = put_pcx(world, vpc, peer, status="active")
    route = cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="2600:1f18:cc:dd00::/56",
                            vpc_peering_connection_id=pcx.id)
    assert lookup(world, table(world, rtb.id), "2600:1f18:cc:dd01::5") == (route, "active")
