"""IPv6 security group rules: Ipv6Ranges / CidrIpv6, icmpv6, the per-family rules quota. AWS docs:
"Security group rules" (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html),
AuthorizeSecurityGroupIngress and IpPermission / Ipv6Range in the EC2 API Reference
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html)."""

from __future__ import annotations

from tests.conftest import raises_aws, unchanged
from tests.rules.ipv6_setup import give_vpc_ipv6

SSH6 = {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "ipv6_ranges": [{"cidr_ipv6": "2001:db8::/32"}]}


def _sg(cp, cidr="10.0.0.0/16"):
    vpc = cp.create_vpc(cidr_block=cidr)
    return vpc, cp.create_security_group(group_name="web", description="test group", vpc_id=vpc.id)


def test_ipv6_ranges_become_cidr_ipv6_rules(cp, world):
    """AWS IpPermission: "Ipv6Ranges — The IPv6 address ranges"; each range is one rule with CidrIpv6
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html)."""
    _, sg = _sg(cp)
    (rule,) = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[SSH6])
    assert (rule.cidr_ipv6, rule.cidr_ipv4, rule.ip_protocol, rule.from_port) == (
        "2001:db8::/32", None, "tcp", 22)
    # both families in one permission: one rule each
    both = {**SSH6, "from_port": 443, "to_port": 443, "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}],
            "ipv6_ranges": [{"cidr_ipv6": "::/0", "description": "v6 web"}]}
    rules = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[both])
    assert sorted(r.peer for r in rules) == ["0.0.0.0/0", "::/0"]


def test_each_family_in_its_own_member(cp, world):
    """AWS IpRange.CidrIp is "The IPv4 address range"; Ipv6Range.CidrIpv6 "The IPv6 address range": an
    address of the other family is not a valid CIDR block there (AWS's wording is undocumented; vpclab
    uses its CIDR-parameter message) (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Ipv6Range.html)."""
    _, sg = _sg(cp)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value (10.0.0.0/8) for parameter cidrIpv6 is invalid. "
                                      "This is not a valid CIDR block."):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {**SSH6, "ipv6_ranges": [{"cidr_ipv6": "10.0.0.0/8"}]}])
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value (::/0) for parameter cidrIp is invalid. "
                                      "This is not a valid CIDR block."):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "ip_ranges": [{"cidr_ip": "::/0"}]}])


def test_duplicate_ipv6_rule(cp, world):
    """AWS: a rule identical to an existing one is InvalidPermission.Duplicate; the same ports for the
    other family are another rule (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    _, sg = _sg(cp)
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[SSH6])
    with unchanged(world), raises_aws(
            "InvalidPermission.Duplicate",
            'the specified rule "peer: 2001:db8::/32, TCP, from port: 22, to port: 22, ALLOW" '
            'already exists'):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {**SSH6, "ipv6_ranges": [{"cidr_ipv6": "2001:DB8:0::/32"}]}])
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {**SSH6, "ipv6_ranges": [], "ip_ranges": [{"cidr_ip": "10.0.0.0/16"}]}])


def test_icmpv6_rules(cp, world):
    """AWS IpPermission: icmpv6 rules name an ICMP type and code (FromPort/ToPort, -1 for all)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html)."""
    _, sg = _sg(cp)
    (rule,) = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {"ip_protocol": "58", "from_port": 128, "to_port": -1, "ipv6_ranges": [{"cidr_ipv6": "::/0"}]}])
    assert (rule.ip_protocol, rule.from_port, rule.to_port) == ("icmpv6", 128, -1)


def test_revoke_and_modify_ipv6_rules(cp, world):
    """AWS RevokeSecurityGroupIngress matches a rule by its values (Ipv6Ranges included);
    ModifySecurityGroupRules takes CidrIpv6 (SecurityGroupRuleRequest)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRuleRequest.html)."""
    _, sg = _sg(cp)
    (rule,) = cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[SSH6])
    (changed,) = cp.modify_security_group_rules(group_id=sg.id, security_group_rules=[{
        "security_group_rule_id": rule.security_group_rule_id,
        "security_group_rule": {"ip_protocol": "tcp", "from_port": 22, "to_port": 22,
                                "cidr_ipv6": "2001:db8:1::/48"}}])
    assert changed.cidr_ipv6 == "2001:db8:1::/48"
    assert changed.security_group_rule_id == rule.security_group_rule_id
    with unchanged(world), raises_aws("InvalidPermission.NotFound"):
        cp.revoke_security_group_ingress(group_id=sg.id, ip_permissions=[SSH6])
    result = cp.revoke_security_group_ingress(group_id=sg.id, ip_permissions=[
        {**SSH6, "ipv6_ranges": [{"cidr_ipv6": "2001:db8:1::/48"}]}])
    assert [r.security_group_rule_id for r in result.revoked] == [rule.security_group_rule_id]


def test_rules_quota_is_per_family(cp, world):
    """AWS "Amazon VPC quotas", inbound or outbound rules per security group: "This quota is enforced
    separately for IPv4 rules and IPv6 rules ... A rule that references a security group or prefix
    list ID counts as one rule for IPv4 and one rule for IPv6"
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    from vpclab.model.quotas import limit

    world.settings.quotas = "default"
    cap = limit("default", "rules_per_security_group")
    _, sg = _sg(cp)
    v4 = [{"cidr_ip": f"10.{i // 256}.{i % 256}.0/24"} for i in range(cap)]
    v6 = [{"cidr_ipv6": f"2001:db8:{i:x}::/48"} for i in range(cap)]
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[{**SSH6, "ipv6_ranges": [],
                                                                         "ip_ranges": v4}])
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[{**SSH6, "ipv6_ranges": v6}])
    with unchanged(world), raises_aws("RulesPerSecurityGroupLimitExceeded"):
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {**SSH6, "ipv6_ranges": [{"cidr_ipv6": "2001:db9::/32"}]}])
    other = cp.create_security_group(group_name="other", description="d", vpc_id=sg.vpc_id)
    with unchanged(world), raises_aws("RulesPerSecurityGroupLimitExceeded"):  # counts in both families
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
            {**SSH6, "ipv6_ranges": [], "user_id_group_pairs": [{"group_id": other.id}]}])


def test_new_group_in_an_ipv6_vpc_allows_all_ipv6_outbound(cp, world):
    """AWS "Security group rules", default rules of a new group: an outbound rule that allows all
    outbound IPv4 traffic and, if the VPC has an IPv6 CIDR block, one for all outbound IPv6 traffic
    (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    give_vpc_ipv6(world, vpc.id)
    sg = cp.create_security_group(group_name="web", description="d", vpc_id=vpc.id)
    assert sorted(r.peer for r in sg.egress) == ["0.0.0.0/0", "::/0"]
    assert all(r.ip_protocol == "-1" for r in sg.egress)
