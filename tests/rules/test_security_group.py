"""Security group rules. AWS docs: Amazon VPC User Guide, "Control traffic to your AWS resources using
security groups" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html),
"Security group rules" (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html),
and the EC2 API Reference of each action."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import ACCOUNT_A, ACCOUNT_B, raises_aws, unchanged
from vpclab.control.interfaces import create_managed_interface
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.prefix_lists import ManagedPrefixList, PrefixListEntry
from vpclab.model.security_group import SecurityGroup
from vpclab.model.sharing import ResourceShare
from vpclab.model.subnet import Subnet

SSH = {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "ip_ranges": [{"cidr_ip": "10.0.0.0/16"}]}


def _vpc(cp, cidr: str = "10.0.0.0/16", **kw):
    return cp.create_vpc(cidr_block=cidr, **kw)


def _sg(cp, vpc, name: str = "web"):
    return cp.create_security_group(group_name=name, description="test group", vpc_id=vpc.id)


def _share_subnet(cp, subnet: Subnet, account: str) -> None:
    cp.world.put(ResourceShare(id=cp.world.ids.new("resource_share"), owner_id=subnet.owner_id,
                               region=subnet.region, share_name="shared", resource_ids=(subnet.id,),
                               principals=(account,)))


def _peer(cp, a, b, status: str = "active", region: str = "us-east-1") -> VpcPeeringConnection:
    return cp.world.put(VpcPeeringConnection(
        id=cp.world.ids.new("vpc_peering_connection"), owner_id=a.owner_id, region=a.region,
        requester_vpc_id=a.id, requester_owner_id=a.owner_id, requester_region=a.region,
        accepter_vpc_id=b.id, accepter_owner_id=b.owner_id, accepter_region=region, status_code=status))


# -- CreateSecurityGroup ---------------------------------------------------------------------
def test_new_group_allows_all_outbound_and_no_inbound(cp):
    """AWS: "When you create a security group, it has no inbound rules … it has an outbound rule
    that allows all outbound traffic"
    (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)."""
    sg = _sg(cp, _vpc(cp))
    assert sg.ingress == ()
    (rule,) = sg.egress
    assert (rule.ip_protocol, rule.cidr_ipv4, rule.is_egress) == ("-1", "0.0.0.0/0", True)
    assert rule.security_group_rule_id.startswith("sgr-") and sg.id.startswith("sg-")


def test_group_names_are_unique_within_a_vpc(cp, world):
    """AWS: "Names are case-insensitive and must be unique within the VPC"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html)."""
    vpc, other = _vpc(cp), _vpc(cp, "10.1.0.0/16")
    _sg(cp, vpc, "web")
    with unchanged(world), raises_aws("InvalidGroup.Duplicate",
                                      f"The security group 'WEB' already exists for VPC '{vpc.id}'"):
        _sg(cp, vpc, "WEB")
    assert _sg(cp, other, "web").vpc_id == other.id


def test_default_is_a_reserved_group_name(cp, world):
    """AWS: the default security group is created with the VPC; "default" cannot be used for
    another group (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html)."""
    vpc = _vpc(cp)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Cannot use reserved security group name: default"):
        _sg(cp, vpc, "default")


def test_group_names_cannot_start_with_sg(cp, world):
    """AWS CreateSecurityGroup: GroupName "Cannot start with sg-"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html)."""
    vpc = _vpc(cp)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "Value (sg-web) for parameter GroupName is invalid. Group names may not be in the format sg-*."):
        _sg(cp, vpc, "sg-web")


def test_group_name_and_description_are_255_characters_of_a_set(cp, world):
    """AWS CreateSecurityGroup: GroupName and Description "Up to 255 characters in length", "Constraints
    for EC2-VPC: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"; non-ASCII answers "Character sets
    beyond ASCII are not supported"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html)."""
    vpc = _vpc(cp)
    cp.create_security_group(group_name="a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*", description="d" * 255,
                             vpc_id=vpc.id)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"Value ({'d' * 256}) for parameter GroupDescription is invalid. "
            "Length exceeds maximum of 255 characters."):
        cp.create_security_group(group_name="x", description="d" * 256, vpc_id=vpc.id)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "Value (café) for parameter GroupDescription is invalid. "
            "Character sets beyond ASCII are not supported."):
        cp.create_security_group(group_name="x", description="café", vpc_id=vpc.id)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "Invalid security group description. Valid descriptions are strings less than 256 characters "
            "from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"):
        cp.create_security_group(group_name="x", description="the team's group", vpc_id=vpc.id)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_security_group(group_name="bad\x01name", description="d", vpc_id=vpc.id)


