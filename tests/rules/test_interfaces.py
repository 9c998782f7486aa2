"""Network interface rules. AWS docs: Amazon EC2 User Guide, "Elastic network interfaces"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html) and the EC2 API reference
page of each action."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab.control.interfaces import allocate_private_ip, create_managed_interface
from vpclab.model.images import image_named
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.security_group import SecurityGroup
from vpclab.model.subnet import Subnet

AMI = image_named("us-east-1", "al2023").image_id


@pytest.fixture
def net(cp):
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    other = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.2.0/24", availability_zone="us-east-1b")
    return vpc, subnet, other


def _group(cp, vpc_id: str, name: str) -> str:
    """A security group made directly in the World (the security family owns CreateSecurityGroup)."""
    sg_id = cp.world.ids.new("security_group")
    cp.world.put(SecurityGroup(id=sg_id, owner_id=cp.account_id, region=cp.region, group_name=name,
                               description=name, vpc_id=vpc_id))
    return sg_id


def test_new_interface_takes_lowest_free_address_and_default_group(cp, net):
    """AWS CreateNetworkInterface: without a private IPv4 address, Amazon EC2 selects an
    available one from the subnet's range; with no group the VPC's default security group applies
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInterface.html)."""
    vpc, subnet, _ = net
    eni = cp.create_network_interface(subnet_id=subnet.id, secondary_private_ip_address_count=2)
    (default,) = [g for g in cp.world.in_vpc(vpc.id, SecurityGroup) if g.is_default]
    assert eni.private_ip_addresses == ("10.0.1.4", "10.0.1.5", "10.0.1.6")
    assert eni.groups == (default.id,) and eni.status == "available" and eni.owner_id == cp.account_id


def test_requested_address_must_be_in_the_subnet(cp, world, net):
    """AWS "Subnet CIDR blocks": an interface's address comes from its subnet's range, and the first
    four and the last address are reserved
    (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""
    _, subnet, _ = net
    for ip in ("10.0.2.10", "10.0.1.1", "10.0.1.255"):
        with unchanged(world), raises_aws("InvalidParameterValue",
                                          "Address does not fall within the subnet's address range"):
            cp.create_network_interface(subnet_id=subnet.id, private_ip_address=ip)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value (10.0.1.x) for parameter "
                                      "privateIpAddress is invalid. Invalid format."):
        cp.create_network_interface(subnet_id=subnet.id, private_ip_address="10.0.1.x")


def test_requested_address_must_be_free(cp, world, net):
    """AWS CreateNetworkInterface returns InvalidIPAddress.InUse for an address another interface
    holds (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    _, subnet, _ = net
    cp.create_network_interface(subnet_id=subnet.id, private_ip_address="10.0.1.10")
    with unchanged(world), raises_aws("InvalidIPAddress.InUse", "The specified address is already in use."):
        cp.create_network_interface(subnet_id=subnet.id, private_ip_address="10.0.1.10")


def test_subnet_out_of_addresses(cp, world):
    """AWS error InsufficientFreeAddressesInSubnet: the subnet has too few free addresses for the
    request
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/28", availability_zone="us-east-1a")
    cp.create_network_interface(subnet_id=subnet.id, secondary_private_ip_address_count=10)  # 11 usable
    with unchanged(world), raises_aws("InsufficientFreeAddressesInSubnet",
                                      "There are not enough free addresses in subnet "
                                      f"'{subnet.id}' to satisfy the requested number of instances."):
        cp.create_network_interface(subnet_id=subnet.id)


def test_shared_allocation_helpers_never_hand_out_an_address_twice(cp, net):
    """Interfaces AWS creates for services (NAT gateway, endpoint) take addresses from the same
    subnet range ("Requester-managed network interfaces",
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html)."""
    _, subnet, _ = net
    managed = create_managed_interface(cp.ctx, subnet, interface_type="nat_gateway", description="NAT",
                                       requester_id="amazon")
    assert managed.requester_managed and managed.status == "in-use" and not managed.source_dest_check
    assert allocate_private_ip(cp.ctx, subnet) != managed.private_ip_address


def test_groups_must_be_in_the_subnets_vpc(cp, world, net):
    """AWS: a security group belongs to one VPC; a group of another VPC is refused
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html)."""
    _, subnet, _ = net
    vpc2 = cp.create_vpc(cidr_block="10.1.0.0/16")
    foreign = _group(cp, vpc2.id, "web")
    with unchanged(world), raises_aws("InvalidParameter",
                                      f"Security group {foreign} and subnet {subnet.id} belong to different "
                                      "networks."):
        cp.create_network_interface(subnet_id=subnet.id, groups=[foreign])
    with unchanged(world), raises_aws("InvalidGroup.NotFound",
                                      "The security group 'sg-0123456789abcdef0' does not exist"):
        cp.create_network_interface(subnet_id=subnet.id, groups=["sg-0123456789abcdef0"])


