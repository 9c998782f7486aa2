"""VPC sharing (AWS RAM) rules. AWS docs: Amazon VPC User Guide, "Share your VPC with other accounts"
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html), "Responsibilities and permissions
for owners and participants" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html)
and the AWS RAM API reference (https://docs.aws.amazon.com/ram/latest/APIReference/)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import ACCOUNT_A, ACCOUNT_B, raises_aws, unchanged
from vpclab.control.sharing import resource_arn
from vpclab.model.images import image_named
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.route_table import RouteTable
from vpclab.model.security_group import SecurityGroup
from vpclab.model.sharing import shared_with
from vpclab.model.subnet import Subnet
from vpclab.model.vpc import Vpc

AMI = image_named("us-east-1", "al2023").image_id
UNAUTHORIZED = ("UnauthorizedOperation", "You are not authorized to perform this operation.")


@pytest.fixture
def shared(cp):
    """Account A's VPC with one subnet shared with account B, and one not shared."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    private = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.2.0/24", availability_zone="us-east-1a")
    share = cp.create_resource_share(name="shared-vpc", resource_arns=[resource_arn(subnet)],
                                     principals=[ACCOUNT_B])
    return vpc, subnet, private, share


def test_subnet_arn_and_share(cp, shared):
    """AWS RAM CreateResourceShare: resources by ARN (arn:aws:ec2:<region>:<account>:subnet/<id>), principals
    by account id (https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html)."""
    _, subnet, private, share = shared
    assert resource_arn(subnet) == f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:subnet/{subnet.id}"
    assert (share.arn == f"arn:aws:ram:us-east-1:{ACCOUNT_A}:resource-share/{share.id}"
            and share.status == "ACTIVE")
    assert shared_with(cp.world, subnet.id) == {ACCOUNT_B}
    assert shared_with(cp.world, private.id) == frozenset()


def test_participant_sees_shared_subnets_and_their_vpc_only(cp, shared):
    """AWS: "After a subnet is shared, the participants can view ... their application resources in the
    subnets
    shared with them. Participants cannot view ... resources that belong to ... the VPC owner"
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    vpc, subnet, private, _ = shared
    world = cp.world
    assert world.get(subnet.id).visible_to(world, ACCOUNT_B, "us-east-1")
    assert world.get(vpc.id, Vpc).visible_to(world, ACCOUNT_B, "us-east-1")
    assert not world.get(private.id).visible_to(world, ACCOUNT_B, "us-east-1")
    assert not world.get(subnet.id).visible_to(world, "333333333333", "us-east-1")
    (rtb,) = world.in_vpc(vpc.id, RouteTable)
    assert not rtb.visible_to(world, ACCOUNT_B, "us-east-1")


def test_participant_launches_and_owns_interfaces_and_instances(cp, shared):
    """AWS: "Participants can create a limited set of VPC resources in a shared VPC. For example, participants
    can create network interfaces and security groups" and launch instances; they own them
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html)."""
    vpc, subnet, private, _ = shared
    b = cp.as_(account_id=ACCOUNT_B)
    sg = b.create_security_group(group_name="app", description="app", vpc_id=vpc.id)
    eni = b.create_network_interface(subnet_id=subnet.id, groups=[sg.id])
    (inst,) = b.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id,
                              security_group_ids=[sg.id])
    assert eni.owner_id == inst.owner_id == ACCOUNT_B and eni.vpc_id == vpc.id
    # the owner sees the participant's interfaces in its subnets, not their instances
    assert cp.world.get(eni.id).visible_to(cp.world, ACCOUNT_A, "us-east-1")
    assert not cp.world.get(inst.id).visible_to(cp.world, ACCOUNT_A, "us-east-1")
    with raises_aws(*UNAUTHORIZED):
        cp.delete_network_interface(network_interface_id=eni.id)
    with raises_aws("InvalidSubnetID.NotFound", f"The subnet ID '{private.id}' does not exist"):
        b.create_network_interface(subnet_id=private.id, groups=[sg.id])


def test_participant_cannot_use_the_owners_security_groups(cp, shared):
    """AWS: participants cannot launch resources with the VPC's default security group, which
    belongs to the owner (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html)."""
    vpc, subnet, _, _ = shared
    (default,) = [g for g in cp.world.in_vpc(vpc.id, SecurityGroup) if g.is_default]
    b = cp.as_(account_id=ACCOUNT_B)
    with unchanged(cp.world), raises_aws("InvalidGroup.NotFound",
                                         f"The security group '{default.id}' does not exist"):
        b.create_network_interface(subnet_id=subnet.id, groups=[default.id])
    with unchanged(cp.world), raises_aws("InvalidGroup.NotFound",
                                         f"The security group '{default.id}' does not exist"):
        b.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=subnet.id)


def test_participant_cannot_change_the_owners_vpc_and_subnets(cp, shared):
    """AWS: "VPC owners are responsible for creating, managing, and deleting the resources associated with a
    shared VPC. These include subnets, route tables, network ACLs" — a participant's attempt is refused
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html)."""
    vpc, subnet, _, _ = shared
    b, world = cp.as_(account_id=ACCOUNT_B), cp.world
    for call in (lambda: b.modify_vpc_attribute(vpc_id=vpc.id, enable_dns_hostnames=True),
                 lambda: b.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="10.1.0.0/16"),
                 lambda: b.create_subnet(vpc_id=vpc.id, cidr_block="10.0.9.0/24",
                                         availability_zone="us-east-1a"),
                 lambda: b.modify_subnet_attribute(subnet_id=subnet.id, map_public_ip_on_launch=True),
                 lambda: b.delete_subnet(subnet_id=subnet.id),
                 lambda: b.delete_vpc(vpc_id=vpc.id),
                 lambda: b.create_tags(resources=[subnet.id], tags={"owner": "b"})):
        with unchanged(world), raises_aws(*UNAUTHORIZED):
            call()


def test_participant_cannot_change_the_owners_route_tables(cp, shared):
    """AWS: route tables of a shared VPC belong to its owner; participants cannot see them, so a change is
    answered as for a table that does not exist
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html)."""
    vpc, _, _, _ = shared
    (rtb,) = cp.world.in_vpc(vpc.id, RouteTable)
    b = cp.as_(account_id=ACCOUNT_B)
    with unchanged(cp.world), raises_aws("InvalidRouteTableID.NotFound",
                                         f"The routeTable ID '{rtb.id}' does not exist"):
        b.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0",
                       gateway_id="igw-0123456789abcdef0")
    with unchanged(cp.world), raises_aws(*UNAUTHORIZED):
        b.create_route_table(vpc_id=vpc.id)


def test_participant_cannot_change_the_owners_network_acls(cp, shared):
    """AWS: network ACLs of a shared VPC are the owner's to manage, and participants cannot view the
    owner's resources, so a change is answered as for an ACL that does not exist
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html)."""
    vpc, _, _, _ = shared
    (acl,) = cp.world.in_vpc(vpc.id, NetworkAcl)
    b = cp.as_(account_id=ACCOUNT_B)
    with unchanged(cp.world), raises_aws("InvalidNetworkAclID.NotFound"):
        b.create_network_acl_entry(network_acl_id=acl.id, rule_number=50, protocol="-1", rule_action="deny",
                                   egress=False, cidr_block="0.0.0.0/0")
    with unchanged(cp.world), raises_aws(*UNAUTHORIZED):
        b.create_network_acl(vpc_id=vpc.id)


def test_participant_cannot_change_the_owners_security_groups(cp, shared):
    """AWS: "Participants cannot view, modify, or delete resources that belong to other participants or the
    VPC owner" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    vpc, _, _, _ = shared
    (default,) = [g for g in cp.world.in_vpc(vpc.id, SecurityGroup) if g.is_default]
    b = cp.as_(account_id=ACCOUNT_B)
    with unchanged(cp.world), raises_aws("InvalidGroup.NotFound",
                                         f"The security group '{default.id}' does not exist"):
        b.authorize_security_group_ingress(group_id=default.id, ip_permissions=[
            {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]}])


