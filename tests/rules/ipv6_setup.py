"""IPv6 blocks for rule tests, put into the World directly (the association API — CreateVpc's
AmazonProvidedIpv6CidrBlock, AssociateSubnetCidrBlock — is another family's; these tests exercise
routes, rules and gateways over a VPC that already has its /56 and subnets with their /64s).
"""

from __future__ import annotations

from dataclasses import replace

from vpclab.model.route_table import ORIGIN_LOCAL, Route, RouteTable
from vpclab.model.subnet import Subnet, SubnetIpv6CidrBlockAssociation
from vpclab.model.vpc import Vpc, VpcIpv6CidrBlockAssociation


def give_vpc_ipv6(world, vpc_id: str, block: str = "2600:1f18:aa:bb00::/56") -> Vpc:
    """Associate an IPv6 /56 with a VPC and add its IPv6 local route to each of the VPC's tables."""
    vpc = world.get(vpc_id, Vpc)
    assoc = VpcIpv6CidrBlockAssociation(association_id=world.ids.new("vpc_cidr_block_association"),
                                        ipv6_cidr_block=block, network_border_group=vpc.region)
    vpc = world.put(replace(vpc, ipv6_cidr_block_associations=(
        *vpc.ipv6_cidr_block_associations, assoc)))
    for rt in list(world.in_vpc(vpc_id, RouteTable)):
        local = Route(destination_ipv6_cidr_block=block, gateway_id="local", origin=ORIGIN_LOCAL)
        world.put(replace(rt, routes=(*rt.routes, local)))
    return vpc


def give_subnet_ipv6(world, subnet_id: str, block: str) -> Subnet:
    """Associate an IPv6 /64 with a subnet."""
    subnet = world.get(subnet_id, Subnet)
    assoc_id = world.ids.new("vpc_cidr_block_association").replace("vpc-cidr-assoc", "subnet-cidr-assoc")
    assoc = SubnetIpv6CidrBlockAssociation(association_id=assoc_id, ipv6_cidr_block=block)
    return world.put(replace(subnet, ipv6_cidr_block_associations=(
        *subnet.ipv6_cidr_block_associations, assoc)))


def dual_stack_vpc(cp) -> Vpc:
    """A VPC with an Amazon-provided /56 (through CreateVpc) and DNS hostnames on."""
    v = cp.create_vpc(cidr_block="10.0.0.0/16", amazon_provided_ipv6_cidr_block=True)
    cp.modify_vpc_attribute(vpc_id=v.id, enable_dns_hostnames=True)
    return cp.world.get(v.id, Vpc)


def slash64(vpc: Vpc, i: int) -> str:
    """The VPC's i-th /64 (of its first IPv6 block)."""
    return str(next(n for k, n in enumerate(vpc.ipv6_networks[0].subnets(new_prefix=64)) if k == i))
