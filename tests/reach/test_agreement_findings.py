"""Tracer bugs found by comparing it with the all-pairs matrix and the brute force (bench/naive.py)
on the SMALL generated network (tcp/443), now fixed in the tracer (each test keeps its reproducer).

On SMALL's 2,385 cross-VPC interface pairs the tracer said "reachable" where AWS blocks on 584
(and on 42 the matrix, not the tracer, was wrong: tests/reach/test_matrix_tgw_nacls.py).
Both causes are the network ACLs on transit gateway paths, as AWS documents them in "Network ACLs
for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html):

- instances and the attachment in the same subnet: for traffic from the instances to the transit
  gateway, that subnet's outbound rules (by destination IP) AND its inbound rules (by source IP)
  are evaluated; for traffic from the transit gateway to the instances, neither;
- different subnets: the instance subnet's outbound rules (towards the transit gateway) and inbound
  rules (from it); the attachment subnet's inbound rules for traffic towards the transit gateway
  and its outbound rules for traffic from it.

Without appliance mode the transit gateway keeps a flow in its originating Availability Zone, so the
attachment subnet a flow enters a VPC through is the one in the sender's AZ.
"""

from __future__ import annotations

from .helpers import codes, design, run

#: VPC a (10.1/16) and VPC b (10.2/16) on one transit gateway; {a1_acl} and {b_acls} are filled in
TWO_VPCS = """
region: us-east-1
vpcs:
  a:
    cidr: 10.1.0.0/16
    subnets:
      a1: {{cidr: 10.1.1.0/24, az: us-east-1a}}
      a2: {{cidr: 10.1.2.0/24, az: us-east-1a}}
    route_tables: {{a-rt: {{subnets: [a1, a2], routes: {{10.0.0.0/8: tgw:hub}}}}}}
    network_acls: {{{a_acls}}}
    instances:
      a-host: {{subnet: a1, private_ip: 10.1.1.10}}
  b:
    cidr: 10.2.0.0/16
    subnets:
      b1: {{cidr: 10.2.1.0/24, az: us-east-1a}}
      b2: {{cidr: 10.2.2.0/24, az: us-east-1b}}
    route_tables: {{b-rt: {{subnets: [b1, b2], routes: {{10.0.0.0/8: tgw:hub}}}}}}
    network_acls: {{{b_acls}}}
    security_groups: {{b-sg: {{ingress: [{{protocol: tcp, port: 443, cidr: 10.0.0.0/8}}]}}}}
    instances:
      b-host: {{subnet: b2, groups: [b-sg], private_ip: 10.2.2.10}}
transit_gateways:
  hub:
    attachments:
      hub-a: {{vpc: a, subnets: [a1]}}
      hub-b: {{vpc: b, subnets: [b1, b2]}}
"""

ALLOW_ALL = "{100: {action: allow, cidr: 0.0.0.0/0}}"


def acl(name: str, subnet: str, *, ingress: str = ALLOW_ALL, egress: str = ALLOW_ALL) -> str:
    return f"{name}: {{subnets: [{subnet}], ingress: {ingress}, egress: {egress}}}"


def two_vpcs(*, a_acls: str = "", b_acls: str = "") -> str:
    return TWO_VPCS.format(a_acls=a_acls, b_acls=b_acls)


def test_baseline_without_custom_acls_is_reachable() -> None:
    """The reproducers' topology reaches (so each finding's block is the ACL's doing)."""
    t = run(design(two_vpcs()), "a-host", "b-host", port=443)
    assert t.disposition == "reachable", t.explanations


def test_same_subnet_as_attachment_outbound_acl_applies_towards_the_tgw() -> None:
    """a-host sits in a1, hub-a's attachment subnet; a1's ACL denies outbound to VPC b.

    AWS, "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html),
    same subnet for EC2 instances and transit gateway association: for traffic from instances to the
    transit gateway, "Outbound rules use the destination IP address for evaluation". So the request is
    denied. The tracer treats a1 → attachment as not crossing a subnet boundary and says reachable.
    SMALL: 178 interface pairs (and 239 more together with the entry-AZ finding below).
    """
    deny_b = "{90: {action: deny, cidr: 10.2.0.0/16}, 100: {action: allow, cidr: 0.0.0.0/0}}"
    t = run(design(two_vpcs(a_acls=acl("a1-acl", "a1", egress=deny_b))), "a-host", "b-host", port=443)
    assert t.disposition == "blocked"
    assert "SUBNET_ACL_RESTRICTION" in codes(t, "forward")