def test_security_groups_per_interface_quota(cp, world, net):
    """AWS "Amazon VPC quotas": security groups per network interface, default 5
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    vpc, subnet, _ = net
    world.settings.quotas = "default"
    groups = [_group(cp, vpc.id, f"g{i}") for i in range(6)]
    cp.create_network_interface(subnet_id=subnet.id, groups=groups[:5])
    with unchanged(world), raises_aws(
            "SecurityGroupsPerInterfaceLimitExceeded",
            "The maximum number of security groups per interface has been reached."):
        cp.create_network_interface(subnet_id=subnet.id, groups=groups)


def test_attached_or_managed_interface_cannot_be_deleted(cp, world, net):
    """AWS DeleteNetworkInterface: an interface must be detached before it can be deleted
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNetworkInterface.html);
    requester-managed interfaces are deleted by their service ("Requester-managed network interfaces",
    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/requester-managed-eni.html)."""
    _, subnet, _ = net
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    eni = cp.create_network_interface(subnet_id=subnet.id)
    eni = cp.attach_network_interface(network_interface_id=eni.id, instance_id=inst.id, device_index=1)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      f"Network interface '{eni.id}' is currently in use."):
        cp.delete_network_interface(network_interface_id=eni.id)
    managed = create_managed_interface(cp.ctx, subnet, interface_type="vpc_endpoint", description="endpoint")
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      f"Network interface '{managed.id}' is currently in use."):
        cp.delete_network_interface(network_interface_id=managed.id)
    cp.detach_network_interface(attachment_id=eni.attachment_id)
    cp.delete_network_interface(network_interface_id=eni.id)
    assert eni.id not in world
    with raises_aws("InvalidNetworkInterfaceID.NotFound",
                    f"The networkInterface ID '{eni.id}' does not exist"):
        cp.delete_network_interface(network_interface_id=eni.id)


def test_attach_needs_same_availability_zone(cp, world, net):
    """AWS: a network interface attaches only to an instance in its Availability Zone
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html)."""
    _, subnet, other = net
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    eni = cp.create_network_interface(subnet_id=other.id)
    with unchanged(world), raises_aws("InvalidParameterCombination",
                                      "You may not attach a network interface to an instance if they are not "
                                      "in the same availability zone"):
        cp.attach_network_interface(network_interface_id=eni.id, instance_id=inst.id, device_index=1)


def test_attach_device_index_in_use_and_interface_in_use(cp, world, net):
    """AWS AttachNetworkInterface: one interface per device index; an attached interface cannot be
    attached again (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachNetworkInterface.html)."""
    _, subnet, _ = net
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.small", subnet_id=subnet.id)
    eni = cp.create_network_interface(subnet_id=subnet.id)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      f"Instance '{inst.id}' already has an "
                                      "interface attached at device index '0'."):
        cp.attach_network_interface(network_interface_id=eni.id, instance_id=inst.id, device_index=0)
    cp.attach_network_interface(network_interface_id=eni.id, instance_id=inst.id, device_index=1)
    with unchanged(world), raises_aws("InvalidNetworkInterface.InUse", f"Interface: [{eni.id}] in use."):
        cp.attach_network_interface(network_interface_id=eni.id, instance_id=inst.id, device_index=2)


def test_attach_within_instance_type_interface_limit(cp, world, net):
    """AWS "Maximum IP addresses per network interface": a t3.micro takes 2 interfaces
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html)."""
    _, subnet, _ = net
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    a, b = (cp.create_network_interface(subnet_id=subnet.id) for _ in range(2))
    cp.attach_network_interface(network_interface_id=a.id, instance_id=inst.id, device_index=1)
    with unchanged(world), raises_aws("AttachmentLimitExceeded",
                                      "Interface count 3 exceeds the limit for t3.micro"):
        cp.attach_network_interface(network_interface_id=b.id, instance_id=inst.id, device_index=2)


def test_primary_and_managed_attachments_cannot_be_detached(cp, world, net):
    """AWS: the primary network interface cannot be detached from its instance; attachments of
    requester-managed interfaces are managed by their service
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html)."""
    _, subnet, _ = net
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    primary = world.get(inst.network_interface_ids[0], NetworkInterface)
    with unchanged(world), raises_aws("OperationNotPermitted",
                                      "The network interface at device index 0 and networkCard index 0 "
                                      "cannot be detached."):
        cp.detach_network_interface(attachment_id=primary.attachment_id)
    managed = create_managed_interface(cp.ctx, subnet, interface_type="network_load_balancer",
                                       description="ELB")
    world.put(replace(managed, attachment_id="ela-attach-0123456789abcdef0"))
    with unchanged(world), raises_aws("OperationNotPermitted",
                                      "You are not allowed to manage 'ela-attach' attachments."):
        cp.detach_network_interface(attachment_id="ela-attach-0123456789abcdef0")
    with raises_aws("InvalidAttachmentID.NotFound",
                    "The network interface attachment ID 'eni-attach-0123456789abcdef0' does not exist"):
        cp.detach_network_interface(attachment_id="eni-attach-0123456789abcdef0")


def test_modify_attribute_one_at_a_time_and_source_dest_check_follows_instance(cp, world, net):
    """AWS ModifyNetworkInterfaceAttribute: one attribute per request
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyNetworkInterfaceAttribute.html)."""
    vpc, subnet, _ = net
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    primary_id = inst.network_interface_ids[0]
    with unchanged(world), raises_aws("InvalidParameterCombination",
                                      "Only one attribute may be modified per request."):
        cp.modify_network_interface_attribute(network_interface_id=primary_id, source_dest_check=False,
                                              description="x")
    cp.modify_network_interface_attribute(network_interface_id=primary_id, source_dest_check=False)
    assert world.get(inst.id).source_dest_check is False
    web = _group(cp, vpc.id, "web")
    cp.modify_network_interface_attribute(network_interface_id=primary_id, groups=[web])
    assert world.get(primary_id).groups == (web,)
    foreign = _group(cp, cp.create_vpc(cidr_block="10.1.0.0/16").id, "x")
    with unchanged(world), raises_aws("InvalidParameter",
                                      f"Security group {foreign} and subnet {subnet.id} belong to different "
                                      "networks."):
        cp.modify_network_interface_attribute(network_interface_id=primary_id, groups=[foreign])


def test_assign_private_ips_within_instance_type_limit(cp, world, net):
    """AWS "Maximum IP addresses per network interface": a t3.micro interface has 2 IPv4 addresses
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html)."""
    _, subnet, _ = net
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    primary_id = inst.network_interface_ids[0]
    eni = cp.assign_private_ip_addresses(network_interface_id=primary_id, private_ip_addresses=["10.0.1.50"])
    assert eni.secondary_private_ip_addresses == ("10.0.1.50",)
    with unchanged(world), raises_aws("PrivateIpAddressLimitExceeded",
                                      "Number of private addresses will exceed limit."):
        cp.assign_private_ip_addresses(network_interface_id=primary_id, secondary_private_ip_address_count=1)
    crowded = cp.create_network_interface(subnet_id=subnet.id, secondary_private_ip_address_count=2)
    with unchanged(world), raises_aws("PrivateIpAddressLimitExceeded",
                                      "Number of private addresses will exceed limit."):
        cp.attach_network_interface(network_interface_id=crowded.id, instance_id=inst.id, device_index=1)


def test_assign_address_in_use_needs_allow_reassignment(cp, world, net):
    """AWS AssignPrivateIpAddresses: AllowReassignment lets an address already assigned to another
    interface be moved to this one
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssignPrivateIpAddresses.html)."""
    _, subnet, _ = net
    a = cp.create_network_interface(subnet_id=subnet.id, private_ip_address="10.0.1.20")
    cp.assign_private_ip_addresses(network_interface_id=a.id, private_ip_addresses=["10.0.1.21"])
    b = cp.create_network_interface(subnet_id=subnet.id)
    with unchanged(world), raises_aws("Resource.AlreadyAssigned",
                                      f"The private IP address 10.0.1.21 is already assigned to {a.id}."):
        cp.assign_private_ip_addresses(network_interface_id=b.id, private_ip_addresses=["10.0.1.21"])
    cp.assign_private_ip_addresses(network_interface_id=b.id, private_ip_addresses=["10.0.1.21"],
                                   allow_reassignment=True)
    assert world.get(a.id).secondary_private_ip_addresses == ()
    assert world.get(b.id).secondary_private_ip_addresses == ("10.0.1.21",)


def test_unassign_only_secondary_addresses(cp, world, net):
    """AWS UnassignPrivateIpAddresses: unassigns secondary private IP addresses only
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UnassignPrivateIpAddresses.html)."""
    _, subnet, _ = net
    eni = cp.create_network_interface(subnet_id=subnet.id, secondary_private_ip_address_count=1)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Some of the specified addresses are "
                                      f"not assigned to interface {eni.id}"):
        cp.unassign_private_ip_addresses(network_interface_id=eni.id,
                                         private_ip_addresses=[eni.private_ip_address])
    eni = cp.unassign_private_ip_addresses(network_interface_id=eni.id,
                                           private_ip_addresses=list(eni.secondary_private_ip_addresses))
    assert eni.secondary_private_ip_addresses == ()


def test_other_accounts_do_not_see_interfaces(cp, net):
    """AWS: resources are private to their account unless shared
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    _, subnet, _ = net
    eni = cp.create_network_interface(subnet_id=subnet.id)
    with raises_aws("InvalidNetworkInterfaceID.NotFound",
                    f"The networkInterface ID '{eni.id}' does not exist"):
        cp.as_(account_id="222222222222").delete_network_interface(network_interface_id=eni.id)
    with raises_aws("InvalidSubnetID.NotFound", f"The subnet ID '{subnet.id}' does not exist"):
        cp.as_(account_id="222222222222").create_network_interface(subnet_id=subnet.id)
    assert isinstance(cp.world.get(subnet.id), Subnet)
