"""Network ACL rules. AWS docs: Amazon VPC User Guide, "Control subnet traffic with network access
control lists" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html), "Network ACL
rules" (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html), and the EC2 API Reference."""

from __future__ import annotations

import pytest

from tests.conftest import ACCOUNT_B, raises_aws, unchanged
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.quotas import limit
from vpclab.model.sharing import ResourceShare

HTTPS = {"rule_number": 100, "protocol": "6", "rule_action": "allow", "egress": False,
         "cidr_block": "0.0.0.0/0", "port_range": {"from": 443, "to": 443}}


@pytest.fixture
def vpc(cp):
    return cp.create_vpc(cidr_block="10.0.0.0/16")


@pytest.fixture
def subnet(cp, vpc):
    return cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")


def _assoc_of(world, subnet_id):
    for acl in world.all(NetworkAcl):
        for a in acl.associations:
            if a.subnet_id == subnet_id:
                return acl, a
    raise AssertionError("subnet without a network ACL")


def test_new_acl_denies_all_traffic(cp, vpc):
    """AWS: "Each custom network ACL starts out closed (permits no traffic) until you add a rule"
    (https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html)."""
    acl = cp.create_network_acl(vpc_id=vpc.id)
    assert not acl.is_default and acl.associations == ()
    assert sorted((e.egress, e.rule_number, e.rule_action, e.protocol) for e in acl.entries) == [
        (False, 32767, "deny", "-1"), (True, 32767, "deny", "-1")]


def test_participants_cannot_change_network_acls(cp, world, vpc, subnet):
    """AWS VPC sharing: participants cannot modify the owner's network ACLs; only the owner manages
    the VPC's NACLs, and "participants cannot view ... resources that belong to ... the VPC owner"
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    world.put(ResourceShare(id=world.ids.new("resource_share"), owner_id=vpc.owner_id, region=vpc.region,
                            share_name="s", resource_ids=(subnet.id,), principals=(ACCOUNT_B,)))
    b = cp.as_(account_id=ACCOUNT_B)
    acl, assoc = _assoc_of(world, subnet.id)
    msg = "You are not authorized to perform this operation."
    with unchanged(world), raises_aws("UnauthorizedOperation", msg):
        b.create_network_acl(vpc_id=vpc.id)
    not_found = f"The network ACL '{acl.id}' does not exist"
    with unchanged(world), raises_aws("InvalidNetworkAclID.NotFound", not_found):
        b.create_network_acl_entry(network_acl_id=acl.id, **HTTPS)
    with unchanged(world), raises_aws("InvalidAssociationID.NotFound"):
        b.replace_network_acl_association(association_id=assoc.network_acl_association_id,
                                          network_acl_id=acl.id)


def test_default_acl_cannot_be_deleted(cp, world, vpc):
    """AWS: "You can't delete the default network ACL"
    (https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html)."""
    (acl,) = world.in_vpc(vpc.id, NetworkAcl)
    with unchanged(world), raises_aws("InvalidParameterValue", f"cannot delete default network ACL {acl.id}"):
        cp.delete_network_acl(network_acl_id=acl.id)


def test_acl_associated_with_subnets_cannot_be_deleted(cp, world, vpc, subnet):
    """AWS: "You can't delete a network ACL if there are any subnets associated with it"
    (https://docs.aws.amazon.com/vpc/latest/userguide/delete-network-acl.html)."""
    custom = cp.create_network_acl(vpc_id=vpc.id)
    default, assoc = _assoc_of(world, subnet.id)
    new_id = cp.replace_network_acl_association(association_id=assoc.network_acl_association_id,
                                                network_acl_id=custom.id)
    with unchanged(world), raises_aws(
            "DependencyViolation", f"The networkAcl '{custom.id}' has dependencies and cannot be deleted."):
        cp.delete_network_acl(network_acl_id=custom.id)
    back = cp.replace_network_acl_association(association_id=new_id, network_acl_id=default.id)
    cp.delete_network_acl(network_acl_id=custom.id)
    assert custom.id not in world and _assoc_of(world, subnet.id)[1].network_acl_association_id == back


def test_replace_association_moves_the_subnet_with_a_new_id(cp, world, vpc, subnet):
    """AWS ReplaceNetworkAclAssociation: "Changes which network ACL a subnet is associated with";
    returns NewAssociationId
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceNetworkAclAssociation.html)."""
    custom = cp.create_network_acl(vpc_id=vpc.id)
    default, assoc = _assoc_of(world, subnet.id)
    new_id = cp.replace_network_acl_association(association_id=assoc.network_acl_association_id,
                                                network_acl_id=custom.id)
    assert new_id.startswith("aclassoc-") and new_id != assoc.network_acl_association_id
    acl, now = _assoc_of(world, subnet.id)
    assert (acl.id, now.network_acl_association_id) == (custom.id, new_id)
    assert world.get(default.id).associations == ()
    with unchanged(world), raises_aws("InvalidAssociationID.NotFound",
                                      f"The association ID '{assoc.network_acl_association_id}' does not "
                                      "exist"):
        cp.replace_network_acl_association(association_id=assoc.network_acl_association_id,
                                           network_acl_id=custom.id)


def test_replacement_acl_must_be_in_the_subnets_vpc(cp, world, vpc, subnet):
    """AWS: "A subnet can be associated with only one network ACL" of its own VPC; a network ACL
    belongs to one VPC (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html)."""
    other = cp.create_network_acl(vpc_id=cp.create_vpc(cidr_block="10.1.0.0/16").id)
    _, assoc = _assoc_of(world, subnet.id)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "You have specified two resources that belong to different networks."):
        cp.replace_network_acl_association(association_id=assoc.network_acl_association_id,
                                           network_acl_id=other.id)


