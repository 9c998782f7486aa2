"""Tracer scenarios inside one VPC and over VPC peering.

AWS docs: "How Amazon VPC works" / route tables ("Configure route tables",
https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html); "Control subnet traffic with
network access control lists" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html);
"Security group rules" (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html);
VPC Peering guide, "Unsupported VPC peering configurations"
(https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html).
"""

from __future__ import annotations

import pytest

from vpclab.model.interfaces import NetworkInterface
from vpclab.reach import AmbiguousAddressError, UnknownEndpointError, trace

from .helpers import codes, design, example, path, plane, run

ONE_VPC = """
region: us-east-1
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      web: {cidr: 10.0.1.0/24, az: us-east-1a}
      db: {cidr: 10.0.2.0/24, az: us-east-1a}
    security_groups:
      web-sg: {ingress: [{protocol: tcp, port: 80, cidr: 10.0.0.0/16}]}
      db-sg: {ingress: [{protocol: tcp, port: 5432, group: web-sg}]}
    network_acls:
      db-acl:
        subnets: [db]
        ingress:
          100: {action: allow, protocol: tcp, port: 5432, cidr: 10.0.1.0/24}
        egress:
          100: {action: allow, protocol: tcp, port: 1024-65535, cidr: 10.0.1.0/24}
    instances:
      web-1: {subnet: web, groups: [web-sg], private_ip: 10.0.1.10}
      web-2: {subnet: web, groups: [web-sg], private_ip: 10.0.1.11}
      db-1: {subnet: db, groups: [db-sg], private_ip: 10.0.2.10}
"""


def test_same_subnet_needs_no_route_lookup_beyond_local_and_no_acl() -> None:
    """Same subnet: the local route delivers; network ACLs are not evaluated within a subnet
    ("Network ACL basics": ACLs control traffic entering and leaving a subnet)."""
    net = design(ONE_VPC)
    t = run(net, "web-1", "web-2", port=80)
    assert t.disposition == "reachable" and t.explanations == []
    assert path(t) == [
        "network-interface:web-1/eni",
        "security-group:web-sg",
        "route-table:app/main",
        "security-group:web-sg",
        "network-interface:web-2/eni",
    ]
    assert path(t, "return") == [
        "network-interface:web-2/eni",
        "route-table:app/main",
        "network-interface:web-1/eni",
    ]
    assert t.return_hops[0].packet.dst_port == 49152 and t.return_hops[0].packet.src_port == 80


def test_cross_subnet_uses_both_acls_and_group_reference() -> None:
    """Across subnets: the source subnet's outbound ACL and the destination's inbound ACL; the
    destination SG admits the source by referenced group membership ("Security group rules")."""
    net = design(ONE_VPC)
    t = run(net, "web-1", "db-1", port=5432)
    assert t.disposition == "reachable", t.explanations
    assert path(t) == [
        "network-interface:web-1/eni",
        "security-group:web-sg",
        "route-table:app/main",
        "network-acl:app/default-acl",
        "network-acl:db-acl",
        "security-group:db-sg",
        "network-interface:db-1/eni",
    ]
    assert "rule 100 allows inbound" in t.forward_hops[4].detail
    assert path(t, "return")[2:4] == ["network-acl:db-acl", "network-acl:app/default-acl"]


def test_acl_deny_forward_and_sg_mismatch_are_all_reported() -> None:
    """All causes: a NACL deny inbound (the final * rule) and a SG without a matching rule are both
    reported, each with a fix; the trace goes on past filters ("Network ACL rules": rules are
    evaluated lowest number first, and the * rule denies what nothing matched)."""
    net = design(ONE_VPC)
    t = run(net, "web-1", "db-1", port=3306)
    assert t.disposition == "blocked"
    assert codes(t) == ["SUBNET_ACL_RESTRICTION", "ENI_SG_RULES_MISMATCH"]
    acl = net.id("db-acl")
    first = t.explanations[0]
    assert first.component == acl
    assert first.message == "tcp 3306 10.0.1.10 → 10.0.2.10 denied by db-acl rule * inbound"
    assert first.fix == "add an inbound rule to db-acl allowing tcp 3306 from 10.0.1.0/24 (db)"
    sg = t.explanations[1]
    assert sg.component == net.id("db-sg")
    assert sg.fix == "allow tcp 3306 from 10.0.1.0/24 (or web-sg) inbound in db-sg"
    # the reply goes to port 49152, which the outbound 1024-65535 rule allows: nothing on the return path
    assert [e.direction for e in t.explanations] == ["forward", "forward"]
    assert path(t)[-1] == "network-interface:db-1/eni"  # the trace went on past both filters


