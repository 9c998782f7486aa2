"""IPv6 blocks of VPCs and subnets, and what AWS adds with a VPC's IPv6 block.

AWS docs: Amazon VPC User Guide, "IPv6 VPC CIDR blocks", "Subnet CIDR blocks", "Add or remove a CIDR
block from your VPC", "Default network ACL", "Default security groups for your VPCs"; EC2 API
reference, CreateVpc, AssociateVpcCidrBlock, CreateSubnet, AssociateSubnetCidrBlock.
"""

from __future__ import annotations

from ipaddress import IPv6Network

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab.control.plane import ControlPlane
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.route_table import RouteTable
from vpclab.model.security_group import SecurityGroup
from vpclab.model.world import World


def _dual(cp):
    return cp.create_vpc(cidr_block="10.0.0.0/16", amazon_provided_ipv6_cidr_block=True)


def _slash64(vpc, index: int) -> str:
    """The ``index``-th /64 of the VPC's first /56."""
    return str(list(IPv6Network(vpc.ipv6_cidr_blocks[0]).subnets(new_prefix=64))[index])


def test_amazon_provided_block_is_a_56_from_the_regions_pool(cp):
    """AWS CreateVpc: "Requests an Amazon-provided IPv6 CIDR block with a /56 prefix length for the
    VPC" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html)."""
    vpc = _dual(cp)
    (assoc,) = vpc.ipv6_cidr_block_associations
    net = IPv6Network(assoc.ipv6_cidr_block)
    assert net.prefixlen == 56 and net.subnet_of(IPv6Network("2600:1f18::/32"))
    assert assoc.association_id.startswith("vpc-cidr-assoc-") and assoc.state == "associated"
    assert assoc.ipv6_pool == "Amazon" and assoc.network_border_group == "us-east-1"


def test_blocks_are_deterministic_under_the_seed_and_never_collide():
    """Amazon's pool hands a block to one VPC at a time, across accounts and Regions ("IPv6 VPC CIDR
    blocks": https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html#vpc-sizing-ipv6)."""
    def blocks(seed: int) -> list[str]:
        cp = ControlPlane(World(seed=seed))
        out = []
        for account in ("111111111111", "222222222222"):
            for region in ("us-east-1", "eu-west-1"):
                c = cp.as_(account_id=account, region=region)
                for _ in range(3):
                    out.append(c.create_vpc(cidr_block="10.0.0.0/16",
                                            amazon_provided_ipv6_cidr_block=True).ipv6_cidr_blocks[0])
        return out

    first = blocks(7)
    assert first == blocks(7) and len(set(first)) == len(first)
    assert all(IPv6Network(b).subnet_of(IPv6Network("2a05:d018::/32")) for b in first[3:6])


def test_associate_an_amazon_provided_block(cp, world):
    """AWS AssociateVpcCidrBlock: an Amazon-provided IPv6 CIDR block
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateVpcCidrBlock.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    assoc = cp.associate_vpc_cidr_block(vpc_id=vpc.id, amazon_provided_ipv6_cidr_block=True)
    assert cp.ctx.require(type(vpc), vpc.id).ipv6_cidr_blocks == (assoc.ipv6_cidr_block,)


def test_one_amazon_block_per_network_border_group(cp, world):
    """AWS AssociateVpcCidrBlock, Ipv6CidrBlockNetworkBorderGroup: "You can have one IPv6 CIDR block
    association per network border group"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateVpcCidrBlock.html)."""
    vpc = _dual(cp)
    with unchanged(world), raises_aws("CidrLimitExceeded"):
        cp.associate_vpc_cidr_block(vpc_id=vpc.id, amazon_provided_ipv6_cidr_block=True)


def test_border_group_needs_amazon_provided_and_the_region(cp, world):
    """AWS CreateVpc, Ipv6CidrBlockNetworkBorderGroup: "You must set AmazonProvidedIpv6CidrBlock to
    true to use this parameter" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html)."""
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.create_vpc(cidr_block="10.0.0.0/16", ipv6_cidr_block_network_border_group="us-east-1")
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_vpc(cidr_block="10.0.0.0/16", amazon_provided_ipv6_cidr_block=True,
                      ipv6_cidr_block_network_border_group="eu-west-1")
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16", amazon_provided_ipv6_cidr_block=True,
                        ipv6_cidr_block_network_border_group="us-east-1")
    assert vpc.ipv6_cidr_block_associations[0].network_border_group == "us-east-1"