def test_only_the_owner_shares_its_resources(cp, shared):
    """AWS RAM: you share resources your account owns; a participant cannot share a subnet shared with it
    (https://docs.aws.amazon.com/ram/latest/userguide/working-with-sharing.html)."""
    _, subnet, _, _ = shared
    b = cp.as_(account_id=ACCOUNT_B)
    arn = resource_arn(subnet)
    with unchanged(cp.world), raises_aws("UnknownResourceException",
                                         f"The resource {arn} could not be found."):
        b.create_resource_share(name="reshare", resource_arns=[arn], principals=["333333333333"])


def test_default_subnets_cannot_be_shared(cp, world):
    """AWS: "You can share non-default subnets with other accounts within your organization"
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    vpc = world.put(replace(cp.create_vpc(cidr_block="172.31.0.0/16"), is_default=True))
    sub = cp.create_subnet(vpc_id=vpc.id, cidr_block="172.31.0.0/20", availability_zone="us-east-1a")
    sub = world.put(replace(sub, default_for_az=True))
    with unchanged(world), raises_aws("InvalidParameterException",
                                      f"The subnet {sub.id} is a default subnet. You can share only "
                                      "non-default subnets."):
        cp.create_resource_share(name="default", resource_arns=[resource_arn(sub)], principals=[ACCOUNT_B])


def test_malformed_and_unshareable_arns(cp, world, shared):
    """AWS RAM MalformedArnException: "The format of an Amazon Resource Name (ARN) is not valid"
    (https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html)."""
    vpc, _, _, _ = shared
    with unchanged(world), raises_aws("MalformedArnException",
                                      "The specified resource ARN subnet-123 is not "
                                      "valid. Verify the ARN and try again."):
        cp.create_resource_share(name="x", resource_arns=["subnet-123"])
    with unchanged(world), raises_aws("MalformedArnException",
                                      "You cannot share the selected resource type."):
        cp.create_resource_share(name="x", resource_arns=[f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:vpc/{vpc.id}"])
    missing = f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:subnet/subnet-0123456789abcdef0"
    with unchanged(world), raises_aws("UnknownResourceException",
                                      f"The resource {missing} could not be found."):
        cp.create_resource_share(name="x", resource_arns=[missing])


def test_principals_are_account_ids(cp, world, shared):
    """AWS RAM CreateResourceShare Principals: "An AWS account ID" (or an organization/OU ARN, not modelled)
    (https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html)."""
    with unchanged(world), raises_aws("InvalidParameterException",
                                      "Principal ID 12345 is malformed. Verify the ID and try again."):
        cp.create_resource_share(name="x", principals=["12345"])
    with unchanged(world), raises_aws("InvalidParameterException",
                                      "Resource share name can contain only alphabetic characters, numbers, "
                                      "spaces, periods, and dashes."):
        cp.create_resource_share(name="a/b", principals=[ACCOUNT_B])


def test_associate_disassociate_and_delete(cp, world, shared):
    """AWS RAM AssociateResourceShare, DisassociateResourceShare, DeleteResourceShare: a share's resources and
    principals change; a deleted share shares nothing
    (https://docs.aws.amazon.com/ram/latest/APIReference/API_DeleteResourceShare.html)."""
    _, subnet, private, share = shared
    cp.associate_resource_share(resource_share_arn=share.arn, resource_arns=[resource_arn(private)],
                                principals=["333333333333"])
    assert shared_with(world, private.id) == {ACCOUNT_B, "333333333333"}
    cp.disassociate_resource_share(resource_share_arn=share.arn, principals=[ACCOUNT_B])
    assert shared_with(world, subnet.id) == {"333333333333"}
    with unchanged(world), raises_aws("UnknownResourceException",
                                      f"The principal {ACCOUNT_B} is not associated "
                                      f"with resource share {share.arn}."):
        cp.disassociate_resource_share(resource_share_arn=share.arn, principals=[ACCOUNT_B])
    cp.delete_resource_share(resource_share_arn=share.arn)
    assert shared_with(world, subnet.id) == frozenset()
    with unchanged(world), raises_aws("UnknownResourceException",
                                      f"ResourceShare {share.arn} could not be found."):
        cp.associate_resource_share(resource_share_arn=share.arn, principals=[ACCOUNT_B])
    with raises_aws("UnknownResourceException", f"ResourceShare {share.arn} could not be found."):
        cp.as_(account_id=ACCOUNT_B).delete_resource_share(resource_share_arn=share.arn)


def test_unsharing_keeps_participant_resources_manageable(cp, world, shared):
    """AWS "Unshare a shared subnet": participants' resources keep running in an unshared subnet;
    participants cannot create new ones there but can still modify, describe and delete theirs
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing-share-subnet-working-with.html)."""
    vpc, subnet, _, share = shared
    b = cp.as_(account_id=ACCOUNT_B)
    sg = b.create_security_group(group_name="app", description="app", vpc_id=vpc.id)
    eni = b.create_network_interface(subnet_id=subnet.id, groups=[sg.id])
    cp.disassociate_resource_share(resource_share_arn=share.arn, resource_arns=[resource_arn(subnet)])
    with unchanged(world), raises_aws("InvalidSubnetID.NotFound",
                                      f"The subnet ID '{subnet.id}' does not exist"):
        b.create_network_interface(subnet_id=subnet.id, groups=[sg.id])
    b.modify_network_interface_attribute(network_interface_id=eni.id, description="still mine")
    b.delete_network_interface(network_interface_id=eni.id)
    assert isinstance(world.get(subnet.id), Subnet)


def test_transit_gateways_and_prefix_lists_are_shareable(cp, world):
    """AWS RAM "Shareable AWS resources": transit gateways and customer-managed prefix lists
    (https://docs.aws.amazon.com/ram/latest/userguide/shareable.html)."""
    from vpclab.model.prefix_lists import ManagedPrefixList
    from vpclab.model.transit_gateway import TransitGateway

    tgw = world.put(TransitGateway(id=world.ids.new("transit_gateway"), owner_id=ACCOUNT_A,
                                   region="us-east-1"))
    pl = world.put(ManagedPrefixList(id=world.ids.new("managed_prefix_list"), owner_id=ACCOUNT_A,
                                     region="us-east-1",
                                     prefix_list_name="corp"))
    aws_pl = world.put(replace(pl, id=world.ids.new("managed_prefix_list"), owner_id="AWS", aws_managed=True))
    share = cp.create_resource_share(name="net", resource_arns=[resource_arn(tgw), resource_arn(pl)],
                                     principals=[ACCOUNT_B])
    assert share.resource_ids == (tgw.id, pl.id) and shared_with(world, tgw.id) == {ACCOUNT_B}
    assert tgw.visible_to(world, ACCOUNT_B, "us-east-1")
    aws_arn = resource_arn(aws_pl)  # arn:aws:ec2:us-east-1:AWS:prefix-list/pl-…: no 12-digit owner
    with unchanged(world), raises_aws("MalformedArnException",
                                      f"The specified resource ARN {aws_arn} is not "
                                      "valid. Verify the ARN and try again."):
        cp.create_resource_share(name="aws", resource_arns=[aws_arn])
