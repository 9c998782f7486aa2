"""VPC and subnet rules. AWS docs: Amazon VPC User Guide, "VPC CIDR blocks" and "Subnet CIDR blocks"
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html,
https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""

from __future__ import annotations

from tests.conftest import raises_aws, unchanged
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.route_table import RouteTable
from vpclab.model.security_group import SecurityGroup


def test_create_vpc_makes_main_route_table_default_sg_and_acl(cp):
    """AWS: "Default VPC components" — every VPC gets a main route table with a local route,
    a default security group and a default network ACL
    (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    (rtb,) = cp.world.in_vpc(vpc.id, RouteTable)
    assert rtb.main and [(r.destination, r.target) for r in rtb.routes] == [("10.0.0.0/16", "local")]
    (sg,) = cp.world.in_vpc(vpc.id, SecurityGroup)
    assert sg.group_name == "default" and sg.ingress[0].referenced_group_id == sg.id
    (acl,) = cp.world.in_vpc(vpc.id, NetworkAcl)
    assert acl.is_default and [(e.rule_number, e.rule_action) for e in acl.entries if not e.egress] == [
        (100, "allow"), (32767, "deny")]


def test_vpc_block_must_be_between_16_and_28(cp, world):
    """AWS: "The allowed block size is between a /16 netmask (65,536 IP addresses) and /28 netmask"
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)."""
    with unchanged(world), raises_aws("InvalidVpc.Range", "The CIDR '10.0.0.0/8' is invalid."):
        cp.create_vpc(cidr_block="10.0.0.0/8")
    with raises_aws("InvalidVpc.Range", "The CIDR '10.0.0.0/29' is invalid."):
        cp.create_vpc(cidr_block="10.0.0.0/29")


def test_malformed_cidr_is_invalid_parameter_value(cp):
    """AWS CreateVpc API reference: CidrBlock is an IPv4 network range in CIDR notation
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html)."""
    with raises_aws(
            "InvalidParameterValue",
            "Value (10.0.0.0/33) for parameter cidrBlock is invalid. This is not a valid CIDR block."):
        cp.create_vpc(cidr_block="10.0.0.0/33")


def test_subnet_must_lie_inside_the_vpc(cp, world):
    """AWS: a subnet's CIDR block is a subset of the VPC CIDR block
    (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws("InvalidSubnet.Range", "The CIDR '10.1.0.0/24' is invalid."):
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.1.0.0/24", availability_zone="us-east-1a")


def test_subnets_cannot_overlap(cp, world):
    """AWS: "The CIDR blocks of the subnets within a VPC cannot overlap"
    (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    with unchanged(world), raises_aws("InvalidSubnet.Conflict",
                                      "The CIDR '10.0.1.128/25' conflicts with another subnet"):
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.128/25", availability_zone="us-east-1b")


def test_subnet_zone_must_belong_to_the_region(cp):
    """AWS: "Each subnet must reside entirely within one Availability Zone" of the VPC's Region
    (https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with raises_aws("InvalidParameterValue") as info:
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="eu-west-1a")
    assert "us-east-1a, us-east-1b" in info.value.message


def test_five_addresses_are_reserved(cp):
    """AWS: "The first four IP addresses and the last IP address in each subnet CIDR block are not
    available" (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")
    assert subnet.usable() == 251
    assert sorted(str(a) for a in subnet.reserved()) == [
        "10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.255", "10.0.0.3"]


def test_secondary_cidr_cannot_overlap(cp, world):
    """AWS: a secondary CIDR block cannot overlap an existing CIDR block of the VPC
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws("InvalidVpc.Range"):
        cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="10.0.128.0/17")
    cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="10.1.0.0/16")
    (rtb,) = world.in_vpc(vpc.id, RouteTable)
    assert [r.destination for r in rtb.routes] == ["10.0.0.0/16", "10.1.0.0/16"]


def test_delete_vpc_with_subnet_is_a_dependency_violation(cp, world):
    """AWS DeleteVpc: "You must detach or delete all gateways and resources that are associated with
    the VPC before you can delete it"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")
    with unchanged(world), raises_aws("DependencyViolation",
                                      f"The vpc '{vpc.id}' has dependencies and cannot be deleted."):
        cp.delete_vpc(vpc_id=vpc.id)
    cp.delete_subnet(subnet_id=subnet.id)
    cp.delete_vpc(vpc_id=vpc.id)
    # only the Region's default DHCP options set stays: AWS keeps it with no VPC
    assert [r.KIND for r in world.resources()] == ["dhcp_options"]


def test_another_account_cannot_see_the_vpc(cp):
    """AWS: resources are private to their account unless shared
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    other = cp.as_(account_id="222222222222")
    with raises_aws("InvalidVpcID.NotFound", f"The vpc ID '{vpc.id}' does not exist"):
        other.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/24")
    with raises_aws("InvalidVpcID.NotFound"):
        cp.as_(region="eu-west-1").create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/24")


def test_vpc_quota_applies_aws_default_when_asked(world):
    """AWS "Amazon VPC quotas": VPCs per Region, default 5
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    from vpclab import ControlPlane

    world.settings.quotas = "default"
    cp = ControlPlane(world)
    for i in range(5):
        cp.create_vpc(cidr_block=f"10.{i}.0.0/16")
    with raises_aws("VpcLimitExceeded", "The maximum number of VPCs has been reached."):
        cp.create_vpc(cidr_block="10.9.0.0/16")


