"""Instance rules. AWS docs: EC2 API reference "RunInstances"
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html) and Amazon EC2 User
Guide "Amazon EC2 instance IP addressing"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab.model.images import find_image, image_named, images
from vpclab.model.interfaces import Instance, NetworkInterface

AMI = image_named("us-east-1", "al2023").image_id
ARM_AMI = image_named("us-east-1", "al2023", "arm64").image_id


@pytest.fixture
def subnet(cp):
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    return cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")


def _primary(world, inst: Instance) -> NetworkInterface:
    return next(e for e in (world.get(i) for i in inst.network_interface_ids) if e.device_index == 0)


def test_catalogue_has_regional_deterministic_images():
    """AWS "Find an AMI": AMI ids are Regional; Amazon Linux 2023, Ubuntu 24.04 and Windows Server
    2022 are public images (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/finding-an-ami.html)."""
    east, west = images("us-east-1"), images("eu-west-1")
    assert {i.image_id for i in east}.isdisjoint(i.image_id for i in west)
    assert images("us-east-1") == east and len({i.image_id for i in east}) == len(east)
    names = " ".join(i.name for i in east)
    assert "al2023" in names and "ubuntu-noble-24.04" in names and "Windows_Server-2022" in names
    win = image_named("us-east-1", "Windows")
    assert win.platform == "windows" and win.image_owner_alias == "amazon"
    assert image_named("us-east-1", "ubuntu").owner_id == "099720109477"
    assert find_image("eu-west-1", AMI) is None


def test_run_instances_gives_each_a_primary_interface(cp, world, subnet):
    """AWS RunInstances: each instance gets a primary network interface (device index 0) in the
    subnet, with a private IPv4 address from its range
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html)."""
    a, b = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id, min_count=2,
                            max_count=2,
                            tags={"Name": "web"})
    assert a.reservation_id == b.reservation_id and a.state == "running" and a.name == "web"
    for inst, ip in ((a, "10.0.1.4"), (b, "10.0.1.5")):
        eni = _primary(world, inst)
        assert (eni.private_ip_address, eni.subnet_id, eni.attachment_id is not None) == (ip, subnet.id, True)
        assert inst.private_ip_address == ip and inst.public_ip_address is None and eni.delete_on_termination


def test_unknown_or_malformed_image(cp, world, subnet):
    """AWS error InvalidAMIID.NotFound: the AMI does not exist (in this Region: AMIs are Regional)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    with unchanged(world), raises_aws("InvalidAMIID.NotFound",
                                      "The image id '[ami-0123456789abcdef0]' does not exist"):
        cp.run_instances(image_id="ami-0123456789abcdef0", instance_type="t3.micro", subnet_id=subnet.id)
    with unchanged(world), raises_aws("InvalidAMIID.NotFound", f"The image id '[{AMI}]' does not exist"):
        cp.as_(region="eu-west-1").run_instances(image_id=AMI, instance_type="t3.micro")
    with unchanged(world), raises_aws("InvalidAMIID.Malformed",
                                      'Invalid id: "my-image" (expecting "ami-...")'):
        cp.run_instances(image_id="my-image", instance_type="t3.micro", subnet_id=subnet.id)


def test_unknown_instance_type_and_architecture_mismatch(cp, world, subnet):
    """AWS RunInstances: InstanceType must be a valid type, and its architecture must match the AMI's
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-types.html)."""
    with unchanged(world), raises_aws("InvalidParameterValue", "Invalid value 't3.huge' for InstanceType."):
        cp.run_instances(image_id=AMI, instance_type="t3.huge", subnet_id=subnet.id)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "The architecture 'arm64' of the specified instance type does not match the architecture "
            "'x86_64' of the specified AMI. Specify an instance type and an AMI that have matching "
            "architectures, and try again."):
        cp.run_instances(image_id=AMI, instance_type="t4g.micro", subnet_id=subnet.id)
    (arm,) = cp.run_instances(image_id=ARM_AMI, instance_type="t4g.micro", subnet_id=subnet.id)
    assert arm.architecture == "arm64"


def test_no_subnet_and_no_default_vpc(cp, world):
    """AWS RunInstances: without a subnet ID, a default subnet of the default VPC is chosen; without
    a default VPC the request fails
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html)."""
    with unchanged(world), raises_aws("VPCIdNotSpecified", "No default VPC for this user"):
        cp.run_instances(image_id=AMI, instance_type="t3.micro")
    # a default VPC without subnets
    vpc = world.put(replace(cp.create_vpc(cidr_block="172.31.0.0/16"), is_default=True))
    with unchanged(world), raises_aws("MissingInput",
                                      f"No subnets found for the default VPC '{vpc.id}'. Please specify a "
                                      "subnet."):
        cp.run_instances(image_id=AMI, instance_type="t3.micro")
    sub = cp.create_subnet(vpc_id=vpc.id, cidr_block="172.31.0.0/20", availability_zone="us-east-1b")
    # a default subnet, as AWS's CreateDefaultVpc makes it (that action belongs to the VPC family)
    world.put(replace(sub, default_for_az=True, map_public_ip_on_launch=True))
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro")
    assert inst.subnet_id == sub.id and inst.public_ip_address is not None