def test_associate_needs_one_kind_of_block(cp, world):
    """AWS AssociateVpcCidrBlock: "You must specify one of the following in the request: an IPv4 CIDR
    block, an IPv6 pool, or an Amazon-provided IPv6 CIDR block"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateVpcCidrBlock.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws("MissingParameter"):
        cp.associate_vpc_cidr_block(vpc_id=vpc.id)
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="10.1.0.0/16",
                                    amazon_provided_ipv6_cidr_block=True)


def test_ipv6_block_brings_local_route_acl_rules_and_sg_egress(cp):
    """AWS: the IPv6 local route in every route table; the default network ACL's rule 101 and IPv6
    ``*`` deny each way ("Default network ACL",
    https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html); the default security
    group's outbound ``::/0`` rule ("Default security groups for your VPCs",
    https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    custom_rt = cp.create_route_table(vpc_id=vpc.id)
    custom_acl = cp.create_network_acl(vpc_id=vpc.id)
    block = cp.associate_vpc_cidr_block(vpc_id=vpc.id, amazon_provided_ipv6_cidr_block=True).ipv6_cidr_block
    for rt in cp.world.in_vpc(vpc.id, RouteTable):
        assert (block, "local") in [(r.destination, r.target) for r in rt.routes]
    acl = next(a for a in cp.world.in_vpc(vpc.id, NetworkAcl) if a.is_default)
    for egress in (False, True):
        assert [(e.rule_number, e.rule_action, e.cidr) for e in acl.entries_for(egress)] == [
            (100, "allow", "0.0.0.0/0"), (101, "allow", "::/0"), (32767, "deny", "0.0.0.0/0"),
            (32768, "deny", "::/0")]
    custom = cp.world.get(custom_acl.id, NetworkAcl)
    assert [(e.rule_number, e.cidr) for e in custom.entries_for(False)] == [
        (32767, "0.0.0.0/0"), (32768, "::/0")]
    sg = next(g for g in cp.world.in_vpc(vpc.id, SecurityGroup) if g.is_default)
    assert [r.cidr_ipv6 for r in sg.egress if r.cidr_ipv6] == ["::/0"]
    # new route tables, ACLs and security groups of the VPC get theirs at creation
    new_rt = cp.create_route_table(vpc_id=vpc.id)
    assert (block, "local") in [(r.destination, r.target) for r in new_rt.routes]
    assert [e.rule_number for e in cp.create_network_acl(vpc_id=vpc.id).entries_for(True)] == [32767, 32768]
    new_sg = cp.create_security_group(group_name="web", description="web", vpc_id=vpc.id)
    assert [r.peer for r in new_sg.egress] == ["0.0.0.0/0", "::/0"]
    assert custom_rt.id != ""