def test_tags(cp):
    """AWS CreateTags/DeleteTags: DeleteTags with a value removes the tag only when the value matches
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteTags.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16", tags={"Name": "app"})
    cp.create_tags(resources=[vpc.id], tags={"env": "prod"})
    assert dict(cp.world.get(vpc.id).tags) == {"Name": "app", "env": "prod"}
    cp.delete_tags(resources=[vpc.id], tags={"env": "dev"})  # value must match to delete
    assert "env" in cp.world.get(vpc.id).tags
    cp.delete_tags(resources=[vpc.id], tags=["env"])
    assert dict(cp.world.get(vpc.id).tags) == {"Name": "app"}
    with raises_aws("InvalidVpcID.NotFound"):
        cp.create_tags(resources=["vpc-0123456789abcdef0"], tags={"a": "b"})


def test_secondary_cidr_from_another_private_range_is_restricted(cp, world):
    """AWS "VPC CIDR blocks" → "IPv4 CIDR block association restrictions": a VPC in 10.0.0.0/8 cannot
    add a block from 172.16.0.0/12, 192.168.0.0/16 or 198.19.0.0/16, but can add public space or
    100.64.0.0/10 (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    for cidr in ("172.16.0.0/16", "192.168.0.0/16", "198.19.0.0/16"):
        with unchanged(world), raises_aws("InvalidVpc.Range") as info:
            cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block=cidr)
        assert info.value.message.startswith(f"The CIDR '{cidr}' is restricted.")
    cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="100.64.0.0/16")
    cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="10.1.0.0/16")


def test_172_vpc_cannot_add_172_31(cp):
    """AWS "IPv4 CIDR block association restrictions": a 172.16.0.0/12 VPC cannot add a block from
    172.31.0.0/16 (the default VPC range)
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)."""
    vpc = cp.create_vpc(cidr_block="172.20.0.0/16")
    with raises_aws("InvalidVpc.Range"):
        cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="172.31.0.0/16")
    cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="172.21.0.0/16")


def test_primary_block_cannot_be_disassociated(cp, world):
    """AWS DisassociateVpcCidrBlock: "You cannot disassociate the CIDR block with which you originally
    created the VPC (the primary CIDR block)"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisassociateVpcCidrBlock.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    assoc = vpc.cidr_block_associations[0]
    with unchanged(world), raises_aws("OperationNotPermitted"):
        cp.disassociate_vpc_cidr_block(association_id=assoc.association_id)
    second = cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="10.1.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.1.0.0/24")
    with unchanged(world), raises_aws("InvalidCidrBlock.InUse"):
        cp.disassociate_vpc_cidr_block(association_id=second.association_id)
    cp.delete_subnet(subnet_id=subnet.id)
    cp.disassociate_vpc_cidr_block(association_id=second.association_id)
    assert cp.world.get(vpc.id).cidr_blocks == ("10.0.0.0/16",)


def test_reserved_ranges_cannot_be_vpc_space(cp):
    """AWS "VPC CIDR blocks": loopback, link-local and multicast space cannot be VPC address space
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)."""
    for cidr in ("127.0.0.0/16", "169.254.0.0/16", "224.0.0.0/16"):
        with raises_aws("InvalidVpc.Range", f"The CIDR '{cidr}' is invalid."):
            cp.create_vpc(cidr_block=cidr)


def test_default_vpc_is_built_as_aws_builds_it(cp, world):
    """AWS "Default VPCs": a /16 IPv4 CIDR block (172.31.0.0/16), a /20 default subnet in each
    Availability Zone, an internet gateway, a main route table sending 0.0.0.0/0 to it, and public
    IPv4 addresses on launch (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html)."""
    from vpclab.model.gateways import InternetGateway
    from vpclab.model.route_table import lookup, route_table_for_subnet
    from vpclab.model.subnet import Subnet

    vpc = cp.create_default_vpc()
    assert vpc.is_default and vpc.cidr_block == "172.31.0.0/16" and vpc.enable_dns_hostnames
    subnets = list(world.in_vpc(vpc.id, Subnet))
    assert [s.availability_zone for s in subnets] == [f"us-east-1{z}" for z in "abcdef"]
    assert all(s.default_for_az and s.map_public_ip_on_launch and s.cidr_block.endswith("/20")
               for s in subnets)
    (igw,) = world.in_vpc(vpc.id, InternetGateway)
    route, state = lookup(world, route_table_for_subnet(world, subnets[0].id), "8.8.8.8")
    assert route.gateway_id == igw.id and state == "active"
    with unchanged(world), raises_aws("DefaultVpcAlreadyExists",
                                      "A Default VPC already exists for this account in this region."):
        cp.create_default_vpc()
    cp.as_(region="eu-west-1").create_default_vpc()  # one per account and Region