def test_missing_ephemeral_rule_blocks_the_return_path() -> None:
    """NACLs are stateless: the reply to port 49152 needs its own outbound rule ("Ephemeral ports"
    in "Network ACL rules")."""
    text = ONE_VPC.replace(
        "egress:\n          100: {action: allow, protocol: tcp, port: 1024-65535, cidr: 10.0.1.0/24}",
        "egress:\n          100: {action: allow, protocol: tcp, port: 5432, cidr: 10.0.1.0/24}",
    )
    net = design(text)
    t = run(net, "web-1", "db-1", port=5432)
    assert t.disposition == "blocked"
    assert codes(t, "forward") == [] and codes(t, "return") == ["SUBNET_ACL_RESTRICTION"]
    e = t.explanations[0]
    acl = net.id("db-acl")
    assert e.component == acl
    assert e.message == "tcp 49152 10.0.2.10 → 10.0.1.10 denied by db-acl rule * outbound"
    assert e.fix == (
        "network ACLs are stateless: add an outbound rule to db-acl allowing tcp 1024-65535 to "
        "10.0.1.0/24, for the replies to the ephemeral port 49152 (db)"
    )


def test_peering_ok_both_directions() -> None:
    """An active peering with routes on both sides carries traffic both ways (VPC Peering guide,
    "Update your route tables for a VPC peering connection")."""
    net = example("two-peered-vpcs")
    t = run(net, "web-1", "db-1", port=5432)
    assert t.disposition == "reachable"
    assert path(t) == [
        "network-interface:web-1/eni",
        "security-group:web-sg",
        "route-table:app-public",
        "network-acl:app/default-acl",
        "vpc-peering-connection:app-db",
        "network-acl:db/default-acl",
        "security-group:db-sg",
        "network-interface:db-1/eni",
    ]
    assert "vpc-peering-connection:app-db" in path(t, "return")


def test_peering_is_not_transitive() -> None:
    """A–B–C: A cannot reach C through B, even with a route for C's CIDR to the A–B peering
    ("Unsupported VPC peering configurations": transitive peering)."""
    net = example("peering-triangle")
    t = run(net, "a-host", "c-host", port=22)
    assert t.disposition == "blocked" and codes(t) == ["NO_ROUTE_TO_DESTINATION"]
    assert t.explanations[0].fix.startswith("peering is not transitive")

    plane(net, "a-rt").create_route(
        route_table_id=net.id("a-rt"),
        destination_cidr_block="10.2.0.0/16",
        vpc_peering_connection_id=net.id("a-b"),
    )
    t = run(net, "a-host", "c-host", port=22)
    assert codes(t) == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    assert path(t)[-1] == "vpc-peering-connection:a-b"
    assert t.explanations[0].fix.startswith("peering is not transitive: a cannot reach c through b (b-c)")


def test_missing_return_route_over_peering() -> None:
    """Routes are needed on both sides of a peering; a missing one on the far side breaks replies."""
    net = example("two-peered-vpcs")
    plane(net, "db-rt").delete_route(route_table_id=net.id("db-rt"), destination_cidr_block="10.0.0.0/16")
    t = run(net, "web-1", "db-1", port=5432)
    assert t.disposition == "blocked" and codes(t, "return") == ["NO_ROUTE_TO_DESTINATION"]
    assert t.explanations[0].fix == (
        "missing return route: add a route for 10.0.0.0/16 to app-db in "
        "db-rt, so replies go back the way the request came"
    )


def test_sg_referencing_a_peer_vpc_group() -> None:
    """A rule may reference a security group of a peered VPC in the same Region (VPC Peering guide,
    "Update your security groups to reference peer security groups")."""
    net = design("""
region: us-east-1
vpcs:
  a:
    cidr: 10.0.0.0/16
    subnets: {a1: {cidr: 10.0.1.0/24}}
    route_tables: {a-rt: {subnets: [a1], routes: {10.1.0.0/16: pcx:ab}}}
    security_groups: {client-sg: {}}
    instances: {client: {subnet: a1, groups: [client-sg], private_ip: 10.0.1.10},
                other: {subnet: a1, private_ip: 10.0.1.11}}
  b:
    cidr: 10.1.0.0/16
    subnets: {b1: {cidr: 10.1.1.0/24}}
    route_tables: {b-rt: {subnets: [b1], routes: {10.0.0.0/16: pcx:ab}}}
    security_groups: {api-sg: {}}
    instances: {api: {subnet: b1, groups: [api-sg], private_ip: 10.1.1.10}}
peerings:
  ab: {requester: a, accepter: b}
""")
    # the rule is added once the peering is active (AWS requires an active peering for the reference)
    plane(net, "api-sg").authorize_security_group_ingress(
        group_id=net.id("api-sg"),
        ip_permissions=[
            {
                "ip_protocol": "tcp",
                "from_port": 443,
                "to_port": 443,
                "user_id_group_pairs": [{"group_id": net.id("client-sg")}],
            }
        ],
    )
    assert run(net, "client", "api", port=443).disposition == "reachable"
    t = run(net, "other", "api", port=443)
    assert codes(t) == ["ENI_SG_RULES_MISMATCH"]


