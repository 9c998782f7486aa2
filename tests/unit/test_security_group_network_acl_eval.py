"""The pure evaluation functions the reachability engine uses: security group rule matching and
network ACL decisions (lowest rule number first, first match wins, final ``*`` deny)."""

from __future__ import annotations

import pytest

from vpclab.core.protocols import Protocol
from vpclab.model.network_acl import NetworkAcl, NetworkAclEntry, acl_decision
from vpclab.model.security_group import SecurityGroupRule, sg_rule_matches, sg_rule_matches_cidr


def _rule(protocol: str, lo: int = -1, hi: int = -1, cidr: str | None = "10.0.0.0/16") -> SecurityGroupRule:
    return SecurityGroupRule(security_group_rule_id="sgr-1", group_id="sg-1", is_egress=False,
                             ip_protocol=protocol, from_port=lo, to_port=hi, cidr_ipv4=cidr)


def _entry(n: int, action: str, protocol: str = "-1", cidr: str = "0.0.0.0/0", egress: bool = False,
           ports: tuple[int, int] | None = None, icmp: tuple[int, int] | None = None) -> NetworkAclEntry:
    return NetworkAclEntry(rule_number=n, egress=egress, protocol=protocol, rule_action=action,
                           cidr_block=cidr,
                           port_from=ports[0] if ports else None, port_to=ports[1] if ports else None,
                           icmp_type=icmp[0] if icmp else None, icmp_code=icmp[1] if icmp else None)


def _acl(*entries: NetworkAclEntry) -> NetworkAcl:
    finals = (_entry(32767, "deny"), _entry(32767, "deny", egress=True))
    return NetworkAcl(id="acl-1", owner_id="111111111111", region="us-east-1", vpc_id="vpc-1",
                      entries=tuple(entries) + finals)


@pytest.mark.parametrize(("name", "number"), [("tcp", "6"), ("UDP", "17"), ("icmp", "1"), ("-1", "-1"),
                                              ("all", "-1"), ("6", "6"), (50, "50")])
def test_protocol_number(name, number):
    """CreateNetworkAclEntry's Protocol is a number ("6", "-1"), whatever the user wrote."""
    assert Protocol(name).acl_protocol == number


def test_tcp_rule_matches_its_port_range_only():
    rule = _rule("tcp", 1000, 2000)
    assert sg_rule_matches(rule, "tcp", 1000) and sg_rule_matches(rule, "6", 2000)
    assert not sg_rule_matches(rule, "tcp", 999) and not sg_rule_matches(rule, "tcp", 2001)
    assert not sg_rule_matches(rule, "udp", 1500)
    assert not sg_rule_matches(rule, "tcp", None)  # "any port" needs a rule allowing every port
    assert sg_rule_matches(_rule("tcp", 0, 65535), "tcp", None)


def test_all_protocols_rule_matches_everything():
    rule = _rule("-1")
    assert all(sg_rule_matches(rule, p, port) for p,
               port in (("tcp", 22), ("udp", 53), ("icmp", 8), ("47", None)))


def test_icmp_rule_matches_type_and_code():
    echo = _rule("icmp", 8, -1)
    assert sg_rule_matches(echo, "icmp", 8, icmp_code=0) and not sg_rule_matches(echo, "icmp", 0)
    assert sg_rule_matches(_rule("icmp", -1, -1), "1", 3, icmp_code=4)
    assert not sg_rule_matches(_rule("icmp", 3, 4), "icmp", 3, icmp_code=1)


def test_other_protocol_rule_ignores_ports():
    assert sg_rule_matches(_rule("50"), "50", 1234) and not sg_rule_matches(_rule("50"), "51", None)


def test_cidr_rule_peer_matching():
    assert sg_rule_matches_cidr(_rule("-1"), "10.0.255.1")
    assert not sg_rule_matches_cidr(_rule("-1"), "10.1.0.1")
    assert not sg_rule_matches_cidr(_rule("-1", cidr=None), "10.0.0.1")


def test_lowest_rule_number_wins_regardless_of_order():
    """AWS: "Rules are evaluated starting with the lowest numbered rule. As soon as a rule matches
    traffic, it's applied regardless of any higher-numbered rule that might contradict it"."""
    acl = _acl(_entry(200, "allow", "6", ports=(22, 22)),
               _entry(100, "deny", "6", "10.0.0.0/8", ports=(22, 22)))
    assert acl_decision(acl, False, "tcp", 22, "10.1.2.3") == ("deny", 100)
    assert acl_decision(acl, False, "tcp", 22, "192.168.0.1") == ("allow", 200)


def test_unmatched_traffic_hits_the_final_deny():
    acl = _acl(_entry(100, "allow", "6", ports=(443, 443)))
    assert acl_decision(acl, False, "tcp", 80, "1.2.3.4") == ("deny", 32767)
    assert acl_decision(acl, True, "tcp", 443, "1.2.3.4") == ("deny", 32767)  # egress has no allow
    assert acl_decision(NetworkAcl(id="acl-2", owner_id="1", region="r", vpc_id="v"), False, "tcp", 1,
                        "1.1.1.1") \
        == ("deny", 32767)


def test_default_acl_allows_everything_new_acl_denies_everything():
    default = _acl(_entry(100, "allow"), _entry(100, "allow", egress=True))
    new = _acl()
    for egress in (False, True):
        assert acl_decision(default, egress, "udp", 53, "8.8.8.8") == ("allow", 100)
        assert acl_decision(new, egress, "udp", 53, "8.8.8.8") == ("deny", 32767)


def test_direction_and_protocol_are_respected():
    acl = _acl(_entry(10, "allow", "17", ports=(53, 53), egress=True), _entry(20, "allow", "1", icmp=(8, -1)))
    assert acl_decision(acl, True, "udp", 53, "8.8.8.8") == ("allow", 10)
    assert acl_decision(acl, False, "udp", 53, "8.8.8.8") == ("deny", 32767)
    assert acl_decision(acl, False, "icmp", 8, "8.8.8.8", icmp_code=0) == ("allow", 20)
    assert acl_decision(acl, False, "icmp", 0, "8.8.8.8") == ("deny", 32767)


def test_ephemeral_return_traffic_needs_its_own_rule():
    """NACLs are stateless: a reply on an ephemeral port is evaluated by the opposite direction's rules."""
    acl = _acl(_entry(100, "allow", "6", ports=(443, 443)),
               _entry(100, "allow", "6", egress=True, ports=(1024, 65535)))
    assert acl_decision(acl, False, "tcp", 443, "203.0.113.9") == ("allow", 100)
    assert acl_decision(acl, True, "tcp", 50000, "203.0.113.9") == ("allow", 100)
    assert acl_decision(acl, True, "tcp", 80, "203.0.113.9") == ("deny", 32767)