def test_rule_descriptions_are_255_characters_of_a_set(cp, world):
    """AWS IpRange Description: "Up to 255 characters in length"; AWS answers "Invalid rule description.
    Valid descriptions are strings less than 256 characters from the following set: …"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html)."""
    vpc = _vpc(cp)
    sg = _sg(cp, vpc)
    ok = {**SSH, "ip_ranges": [{"cidr_ip": "10.0.0.0/16", "description": "ssh from the VPC"}]}
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[ok])
    for desc in ("x" * 256, "it's", "tab\there"):
        bad = {**SSH, "from_port": 23, "to_port": 23,
               "ip_ranges": [{"cidr_ip": "10.0.0.0/16", "description": desc}]}
        with unchanged(world), raises_aws(
                "InvalidParameterValue",
                "Invalid rule description. Valid descriptions are strings less than 256 characters from "
                "the following set: a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"):
            cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[bad])


def test_participants_create_their_own_groups_in_a_shared_vpc(cp, world):
    """AWS VPC sharing: participants "can create and manage … security groups" in the shared VPC, and
    own them (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    vpc = _vpc(cp)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    b = cp.as_(account_id=ACCOUNT_B)
    with unchanged(world), raises_aws("InvalidVpcID.NotFound", f"The vpc ID '{vpc.id}' does not exist"):
        _sg(b, vpc, "app")  # not yet shared
    _share_subnet(cp, subnet, ACCOUNT_B)
    sg = _sg(b, vpc, "app")
    assert sg.owner_id == ACCOUNT_B and sg.vpc_id == vpc.id
    assert _sg(cp, vpc, "app").owner_id == ACCOUNT_A  # names are per owner (see create_security_group)


def test_security_group_quota_per_region(cp, world):
    """AWS: "VPC security groups per Region" quota (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    vpc = _vpc(cp)
    world.settings.quotas = "default"
    existing = sum(1 for _ in world.all(SecurityGroup))
    from vpclab.model.quotas import limit
    for i in range(limit("default", "security_groups_per_region") - existing):
        world.put(SecurityGroup(id=world.ids.new("security_group"), owner_id=ACCOUNT_A, region="us-east-1",
                                vpc_id=vpc.id, group_name=f"g{i}", description="d"))
    with unchanged(world), raises_aws("SecurityGroupLimitExceeded",
                                      "The maximum number of security groups has been reached."):
        _sg(cp, vpc, "one-too-many")


# -- DeleteSecurityGroup ---------------------------------------------------------------------
def test_default_group_cannot_be_deleted(cp, world):
    """AWS: "You can't delete a default security group"
    (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html)."""
    vpc = _vpc(cp)
    (default,) = world.in_vpc(vpc.id, SecurityGroup)
    with unchanged(world), raises_aws(
            "CannotDelete",
            f'the specified group: "{default.id}" name: "default" cannot be deleted by a user'):
        cp.delete_security_group(group_id=default.id)


def test_group_in_use_by_an_interface_cannot_be_deleted(cp, world):
    """AWS: "You can't delete a security group that is associated with a network interface"
    (https://docs.aws.amazon.com/vpc/latest/userguide/deleting-security-groups.html)."""
    vpc = _vpc(cp)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    sg = _sg(cp, vpc)
    create_managed_interface(cp.ctx, subnet, interface_type="interface", description="eni", groups=[sg.id])
    with unchanged(world), raises_aws("DependencyViolation", f"resource {sg.id} has a dependent object"):
        cp.delete_security_group(group_id=sg.id)


def test_group_used_by_an_interface_endpoint_cannot_be_deleted(cp, world):
    """AWS: a security group associated with an interface VPC endpoint is in use and cannot be deleted
    (https://docs.aws.amazon.com/vpc/latest/userguide/deleting-security-groups.html)."""
    from vpclab.model.endpoints import VpcEndpoint

    vpc = _vpc(cp)
    sg = _sg(cp, vpc)
    world.put(VpcEndpoint(id=world.ids.new("vpc_endpoint"), owner_id=ACCOUNT_A, region="us-east-1",
                          vpc_id=vpc.id,
                          service_name="com.amazonaws.us-east-1.sqs", vpc_endpoint_type="Interface",
                          groups=(sg.id,)))
    with unchanged(world), raises_aws("DependencyViolation", f"resource {sg.id} has a dependent object"):
        cp.delete_security_group(group_id=sg.id)


def test_group_referenced_by_another_group_cannot_be_deleted(cp, world):
    """AWS: you can't delete a security group "referenced by a rule in another security group"
    (https://docs.aws.amazon.com/vpc/latest/userguide/deleting-security-groups.html)."""
    vpc = _vpc(cp)
    app, db = _sg(cp, vpc, "app"), _sg(cp, vpc, "db")
    perm = {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432,
            "user_id_group_pairs": [{"group_id": app.id}]}
    cp.authorize_security_group_ingress(group_id=db.id, ip_permissions=[perm])
    cp.authorize_security_group_ingress(group_id=app.id, ip_permissions=[
        {"ip_protocol": "-1", "user_id_group_pairs": [{"group_id": app.id}]}])  # a self-reference
    with unchanged(world), raises_aws("DependencyViolation", f"resource {app.id} has a dependent object"):
        cp.delete_security_group(group_id=app.id)
    cp.revoke_security_group_ingress(group_id=db.id, ip_permissions=[perm])
    cp.delete_security_group(group_id=app.id)  # a self-reference does not block deletion
    assert app.id not in world


def test_only_the_owner_deletes_a_group(cp, world):
    """AWS VPC sharing: "Participants can't view, modify, or delete resources that belong to other
    participants or the VPC owner" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    vpc = _vpc(cp)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    _share_subnet(cp, subnet, ACCOUNT_B)
    sg = _sg(cp, vpc)
    with unchanged(world), raises_aws("InvalidGroup.NotFound",
                                      f"The security group '{sg.id}' does not exist"):
        cp.as_(account_id=ACCOUNT_B).delete_security_group(group_id=sg.id)


# -- AuthorizeSecurityGroupIngress / Egress ----------------------------------------------------
def test_each_permission_and_source_becomes_one_rule(cp):
    """AWS: security group rules are reported one per source, each with its own sgr- id
    (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)."""
    vpc = _vpc(cp)
    sg, other = _sg(cp, vpc), _sg(cp, vpc, "other")
    rules = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {"ip_protocol": "6", "from_port": 443, "to_port": 443,
         "ip_ranges": [{"cidr_ip": "10.0.0.0/16", "description": "vpc"}, {"cidr_ip": "192.168.0.0/24"}],
         "user_id_group_pairs": [{"group_id": other.id}]}])
    assert [(r.ip_protocol, r.peer) for r in rules] == [
        ("tcp", "10.0.0.0/16"), ("tcp", "192.168.0.0/24"), ("tcp", other.id)]
    assert len({r.security_group_rule_id for r in rules}) == 3
    assert cp.world.get(sg.id).ingress == rules and rules[0].description == "vpc"


def test_duplicate_rule_is_rejected(cp, world):
    """AWS: adding a rule identical to an existing one fails with InvalidPermission.Duplicate
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    vpc = _vpc(cp)
    sg = _sg(cp, vpc)
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[SSH])
    with unchanged(world), raises_aws(
            "InvalidPermission.Duplicate",
            'the specified rule "peer: 10.0.0.0/16, TCP, from port: 22, to port: 22, ALLOW" already exists'):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {**SSH, "ip_ranges": [{"cidr_ip": "10.0.0.0/16", "description": "a new description"}]}])
    with unchanged(world), raises_aws("InvalidPermission.Duplicate",
                                      'the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists'):
        cp.authorize_security_group_egress(group_id=sg.id, ip_permissions=[
            {"ip_protocol": "-1", "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]}])


def test_tcp_and_udp_need_a_valid_port_range(cp, world):
    """AWS IpPermission: for tcp and udp, FromPort and ToPort are the port range, 0–65535
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html)."""
    sg = _sg(cp, _vpc(cp))
    cidr = [{"cidr_ip": "10.0.0.0/16"}]
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange."):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {"ip_protocol": "udp", "to_port": 53, "ip_ranges": cidr}])
    with unchanged(world), raises_aws("InvalidParameterValue", "TCP/UDP (to) port (70000) out of range"):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {"ip_protocol": "tcp", "from_port": 1, "to_port": 70000, "ip_ranges": cidr}])
    # (AWS's wording for an inverted range is undocumented: vpclab's message names both ends)
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "Invalid TCP/UDP port range: from port (80) is greater than to port (22)"):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {"ip_protocol": "tcp", "from_port": 80, "to_port": 22, "ip_ranges": cidr}])