def test_same_subnet_as_attachment_inbound_acl_applies_by_source_ip() -> None:
    """a-host sits in a1, hub-a's attachment subnet; a1's ACL allows everything out but denies
    inbound from a-host's own address.

    AWS, "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html):
    same subnet, traffic from instances to the transit gateway: "Inbound rules use the source IP
    address for evaluation" — the packet entering the attachment's interface is checked against a1's
    inbound rules with source 10.1.1.10, and denied. The tracer says reachable.
    """
    deny_self = "{90: {action: deny, cidr: 10.1.1.10/32}, 100: {action: allow, cidr: 0.0.0.0/0}}"
    t = run(design(two_vpcs(a_acls=acl("a1-acl", "a1", ingress=deny_self))), "a-host", "b-host", port=443)
    assert t.disposition == "blocked"
    assert "SUBNET_ACL_RESTRICTION" in codes(t, "forward")


def test_tgw_delivers_in_the_originating_az_so_that_attachment_subnets_acl_applies() -> None:
    """a-host (us-east-1a) → b-host (b2, us-east-1b); hub-b has b1 (1a) and b2 (1b); b1's ACL denies
    outbound to b2.

    AWS keeps the flow in its originating AZ: "When appliance mode is not enabled, traffic is kept to
    the originating Availability Zone" ("Example: Appliance in a shared services VPC",
    https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html). So the
    transit gateway delivers through b1 and, "Network ACLs for transit gateways"
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html), the transit gateway subnet's
    "Outbound rules use the destination IP address to evaluate traffic from the transit gateway to
    the instances": b1 denies 10.2.2.10. The tracer enters through b2 (the destination's own AZ and
    subnet, where no ACL applies) and says reachable. SMALL: 125 interface pairs (239 more together
    with the same-subnet finding above).
    """
    deny_b2 = "{90: {action: deny, cidr: 10.2.2.0/24}, 100: {action: allow, cidr: 0.0.0.0/0}}"
    t = run(design(two_vpcs(b_acls=acl("b1-acl", "b1", egress=deny_b2))), "a-host", "b-host", port=443)
    assert t.disposition == "blocked"
    assert "SUBNET_ACL_RESTRICTION" in codes(t, "forward")


def test_reply_towards_the_tgw_checks_the_shared_subnets_inbound_rules_by_source_ip() -> None:
    """The reply (to the ephemeral port) follows the same rules: b-host sits in b2, one of hub-b's
    attachment subnets, so its reply towards the transit gateway is checked against b2's outbound
    rules (destination 10.1.1.10: allowed) and inbound rules by source IP (10.2.2.10: denied).

    AWS, "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html),
    same subnet, traffic from instances to the transit gateway: "Inbound rules use the source IP
    address for evaluation". The request enters VPC b through b1 (a-host's AZ) and passes b1's
    outbound and b2's inbound rules (source 10.1.1.10: allowed), so only the reply is blocked.
    """
    deny_self = "{90: {action: deny, cidr: 10.2.2.10/32}, 100: {action: allow, cidr: 0.0.0.0/0}}"
    t = run(design(two_vpcs(b_acls=acl("b2-acl", "b2", ingress=deny_self))), "a-host", "b-host", port=443)
    assert t.disposition == "blocked"
    assert codes(t, "forward") == []
    assert codes(t, "return") == ["SUBNET_ACL_RESTRICTION"]


def test_entry_az_falls_back_to_the_destinations_az_when_the_attachment_lacks_the_senders() -> None:
    """hub-b has subnets in us-east-1c (b3, listed first) and us-east-1b (b2), none in a-host's
    us-east-1a. AWS does not document where the transit gateway delivers then ("Example: Appliance in
    a shared services VPC", https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html,
    only says traffic is kept to the originating AZ); vpclab enters through the destination's AZ (b2),
    so b3's ACL, which denies outbound to b2, is not on the path."""
    deny_b2 = "{90: {action: deny, cidr: 10.2.2.0/24}, 100: {action: allow, cidr: 0.0.0.0/0}}"
    text = two_vpcs(b_acls=acl("b3-acl", "b3", egress=deny_b2))
    text = text.replace(
        "      b2: {cidr: 10.2.2.0/24, az: us-east-1b}\n",
        "      b2: {cidr: 10.2.2.0/24, az: us-east-1b}\n      b3: {cidr: 10.2.3.0/24, az: us-east-1c}\n",
    ).replace("hub-b: {vpc: b, subnets: [b1, b2]}", "hub-b: {vpc: b, subnets: [b3, b2]}")
    net = design(text)
    t = run(net, "a-host", "b-host", port=443)
    assert t.disposition == "reachable", t.explanations
    entry = [h for h in t.forward_hops if h.component == "transit-gateway-attachment"][-1]
    assert entry.detail.endswith("through b2 (us-east-1b)")
