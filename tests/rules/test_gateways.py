"""Internet gateway and NAT gateway rules. AWS docs: Amazon VPC User Guide, "Internet gateways"
(https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html) and "NAT gateways"
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import ACCOUNT_A, raises_aws, unchanged
from vpclab import ControlPlane
from vpclab.model.gateways import Address, NatGateway
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.route_table import RouteTable, route_state

REGION = "us-east-1"


def elastic_ip(cp: ControlPlane, public_ip: str = "198.51.100.7") -> Address:
    """An Elastic IP: AllocateAddress when the interfaces family provides it, else put directly."""
    if "allocate_address" in cp.actions():
        return cp.allocate_address()
    return cp.world.put(Address(id=cp.world.ids.new("address"), owner_id=cp.account_id, region=cp.region,
                                public_ip=public_ip))


@pytest.fixture
def vpc(cp):
    return cp.create_vpc(cidr_block="10.0.0.0/16")


@pytest.fixture
def subnet(cp, vpc):
    return cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")


@pytest.fixture
def igw(cp, vpc):
    gw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=gw.id, vpc_id=vpc.id)
    return gw


# -- internet gateways -----------------------------------------------------------------------
def test_a_vpc_has_at_most_one_internet_gateway(cp, world, vpc, igw):
    """AWS: "You can attach only one internet gateway to a VPC"
    (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html)."""
    second = cp.create_internet_gateway()
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      f"Network {vpc.id} already has an internet gateway attached"):
        cp.attach_internet_gateway(internet_gateway_id=second.id, vpc_id=vpc.id)


def test_an_internet_gateway_attaches_to_one_vpc(cp, world, vpc, igw):
    """AWS AttachInternetGateway: "Attaches an internet gateway ... to a VPC"; an attached gateway cannot
    be attached again (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachInternetGateway.html)."""
    other = cp.create_vpc(cidr_block="10.1.0.0/16")
    with unchanged(world), raises_aws("Resource.AlreadyAssociated",
                                      f"resource {igw.id} is already attached to network {vpc.id}"):
        cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=other.id)
    with unchanged(world), raises_aws("Resource.AlreadyAssociated"):
        cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)


def test_detach_needs_the_gateway_attached_to_that_vpc(cp, world, vpc):
    """AWS DetachInternetGateway: "The VPC must not contain any running instances with Elastic IP
    addresses or public IPv4 addresses"; the gateway must be attached to it
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachInternetGateway.html)."""
    gw = cp.create_internet_gateway()
    with unchanged(world), raises_aws("Gateway.NotAttached",
                                      f"resource {gw.id} is not attached to network {vpc.id}"):
        cp.detach_internet_gateway(internet_gateway_id=gw.id, vpc_id=vpc.id)


def test_detach_refused_while_public_addresses_are_mapped(cp, world, vpc, subnet, igw):
    """AWS DetachInternetGateway: "The VPC must not contain any running instances with Elastic IP
    addresses or public IPv4 addresses"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachInternetGateway.html)."""
    nat = cp.create_nat_gateway(subnet_id=subnet.id, allocation_id=elastic_ip(cp).id)
    message = (f"Network {vpc.id} has some mapped public address(es). "
               "Please unmap those public address(es) before detaching the gateway.")
    with unchanged(world), raises_aws("DependencyViolation", message):
        cp.detach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    cp.delete_nat_gateway(nat_gateway_id=nat.id)
    cp.detach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    assert world.get(igw.id).vpc_id is None


def test_delete_needs_the_gateway_detached(cp, world, vpc, igw):
    """AWS DeleteInternetGateway: "You must detach the internet gateway from the VPC before you can
    delete it" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteInternetGateway.html)."""
    with unchanged(world), raises_aws("DependencyViolation",
                                      f"The internetGateway '{igw.id}' has "
                                      "dependencies and cannot be deleted."):
        cp.delete_internet_gateway(internet_gateway_id=igw.id)
    with unchanged(world), raises_aws("DependencyViolation",
                                      f"The vpc '{vpc.id}' has dependencies and cannot be deleted."):
        cp.delete_vpc(vpc_id=vpc.id)
    cp.detach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    cp.delete_internet_gateway(internet_gateway_id=igw.id)
    with raises_aws("InvalidInternetGatewayID.NotFound", f"The internetGateway ID '{igw.id}' does not exist"):
        cp.delete_internet_gateway(internet_gateway_id=igw.id)