def test_icmp_needs_type_and_code(cp, world):
    """AWS IpPermission: for ICMP, FromPort is the type and ToPort the code; -1 means all
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html)."""
    sg = _sg(cp, _vpc(cp))
    cidr = [{"cidr_ip": "10.0.0.0/16"}]
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "Invalid value 'Must specify both from and to ports with ICMP.' for portRange."):
        cp.authorize_security_group_ingress(group_id=sg.id,
                                            ip_permissions=[{"ip_protocol": "icmp", "ip_ranges": cidr}])
    (_rule,) = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {"ip_protocol": "icmp", "from_port": -1, "to_port": -1, "ip_ranges": cidr}])
    with raises_aws(
            "InvalidPermission.Duplicate",
            'the specified rule "peer: 10.0.0.0/16, ICMP, type: ALL, code: ALL, ALLOW" already exists'):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {"ip_protocol": "1", "from_port": -1, "to_port": -1, "ip_ranges": cidr}])


def test_all_protocols_ignores_ports(cp):
    """AWS IpPermission: "-1" means all protocols; "If you specify -1 … traffic on all ports is allowed,
    regardless of any ports you specify"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html)."""
    sg = _sg(cp, _vpc(cp))
    (rule,) = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {"ip_protocol": "-1", "from_port": 5, "to_port": 6, "ip_ranges": [{"cidr_ip": "10.0.0.0/8"}]}])
    assert (rule.from_port, rule.to_port) == (-1, -1)


