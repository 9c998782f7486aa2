"""Network ACLs on transit gateway paths, per AWS "Network ACLs for transit gateways"
(https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html): the tracer, the interface and subnet
matrices and the brute force of bench/naive.py must agree, in both directions (request and reply)
and for the same-subnet cases.
"""

from __future__ import annotations

from bench import naive
from vpclab.topology import loads

NET = """
region: us-east-1
vpcs:
  a:
    cidr: 10.1.0.0/16
    subnets:
      a1: {{cidr: 10.1.1.0/24, az: us-east-1a}}
      a2: {{cidr: 10.1.2.0/24, az: us-east-1a}}
    route_tables: {{a-rt: {{subnets: [a1, a2], routes: {{10.0.0.0/8: tgw:hub}}}}}}
    network_acls: {{{a_acls}}}
    instances: {{a-host: {{subnet: a2, private_ip: 10.1.2.10}}}}
  b:
    cidr: 10.2.0.0/16
    subnets: {{b1: {{cidr: 10.2.1.0/24, az: us-east-1a}}}}
    route_tables: {{b-rt: {{subnets: [b1], routes: {{10.0.0.0/8: tgw:hub}}}}}}
    network_acls: {{{b_acls}}}
    security_groups: {{b-sg: {{ingress: [{{protocol: tcp, port: 443, cidr: 10.0.0.0/8}}]}}}}
    instances: {{b-host: {{subnet: b1, groups: [b-sg], private_ip: 10.2.1.10}}}}
transit_gateways:
  hub:
    attachments:
      hub-a: {{vpc: a, subnets: [a1]}}
      hub-b: {{vpc: b, subnets: [b1]}}
"""
ALLOW = "{100: {action: allow, cidr: 0.0.0.0/0}}"


def _verdicts(a_acls: str = "", b_acls: str = "") -> tuple[bool, bool]:
    """(tracer, interface matrix); also asserts the subnet matrix and naive agree with them."""
    net = loads(NET.format(a_acls=a_acls, b_acls=b_acls))
    t = net.trace("a-host", "b-host", protocol="tcp", port=443)
    m = net.matrix(protocol="tcp", port=443, level="interface")
    verdict = m.reachable("a-host/eni", "b-host/eni")
    a_eni, b_eni = net.id("a-host/eni"), net.id("b-host/eni")
    assert naive.interface_pair(net.world, a_eni, b_eni, "tcp", 443) == verdict
    a2, b1 = net.id("a2"), net.id("b1")
    sm = net.matrix(protocol="tcp", port=443, level="subnet")
    assert sm.reachable(a2, b1) == naive.subnet_pair(net.world, a2, b1, "tcp", 443)
    return t.disposition == "reachable", verdict


def test_baseline_reachable_in_both_engines() -> None:
    assert _verdicts() == (True, True)



def test_attachment_subnet_inbound_acl_applies_towards_the_tgw() -> None:
    """a-host in a2 → the attachment's subnet a1, whose ACL denies inbound from a2.

    AWS, "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html),
    different subnets: for the transit gateway subnet, "Inbound rules use the source IP address to
    evaluate traffic from the instances to the transit gateway" — blocked. SMALL tcp/443: 42
    interface pairs (84 subnet pairs) where the tracer blocks and the matrix says reachable.
    """
    deny_a2 = "{90: {action: deny, cidr: 10.1.2.0/24}, 100: {action: allow, cidr: 0.0.0.0/0}}"
    acls = f"a1-acl: {{subnets: [a1], ingress: {deny_a2}, egress: {ALLOW}}}"
    assert _verdicts(a_acls=acls) == (False, False)



def test_no_acl_applies_from_the_tgw_into_its_own_subnet() -> None:
    """b-host sits in b1, hub-b's attachment subnet; b1's ACL denies inbound from VPC a.

    AWS, "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html),
    same subnet: for traffic from the transit gateway to the instances, "Outbound rules are not
    evaluated. Inbound rules are not evaluated." The reply towards the transit gateway is checked
    against b1's outbound rules (destination 10.1.2.10: allowed) and inbound rules by source IP
    (10.2.1.10: allowed) — reachable. SMALL tcp/443: 8 interface pairs (16 subnet pairs).
    """
    deny_a = "{90: {action: deny, cidr: 10.1.0.0/16}, 100: {action: allow, cidr: 0.0.0.0/0}}"
    acls = f"b1-acl: {{subnets: [b1], ingress: {deny_a}, egress: {ALLOW}}}"
    assert _verdicts(b_acls=acls) == (True, True)


DENY_B = "{90: {action: deny, cidr: 10.2.0.0/16}, 100: {action: allow, cidr: 0.0.0.0/0}}"


def test_attachment_subnet_outbound_acl_applies_from_the_tgw() -> None:
    """The reply enters VPC a through the attachment subnet a1 (b-host's AZ), whose outbound rules
    deny a2's range (10.1.2.0/24): from the gateway through a1 towards a-host — blocked.

    AWS, "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html),
    different subnets, traffic from the transit gateway to the instances: the transit gateway
    subnet's "Outbound rules use the destination IP address to evaluate traffic".
    """
    deny_a2 = "{90: {action: deny, cidr: 10.1.2.0/24}, 100: {action: allow, cidr: 0.0.0.0/0}}"
    acls = f"a1-acl: {{subnets: [a1], ingress: {ALLOW}, egress: {deny_a2}}}"
    assert _verdicts(a_acls=acls) == (False, False)


def test_same_subnet_inbound_rules_apply_towards_the_tgw() -> None:
    """b-host sits in b1, hub-b's attachment subnet; b1's inbound rules deny b1's own range (by
    source IP), so b-host's reply towards the transit gateway is blocked.

    AWS, "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html),
    same subnet, traffic from the instances to the transit gateway: "Inbound rules use the source
    IP address to evaluate traffic from the instances to the transit gateway."
    """
    deny_b1 = "{80: {action: deny, cidr: 10.2.1.0/24}, 100: {action: allow, cidr: 0.0.0.0/0}}"
    acls = f"b1-acl: {{subnets: [b1], ingress: {deny_b1}, egress: {ALLOW}}}"
    assert _verdicts(b_acls=acls) == (False, False)


def test_same_subnet_outbound_rules_apply_towards_the_tgw() -> None:
    """b1's outbound rules deny VPC a: the reply (destination 10.1.2.10) is blocked towards the
    gateway even though b-host shares b1 with the attachment.

    AWS, "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html),
    same subnet: "Outbound rules use the destination IP address to evaluate traffic from the
    instances to the transit gateway."
    """
    deny_a = "{90: {action: deny, cidr: 10.1.0.0/16}, 100: {action: allow, cidr: 0.0.0.0/0}}"
    acls = f"b1-acl: {{subnets: [b1], ingress: {ALLOW}, egress: {deny_a}}}"
    assert _verdicts(b_acls=acls) == (False, False)


def test_attachment_subnet_inbound_allows_only_other_vpcs() -> None:
    """a1 denies inbound from VPC b only: the request from a2 passes a1 (source 10.1.2.10) and the
    reply enters through a1 without its inbound rules (from the gateway only the attachment
    subnet's outbound and the destination subnet's inbound rules apply) — reachable.

    AWS, "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html).
    """
    acls = f"a1-acl: {{subnets: [a1], ingress: {DENY_B}, egress: {ALLOW}}}"
    assert _verdicts(a_acls=acls) == (True, True)
