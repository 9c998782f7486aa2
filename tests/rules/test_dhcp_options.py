"""DHCP options sets and the VPC attributes beside them. AWS docs: Amazon VPC User Guide, "DHCP option
sets in Amazon VPC" (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html), the API
reference "CreateDhcpOptions"
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDhcpOptions.html), "AssociateDhcpOptions"
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateDhcpOptions.html) and
"ModifyVpcAttribute" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcAttribute.html)."""

from __future__ import annotations

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab.model.dhcp_options import DhcpOptions


def _dns(*servers: str) -> list[dict[str, object]]:
    return [{"key": "domain-name-servers", "values": list(servers)}]


def test_a_new_vpc_uses_the_regions_default_set(cp):
    """"DHCP option sets in Amazon VPC": the default set has AmazonProvidedDNS and the domain name
    ec2.internal in us-east-1 (REGION.compute.internal elsewhere); new VPCs use it
    (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    default = cp.world.get(vpc.dhcp_options_id, DhcpOptions)
    assert default is not None and default.is_default and default.owner_id == cp.account_id
    assert default.values("domain-name-servers") == ("AmazonProvidedDNS",)
    assert default.values("domain-name") == ("ec2.internal",)
    assert cp.create_vpc(cidr_block="10.1.0.0/16").dhcp_options_id == default.id
    west = cp.as_(region="eu-west-1").create_vpc(cidr_block="10.0.0.0/16")
    west_default = cp.world.get(west.dhcp_options_id, DhcpOptions)
    assert west_default is not None and west_default.values("domain-name") == ("eu-west-1.compute.internal",)


def test_create_keeps_the_options_in_order(cp):
    """CreateDhcpOptions: several servers as one comma-separated value or several values
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDhcpOptions.html)."""
    dopt = cp.create_dhcp_options(dhcp_configurations=[
        {"key": "domain-name", "values": ["example.com"]},
        {"key": "domain-name-servers", "values": ["10.2.5.1,10.2.5.2"]},
        {"key": "netbios-node-type", "values": ["2"]},
    ], tags={"Name": "corp"})
    assert [(c.key, c.values) for c in dopt.dhcp_configurations] == [
        ("domain-name", ("example.com",)), ("domain-name-servers", ("10.2.5.1", "10.2.5.2")),
        ("netbios-node-type", ("2",))]
    assert dict(dopt.tags) == {"Name": "corp"}


@pytest.mark.parametrize("configurations, message", [
    (_dns("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"),
     "Value (10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5) for parameter domain-name-servers is invalid."),
    (_dns("dns.example.com"), "Value (dns.example.com) for parameter domain-name-servers is invalid."),
    ([{"key": "ntp-servers", "values": ["AmazonProvidedDNS"]}],
     "Value (AmazonProvidedDNS) for parameter ntp-servers is invalid."),
    ([{"key": "netbios-node-type", "values": ["3"]}],
     "Value (3) for parameter netbios-node-type is invalid."),
    ([{"key": "ipv6-address-preferred-lease-time", "values": ["139"]}],
     "Value (139) for parameter ipv6-address-preferred-lease-time is invalid."),
    ([{"key": "search-domain", "values": ["x"]}],
     "Value (search-domain) for parameter key is invalid. Unknown DHCP option"),
])
def test_option_values_follow_aws_rules(cp, world, configurations, message):
    """CreateDhcpOptions: "up to four" servers, IP addresses (AmazonProvidedDNS only for DNS), NetBIOS
    node type 1, 2, 4 or 8, the IPv6 lease time 140–2147483647 seconds, only AWS's keys. (The
    messages' wording is undocumented; the code is AWS's InvalidParameterValue.) (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDhcpOptions.html)"""
    with unchanged(world), raises_aws("InvalidParameterValue", message):
        cp.create_dhcp_options(dhcp_configurations=configurations)


def test_the_quota_of_sets_per_region(cp, world):
    """Amazon VPC quotas, "DHCP options sets per Region" (1,000 by default, adjustable) (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
    The code DhcpOptionsLimitExceeded is from AWS's error codes; the message's wording is undocumented."""
    world.settings.quotas = "default"
    cp.create_vpc(cidr_block="10.0.0.0/16")  # the default set counts
    for _ in range(cp.ctx.quota("dhcp_options_sets_per_region") - 1):
        cp.create_dhcp_options(dhcp_configurations=_dns("10.0.0.2"))
    with unchanged(world), raises_aws("DhcpOptionsLimitExceeded",
                                      "The maximum number of DHCP options sets has been reached."):
        cp.create_dhcp_options(dhcp_configurations=_dns("10.0.0.2"))


def test_associate_a_set_then_default_for_none(cp):
    """AssociateDhcpOptions: a set, or "default to associate no DHCP options with the VPC"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateDhcpOptions.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    dopt = cp.create_dhcp_options(dhcp_configurations=_dns("10.0.0.2"))
    cp.associate_dhcp_options(dhcp_options_id=dopt.id, vpc_id=vpc.id)
    assert cp.world.get(vpc.id).dhcp_options_id == dopt.id
    cp.associate_dhcp_options(dhcp_options_id="default", vpc_id=vpc.id)
    assert cp.world.get(vpc.id).dhcp_options_id == "default"


def test_unknown_set_is_not_found(cp, world):
    """EC2 error codes: InvalidDhcpOptionID.NotFound, "The specified DHCP options set does not exist"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws("InvalidDhcpOptionID.NotFound",
                                      "The dhcpOption ID 'dopt-0123456789abcdef0' does not exist"):
        cp.associate_dhcp_options(dhcp_options_id="dopt-0123456789abcdef0", vpc_id=vpc.id)


def test_another_accounts_set_is_not_found(cp, world):
    """A set belongs to its account and Region: another account's set does not exist for the caller
    (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    theirs = cp.as_(account_id="222233334444").create_dhcp_options(dhcp_configurations=_dns("10.0.0.2"))
    with unchanged(world), raises_aws("InvalidDhcpOptionID.NotFound",
                                      f"The dhcpOption ID '{theirs.id}' does not exist"):
        cp.associate_dhcp_options(dhcp_options_id=theirs.id, vpc_id=vpc.id)


def test_delete_refused_while_a_vpc_uses_the_set(cp, world):
    """"DHCP option sets in Amazon VPC": a set must be disassociated from every VPC before it is
    deleted (DependencyViolation while associated) (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    dopt = cp.create_dhcp_options(dhcp_configurations=_dns("10.0.0.2"))
    cp.associate_dhcp_options(dhcp_options_id=dopt.id, vpc_id=vpc.id)
    with unchanged(world), raises_aws("DependencyViolation",
                                      f"The dhcpOptions '{dopt.id}' has dependencies and cannot be deleted."):
        cp.delete_dhcp_options(dhcp_options_id=dopt.id)
    cp.associate_dhcp_options(dhcp_options_id="default", vpc_id=vpc.id)
    cp.delete_dhcp_options(dhcp_options_id=dopt.id)
    assert cp.world.get(dopt.id) is None


def test_network_address_usage_metrics_is_one_attribute_per_call(cp, world):
    """ModifyVpcAttribute: EnableNetworkAddressUsageMetrics (off by default), and "You can only modify
    one attribute at a time" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcAttribute.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    assert vpc.enable_network_address_usage_metrics is False
    cp.modify_vpc_attribute(vpc_id=vpc.id, enable_network_address_usage_metrics=True)
    assert cp.world.get(vpc.id).enable_network_address_usage_metrics is True
    with unchanged(world), raises_aws("InvalidParameterCombination",
                                      "Only one attribute may be modified per request."):
        cp.modify_vpc_attribute(vpc_id=vpc.id, enable_network_address_usage_metrics=False,
                                enable_dns_support=False)