def test_rule_cidr_must_be_valid(cp, world):
    """AWS IpRange: CidrIp is an IPv4 CIDR range (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html)."""
    sg = _sg(cp, _vpc(cp))
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "Value (10.0.0.0/33) for parameter cidrIp is invalid. This is not a valid CIDR block."):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {**SSH, "ip_ranges": [{"cidr_ip": "10.0.0.0/33"}]}])


def test_referenced_prefix_list_must_exist(cp, world):
    """AWS: a security group rule can reference a managed prefix list by id
    (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html)."""
    sg = _sg(cp, _vpc(cp))
    with unchanged(world), raises_aws("InvalidPrefixListID.NotFound",
                                      "The prefix list ID 'pl-0123' does not exist"):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {**SSH, "ip_ranges": [], "prefix_list_ids": [{"prefix_list_id": "pl-0123"}]}])
    pl = world.put(ManagedPrefixList(id=world.ids.new("managed_prefix_list"), owner_id=ACCOUNT_A,
                                     region="us-east-1",
                                     prefix_list_name="corp", max_entries=5,
                                     entries=(PrefixListEntry(cidr="172.16.0.0/12"),)))
    (rule,) = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {**SSH, "ip_ranges": [], "prefix_list_ids": [{"prefix_list_id": pl.id}]}])
    assert rule.prefix_list_id == pl.id


def test_referenced_group_must_be_in_the_same_vpc_or_a_peered_one(cp, world):
    """AWS: "You can reference security groups in a peered VPC … The VPC peering connection must be
    active" (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html)."""
    a, b = _vpc(cp), _vpc(cp, "10.1.0.0/16")
    sg, remote = _sg(cp, a), _sg(cp, b, "remote")
    perm = {**SSH, "ip_ranges": [], "user_id_group_pairs": [{"group_id": remote.id}]}
    with unchanged(world), raises_aws("InvalidGroup.NotFound",
                                      "You have specified two resources that belong to different networks."):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[perm])
    pcx = _peer(cp, a, b, status="pending-acceptance")
    with unchanged(world), raises_aws("InvalidGroup.NotFound",
                                      "You have specified two resources that belong to different networks."):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[perm])
    world.put(replace(pcx, status_code="active"))
    (rule,) = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[perm])
    assert (rule.referenced_vpc_id, rule.referenced_vpc_peering_connection_id) == (b.id, pcx.id)


