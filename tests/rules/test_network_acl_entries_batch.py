"""``create_network_acl_entries``, vpclab's own action (AWS has none: CreateNetworkAclEntry takes one
entry) for loaders whose ACLs come with their entries: each entry meets CreateNetworkAclEntry's rules
("Network ACL rules", https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html; the quota
"Rules per network ACL", https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html),
and the batch is all or nothing."""

from __future__ import annotations

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab.model.quotas import limit

HTTPS = {"rule_number": 100, "protocol": "6", "rule_action": "allow", "egress": False,
         "cidr_block": "0.0.0.0/0", "port_range": {"from": 443, "to": 443}}


@pytest.fixture
def acl(cp):
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    return cp.create_network_acl(vpc_id=vpc.id)


def test_a_batch_adds_what_single_calls_add(cp, world, acl):
    """The same entries as CreateNetworkAclEntry one by one, in order, in one change of the ACL
    (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html)."""
    replies = {**HTTPS, "rule_number": 110, "egress": True, "port_range": {"from": 1024, "to": 65535}}
    entries = [HTTPS, replies,
               {"rule_number": 120, "protocol": "1", "rule_action": "deny", "egress": False,
                "cidr_block": "10.9.0.0/16", "icmp_type_code": {"type": 8, "code": -1}}]
    version = world.version
    added = cp.create_network_acl_entries(network_acl_id=acl.id, entries=entries)
    assert world.version == version + 1
    other = cp.create_network_acl(vpc_id=acl.vpc_id)
    singles = [cp.create_network_acl_entry(network_acl_id=other.id, **e) for e in entries]
    assert added == tuple(singles)
    assert world.get(acl.id).entries[-3:] == added


@pytest.mark.parametrize("second, code", [
    ({**HTTPS}, "NetworkAclEntryAlreadyExists"),                        # repeats the first entry's number
    ({**HTTPS, "rule_number": 32767}, "InvalidParameterValue"),          # AWS: 1 to 32766
    ({**HTTPS, "rule_number": 101, "protocol": "tcp"}, "InvalidParameterValue"),  # numbers only
    ({**HTTPS, "rule_number": 101, "port_range": None}, "MissingParameter"),
])
def test_a_refused_entry_refuses_the_batch(cp, world, acl, second, code):
    """The first refused entry answers its CreateNetworkAclEntry error and nothing is added
    (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html)."""
    with unchanged(world), raises_aws(code):
        cp.create_network_acl_entries(network_acl_id=acl.id, entries=[HTTPS, second])


def test_the_quota_counts_the_batch_entries_before(cp, world, acl):
    """"Rules per network ACL", per direction: entries earlier in the batch count
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    world.settings.quotas = "default"
    cap = limit("default", "rules_per_network_acl")
    full = [{**HTTPS, "rule_number": n} for n in range(1, cap + 1)]
    with unchanged(world), raises_aws("NetworkAclEntryLimitExceeded"):
        cp.create_network_acl_entries(network_acl_id=acl.id,
                                      entries=[*full, {**HTTPS, "rule_number": cap + 1}])
    cp.create_network_acl_entries(network_acl_id=acl.id, entries=[*full, {**HTTPS, "rule_number": cap + 1,
                                                                          "egress": True}])


def test_a_cached_entry_still_refuses_bad_input_each_time(cp, world, acl):
    """Entries are made once per distinct parameters; a refused one is refused every time, and a
    mapping that cannot be hashed is checked too (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html)."""
    bad = {**HTTPS, "port_range": {"from": 443, "to": 70000}}
    for _ in range(2):
        with unchanged(world), raises_aws("InvalidParameterValue"):
            cp.create_network_acl_entry(network_acl_id=acl.id, **bad)
    # (AWS's own parser refuses a non-integer before the action; the wording here is vpclab's)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value ([1]) for parameter portRange.from is invalid."):
        cp.create_network_acl_entry(network_acl_id=acl.id, **{**HTTPS, "port_range": {"from": [1], "to": 2}})
