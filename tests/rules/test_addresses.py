"""Elastic IP address rules. AWS docs: Amazon EC2 User Guide, "Elastic IP addresses"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html) and the EC2 API
reference pages of AllocateAddress, AssociateAddress, DisassociateAddress and ReleaseAddress."""

from __future__ import annotations

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab.control.addresses import AUTO_ASSIGN_POOL, ELASTIC_IP_POOL
from vpclab.model.gateways import Address
from vpclab.model.images import image_named

AMI = image_named("us-east-1", "al2023").image_id


@pytest.fixture
def net(cp):
    """A VPC with an internet gateway and a subnet."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    return vpc, subnet


def test_allocate_gives_deterministic_public_addresses(cp):
    """AWS AllocateAddress: an Elastic IP address for the account, from Amazon's pool
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AllocateAddress.html); vpclab's pools
    are fixed blocks so labs are reproducible."""
    a, b = cp.allocate_address(tags={"Name": "a"}), cp.allocate_address()
    assert (a.public_ip, b.public_ip) == ("52.0.0.1", "52.0.0.2") and a.domain == "vpc" and a.name == "a"
    assert a.id.startswith("eipalloc-") and not ELASTIC_IP_POOL.overlaps(AUTO_ASSIGN_POOL)
    assert ELASTIC_IP_POOL.is_global and AUTO_ASSIGN_POOL.is_global


def test_elastic_ip_quota(cp, world):
    """AWS "Amazon EC2 service quotas": Elastic IP addresses per Region, default 5
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html#using-instance-addressing-limit)."""
    world.settings.quotas = "default"
    for _ in range(5):
        cp.allocate_address()
    with unchanged(world), raises_aws("AddressLimitExceeded",
                                      "The maximum number of addresses has been reached."):
        cp.allocate_address()
    cp.as_(region="eu-west-1").allocate_address()  # the quota is per Region


def test_associate_with_instance_sets_its_public_ip(cp, world, net):
    """AWS AssociateAddress: a public IPv4 address the instance already has is released and
    replaced by the Elastic IP
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateAddress.html)."""
    _, subnet = net
    cp.modify_subnet_attribute(subnet_id=subnet.id, map_public_ip_on_launch=True)
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    assert inst.public_ip_address == "54.160.0.1"
    eip = cp.allocate_address()
    addr = cp.associate_address(allocation_id=eip.id, instance_id=inst.id)
    assert addr.association_id.startswith("eipassoc-") and addr.instance_id == inst.id
    primary = world.get(inst.network_interface_ids[0])
    assert primary.public_ip == eip.public_ip == world.get(inst.id).public_ip_address
    assert addr.private_ip_address == primary.private_ip_address