def test_endpoint_errors() -> None:
    """Unknown ids and ambiguous addresses are ValueErrors with a clear message."""
    net = example("two-peered-vpcs")
    with pytest.raises(UnknownEndpointError, match="no resource eni-0000"):
        trace(net.world, "eni-0000", "internet")
    assert isinstance(UnknownEndpointError("x"), ValueError)
    overlap = design("""
region: us-east-1
vpcs:
  x: {cidr: 10.0.0.0/16, subnets: {x1: {cidr: 10.0.1.0/24}}}
  y: {cidr: 10.0.0.0/16, subnets: {y1: {cidr: 10.0.1.0/24}}}
""")
    with pytest.raises(AmbiguousAddressError, match=r'say which one, e.g. "vpc-[0-9a-f]+:10.0.1.5"'):
        trace(overlap.world, "10.0.1.5", "10.0.1.6")
    t = trace(overlap.world, f"{overlap.id('x')}:10.0.1.5", "10.0.1.6")
    assert t.disposition == "reachable" and t.forward_hops[0].id == overlap.id("x1")


def test_a_subnet_endpoint_does_not_borrow_an_interfaces_identity() -> None:
    """A subnet named as a source or destination is a host at its first usable address that no
    interface holds (AWS reserves the first four and the last address, "Subnet CIDR blocks",
    https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html), with no security groups:
    security groups belong to network interfaces, not subnets ("Security groups",
    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html). In shared-vpc the first
    usable address of each app subnet is an instance's; in tgw-inter-region-peering the transit gateway
    attachment's interface."""
    net = example("shared-vpc")
    world_ips = {ip for eni in net.world.all(NetworkInterface) for ip in eni.private_ip_addresses}
    t = run(net, "shared-app-a", "shared-app-b", port=443)  # app-1 → app-2 on 443 is SG-blocked
    assert t.disposition == "reachable" and codes(t) == []
    assert t.flow.src_ip not in world_ips and t.flow.dst_ip not in world_ips
    assert t.flow.src_ip == "10.50.1.5" and t.flow.dst_ip == "10.50.2.5"  # .4 is app-1's / app-2's
    assert not any(h.component in ("security-group", "network-interface") for h in t.forward_hops)
    assert path(t)[0] == "subnet:shared-app-a" and path(t)[-1] == "subnet:shared-app-b"
    assert t.forward_hops[0].detail == "source 10.50.1.5 (stands for the subnet shared-app-a)"
    assert "stands for the subnet" in t.forward_hops[-1].detail
    assert (
        "stands for the subnet" in t.return_hops[0].detail
        and "stands for the subnet" in t.return_hops[-1].detail
    )
    # naming the instance keeps its interface and security groups
    t = run(net, "app-1", "app-2", port=443)
    assert path(t)[:2] == ["network-interface:app-1/eni", "security-group:apps-sg"]
    assert codes(t) == ["ENI_SG_RULES_MISMATCH"]
    # an explicit address in the subnet is still that address (and the interface holding it)
    t = trace(net.world, f"{net.id('shared-app-a')}:10.50.1.4", net.id("app-2"), port=8080, names=net.names)
    assert path(t)[0] == "network-interface:app-1/eni"

    net = example("tgw-inter-region-peering")
    t = run(net, "east-app-a", "west-app-a", port=443)
    assert t.disposition == "reachable"
    assert path(t)[0] == "subnet:east-app-a" and path(t)[-1] == "subnet:west-app-a"
    assert not any(h.component == "network-interface" for h in (*t.forward_hops, *t.return_hops))


def test_the_tracer_speaks_the_callers_names() -> None:
    """With ``names=`` the tracer itself writes hop details, messages and fixes with the caller's names
    (``Hop.id`` and ``Explanation.component`` keep the ids, as Reachability Analyzer's components do,
    https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html); without, with ids; and
    the Network's ``trace`` (reach/api.py) gives the same answer."""
    net = example("peering-triangle")
    named = run(net, "a-host", "c-host", port=22)
    assert named.explanations[0].component == net.id("a-rt")
    assert named.explanations[0].message == "no route for 10.2.1.10 in a-rt"
    assert named.explanations[0].fix.startswith("peering is not transitive: a is peered with b, which is")
    hop = named.forward_hops[0]
    assert hop.id == net.id("a-host/eni") and hop.detail == "source 10.0.1.10 in a-app"
    assert all(net.id("a") not in h.detail for h in named.forward_hops)
    bare = trace(net.world, net.id("a-host"), net.id("c-host"), port=22)
    assert bare.explanations[0].message == f"no route for 10.2.1.10 in {net.id('a-rt')} (a-rt)"
    assert bare.explanations[0].fix.startswith(f"peering is not transitive: {net.id('a')} is peered with")
    assert bare.forward_hops[0].detail == f"source 10.0.1.10 in {net.id('a-app')}"
    assert net.trace("a-host", "c-host", port=22) == named
