"""The cases where the all-pairs matrices used to answer differently from the tracer (docs/benchmarks.md,
"What reachable means here"), each now decided as the tracer decides it (``reach/exact_pairs.py``):
the key pair's verdict is asserted, and every pair of both matrices must agree with ``vpclab.reach.trace``.

The differential property test over generated networks is tests/reach/test_matrix_agreement.py.
"""

from __future__ import annotations

from bench.agreement import disagreements
from vpclab.network import Network
from vpclab.topology import loads

ALLOW = "{100: {action: allow, cidr: 0.0.0.0/0}}"


def deny(cidr: str) -> str:
    return f"{{90: {{action: deny, cidr: {cidr}}}, 100: {{action: allow, cidr: 0.0.0.0/0}}}}"


def spoke(name: str, n: int, subnets: dict[str, str], routes: str, acls: str = "", extra: str = "") -> str:
    """A VPC 10.n.0.0/16 whose subnets (name → AZ) are 10.n.k.0/24 and share one route table."""
    subs = ", ".join(
        f"{s}: {{cidr: 10.{n}.{k}.0/24, az: {az}}}" for k, (s, az) in enumerate(subnets.items(), 1)
    )
    return f"""
  {name}:
    cidr: 10.{n}.0.0/16
    subnets: {{{subs}}}
    route_tables: {{{name}-rt: {{subnets: [{", ".join(subnets)}], routes: {routes}}}}}
    network_acls: {{{acls}}}{extra}"""


def verdicts(
    net: Network, source: str, destination: str, protocol: str = "tcp", port: int = 443
) -> tuple[bool, bool]:
    """(subnet matrix, tracer) for one pair, after asserting that every pair of both matrices agrees
    with the tracer."""
    found = disagreements(net, protocol, port, limit=10)
    assert not found, "\n".join(found)
    s, d = net.id(source), net.id(destination)
    m = net.matrix(protocol=protocol, port=port, level="subnet")
    return m.reachable(s, d), net.trace(
        source, destination, protocol=protocol, port=port
    ).disposition == "reachable"


def test_several_transit_gateways_per_vpc_each_enters_through_its_own_attachment() -> None:
    """VPC b is attached to two transit gateways, through b1 to t1 and through b2 to t2, both in
    us-east-1a. a1 routes to b through t1, so the request enters b through b1 and b1's outbound
    rules, which deny b2's range, apply on the way to b2 — blocked. The matrix used the union of
    b's attachments (b2 is t2's entry subnet for us-east-1a) and let it through.

    AWS "How transit gateways work" (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html):
    the attachment's subnets are where traffic enters the VPC; "Network ACLs for transit gateways"
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html): the attachment subnet's outbound rules.
    """
    text = (
        "region: us-east-1\nvpcs:"
        + spoke("a", 1, {"a1": "us-east-1a"}, "{10.2.0.0/16: tgw:t1}")
        + spoke(
            "b",
            2,
            {"b1": "us-east-1a", "b2": "us-east-1a"},
            "{10.1.0.0/16: tgw:t1}",
            acls=f"b1-acl: {{subnets: [b1], ingress: {ALLOW}, egress: {deny('10.2.2.0/24')}}}",
        )
        + """
transit_gateways:
  t1: {attachments: {t1-a: {vpc: a, subnets: [a1]}, t1-b: {vpc: b, subnets: [b1]}}}
  t2:
    options: {amazon_side_asn: 64513}
    attachments: {t2-a: {vpc: a, subnets: [a1]}, t2-b: {vpc: b, subnets: [b2]}}
"""
    )
    assert verdicts(loads(text), "a1", "b2") == (False, False)
    assert verdicts(loads(text), "a1", "b1") == (True, True)


