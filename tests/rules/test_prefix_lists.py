"""Managed prefix list rules. AWS docs: Amazon VPC User Guide, "Managed prefix lists"
(https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html) and "AWS-managed prefix
lists" (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html)."""

from __future__ import annotations

from dataclasses import replace

from tests.conftest import ACCOUNT_B, raises_aws, unchanged
from vpclab import World
from vpclab.control.prefix_lists import aws_managed_prefix_list
from vpclab.model.prefix_lists import ManagedPrefixList, aws_managed_prefix_list_id, prefix_list_cidrs
from vpclab.model.route_table import Route, RouteTable
from vpclab.model.security_group import SecurityGroup, SecurityGroupRule


def _pl(cp, *cidrs: str, max_entries: int = 5) -> ManagedPrefixList:
    return cp.create_managed_prefix_list(prefix_list_name="corp", max_entries=max_entries,
                                         address_family="IPv4",
                                         entries=[{"cidr": c, "description": f"net {c}"} for c in cidrs])


def test_aws_managed_list_is_deterministic_and_owned_by_aws(world):
    """AWS: "AWS-managed prefix lists" — com.amazonaws.<region>.s3 and .dynamodb, owned by AWS
    (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html)."""
    pl = aws_managed_prefix_list(world, "us-east-1", "s3")
    again = aws_managed_prefix_list(World(seed=99), "us-east-1", "s3")
    assert pl.id == again.id == aws_managed_prefix_list_id("us-east-1", "s3")
    assert pl.prefix_list_name == "com.amazonaws.us-east-1.s3" and pl.owner_id == "AWS"
    assert "52.216.0.0/15" in pl.cidrs and "54.231.0.0/16" in pl.cidrs
    assert aws_managed_prefix_list(world, "us-east-1", "dynamodb").id != pl.id
    assert aws_managed_prefix_list(world, "eu-west-1", "s3").id != pl.id


def test_aws_managed_list_is_visible_to_every_account_in_its_region(cp, world):
    """AWS: AWS-managed prefix lists are available to every account in the Region
    (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html)."""
    pl = aws_managed_prefix_list(world, "us-east-1", "s3")
    assert pl.visible_to(world, ACCOUNT_B, "us-east-1")
    assert not pl.visible_to(world, ACCOUNT_B, "eu-west-1")
    entries = cp.as_(account_id=ACCOUNT_B).get_managed_prefix_list_entries(prefix_list_id=pl.id)
    assert [e.cidr for e in entries] == list(pl.cidrs)


def test_prefix_list_cidrs_is_pure_for_aws_managed_ids(world):
    """The reachability engine reads a prefix list's CIDRs without changing the World
    (AWS "AWS-managed prefix lists",
    https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html)."""
    pl_id = aws_managed_prefix_list_id("us-east-1", "s3")
    with unchanged(world):
        assert "18.34.232.0/21" in prefix_list_cidrs(world, pl_id)
        assert prefix_list_cidrs(world, "pl-00000000") == ()


def test_aws_managed_list_cannot_be_modified_or_deleted(cp, world):
    """AWS: AWS-managed prefix lists cannot be created, modified, shared or deleted by customers
    (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html)."""
    pl_id = aws_managed_prefix_list_id("us-east-1", "s3")
    msg = f"The prefix list {pl_id} is an AWS-managed prefix list and cannot be modified or deleted."
    with unchanged(world), raises_aws("UnsupportedOperation", msg):
        cp.modify_managed_prefix_list(prefix_list_id=pl_id, add_entries=[{"cidr": "10.0.0.0/8"}])
    with unchanged(world), raises_aws("UnsupportedOperation", msg):
        cp.delete_managed_prefix_list(prefix_list_id=pl_id)


def test_create_customer_managed_list(cp):
    """AWS "Managed prefix lists": a customer-managed list has a name, a maximum number of entries,
    an address family and entries (CIDR and description)
    (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html)."""
    pl = _pl(cp, "10.1.0.0/16", "192.168.0.0/24")
    assert pl.owner_id == cp.account_id and pl.version == 1 and pl.max_entries == 5
    assert pl.cidrs == ("10.1.0.0/16", "192.168.0.0/24")
    assert cp.world.get(pl.id) == pl