def test_public_ip_from_subnet_setting_or_request(cp, world, subnet):
    """AWS "Amazon EC2 instance IP addressing": an instance gets a public IPv4 address when its
    subnet's public IPv4 addressing attribute is on, unless the launch overrides it either way
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html)."""
    (private,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    assert private.public_ip_address is None
    (asked,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", network_interfaces=[
        {"device_index": 0, "subnet_id": subnet.id, "associate_public_ip_address": True}])
    assert asked.public_ip_address == "54.160.0.1" == _primary(world, asked).public_ip
    cp.modify_subnet_attribute(subnet_id=subnet.id, map_public_ip_on_launch=True)
    (mapped,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    assert mapped.public_ip_address == "54.160.0.2"
    (refused,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", network_interfaces=[
        {"device_index": 0, "subnet_id": subnet.id, "associate_public_ip_address": False}])
    assert refused.public_ip_address is None


def test_network_interfaces_exclude_instance_level_network_parameters(cp, world, subnet):
    """AWS RunInstances: with NetworkInterfaces, subnets and security groups are given per
    interface, not with the instance-level SubnetId and SecurityGroupIds parameters
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html)."""
    with unchanged(world), raises_aws("InvalidParameterCombination",
                                      "Network interfaces and an instance-level subnet ID may not be "
                                      "specified on the same request"):
        cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id,
                         network_interfaces=[{"device_index": 0, "subnet_id": subnet.id}])
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "When specifying network interfaces, you "
                                      "must include a device at index 0"):
        cp.run_instances(image_id=AMI, instance_type="t3.small",
                         network_interfaces=[{"device_index": 1, "subnet_id": subnet.id}])
    with unchanged(world), raises_aws("InvalidParameterCombination",
                                      "The associatePublicIPAddress parameter cannot be specified when "
                                      "launching with multiple network interfaces."):
        cp.run_instances(image_id=AMI, instance_type="t3.small", network_interfaces=[
            {"device_index": 0, "subnet_id": subnet.id, "associate_public_ip_address": True},
            {"device_index": 1, "subnet_id": subnet.id}])
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.small", network_interfaces=[
        {"device_index": 0, "subnet_id": subnet.id, "private_ip_address": "10.0.1.10"},
        {"device_index": 1, "subnet_id": subnet.id, "secondary_private_ip_address_count": 1}])
    assert [world.get(i).device_index for i in inst.network_interface_ids] == [0, 1]
    assert inst.private_ip_address == "10.0.1.10"


def test_requested_address_in_use(cp, world, subnet):
    """AWS RunInstances returns InvalidIPAddress.InUse for a PrivateIpAddress already taken
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id,
                     private_ip_address="10.0.1.9")
    with unchanged(world), raises_aws("InvalidIPAddress.InUse", "Address 10.0.1.9 is in use."):
        cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id,
                         private_ip_address="10.0.1.9")


def test_launches_at_least_min_count_or_nothing(cp, world):
    """AWS RunInstances MinCount/MaxCount: if the minimum cannot be launched nothing is; otherwise as
    many as possible up to MaxCount
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    # 11 usable
    small = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/28", availability_zone="us-east-1a")
    with unchanged(world), raises_aws("InsufficientFreeAddressesInSubnet"):
        cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=small.id, min_count=12,
                         max_count=12)
    assert len(cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=small.id,
                                min_count=5, max_count=20)) == 11


def test_terminate_deletes_primary_and_detaches_others(cp, world, subnet):
    """AWS "Elastic network interfaces": the primary interface is deleted when the instance terminates;
    an interface attached later is detached ("Delete on termination" is off for it)
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html)."""
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    primary = inst.network_interface_ids[0]
    extra = cp.create_network_interface(subnet_id=subnet.id)
    cp.attach_network_interface(network_interface_id=extra.id, instance_id=inst.id, device_index=1)
    (done,) = cp.terminate_instances(instance_ids=[inst.id])
    assert done.state == "terminated" and done.network_interface_ids == () and primary not in world
    assert world.get(extra.id).status == "available" and world.get(extra.id).attachment_id is None
    assert list(world.in_vpc(subnet.vpc_id, Instance)) == []  # no longer in the VPC
    with raises_aws("IncorrectInstanceState",
                    f"The instance '{inst.id}' is not in a state from which it can be started."):
        cp.start_instances(instance_ids=[inst.id])


def test_stop_releases_public_ip_and_start_assigns_a_new_one(cp, world, subnet):
    """AWS "Amazon EC2 instance IP addressing": an instance's public IPv4 address is released when it
    stops, and a new one is assigned when it starts
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html)."""
    cp.modify_subnet_attribute(subnet_id=subnet.id, map_public_ip_on_launch=True)
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    first = inst.public_ip_address
    (stopped,) = cp.stop_instances(instance_ids=[inst.id])
    assert stopped.state == "stopped" and stopped.public_ip_address is None
    # takes the released address
    cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    (started,) = cp.start_instances(instance_ids=[inst.id])
    assert started.state == "running" and started.public_ip_address not in (None, first)
    assert _primary(world, started).public_ip == started.public_ip_address


def test_source_dest_check_is_the_primary_interfaces(cp, world, subnet):
    """AWS ModifyInstanceAttribute SourceDestCheck enables or disables source/destination checking;
    the instance's value is its primary network interface's
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html)."""
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)
    inst = cp.modify_instance_attribute(instance_id=inst.id, source_dest_check=False)
    assert inst.source_dest_check is False and _primary(world, inst).source_dest_check is False
    with raises_aws("InvalidInstanceID.NotFound", f"The instance ID '{inst.id}' does not exist"):
        cp.as_(account_id="222222222222").modify_instance_attribute(instance_id=inst.id,
                                                                    source_dest_check=True)