def test_a_group_referenced_from_a_peer_vpc_can_be_deleted_and_the_rule_goes_stale(cp, world):
    """AWS: a rule that references a security group in a peer VPC becomes stale when that group is
    deleted, and stays in its group until removed — a peer's reference does not stop the deletion
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html)."""
    from vpclab.control.security_group import is_stale

    a, b = _vpc(cp), _vpc(cp, "10.1.0.0/16")
    sg, remote = _sg(cp, a), _sg(cp, b, "remote")
    pcx = _peer(cp, a, b)
    (rule,) = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {**SSH, "ip_ranges": [], "user_id_group_pairs": [{"group_id": remote.id}]}])
    assert not is_stale(world, rule)
    world.put(replace(pcx, status_code="deleted"))
    assert is_stale(world, rule)  # the peering connection is gone
    world.put(replace(pcx, status_code="active"))
    cp.delete_security_group(group_id=remote.id)
    assert remote.id not in world and is_stale(world, rule)
    assert world.get(sg.id).ingress == (rule,)


def test_peer_vpc_group_in_another_region_cannot_be_referenced(cp, world):
    """AWS: "You cannot reference the security group of a peer VPC that's in a different Region.
    Instead, use the CIDR block of the peer VPC"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html)."""
    a = _vpc(cp)
    west = cp.as_(region="us-west-2")
    b = _vpc(west, "10.1.0.0/16")
    remote = _sg(west, b, "remote")
    _peer(cp, a, b, region="us-west-2")
    sg = _sg(cp, a)
    with unchanged(world), raises_aws("InvalidGroup.NotFound",
                                      f"The security group '{remote.id}' does not exist"):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {**SSH, "ip_ranges": [], "user_id_group_pairs": [{"group_id": remote.id}]}])


def test_rules_per_group_quota_per_direction(cp, world):
    """AWS: "Inbound or outbound rules per security group" quota, counted per direction
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    from vpclab.model.quotas import limit

    world.settings.quotas = "default"
    cap = limit("default", "rules_per_security_group")
    sg = _sg(cp, _vpc(cp))
    ranges = [{"cidr_ip": f"10.{i // 256}.{i % 256}.0/24"} for i in range(cap)]
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[{**SSH, "ip_ranges": ranges}])
    with unchanged(world), raises_aws("RulesPerSecurityGroupLimitExceeded",
                                      "The maximum number of rules per security group has been reached."):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {**SSH, "ip_ranges": [{"cidr_ip": "192.168.0.0/24"}]}])
    # the outbound side has its own allowance
    cp.authorize_security_group_egress(group_id=sg.id, ip_permissions=[{**SSH, "ip_ranges": ranges[:10]}])


def test_prefix_list_counts_as_its_max_entries(cp, world):
    """AWS: "When you reference a prefix list in a security group rule, the maximum number of entries
    for the prefix lists counts as the same number of security group rules"
    (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html)."""
    from vpclab.model.quotas import limit

    world.settings.quotas = "default"
    cap = limit("default", "rules_per_security_group")
    sg = _sg(cp, _vpc(cp))
    pl = world.put(ManagedPrefixList(id=world.ids.new("managed_prefix_list"), owner_id=ACCOUNT_A,
                                     region="us-east-1",
                                     prefix_list_name="big", max_entries=cap, entries=()))
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {**SSH, "ip_ranges": [], "prefix_list_ids": [{"prefix_list_id": pl.id}]}])
    with unchanged(world), raises_aws("RulesPerSecurityGroupLimitExceeded"):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[SSH])


# -- Revoke ------------------------------------------------------------------------------------
def test_revoking_a_missing_rule_in_a_nondefault_vpc_fails(cp, world):
    """AWS RevokeSecurityGroupIngress: "For a non-default VPC, if the values you specify do not match
    the existing rule's values, an InvalidPermission.NotFound client error is returned, and no rules
    are revoked" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html)."""
    sg = _sg(cp, _vpc(cp))
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[SSH])
    with unchanged(world), raises_aws("InvalidPermission.NotFound",
                                      "The specified rule does not exist in this security group."):
        cp.revoke_security_group_ingress(group_id=sg.id, ip_permissions=[
            SSH, {**SSH, "from_port": 23, "to_port": 23}])


def test_revoking_a_missing_rule_in_a_default_vpc_reports_it(cp, world):
    """AWS RevokeSecurityGroupIngress: "For a default VPC, if the values you specify do not match the
    existing rule's values, no error is returned, and the output describes the security group rules
    that were not revoked"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html)."""
    sg = _sg(cp, world.put(replace(_vpc(cp), is_default=True)))
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[SSH])
    result = cp.revoke_security_group_ingress(group_id=sg.id, ip_permissions=[SSH, {**SSH, "from_port": 23,
                                                                                   "to_port": 23}])
    assert [r.peer for r in result.revoked] == ["10.0.0.0/16"] and world.get(sg.id).ingress == ()
    assert result.unknown_ip_permissions == ({"ip_protocol": "tcp", "from_port": 23, "to_port": 23,
                                              "ip_ranges": [{"cidr_ip": "10.0.0.0/16"}]},)