def test_internet_gateway_quota(world):
    """AWS "Amazon VPC quotas": internet gateways per Region, default 5
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    world.settings.quotas = "default"
    cp = ControlPlane(world, account_id=ACCOUNT_A, region=REGION)
    for _ in range(5):
        cp.create_internet_gateway()
    with unchanged(world), raises_aws("InternetGatewayLimitExceeded",
                                      "The maximum number of internet gateways has been reached."):
        cp.create_internet_gateway()
    cp.as_(region="eu-west-1").create_internet_gateway()  # the quota is per Region


# -- egress-only internet gateways ---------------------------------------------------------
def test_an_egress_only_internet_gateway_is_created_for_a_vpc_of_the_caller(cp, world, vpc):
    """AWS CreateEgressOnlyInternetGateway: "Creates an egress-only internet gateway for your VPC"; VpcId
    is required and the gateway is attached to it at once (Attachments) and blocks DeleteVpc until it
    is deleted (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateEgressOnlyInternetGateway.html)."""
    eigw = cp.create_egress_only_internet_gateway(vpc_id=vpc.id, tags={"Name": "v6-out"})
    assert (eigw.id[:5], eigw.vpc_id, eigw.state, eigw.name) == ("eigw-", vpc.id, "attached", "v6-out")
    with unchanged(world), raises_aws("DependencyViolation",
                                      f"The vpc '{vpc.id}' has dependencies and cannot be deleted."):
        cp.delete_vpc(vpc_id=vpc.id)
    with unchanged(world), raises_aws("InvalidVpcID.NotFound", "The vpc ID 'vpc-0000' does not exist"):
        cp.create_egress_only_internet_gateway(vpc_id="vpc-0000")
    other = cp.as_(account_id="222222222222")
    with unchanged(world), raises_aws("InvalidVpcID.NotFound"):
        other.create_egress_only_internet_gateway(vpc_id=vpc.id)  # another account's VPC is not seen


def test_deleting_an_egress_only_internet_gateway(cp, world, vpc):
    """AWS DeleteEgressOnlyInternetGateway answers ReturnCode true; the id is then unknown
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteEgressOnlyInternetGateway.html)."""
    eigw = cp.create_egress_only_internet_gateway(vpc_id=vpc.id)
    assert cp.delete_egress_only_internet_gateway(egress_only_internet_gateway_id=eigw.id) is True
    with unchanged(world), raises_aws("InvalidGatewayID.NotFound", f"The eigw ID '{eigw.id}' does not exist"):
        cp.delete_egress_only_internet_gateway(egress_only_internet_gateway_id=eigw.id)
    cp.delete_vpc(vpc_id=vpc.id)


# -- NAT gateways ----------------------------------------------------------------------------
def test_public_nat_gateway_takes_an_interface_and_the_elastic_ip(cp, world, subnet, igw):
    """AWS "NAT gateways": a public NAT gateway is created in a subnet with an Elastic IP, through a
    network interface with a private IP from the subnet
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)."""
    eip = elastic_ip(cp)
    nat = cp.create_nat_gateway(subnet_id=subnet.id, allocation_id=eip.id, private_ip_address="10.0.0.20")
    assert nat.state == "available"  # AWS: pending, then available; a lab has no reason to wait
    eni = world.get(nat.network_interface_id, NetworkInterface)
    assert (eni.subnet_id, eni.interface_type, eni.private_ip_address) == (
        subnet.id, "nat_gateway", "10.0.0.20")
    assert eni.requester_managed and eni.public_ip == eip.public_ip == nat.public_ip
    address = world.get(eip.id, Address)
    assert address.association_id == nat.association_id is not None
    assert (address.network_interface_id, address.private_ip_address) == (eni.id, "10.0.0.20")


def test_public_nat_gateway_needs_an_elastic_ip(cp, world, subnet, igw):
    """AWS CreateNatGateway: AllocationId is required for a public NAT gateway and not used by a private
    one (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html)."""
    with unchanged(world), raises_aws("MissingParameter",
                                      "The request must contain the parameter AllocationId"):
        cp.create_nat_gateway(subnet_id=subnet.id)
    with unchanged(world), raises_aws("InvalidAllocationID.NotFound",
                                      "The allocation ID 'eipalloc-0123456789abcdef0' does not exist"):
        cp.create_nat_gateway(subnet_id=subnet.id, allocation_id="eipalloc-0123456789abcdef0")
    eip = elastic_ip(cp)
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.create_nat_gateway(subnet_id=subnet.id, allocation_id=eip.id, connectivity_type="private")
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "Value (internal) for parameter connectivityType is invalid. Valid values are public, private."):
        cp.create_nat_gateway(subnet_id=subnet.id, connectivity_type="internal")


def test_private_nat_gateway_needs_no_internet_gateway(cp, world, subnet):
    """AWS "NAT gateways", connectivity types: a private NAT gateway has no Elastic IP and no internet
    access (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html#nat-gateway-basics)."""
    nat = cp.create_nat_gateway(subnet_id=subnet.id, connectivity_type="private")
    assert nat.state == "available" and nat.public_ip is None and nat.private_ip.startswith("10.0.0.")


def test_public_nat_gateway_fails_without_an_internet_gateway(cp, world, subnet):
    """AWS NatGateway API reference: FailureCode Gateway.NotAttached, "Network vpc-xxxxxxxx has no Internet
    gateway attached" — the call succeeds and the gateway fails
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html)."""
    eip = elastic_ip(cp)
    nat = cp.create_nat_gateway(subnet_id=subnet.id, allocation_id=eip.id)
    assert (nat.state, nat.failure_code, nat.failure_message) == (
        "failed", "Gateway.NotAttached", f"Network {subnet.vpc_id} has no Internet gateway attached")
    assert not nat.network_interface_id and world.get(eip.id, Address).association_id is None


def test_nat_gateway_with_an_associated_elastic_ip_fails(cp, world, subnet, igw):
    """AWS NatGateway API reference: FailureCode Resource.AlreadyAssociated, "Elastic IP address
    eipalloc-xxxxxxxx is already associated"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html)."""
    eip = elastic_ip(cp)
    first = cp.create_nat_gateway(subnet_id=subnet.id, allocation_id=eip.id)
    second = cp.create_nat_gateway(subnet_id=subnet.id, allocation_id=eip.id)
    assert (second.state, second.failure_code, second.failure_message) == (
        "failed", "Resource.AlreadyAssociated", f"Elastic IP address {eip.id} is already associated")
    assert world.get(eip.id, Address).association_id == first.association_id


def test_delete_nat_gateway_frees_interface_and_address_and_blackholes_routes(cp, world, vpc, subnet, igw):
    """AWS DeleteNatGateway: "Deleting a public NAT gateway disassociates its Elastic IP address, but does
    not release the address"; routes to it remain as blackholes
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNatGateway.html)."""
    eip = elastic_ip(cp)
    nat = cp.create_nat_gateway(subnet_id=subnet.id, allocation_id=eip.id)
    rtb = cp.create_route_table(vpc_id=vpc.id)
    route = cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)
    assert route_state(world, world.get(rtb.id, RouteTable), route) == "active"
    cp.delete_nat_gateway(nat_gateway_id=nat.id)
    assert nat.network_interface_id not in world and nat.id not in world
    assert world.get(eip.id, Address).association_id is None and eip.id in world
    rt = world.get(rtb.id, RouteTable)
    assert rt.route_to("0.0.0.0/0") == route and route_state(world, rt, route) == "blackhole"
    with raises_aws("NatGatewayNotFound", f"The Nat Gateway {nat.id} was not found"):
        cp.delete_nat_gateway(nat_gateway_id=nat.id)