@pytest.mark.parametrize("number", [0, 32767])
def test_rule_numbers_are_1_to_32766(cp, world, vpc, number):
    """AWS CreateNetworkAclEntry: "Constraints: Positive integer from 1 to 32766. The range 32767 to
    65535 is reserved for internal use"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html)."""
    acl = cp.create_network_acl(vpc_id=vpc.id)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"Value ({number}) for parameter ruleNumber is invalid. Rulenumber must be in range 1..32766"):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "rule_number": number})


def test_entry_numbers_are_unique_per_direction(cp, world, vpc):
    """AWS: "Each rule has a number … you can't have two rules with the same number in the same
    direction" — NetworkAclEntryAlreadyExists
    (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html)."""
    acl = cp.create_network_acl(vpc_id=vpc.id)
    cp.create_network_acl_entry(network_acl_id=acl.id, **HTTPS)
    with unchanged(world), raises_aws("NetworkAclEntryAlreadyExists",
                                      "The network acl entry identified by 100 already exists."):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "rule_action": "deny"})
    entry = cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "egress": True})
    assert (entry.protocol, entry.port_from, entry.port_to) == ("6", 443, 443)


def test_tcp_and_udp_entries_need_a_port_range(cp, world, vpc):
    """AWS CreateNetworkAclEntry: PortRange is "Required if specifying protocol 6 (TCP) or 17 (UDP)"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html)."""
    acl = cp.create_network_acl(vpc_id=vpc.id)
    with unchanged(world), raises_aws("MissingParameter", "The request must contain the parameter portRange"):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "protocol": "17", "port_range": None})
    # (AWS's wording for an out-of-range port is undocumented: vpclab names the value and the range)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "Value (65536) for parameter portRange is invalid. Ports must be in range 0..65535"):
        cp.create_network_acl_entry(network_acl_id=acl.id,
                                    **{**HTTPS, "port_range": {"from": 0, "to": 65536}})


def test_icmp_entries_need_a_type_and_code(cp, world, vpc):
    """AWS CreateNetworkAclEntry: IcmpTypeCode is "Required if specifying protocol 1 (ICMP)"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html)."""
    acl = cp.create_network_acl(vpc_id=vpc.id)
    icmp = {**HTTPS, "protocol": "1", "port_range": None}
    with unchanged(world), raises_aws("MissingParameter",
                                      "The request must contain the parameter icmpTypeCode"):
        cp.create_network_acl_entry(network_acl_id=acl.id, **icmp)
    entry = cp.create_network_acl_entry(network_acl_id=acl.id, **icmp,
                                        icmp_type_code={"type": -1, "code": -1})
    assert (entry.protocol, entry.icmp_type, entry.icmp_code) == ("1", -1, -1)


