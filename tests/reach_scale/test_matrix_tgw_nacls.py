"""Matrix (and bench/naive.py) findings on transit gateway paths: NACLs are checked at the two ends
only, where AWS evaluates them per "Network ACLs for transit gateways"
(https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html). Not fixed yet (the class key needs
each subnet's attachment-subnet role and per-AZ variants of Q, docs/benchmarks.md): strict xfails.
The tracer gets both right (each test checks it, so the markers stay honest).
"""

from __future__ import annotations

import pytest

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
    net = loads(NET.format(a_acls=a_acls, b_acls=b_acls))
    t = net.trace("a-host", "b-host", protocol="tcp", port=443)
    m = net.matrix(protocol="tcp", port=443, level="interface")
    return t.disposition == "reachable", m.reachable("a-host/eni", "b-host/eni")


def test_baseline_reachable_in_both_engines() -> None:
    assert _verdicts() == (True, True)


@pytest.mark.xfail(strict=True, reason="matrix ignores the TGW attachment subnet's inbound NACL")
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


@pytest.mark.xfail(strict=True, reason="matrix checks the destination's inbound NACL when the TGW delivers into that same subnet")
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