def test_max_entries_must_be_1_to_1000(cp, world):
    """AWS CreateManagedPrefixList: MaxEntries is the maximum number of entries (1–1000)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateManagedPrefixList.html)."""
    with unchanged(world), raises_aws("InvalidParameterValue", "Must specify a max size between 1 and 1000"):
        cp.create_managed_prefix_list(prefix_list_name="x", max_entries=1001, address_family="IPv4")
    with unchanged(world), raises_aws("InvalidParameterValue", "Must specify a max size between 1 and 1000"):
        cp.create_managed_prefix_list(prefix_list_name="x", max_entries=0, address_family="IPv4")


def test_entries_cannot_exceed_max_entries(cp, world):
    """AWS "Managed prefix lists": a list holds at most its maximum number of entries
    (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html)."""
    with unchanged(world), raises_aws("PrefixListMaxEntriesExceeded",
                                      "The prefix list has exceeded its maximum number of entries."):
        _pl(cp, "10.1.0.0/16", "10.2.0.0/16", max_entries=1)
    pl = _pl(cp, "10.1.0.0/16", max_entries=1)
    with unchanged(world), raises_aws("PrefixListMaxEntriesExceeded",
                                      "The prefix list has exceeded its maximum number of entries."):
        cp.modify_managed_prefix_list(prefix_list_id=pl.id, current_version=1,
                                      add_entries=[{"cidr": "10.2.0.0/16"}])


def test_name_cannot_start_with_com_amazonaws(cp, world):
    """AWS "Create a prefix list": a prefix list name cannot start with com.amazonaws
    (https://docs.aws.amazon.com/vpc/latest/userguide/create-managed-prefix-list.html)."""
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Prefix list name cannot start with com.amazonaws."):
        cp.create_managed_prefix_list(prefix_list_name="com.amazonaws.mine", max_entries=2,
                                      address_family="IPv4")


def test_entry_family_must_match_the_list(cp, world):
    """AWS "Managed prefix lists": a list supports a single IP address family, IPv4 or IPv6
    (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html)."""
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            "The CIDR (2001:db8::/32) does not match the address family (IPv4) of the prefix list."):
        _pl(cp, "2001:db8::/32")


def test_modify_adds_and_removes_as_a_new_version(cp):
    """AWS "Modify a prefix list": each change of entries creates a new version; earlier versions
    stay readable (https://docs.aws.amazon.com/vpc/latest/userguide/modify-managed-prefix-list.html)."""
    pl = _pl(cp, "10.1.0.0/16", "10.2.0.0/16")
    new = cp.modify_managed_prefix_list(prefix_list_id=pl.id, current_version=1,
                                        remove_entries=[{"cidr": "10.1.0.0/16"}],
                                        add_entries=[{"cidr": "10.3.0.0/16", "description": "three"}])
    assert new.version == 2 and new.cidrs == ("10.2.0.0/16", "10.3.0.0/16")
    old = cp.get_managed_prefix_list_entries(prefix_list_id=pl.id, target_version=1)
    assert [e.cidr for e in old] == ["10.1.0.0/16", "10.2.0.0/16"]


def test_modify_with_a_stale_version_fails(cp, world):
    """AWS ModifyManagedPrefixList: CurrentVersion must be the list's current version
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyManagedPrefixList.html)."""
    pl = _pl(cp, "10.1.0.0/16")
    cp.modify_managed_prefix_list(prefix_list_id=pl.id, current_version=1,
                                  add_entries=[{"cidr": "10.2.0.0/16"}])
    with unchanged(world), raises_aws("PrefixListVersionMismatch",
                                      "The prefix list has the incorrect version number."):
        cp.modify_managed_prefix_list(prefix_list_id=pl.id, current_version=1,
                                      add_entries=[{"cidr": "10.3.0.0/16"}])