def test_entry_protocol_is_a_number(cp, world, vpc):
    """AWS CreateNetworkAclEntry: Protocol is "The protocol number. A value of "-1" means all protocols"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html)."""
    acl = cp.create_network_acl(vpc_id=vpc.id)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Invalid value 'udp' for IP protocol. Unknown protocol."):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "protocol": "udp"})
    assert cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "protocol": 17}).protocol == "17"


def test_entry_cidr_must_be_valid(cp, world, vpc):
    """AWS CreateNetworkAclEntry: CidrBlock is "The IPv4 network range to allow or deny, in CIDR notation"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html)."""
    acl = cp.create_network_acl(vpc_id=vpc.id)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "Value (10.0.0.0/40) for parameter cidrBlock is invalid. This is not a valid CIDR block."):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "cidr_block": "10.0.0.0/40"})


def test_entries_per_acl_quota_per_direction(cp, world, vpc):
    """AWS: "Rules per network ACL … This is the one-way quota for a single network ACL" — inbound and
    outbound are counted separately
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    world.settings.quotas = "default"
    cap = limit("default", "rules_per_network_acl")
    acl = cp.create_network_acl(vpc_id=vpc.id)
    for n in range(1, cap + 1):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "rule_number": n})
    with unchanged(world), raises_aws("NetworkAclEntryLimitExceeded",
                                      "The maximum number of network ACL entries has been reached."):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "rule_number": cap + 1})
    cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "rule_number": cap + 1, "egress": True})


def test_network_acls_per_vpc_quota(cp, world, vpc):
    """AWS: "Network ACLs per VPC" quota (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    world.settings.quotas = "default"
    for _ in range(limit("default", "network_acls_per_vpc") - 1):  # the default ACL counts
        cp.create_network_acl(vpc_id=vpc.id)
    with unchanged(world), raises_aws("NetworkAclLimitExceeded",
                                      "The maximum number of network ACLs has been reached."):
        cp.create_network_acl(vpc_id=vpc.id)


def test_replace_entry_rewrites_an_existing_entry(cp, world, vpc):
    """AWS ReplaceNetworkAclEntry: "Replaces an entry (rule) in a network ACL"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceNetworkAclEntry.html)."""
    acl = cp.create_network_acl(vpc_id=vpc.id)
    with unchanged(world), raises_aws("InvalidNetworkAclEntry.NotFound", "no ingress entry with number 100"):
        cp.replace_network_acl_entry(network_acl_id=acl.id, **HTTPS)
    cp.create_network_acl_entry(network_acl_id=acl.id, **HTTPS)
    cp.replace_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "rule_action": "deny", "protocol": "-1",
                                                           "port_range": None})
    entry = world.get(acl.id).entry(100, False)
    assert (entry.rule_action, entry.protocol, entry.port_from) == ("deny", "-1", None)


def test_delete_entry(cp, world, vpc):
    """AWS DeleteNetworkAclEntry: "Deletes the specified ingress or egress entry (rule)"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNetworkAclEntry.html)."""
    acl = cp.create_network_acl(vpc_id=vpc.id)
    cp.create_network_acl_entry(network_acl_id=acl.id, **HTTPS)
    with unchanged(world), raises_aws("InvalidNetworkAclEntry.NotFound", "no egress entry with number 100"):
        cp.delete_network_acl_entry(network_acl_id=acl.id, rule_number=100, egress=True)
    with unchanged(world), raises_aws(  # the "*" entry cannot be removed
            "InvalidParameterValue",
            "Value (32767) for parameter ruleNumber is invalid. Rulenumber must be in range 1..32766"):
        cp.delete_network_acl_entry(network_acl_id=acl.id, rule_number=32767, egress=False)
    cp.delete_network_acl_entry(network_acl_id=acl.id, rule_number=100, egress=False)
    assert world.get(acl.id).entries == acl.entries