def test_associate_needs_an_internet_gateway(cp, world):
    """AWS: an Elastic IP is reachable from the internet only through the VPC's internet gateway;
    AssociateAddress
    fails with Gateway.NotAttached
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    eni = cp.create_network_interface(subnet_id=subnet.id)
    eip = cp.allocate_address()
    with unchanged(world), raises_aws("Gateway.NotAttached",
                                      f"Network {vpc.id} is not attached to any internet gateway"):
        cp.associate_address(allocation_id=eip.id, network_interface_id=eni.id)


def test_reassociation_needs_allow_reassociation(cp, world, net):
    """AWS AssociateAddress AllowReassociation: without it, the call fails when the Elastic IP address
    (or the target address) is already associated
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateAddress.html)."""
    _, subnet = net
    a, b = (cp.create_network_interface(subnet_id=subnet.id) for _ in range(2))
    eip = cp.allocate_address()
    first = cp.associate_address(allocation_id=eip.id, network_interface_id=a.id)
    with unchanged(world), raises_aws("Resource.AlreadyAssociated",
                                      f"resource {eip.id} is already associated with associate-id "
                                      f"{first.association_id}"):
        cp.associate_address(allocation_id=eip.id, network_interface_id=b.id)
    other = cp.allocate_address()
    with unchanged(world), raises_aws("Resource.AlreadyAssociated",
                                      f"resource {a.id} and {a.private_ip_address} is already associated "
                                      f"with public address {eip.public_ip}"):
        cp.associate_address(allocation_id=other.id, network_interface_id=a.id)
    moved = cp.associate_address(allocation_id=eip.id, network_interface_id=b.id, allow_reassociation=True)
    assert moved.network_interface_id == b.id and moved.association_id != first.association_id
    assert world.get(a.id).public_ip is None and world.get(b.id).public_ip == eip.public_ip


def test_associate_to_a_secondary_private_address(cp, world, net):
    """AWS AssociateAddress PrivateIpAddress: the primary or a secondary private IP address of
    the interface (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateAddress.html)."""
    _, subnet = net
    eni = cp.create_network_interface(subnet_id=subnet.id, secondary_private_ip_address_count=1)
    (secondary,) = eni.secondary_private_ip_addresses
    eip = cp.allocate_address()
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "The specified private IP address 10.0.1.99 is not assigned to "
                                      f"interface {eni.id}"):
        cp.associate_address(allocation_id=eip.id, network_interface_id=eni.id,
                             private_ip_address="10.0.1.99")
    addr = cp.associate_address(allocation_id=eip.id, network_interface_id=eni.id,
                                private_ip_address=secondary)
    assert addr.private_ip_address == secondary and world.get(eni.id).public_ip is None
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.small", subnet_id=subnet.id)
    attachment = cp.attach_network_interface(network_interface_id=eni.id, instance_id=inst.id, device_index=1)
    assert world.get(eip.id).instance_id == inst.id  # the address follows its interface
    cp.detach_network_interface(attachment_id=attachment.attachment_id)
    assert world.get(eip.id).instance_id is None and world.get(eip.id).network_interface_id == eni.id
    cp.unassign_private_ip_addresses(network_interface_id=eni.id, private_ip_addresses=[secondary])
    assert world.get(eip.id).association_id is None  # unassigning the address disassociates its Elastic IP


def test_release_only_when_disassociated(cp, world, net):
    """AWS ReleaseAddress: in a nondefault VPC an Elastic IP address must be disassociated before it
    is released, else the error is InvalidIPAddress.InUse
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReleaseAddress.html)."""
    _, subnet = net
    eni = cp.create_network_interface(subnet_id=subnet.id)
    eip = cp.allocate_address()
    assoc = cp.associate_address(allocation_id=eip.id, network_interface_id=eni.id)
    with unchanged(world), raises_aws("InvalidIPAddress.InUse", f"Address {eip.public_ip} is in use."):
        cp.release_address(allocation_id=eip.id)
    cp.disassociate_address(association_id=assoc.association_id)
    assert world.get(eni.id).public_ip is None
    cp.release_address(allocation_id=eip.id)
    with raises_aws("InvalidAllocationID.NotFound", f"The allocation ID '{eip.id}' does not exist"):
        cp.release_address(allocation_id=eip.id)
    with raises_aws("InvalidAssociationID.NotFound",
                    f"The association ID '{assoc.association_id}' does not exist"):
        cp.disassociate_address(association_id=assoc.association_id)


def test_addresses_used_by_aws_managed_interfaces(cp, world, net):
    """AWS: an Elastic IP used by a NAT gateway or load balancer is managed by that service; releasing,
    disassociating or moving it returns AuthFailure ("Elastic IP addresses",
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html)."""
    _, subnet = net
    eip = cp.allocate_address()
    nat = cp.create_nat_gateway(subnet_id=subnet.id, allocation_id=eip.id)
    nat_eni = world.get(nat.network_interface_id)
    assert nat_eni.requester_managed and world.get(eip.id).network_interface_id == nat_eni.id
    auth = ("AuthFailure", "You do not have permission to access the specified resource.")
    with unchanged(world), raises_aws(*auth):
        cp.release_address(allocation_id=eip.id)
    with unchanged(world), raises_aws(*auth):
        cp.disassociate_address(association_id=nat.association_id)
    other = cp.allocate_address()
    with unchanged(world), raises_aws(*auth):
        cp.associate_address(allocation_id=other.id, network_interface_id=nat_eni.id,
                             allow_reassociation=True)


def test_disassociate_gives_launch_public_ip_back_and_terminate_keeps_allocation(cp, world, net):
    """AWS "Amazon EC2 instance IP addressing": when an Elastic IP is disassociated, an instance that
    had a public IPv4 address gets a new one; terminating an instance disassociates its Elastic IP, which
    stays allocated (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html)."""
    _, subnet = net
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", network_interfaces=[
        {"device_index": 0, "subnet_id": subnet.id, "associate_public_ip_address": True}])
    eip = cp.allocate_address()
    assoc = cp.associate_address(allocation_id=eip.id, instance_id=inst.id)
    cp.disassociate_address(association_id=assoc.association_id)
    assert world.get(inst.id).public_ip_address not in (None, eip.public_ip)
    cp.associate_address(allocation_id=eip.id, instance_id=inst.id)
    cp.stop_instances(instance_ids=[inst.id])
    assert world.get(inst.id).public_ip_address == eip.public_ip  # an Elastic IP survives a stop
    cp.terminate_instances(instance_ids=[inst.id])
    kept = world.get(eip.id, Address)
    assert kept is not None and kept.association_id is None and kept.network_interface_id is None


def test_other_accounts_cannot_use_an_address(cp, world, net):
    """AWS: an Elastic IP belongs to one account; others cannot see it
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html)."""
    eip = cp.allocate_address()
    with unchanged(world), raises_aws("InvalidAllocationID.NotFound",
                                      f"The allocation ID '{eip.id}' does not exist"):
        cp.as_(account_id="222222222222").release_address(allocation_id=eip.id)