def test_route_to_a_failed_nat_gateway_is_a_blackhole(cp, world, vpc, subnet):
    """AWS "NAT gateways": only an available NAT gateway forwards traffic
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)."""
    nat = cp.create_nat_gateway(subnet_id=subnet.id, allocation_id=elastic_ip(cp).id)
    rtb = cp.create_route_table(vpc_id=vpc.id)
    route = cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=nat.id)
    assert route.nat_gateway_id == nat.id  # AWS stores a NAT gateway given as GatewayId as NatGatewayId
    with unchanged(world), raises_aws("InvalidGatewayID.NotFound",
                                      "The gateway ID 'nat-0123456789abcdef0' does not exist"):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="192.0.2.0/24",
                        gateway_id="nat-0123456789abcdef0")
    assert route_state(world, world.get(rtb.id, RouteTable), route) == "blackhole"
    world.put(replace(nat, state="available"))
    assert route_state(world, world.get(rtb.id, RouteTable), route) == "active"


def test_nat_gateway_must_be_in_the_route_tables_vpc(cp, world, subnet):
    """AWS CreateRoute: NatGatewayId is "[IPv4 traffic only] The ID of a NAT gateway" in the table's VPC
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    nat = cp.create_nat_gateway(subnet_id=subnet.id, connectivity_type="private")
    other = cp.create_route_table(vpc_id=cp.create_vpc(cidr_block="10.1.0.0/16").id)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"route table {other.id} and network gateway {nat.id} belong to different networks"):
        cp.create_route(route_table_id=other.id, destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)


def test_nat_gateway_quota_per_availability_zone(world):
    """AWS "Amazon VPC quotas": NAT gateways per Availability Zone, default 5
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    world.settings.quotas = "default"
    cp = ControlPlane(world, account_id=ACCOUNT_A, region=REGION)
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    a = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")
    b = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1b")
    for _ in range(5):
        cp.create_nat_gateway(subnet_id=a.id, connectivity_type="private")
    with unchanged(world), raises_aws("NatGatewayLimitExceeded",
                                      "The maximum number of NAT gateways has been reached."):
        cp.create_nat_gateway(subnet_id=a.id, connectivity_type="private")
    cp.create_nat_gateway(subnet_id=b.id, connectivity_type="private")
    assert sum(1 for _ in world.all(NatGateway)) == 6