def test_a_middlebox_before_the_gateway_sets_the_originating_az() -> None:
    """a1 (us-east-1a) routes VPC b to a middlebox in a2 (us-east-1b), whose subnet routes it to the
    transit gateway: the flow reaches the gateway from us-east-1b and enters b through b2, whose
    outbound rules deny b1 — blocked. The matrix judged "delivered straight into b1" by a1's AZ.

    AWS "Example: Appliance in a shared services VPC"
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html): without
    appliance mode, traffic is kept to the originating Availability Zone.
    """
    text = (
        """region: us-east-1
vpcs:
  a:
    cidr: 10.1.0.0/16
    subnets: {a1: {cidr: 10.1.1.0/24, az: us-east-1a}, a2: {cidr: 10.1.2.0/24, az: us-east-1b}}
    route_tables:
      a1-rt: {subnets: [a1], routes: {10.2.0.0/16: instance:mb}}
      a2-rt: {subnets: [a2], routes: {10.2.0.0/16: tgw:hub}}
    security_groups: {mb-sg: {ingress: [{protocol: all, cidr: 10.0.0.0/8}]}}
    instances: {mb: {subnet: a2, groups: [mb-sg], source_dest_check: false}}"""
        + spoke(
            "b",
            2,
            {"b1": "us-east-1a", "b2": "us-east-1b"},
            "{10.1.0.0/16: tgw:hub}",
            acls=f"b2-acl: {{subnets: [b2], ingress: {ALLOW}, egress: {deny('10.2.1.0/24')}}}",
        )
        + """
transit_gateways:
  hub: {attachments: {hub-a: {vpc: a, subnets: [a1, a2]}, hub-b: {vpc: b, subnets: [b1, b2]}}}
"""
    )
    assert verdicts(loads(text), "a1", "b1") == (False, False)


def test_an_attachment_without_the_originating_az_enters_through_the_destinations_az() -> None:
    """hub-b has b3 (us-east-1c, listed first) and b2 (us-east-1b), none in a1's us-east-1a: the
    tracer enters through the destination's AZ (b2 itself: no ACL), the matrix entered through the
    first subnet b3, whose outbound rules deny b2 — it said blocked, the tracer reachable.

    AWS does not document the entry subnet then ("Example: Appliance in a shared services VPC",
    https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html, only keeps
    traffic to the originating AZ); vpclab's choice is the tracer's (the destination's AZ).
    """
    text = (
        "region: us-east-1\nvpcs:"
        + spoke("a", 1, {"a1": "us-east-1a"}, "{10.2.0.0/16: tgw:hub}")
        + spoke(
            "b",
            2,
            {"b2": "us-east-1b", "b3": "us-east-1c"},
            "{10.1.0.0/16: tgw:hub}",
            acls=f"b3-acl: {{subnets: [b3], ingress: {ALLOW}, egress: {deny('10.2.1.0/24')}}}",
        )
        + """
transit_gateways:
  hub: {attachments: {hub-a: {vpc: a, subnets: [a1]}, hub-b: {vpc: b, subnets: [b3, b2]}}}
"""
    )
    assert verdicts(loads(text), "a1", "b2") == (True, True)


def test_across_a_tgw_peering_the_entry_subnet_is_the_destinations_az() -> None:
    """a1 (us-east-1a) → east → peering → west → VPC w (w1 in eu-west-1a, w2 in eu-west-1b): a
    peering carries no originating AZ, so the flow enters w through the destination's AZ (w2: no
    ACL); the matrix took the originating AZ (absent: the first subnet w1, whose outbound rules deny
    w2) and said blocked.

    AWS "Transit gateway peering attachments"
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html); the entry subnet across a peering
    is undocumented, vpclab's choice is the tracer's.
    """
    text = (
        "region: us-east-1\nvpcs:"
        + spoke("a", 1, {"a1": "us-east-1a"}, "{10.2.0.0/16: tgw:east}")
        + spoke(
            "w",
            2,
            {"w1": "eu-west-1a", "w2": "eu-west-1b"},
            "{10.1.0.0/16: tgw:west}",
            acls=f"w1-acl: {{subnets: [w1], ingress: {ALLOW}, egress: {deny('10.2.2.0/24')}}}",
            extra="\n    region: eu-west-1",
        )
        + """
transit_gateways:
  east:
    attachments: {east-a: {vpc: a, subnets: [a1]}, east-west: {peer: west}}
    route_tables: {east-rt: {default: true, routes: {10.2.0.0/16: east-west}}}
  west:
    region: eu-west-1
    options: {amazon_side_asn: 64513}
    attachments: {west-w: {vpc: w, subnets: [w1, w2]}}
    route_tables: {west-rt: {default: true, routes: {10.1.0.0/16: east-west}}}
"""
    )
    assert verdicts(loads(text), "a1", "w2") == (True, True)


