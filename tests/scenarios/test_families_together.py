"""Families working together through one ControlPlane: the documented designs, built with the
Python API, checked through the model's derived views (route state, effective routes, TGW lookup).

AWS docs: "Transit gateway design best practices" and "Example use cases" in the Amazon VPC
Transit Gateways guide (https://docs.aws.amazon.com/vpc/latest/tgw/TGW_Scenarios.html); "VPC peering
scenarios" (https://docs.aws.amazon.com/vpc/latest/peering/peering-scenarios.html).
"""

from __future__ import annotations

from vpclab import ControlPlane, World
from vpclab.model.route_table import effective_routes, lookup, route_table_for_subnet
from vpclab.model.transit_gateway import TransitGatewayRouteTable, tgw_lookup
from vpclab.model.vpn import ON_PREMISES_CIDRS_TAG


def _vpc_with_subnet(cp: ControlPlane, cidr: str, subnet: str, az: str = "us-east-1a"):
    vpc = cp.create_vpc(cidr_block=cidr)
    return vpc, cp.create_subnet(vpc_id=vpc.id, cidr_block=subnet, availability_zone=az)


def test_peering_route_follows_the_connection_lifecycle() -> None:
    """A route to a peering connection is a blackhole until the connection is active, and becomes
    one again when the connection is deleted; the route itself is never removed."""
    world = World(seed=3)
    cp = ControlPlane(world, account_id="111111111111")
    other = cp.as_(account_id="222222222222")
    a, sa = _vpc_with_subnet(cp, "10.0.0.0/16", "10.0.1.0/24")
    b, _ = _vpc_with_subnet(other, "10.1.0.0/16", "10.1.1.0/24")
    pcx = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id, peer_owner_id="222222222222")
    rtb = route_table_for_subnet(world, sa.id)
    cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.1.0.0/16",
                    vpc_peering_connection_id=pcx.id)

    def state() -> str:
        route, st = lookup(world, route_table_for_subnet(world, sa.id), "10.1.1.10")
        assert route.vpc_peering_connection_id == pcx.id
        return st

    assert state() == "blackhole"
    other.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    assert state() == "active"
    other.delete_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    assert state() == "blackhole"


def test_hub_and_spoke_transit_gateway_with_vpn_to_on_premises() -> None:
    """Centralized router: spokes and a VPN attach to one TGW with default association and
    propagation; the TGW route table learns each VPC CIDR and the on-premises networks."""
    world = World(seed=4)
    cp = ControlPlane(world)
    tgw = cp.create_transit_gateway(description="hub")
    spokes = []
    for i in range(3):
        vpc, subnet = _vpc_with_subnet(cp, f"10.{i}.0.0/16", f"10.{i}.0.0/24")
        att = cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                       subnet_ids=[subnet.id])
        rtb = route_table_for_subnet(world, subnet.id)
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="10.0.0.0/8", transit_gateway_id=tgw.id)
        spokes.append((vpc, subnet, att))
    cgw = cp.create_customer_gateway(bgp_asn=65010, ip_address="203.0.113.10",
                                     tags={ON_PREMISES_CIDRS_TAG: "192.168.0.0/16"})
    cp.create_vpn_connection(customer_gateway_id=cgw.id, transit_gateway_id=tgw.id)

    tgw_rtb = world.get(world.get(tgw.id).options.association_default_route_table_id,
                        TransitGatewayRouteTable)
    for vpc, _, att in spokes:
        route = tgw_lookup(world, tgw_rtb, vpc.cidr_block.replace("0/16", "5"))
        assert route is not None and route.transit_gateway_attachment_ids == (att.id,
                                                                              ) and route.type == "propagated"
    on_prem = tgw_lookup(world, tgw_rtb, "192.168.3.4")
    assert on_prem is not None and on_prem.type == "propagated"
    _, subnet0, _ = spokes[0]
    route, st = lookup(world, route_table_for_subnet(world, subnet0.id), "10.2.0.5")
    assert route.transit_gateway_id == tgw.id and st == "active"


def test_vgw_propagation_and_gateway_endpoint_routes_appear_in_effective_routes() -> None:
    """VPN via a virtual private gateway with route propagation, and an S3 gateway endpoint: both
    show up in the route table as AWS's DescribeRouteTables would show them."""
    world = World(seed=5)
    cp = ControlPlane(world)
    vpc, subnet = _vpc_with_subnet(cp, "10.0.0.0/16", "10.0.1.0/24")
    rtb = route_table_for_subnet(world, subnet.id)
    vgw = cp.create_vpn_gateway()
    cp.attach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)
    cgw = cp.create_customer_gateway(bgp_asn=65010, ip_address="203.0.113.10",
                                     tags={ON_PREMISES_CIDRS_TAG: "172.16.0.0/16"})
    cp.create_vpn_connection(customer_gateway_id=cgw.id, vpn_gateway_id=vgw.id)
    cp.enable_vgw_route_propagation(gateway_id=vgw.id, route_table_id=rtb.id)
    cp.create_vpc_endpoint(vpc_id=vpc.id, service_name="com.amazonaws.us-east-1.s3",
                           vpc_endpoint_type="Gateway", route_table_ids=[rtb.id])
    routes = {(r.destination, r.origin): st for r, st in effective_routes(world, world.get(rtb.id))}
    assert routes[("172.16.0.0/16", "EnableVgwRoutePropagation")] == "active"
    assert any(dest.startswith("pl-") and st == "active" for (dest, _), st in routes.items())
    route, _ = lookup(world, world.get(rtb.id), "172.16.9.9")
    assert route.gateway_id == vgw.id