def test_entries_and_max_entries_cannot_change_together(cp, world):
    """AWS "Modify a prefix list": resize a list in a request of its own
    (https://docs.aws.amazon.com/vpc/latest/userguide/modify-managed-prefix-list.html)."""
    pl = _pl(cp, "10.1.0.0/16")
    with unchanged(world), raises_aws(
            "InvalidParameterCombination",
            "You cannot modify the entries and the maximum entries for the prefix list in the same request."):
        cp.modify_managed_prefix_list(prefix_list_id=pl.id, add_entries=[{"cidr": "10.2.0.0/16"}],
                                      max_entries=10)
    assert cp.modify_managed_prefix_list(prefix_list_id=pl.id, max_entries=10).max_entries == 10


def test_duplicate_and_missing_entries_are_invalid_modifications(cp, world):
    """AWS ModifyManagedPrefixList: an entry is added once and only an existing entry is removed
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyManagedPrefixList.html)."""
    pl = _pl(cp, "10.1.0.0/16")
    with unchanged(world), raises_aws("InvalidPrefixListModification",
                                      "An entry with the CIDR (10.1.0.0/16) and "
                                      "description (x) already exists."):
        cp.modify_managed_prefix_list(prefix_list_id=pl.id,
                                      add_entries=[{"cidr": "10.1.0.0/16", "description": "x"}])
    with unchanged(world), raises_aws("InvalidPrefixListModification",
                                      "The CIDR (10.9.0.0/16) does not exist."):
        cp.modify_managed_prefix_list(prefix_list_id=pl.id, remove_entries=[{"cidr": "10.9.0.0/16"}])


def test_other_accounts_cannot_see_a_customer_managed_list(cp, world):
    """AWS "Managed prefix lists": a customer-managed list belongs to its account unless shared
    (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html)."""
    pl = _pl(cp, "10.1.0.0/16")
    with unchanged(world), raises_aws("InvalidPrefixListID.NotFound",
                                      f"The prefix list ID '{pl.id}' does not exist"):
        cp.as_(account_id=ACCOUNT_B).delete_managed_prefix_list(prefix_list_id=pl.id)


def test_delete_refused_while_a_route_references_it(cp, world):
    """AWS "Delete a prefix list": first remove the references to it in route tables and security groups
    (https://docs.aws.amazon.com/vpc/latest/userguide/delete-managed-prefix-list.html)."""
    pl = _pl(cp, "10.1.0.0/16")
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    (rtb,) = world.in_vpc(vpc.id, RouteTable)
    world.put(replace(rtb,
                      routes=(*rtb.routes, Route(destination_prefix_list_id=pl.id, gateway_id="local"))))
    msg = f"The prefix list '{pl.id}' is referenced by one or more resources and cannot be deleted."
    with unchanged(world), raises_aws("DependencyViolation", msg):
        cp.delete_managed_prefix_list(prefix_list_id=pl.id)


def test_delete_refused_while_a_security_group_rule_references_it(cp, world):
    """AWS "Delete a prefix list": first remove the references to it in route tables and security groups
    (https://docs.aws.amazon.com/vpc/latest/userguide/delete-managed-prefix-list.html)."""
    pl = _pl(cp, "10.1.0.0/16")
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    (sg,) = world.in_vpc(vpc.id, SecurityGroup)
    rule = SecurityGroupRule(security_group_rule_id="sgr-1", group_id=sg.id, is_egress=False,
                             ip_protocol="tcp", from_port=443, to_port=443, prefix_list_id=pl.id)
    world.put(replace(sg, ingress=(*sg.ingress, rule)))
    with unchanged(world), raises_aws("DependencyViolation"):
        cp.delete_managed_prefix_list(prefix_list_id=pl.id)
    world.put(sg)
    assert cp.delete_managed_prefix_list(prefix_list_id=pl.id).state == "delete-complete"
    assert pl.id not in world


def test_customer_managed_lists_per_region_quota(cp, world):
    """AWS "Amazon VPC quotas": customer-managed prefix lists per Region (100)
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    world.settings.quotas = "aws-default"  # a new account's value; the lab's is higher
    for i in range(100):
        cp.create_managed_prefix_list(prefix_list_name=f"pl{i}", max_entries=1, address_family="IPv4")
    with unchanged(world), raises_aws("PrefixListLimitExceeded",
                                      "The maximum number of prefix lists has been reached."):
        cp.create_managed_prefix_list(prefix_list_name="one-too-many", max_entries=1, address_family="IPv4")