def test_nat_gateway_in_a_full_subnet_fails(cp, world, vpc):
    """AWS NatGateway API reference: FailureCode InsufficientFreeAddressesInSubnet, "Subnet has
    insufficient free addresses to create this NAT gateway"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html)."""
    tiny = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.9.0/28", availability_zone="us-east-1a")
    for _ in range(11):  # a /28 has 16 - 5 reserved = 11 usable addresses
        cp.create_nat_gateway(subnet_id=tiny.id, connectivity_type="private")
    nat = cp.create_nat_gateway(subnet_id=tiny.id, connectivity_type="private")
    assert (nat.state, nat.failure_code, nat.failure_message) == (
        "failed", "InsufficientFreeAddressesInSubnet",
        "Subnet has insufficient free addresses to create this NAT gateway")


def test_detach_refused_while_an_instance_has_a_public_ip(cp, world, vpc, subnet, igw):
    """AWS DetachInternetGateway: "The VPC must not contain any running instances with Elastic IP
    addresses or public IPv4 addresses"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachInternetGateway.html)."""
    eni = world.put(NetworkInterface(id=world.ids.new("network_interface"), owner_id=ACCOUNT_A, region=REGION,
                                     vpc_id=vpc.id, subnet_id=subnet.id, availability_zone="us-east-1a",
                                     private_ip_address="10.0.0.30", status="in-use",
                                     public_ip="203.0.113.30"))
    with unchanged(world), raises_aws("DependencyViolation"):
        cp.detach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    world.put(replace(eni, public_ip=None))
    cp.detach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)


def test_one_egress_only_internet_gateway_per_vpc(cp, world, vpc):
    """AWS "Amazon VPC quotas", egress-only internet gateways per Region: "You can attach only one
    egress-only internet gateway to a VPC at a time"; AWS's error for a second one is undocumented
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    cp.create_egress_only_internet_gateway(vpc_id=vpc.id)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"Network {vpc.id} already has an egress-only internet gateway attached"):
        cp.create_egress_only_internet_gateway(vpc_id=vpc.id)


def test_egress_only_internet_gateway_quota(world):
    """AWS "Amazon VPC quotas": egress-only internet gateways per Region, default 5
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    from vpclab.model.vpc import Vpc

    world.settings.quotas = "default"
    cp = ControlPlane(world, account_id=ACCOUNT_A, region=REGION)
    for i in range(5):
        cp.create_egress_only_internet_gateway(vpc_id=cp.create_vpc(cidr_block=f"10.{i}.0.0/16").id)
    # a sixth VPC (past the VPC quota, put directly) still finds the gateway quota full
    sixth = world.put(Vpc(id=world.ids.new("vpc"), owner_id=ACCOUNT_A, region=REGION,
                          cidr_block="10.9.0.0/16"))
    with unchanged(world), raises_aws(
            "EgressOnlyInternetGatewayLimitExceeded",
            "The maximum number of egress-only internet gateways has been reached."):
        cp.create_egress_only_internet_gateway(vpc_id=sixth.id)


def test_a_deleted_egress_only_gateway_leaves_blackhole_routes(cp, world, vpc):
    """AWS "Route table concepts": a route whose target is deleted stays, in state blackhole
    (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#route-table-routes)."""
    from vpclab.model.route_table import RouteTable, route_state

    eigw = cp.create_egress_only_internet_gateway(vpc_id=vpc.id)
    rtb = cp.create_route_table(vpc_id=vpc.id)
    cp.create_route(route_table_id=rtb.id, destination_ipv6_cidr_block="::/0",
                    egress_only_internet_gateway_id=eigw.id)
    cp.delete_egress_only_internet_gateway(egress_only_internet_gateway_id=eigw.id)
    rt = world.get(rtb.id, RouteTable)
    assert route_state(world, rt, rt.route_to("::/0")) == "blackhole"