def test_appliance_mode_enters_through_the_destinations_az_and_the_reply_reuses_it() -> None:
    """hub-b has appliance mode: the request from a1 (us-east-1a) to b2 (us-east-1b) enters through
    b2 (the tracer's choice for the request: the destination's AZ), not b1, whose outbound rules deny
    b2 — reachable; the matrix did not model appliance mode and said blocked.

    AWS "Example: Appliance in a shared services VPC"
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html): with
    appliance mode the transit gateway picks one attachment interface for both directions of a flow.
    """
    text = (
        "region: us-east-1\nvpcs:"
        + spoke("a", 1, {"a1": "us-east-1a"}, "{10.2.0.0/16: tgw:hub}")
        + spoke(
            "b",
            2,
            {"b1": "us-east-1a", "b2": "us-east-1b"},
            "{10.1.0.0/16: tgw:hub}",
            acls=f"b1-acl: {{subnets: [b1], ingress: {ALLOW}, egress: {deny('10.2.2.0/24')}}}",
        )
        + """
transit_gateways:
  hub:
    attachments:
      hub-a: {vpc: a, subnets: [a1]}
      hub-b: {vpc: b, subnets: [b1, b2], appliance_mode: true}
"""
    )
    assert verdicts(loads(text), "a1", "b2") == (True, True)


def test_an_interface_endpoint_of_a_users_service_is_reached_through_to_the_targets() -> None:
    """The consumer reaches the endpoint's interface only if the load balancer's node reaches a
    target: the target's group admits only 10.9.0.0/16, not the node — blocked in the interface
    matrix, as the tracer follows PrivateLink to the target.

    AWS "Access AWS services through AWS PrivateLink"
    (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html) and
    "Network Load Balancers" target security groups.
    """
    text = """region: us-east-1
vpcs:
  p:
    cidr: 10.1.0.0/16
    subnets: {p1: {cidr: 10.1.1.0/24, az: us-east-1a}}
    security_groups: {api-sg: {ingress: [{protocol: tcp, port: 443, cidr: 10.9.0.0/16}]}}
    instances: {api: {subnet: p1, groups: [api-sg]}}
  c:
    cidr: 10.2.0.0/16
    subnets: {c1: {cidr: 10.2.1.0/24, az: us-east-1a}}
    security_groups: {ep-sg: {ingress: [{protocol: tcp, port: 443, cidr: 10.2.0.0/16}]}}
    instances: {client: {subnet: c1}}
    endpoints: {ep: {endpoint_service: svc, subnets: [c1], groups: [ep-sg]}}
endpoint_services:
  svc: {acceptance_required: false, nlb: {subnets: [p1], listeners: [443], targets: [api]}}
"""
    net = loads(text)
    assert not disagreements(net, "tcp", 443, limit=10)
    m = net.matrix(protocol="tcp", port=443, level="interface")
    ep_eni = net.resource("ep").network_interface_ids[0]  # type: ignore[attr-defined]
    assert not m.reachable(net.id("client/eni"), ep_eni)
    assert net.trace("client", ep_eni, protocol="tcp", port=443).disposition == "blocked"


def test_icmp_replies_carry_their_type_where_acl_rules_read_it() -> None:
    """a1's ACL admits only ICMP echo replies (type 0) inbound: a ping from a1 to b1 is answered
    (reachable in the matrix and the tracer; the tracer's reply used to carry no type and matched
    only rules for every type), and destination unreachable (type 3) is not admitted back.

    AWS "Control subnet traffic with network access control lists"
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html): ICMP rules match a type
    and code.
    """
    echo_reply = "{100: {action: allow, protocol: icmp, icmp_type: 0, icmp_code: -1, cidr: 10.0.0.0/8}}"
    text = "region: us-east-1\nvpcs:" + spoke(
        "a",
        1,
        {"a1": "us-east-1a", "a2": "us-east-1a"},
        "{}",
        acls=f"a1-acl: {{subnets: [a1], ingress: {echo_reply}, egress: {ALLOW}}}",
    )
    net = loads(text)
    assert verdicts(net, "a1", "a2", "icmp", 8) == (True, True)
    assert verdicts(net, "a1", "a2", "icmp", 3) == (False, False)