def test_modified_default_acl_gets_no_ipv6_allow_rule(cp):
    """AWS: "If you've modified the inbound rules of your default network ACL, we do not automatically
    add an allow rule for inbound IPv6 traffic when you associate an IPv6 block with your VPC"
    (https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    acl = next(a for a in cp.world.in_vpc(vpc.id, NetworkAcl) if a.is_default)
    cp.create_network_acl_entry(network_acl_id=acl.id, rule_number=50, protocol="6", rule_action="deny",
                                egress=False, cidr_block="10.9.0.0/16", port_range={"from": 22, "to": 22})
    cp.associate_vpc_cidr_block(vpc_id=vpc.id, amazon_provided_ipv6_cidr_block=True)
    acl = cp.world.get(acl.id, NetworkAcl)
    assert [e.rule_number for e in acl.entries_for(False)] == [50, 100, 32767, 32768]
    assert [e.rule_number for e in acl.entries_for(True)] == [100, 101, 32767, 32768]


def test_ipv6_block_quota_is_in_quotas_toml():
    """AWS: "IPv6 CIDR blocks per VPC": 5, adjustable up to 50 ("Amazon VPC quotas",
    https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    from vpclab.model.quotas import table

    row = table()["ipv6_cidr_blocks_per_vpc"]
    assert (row["default"], row["maximum"], row["code"]) == (5, 50, "CidrLimitExceeded")


def test_disassociate_ipv6_block_not_while_subnets_use_it(cp, world):
    """AWS: "If you have subnets with IPv6 CIDR blocks, you must first disassociate them from the
    subnets" ("Add or remove a CIDR block from your VPC",
    https://docs.aws.amazon.com/vpc/latest/userguide/add-ipv4-cidr.html)."""
    vpc = _dual(cp)
    (assoc,) = vpc.ipv6_cidr_block_associations
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", ipv6_cidr_block=_slash64(vpc, 0))
    with unchanged(world), raises_aws(
            "InvalidCidrBlock.InUse",
            f"The vpc {vpc.id} currently has a subnet within CIDR block {assoc.ipv6_cidr_block}"):
        cp.disassociate_vpc_cidr_block(association_id=assoc.association_id)
    cp.disassociate_subnet_cidr_block(association_id=subnet.ipv6_cidr_block_associations[0].association_id)
    gone = cp.disassociate_vpc_cidr_block(association_id=assoc.association_id)
    assert gone.ipv6_cidr_block == assoc.ipv6_cidr_block
    assert cp.ctx.require(type(vpc), vpc.id).ipv6_cidr_blocks == ()
    for rt in cp.world.in_vpc(vpc.id, RouteTable):
        assert all(r.destination != assoc.ipv6_cidr_block for r in rt.routes)


# -- subnets ---------------------------------------------------------------------------------------
def test_subnet_ipv6_block_is_a_64_of_the_vpcs_56(cp, world):
    """AWS: a subnet's IPv6 CIDR block is a /64 of the VPC's /56 ("Subnet CIDR blocks",
    https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""
    vpc = _dual(cp)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", ipv6_cidr_block=_slash64(vpc, 3))
    assert subnet.ipv6_cidr_block == _slash64(vpc, 3)
    assert subnet.ipv6_cidr_block_associations[0].association_id.startswith("subnet-cidr-assoc-")
    sixty = str(next(IPv6Network(vpc.ipv6_cidr_blocks[0]).subnets(new_prefix=60)))  # a /60 of the /56
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      f"invalid value for parameter ipv6-cidr-block: {sixty}"):
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.2.0/24", ipv6_cidr_block=sixty)


def test_subnet_ipv6_block_outside_the_vpc_is_invalid(cp, world):
    """AWS answers InvalidSubnet.Range "The IPv6 CIDR '…' is invalid." for a /64 outside the VPC's
    blocks ("Subnet CIDR blocks", https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""
    vpc = _dual(cp)
    other = _dual(cp)
    outside = _slash64(other, 0)
    with unchanged(world), raises_aws("InvalidSubnet.Range", f"The IPv6 CIDR '{outside}' is invalid."):
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", ipv6_cidr_block=outside)


def test_ipv6_on_a_vpc_without_a_block_is_invalid(cp, world):
    """A VPC without an IPv6 block has no /64 to give ("Subnet CIDR blocks",
    https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws("InvalidSubnet.Range",
                                      "The IPv6 CIDR '2600:1f18:1:100::/64' is invalid."):
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", ipv6_cidr_block="2600:1f18:1:100::/64")


def test_subnet_ipv6_blocks_cannot_overlap(cp, world):
    """AWS: "The CIDR blocks of the subnets within a VPC cannot overlap"
    (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""
    vpc = _dual(cp)
    cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", ipv6_cidr_block=_slash64(vpc, 0))
    with unchanged(world), raises_aws("InvalidSubnet.Conflict",
                                      f"The CIDR '{_slash64(vpc, 0)}' conflicts with another subnet"):
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.2.0/24", ipv6_cidr_block=_slash64(vpc, 0))
    second = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.2.0/24")
    with unchanged(world), raises_aws("InvalidSubnet.Conflict"):
        cp.associate_subnet_cidr_block(subnet_id=second.id, ipv6_cidr_block=_slash64(vpc, 0))


def test_one_ipv6_block_per_subnet(cp, world):
    """AWS: "You can associate an IPv6 CIDR block with your subnet" — one /64 per subnet ("Add or remove
    an IPv6 CIDR block from your subnet", https://docs.aws.amazon.com/vpc/latest/userguide/subnet-associate-ipv6-cidr.html)."""
    vpc = _dual(cp)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24")
    assoc = cp.associate_subnet_cidr_block(subnet_id=subnet.id, ipv6_cidr_block=_slash64(vpc, 1))
    assert cp.ctx.require(type(subnet), subnet.id).ipv6_cidr_block == assoc.ipv6_cidr_block
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.associate_subnet_cidr_block(subnet_id=subnet.id, ipv6_cidr_block=_slash64(vpc, 2))


def test_disassociate_subnet_block_not_while_interfaces_hold_addresses(cp, world):
    """AWS: "If any IPv6 addresses are assigned to resources in the subnet, you must first unassign them"
    (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-associate-ipv6-cidr.html)."""
    vpc = _dual(cp)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", ipv6_cidr_block=_slash64(vpc, 0))
    eni = cp.create_network_interface(subnet_id=subnet.id, ipv6_address_count=1)
    assoc_id = subnet.ipv6_cidr_block_associations[0].association_id
    with unchanged(world), raises_aws("InvalidCidrBlock.InUse"):
        cp.disassociate_subnet_cidr_block(association_id=assoc_id)
    cp.unassign_ipv6_addresses(network_interface_id=eni.id, ipv6_addresses=list(eni.ipv6_addresses))
    cp.disassociate_subnet_cidr_block(association_id=assoc_id)
    with unchanged(world), raises_aws(
            "InvalidSubnetCidrBlockAssociationID.NotFound",
            f"The subnet CIDR block with association ID '{assoc_id}' does not exist"):
        cp.disassociate_subnet_cidr_block(association_id=assoc_id)


def test_ipv6_native_parameter_rules(cp, world):
    """AWS CreateSubnet, Ipv6Native: an IPv6-only subnet needs an IPv6 block and no IPv4 block
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html)."""
    vpc = _dual(cp)
    with unchanged(world), raises_aws("MissingParameter",
                                      "Either 'ipv6CidrBlock' or 'ipv6IpamPoolId' should be provided."):
        cp.create_subnet(vpc_id=vpc.id, ipv6_native=True)
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", ipv6_cidr_block=_slash64(vpc, 0),
                         ipv6_native=True)


@pytest.mark.parametrize(("attribute", "value", "field"), [
    ("assign_ipv6_address_on_creation", True, "assign_ipv6_address_on_creation"),
    ("enable_dns64", True, "enable_dns64"),
    ("enable_resource_name_dns_aaaa_record_on_launch", True,
     "enable_resource_name_dns_aaaa_record_on_launch"),
    ("enable_resource_name_dns_a_record_on_launch", True,
     "enable_resource_name_dns_a_record_on_launch"),
    ("private_dns_hostname_type_on_launch", "resource-name", "hostname_type"),
])
def test_modify_subnet_ipv6_attributes(cp, attribute, value, field):
    """AWS ModifySubnetAttribute: one attribute per call
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySubnetAttribute.html)."""
    vpc = _dual(cp)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", ipv6_cidr_block=_slash64(vpc, 0))
    cp.modify_subnet_attribute(subnet_id=subnet.id, **{attribute: value})
    assert getattr(cp.ctx.require(type(subnet), subnet.id), field) == value


def test_modify_subnet_attribute_one_at_a_time(cp, world):
    """AWS ModifySubnetAttribute: "You can only modify one attribute at a time"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySubnetAttribute.html)."""
    vpc = _dual(cp)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24")
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.modify_subnet_attribute(subnet_id=subnet.id, enable_dns64=True, map_public_ip_on_launch=True)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.modify_subnet_attribute(subnet_id=subnet.id, private_dns_hostname_type_on_launch="fqdn")