def test_revoke_by_rule_id(cp, world):
    """AWS RevokeSecurityGroupEgress: "You can specify rules using either rule IDs or security group rule
    properties" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupEgress.html)."""
    sg = _sg(cp, _vpc(cp))
    (egress,) = sg.egress
    with unchanged(world), raises_aws("InvalidSecurityGroupRuleId.NotFound",
                                      "The security group rule ID 'sgr-0' does not exist"):
        cp.revoke_security_group_egress(group_id=sg.id, security_group_rule_ids=["sgr-0"])
    result = cp.revoke_security_group_egress(group_id=sg.id,
                                             security_group_rule_ids=[egress.security_group_rule_id])
    assert result.revoked == (egress,) and world.get(sg.id).egress == ()


# -- ModifySecurityGroupRules ------------------------------------------------------------------
def test_modify_rule_keeps_its_id(cp, world):
    """AWS ModifySecurityGroupRules: "Modifies the rules of a security group"; the rule keeps its id
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySecurityGroupRules.html)."""
    sg = _sg(cp, _vpc(cp))
    (ssh,) = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[SSH])
    (_https,) = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {**SSH, "from_port": 443, "to_port": 443}])
    with unchanged(world), raises_aws("InvalidPermission.Duplicate"):
        cp.modify_security_group_rules(group_id=sg.id, security_group_rules=[{
            "security_group_rule_id": ssh.security_group_rule_id,
            "security_group_rule": {"ip_protocol": "tcp", "from_port": 443, "to_port": 443,
                                    "cidr_ipv4": "10.0.0.0/16"}}])
    (new,) = cp.modify_security_group_rules(group_id=sg.id, security_group_rules=[{
        "security_group_rule_id": ssh.security_group_rule_id,
        "security_group_rule": {"ip_protocol": "tcp", "from_port": 2222, "to_port": 2222,
                                "cidr_ipv4": "10.9.0.0/16"}}])
    assert new.security_group_rule_id == ssh.security_group_rule_id
    assert [(r.from_port, r.peer) for r in world.get(sg.id).ingress] == [(2222, "10.9.0.0/16"),
                                                                         (443, "10.0.0.0/16")]


@pytest.mark.parametrize("action", ["authorize_security_group_ingress", "revoke_security_group_ingress"])
def test_only_the_owner_changes_a_groups_rules(cp, world, action):
    """AWS: a security group's rules are changed by its owner; others cannot see it
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    sg = _sg(cp, _vpc(cp))
    with unchanged(world), raises_aws("InvalidGroup.NotFound",
                                      f"The security group '{sg.id}' does not exist"):
        getattr(cp.as_(account_id=ACCOUNT_B), action)(group_id=sg.id, ip_permissions=[SSH])


def test_participant_group_may_reference_the_owners_group_in_a_shared_vpc(cp, world):
    """AWS VPC sharing: "Participants can reference security groups that belong to other participants
    or the owner" in the shared VPC (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    vpc = _vpc(cp)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    _share_subnet(cp, subnet, ACCOUNT_B)
    owners = _sg(cp, vpc, "lb")
    b = cp.as_(account_id=ACCOUNT_B)
    app = _sg(b, vpc, "app")
    (rule,) = b.authorize_security_group_ingress(group_id=app.id, ip_permissions=[
        {**SSH, "ip_ranges": [], "user_id_group_pairs": [{"group_id": owners.id, "user_id": ACCOUNT_A}]}])
    assert (rule.referenced_group_id, rule.referenced_group_owner_id, rule.referenced_vpc_id) == (
        owners.id, ACCOUNT_A, None)
    with unchanged(world), raises_aws("InvalidGroup.NotFound",
                                      f"The security group '{owners.id}' does not exist"):
        b.authorize_security_group_ingress(group_id=app.id, ip_permissions=[
            {**SSH, "ip_ranges": [], "user_id_group_pairs": [{"group_id": owners.id, "user_id": ACCOUNT_B}]}])
