"""IPv6 network ACL entries: Ipv6CidrBlock, one CIDR family per entry, icmpv6, the IPv6 ``*`` entry and
the per-family quota. AWS docs: CreateNetworkAclEntry
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html), "Network ACL
rules" (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html), "Amazon VPC quotas"
(https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""

from __future__ import annotations

import pytest

from tests.conftest import raises_aws, unchanged
from tests.rules.ipv6_setup import give_vpc_ipv6
from vpclab.model.network_acl import NetworkAcl, acl_decision
from vpclab.model.quotas import limit

HTTPS6 = {"rule_number": 100, "protocol": "6", "rule_action": "allow", "egress": False,
          "ipv6_cidr_block": "::/0", "port_range": {"from": 443, "to": 443}}


@pytest.fixture
def acl(cp, world):
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    give_vpc_ipv6(world, vpc.id)
    return cp.create_network_acl(vpc_id=vpc.id)


def _acl(world, acl_id) -> NetworkAcl:
    return world.get(acl_id, NetworkAcl)


def test_new_acl_in_an_ipv6_vpc_denies_ipv6_too(cp, world, acl):
    """AWS "Network ACL rules": a custom network ACL ends with a ``*`` rule denying all IPv4 traffic
    and, in a VPC with an IPv6 CIDR block, one denying all IPv6 traffic — rule 32768 ("Amazon VPC
    quotas": "rule number 32767 for IPv4 and 32768 for IPv6")
    (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html)."""
    finals = sorted((e.rule_number, e.cidr) for e in acl.entries if not e.egress)
    assert finals == [(32767, "0.0.0.0/0"), (32768, "::/0")]
    assert all(e.is_final and e.rule_action == "deny" for e in acl.entries)
    assert acl_decision(acl, False, "tcp", 443, "2001:db8::1") == ("deny", 32768)


def test_an_ipv6_entry(cp, world, acl):
    """AWS CreateNetworkAclEntry: "Ipv6CidrBlock — The IPv6 network range to allow or deny, in CIDR
    notation" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html)."""
    entry = cp.create_network_acl_entry(network_acl_id=acl.id, **HTTPS6)
    assert (entry.ipv6_cidr_block, entry.cidr_block, entry.is_ipv6) == ("::/0", None, True)
    assert acl_decision(_acl(world, acl.id), False, "tcp", 443, "2001:db8::1") == ("allow", 100)
    assert acl_decision(_acl(world, acl.id), False, "tcp", 443, "8.8.8.8") == ("deny", 32767)


def test_one_cidr_of_one_family(cp, world, acl):
    """AWS CreateNetworkAclEntry: CidrBlock is "The IPv4 network range", Ipv6CidrBlock "The IPv6 network
    range"; an entry names one. AWS's message for neither is "Either 'cidrBlock' or 'ipv6CidrBlock'
    should be provided."; the wording for both and for a CIDR of the wrong family is undocumented
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html)."""
    with unchanged(world), raises_aws("MissingParameter",
                                      "Either 'cidrBlock' or 'ipv6CidrBlock' should be provided."):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS6, "ipv6_cidr_block": None})
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.create_network_acl_entry(network_acl_id=acl.id, **HTTPS6, cidr_block="0.0.0.0/0")
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value (0.0.0.0/0) for parameter ipv6CidrBlock is invalid. "
                                      "This is not a valid CIDR block."):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS6, "ipv6_cidr_block": "0.0.0.0/0"})
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value (::/0) for parameter cidrBlock is invalid. "
                                      "This is not a valid CIDR block."):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS6, "ipv6_cidr_block": None,
                                                                "cidr_block": "::/0"})


def test_rule_numbers_are_shared_by_both_families(cp, world, acl):
    """AWS "Network ACL rules": a direction's rules are numbered once — the default ACL's IPv4 and IPv6
    allow-all rules are 100 and 101 — so a number taken by an IPv4 entry is taken for IPv6 too
    (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html)."""
    cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS6, "ipv6_cidr_block": None,
                                                            "cidr_block": "0.0.0.0/0"})
    with unchanged(world), raises_aws("NetworkAclEntryAlreadyExists",
                                      "The network acl entry identified by 100 already exists."):
        cp.create_network_acl_entry(network_acl_id=acl.id, **HTTPS6)
    # ReplaceNetworkAclEntry may change an entry's family
    entry = cp.replace_network_acl_entry(network_acl_id=acl.id, **HTTPS6)
    assert _acl(world, acl.id).entry(100, False) == entry and entry.is_ipv6
    cp.delete_network_acl_entry(network_acl_id=acl.id, rule_number=100, egress=False)
    assert _acl(world, acl.id).entry(100, False) is None


def test_icmpv6_entries(cp, world, acl):
    """AWS CreateNetworkAclEntry, Protocol: "If you specify protocol 58 (ICMPv6) and specify an IPv4 CIDR
    block, traffic for all ICMP types and codes allowed, regardless of any that you specify. If you
    specify protocol 58 (ICMPv6) and specify an IPv6 CIDR block, you must specify an ICMP type and code"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html)."""
    icmp6 = {"rule_number": 110, "protocol": "58", "rule_action": "allow", "egress": False,
             "ipv6_cidr_block": "::/0"}
    with unchanged(world), raises_aws("MissingParameter"):
        cp.create_network_acl_entry(network_acl_id=acl.id, **icmp6)
    entry = cp.create_network_acl_entry(network_acl_id=acl.id, **icmp6,
                                        icmp_type_code={"type": 128, "code": 0})
    assert (entry.protocol, entry.icmp_type, entry.icmp_code) == ("58", 128, 0)
    v4 = cp.create_network_acl_entry(network_acl_id=acl.id, **{
        **icmp6, "rule_number": 120, "ipv6_cidr_block": None, "cidr_block": "0.0.0.0/0"})
    assert v4.icmp_type is None  # all types and codes


def test_entries_quota_is_per_family(cp, world, acl):
    """AWS "Amazon VPC quotas", rules per network ACL: "This quota is enforced separately for IPv4
    rules and IPv6 rules" (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    world.settings.quotas = "default"
    cap = limit("default", "rules_per_network_acl")
    for i in range(cap):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{
            **HTTPS6, "rule_number": i + 1, "ipv6_cidr_block": None, "cidr_block": "0.0.0.0/0"})
    for i in range(cap):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS6, "rule_number": 1000 + i})
    with unchanged(world), raises_aws("NetworkAclEntryLimitExceeded"):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS6, "rule_number": 2000})
