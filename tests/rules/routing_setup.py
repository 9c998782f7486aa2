"""Setup shared by the route table and route rule tests (test_route_tables.py, test_routes.py)."""

from __future__ import annotations

from tests.conftest import ACCOUNT_A
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.route_table import RouteTable

REGION = "us-east-1"


def make_net(cp):
    """A VPC 10.0.0.0/16 with subnet 10.0.1.0/24, a custom route table and an attached internet gateway."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    rtb = cp.create_route_table(vpc_id=vpc.id)
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    return vpc, subnet, rtb, igw


def table(world, rtb_id) -> RouteTable:
    return world.get(rtb_id, RouteTable)


def main_table(world, vpc_id) -> RouteTable:
    return next(rt for rt in world.in_vpc(vpc_id, RouteTable) if rt.main)


def put_eni(world, subnet, *, status="in-use", ip="10.0.1.10") -> NetworkInterface:
    return world.put(NetworkInterface(id=world.ids.new("network_interface"), owner_id=ACCOUNT_A,
                                      region=REGION,
                                      vpc_id=subnet.vpc_id, subnet_id=subnet.id,
                                      availability_zone="us-east-1a",
                                      private_ip_address=ip, status=status))
