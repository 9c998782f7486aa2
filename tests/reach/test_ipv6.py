"""Reachability over IPv6 (issue 9): traces of IPv6 flows, each explanation case of the dual-stack
design, on examples/two-peered-vpcs.yaml made dual-stack (tests/reach/ipv6_worlds.py).

AWS pages: "IPv6 support for your VPC" and "Compare IPv4 and IPv6"
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-migrate-ipv6.html,
https://docs.aws.amazon.com/vpc/latest/userguide/ipv4-ipv6-comparison.html): a VPC's IPv6
addresses are global unicast, an internet gateway carries IPv6 without translation; "Enable
outbound IPv6 traffic using an egress-only internet gateway"
(https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html): outbound
IPv6 and its replies only; "DNS64 and NAT64"
(https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html): a NAT gateway
translates IPv6 to ``64:ff9b::/96`` into IPv4; "Default network ACL"
(https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html): rule 101 allows ``::/0``
each way and a ``*`` rule denies the rest of IPv6. AWS Reachability Analyzer analyses IPv4 paths only
("Reachability Analyzer considerations"), so the codes for what only IPv6 has are vpclab's
(``VPCLAB_EGRESS_ONLY_INBOUND``, ``VPCLAB_NAT64_PREFIX_REQUIRED``).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from vpclab.model.gateways import NatGateway
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.network_acl import NetworkAcl, NetworkAclAssociation, NetworkAclEntry
from vpclab.model.route_table import Route
from vpclab.model.security_group import SecurityGroup
from vpclab.reach import ReachError, UnsupportedEndpointError, trace

from .helpers import codes, path, run
from .ipv6_worlds import (
    DB1_6,
    WEB6,
    add_route,
    drop_route,
    egress_only_gateway,
    two_peered_dual_stack,
)


@pytest.fixture
def net():  # type: ignore[no-untyped-def]
    return two_peered_dual_stack()


def details(t, direction="forward"):  # type: ignore[no-untyped-def]
    return [h.detail for h in (t.forward_hops if direction == "forward" else t.return_hops)]


def test_a_named_resource_is_traced_over_ipv4_unless_ipv6_is_asked(net):  # type: ignore[no-untyped-def]
    """AWS Reachability Analyzer analyses a named instance at its IPv4 address; vpclab does the same by
    default and takes the IPv6 address with ip_version=6: same components, IPv6 routes and rules."""
    v4 = run(net, "web-1", "db-1", protocol="tcp", port=5432)
    v6 = run(net, "web-1", "db-1", protocol="tcp", port=5432, ip_version=6)
    assert v4.disposition == v6.disposition == "reachable"
    assert v4.flow.src_ip == "10.0.1.10" and v6.flow.src_ip == WEB6 and v6.flow.dst_ip == DB1_6
    assert path(v4) == path(v6)
    assert "2600:1f18:b:100::/56 → app-db" in details(v6)
    assert "ingress rule allows tcp 5432 from 2600:1f18:a:100::/56" in details(v6)
    assert "rule 101 allows inbound (db-data)" in details(v6)


def test_an_ipv6_address_names_the_family(net):  # type: ignore[no-untyped-def]
    t = run(net, "web-1", DB1_6, protocol="tcp", port=5432)
    assert t.disposition == "reachable" and t.flow.src_ip == WEB6
    t = run(net, f"{net.id('web-1')}:{WEB6}", "db-1", protocol="tcp", port=5432)
    assert t.flow.dst_ip == DB1_6 and t.disposition == "reachable"
    # any spelling of the address finds the interface
    t = run(net, "web-1", "2600:1f18:b:101:0:0:0:10", protocol="tcp", port=5432)
    assert t.disposition == "reachable" and path(t)[-1] == "network-interface:db-1/eni"


def test_mixed_families_are_refused(net):  # type: ignore[no-untyped-def]
    with pytest.raises(ReachError, match="different address families"):
        run(net, "10.0.1.10", DB1_6, protocol="tcp", port=5432)
    with pytest.raises(ReachError, match="not IPv4"):
        run(net, "web-1", DB1_6, protocol="tcp", port=5432, ip_version=4)


def test_a_resource_without_an_ipv6_address(net):  # type: ignore[no-untyped-def]
    eni = net.world.get(net.resource("db-1").network_interface_ids[0], NetworkInterface)  # type: ignore[attr-defined]
    net.world.put(replace(eni, ipv6_addresses=()))
    with pytest.raises(UnsupportedEndpointError, match="has no IPv6 address"):
        run(net, "web-1", "db-1", protocol="tcp", port=5432, ip_version=6)


def test_subnet_as_an_ipv6_endpoint_stands_at_a_free_address_of_its_64(net):  # type: ignore[no-untyped-def]
    t = run(net, "app-private", "db-data", protocol="tcp", port=5432, ip_version=6)
    assert t.flow.src_ip == "2600:1f18:a:102::4" and t.flow.dst_ip == "2600:1f18:b:101::4"
    assert t.disposition == "reachable"


def test_security_group_without_an_ipv6_rule(net):  # type: ignore[no-untyped-def]
    """A rule of one family never matches the other: db-sg's IPv4 rule does not admit IPv6."""
    sg = net.world.get(net.id("db-sg"), SecurityGroup)
    net.world.put(replace(sg, ingress=tuple(r for r in sg.ingress if r.cidr_ipv6 is None)))
    assert run(net, "web-1", "db-1", protocol="tcp", port=5432).disposition == "reachable"
    t = run(net, "web-1", "db-1", protocol="tcp", port=5432, ip_version=6)
    assert t.disposition == "blocked" and codes(t) == ["ENI_SG_RULES_MISMATCH"]
    assert "allow tcp 5432 from 2600:1f18:a:101::/64" in t.explanations[0].fix


def test_network_acl_with_ipv4_entries_only_denies_ipv6(net):  # type: ignore[no-untyped-def]
    """A custom network ACL with only IPv4 entries ends in the IPv6 catch-all deny (AWS: a new ACL
    denies both families until you add rules)."""
    w = net.world
    sub = net.id("db-data")
    default = next(a for a in w.all(NetworkAcl) if a.vpc_id == net.resource("db").id and a.is_default)
    w.put(replace(default, associations=()))
    entries = tuple(
        NetworkAclEntry(rule_number=n, egress=eg, protocol="-1", rule_action=act, cidr_block=c)
        for eg in (False, True)
        for n, act, c in ((100, "allow", "0.0.0.0/0"), (32767, "deny", "0.0.0.0/0"))
    ) + tuple(
        NetworkAclEntry(
            rule_number=32768, egress=eg, protocol="-1", rule_action="deny", ipv6_cidr_block="::/0"
        )
        for eg in (False, True)
    )
    w.put(
        NetworkAcl(
            id="acl-0000000000000abcd",
            owner_id=default.owner_id,
            region=default.region,
            vpc_id=default.vpc_id,
            entries=entries,
            associations=(
                NetworkAclAssociation(
                    network_acl_association_id="aclassoc-00000000000001234",
                    network_acl_id="acl-0000000000000abcd",
                    subnet_id=sub,
                ),
            ),
        )
    )
    assert run(net, "web-1", "db-1", protocol="tcp", port=5432).disposition == "reachable"
    t = run(net, "web-1", "db-1", protocol="tcp", port=5432, ip_version=6)
    assert t.disposition == "blocked" and set(codes(t)) == {"SUBNET_ACL_RESTRICTION"}
    assert "rule * denies inbound (db-data)" in details(t)
    assert "2600:1f18:a:101::/64" in t.explanations[0].fix


def test_internet_gateway_carries_ipv6_without_a_public_ipv4(net):  # type: ignore[no-untyped-def]
    """IGW egress in IPv6 needs no public address: the interface's IPv6 address is global. Without a
    public IPv4 the same instance cannot reach the internet over IPv4."""
    eni = net.world.get(net.resource("web-1").network_interface_ids[0], NetworkInterface)  # type: ignore[attr-defined]
    net.world.put(replace(eni, public_ip=None))
    v4 = run(net, "web-1", "internet", protocol="tcp", port=443)
    assert "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS" in codes(v4)
    v6 = run(net, "web-1", "internet", protocol="tcp", port=443, ip_version=6)
    assert v6.disposition == "reachable" and v6.flow.dst_ip == "2001:db8:ffff::10"
    assert f"IPv6 {WEB6} (global, not translated)" in details(v6)
    inbound = run(net, "internet", "web-1", protocol="tcp", port=443, ip_version=6)
    assert inbound.disposition == "reachable" and inbound.flow.dst_ip == WEB6


def test_no_ipv6_route_names_the_gateways(net):  # type: ignore[no-untyped-def]
    drop_route(net, "app-public", "::/0")
    t = run(net, "web-1", "internet", protocol="tcp", port=443, ip_version=6)
    assert codes(t) == ["NO_ROUTE_TO_DESTINATION"]
    assert "add a route for ::/0 to" in t.explanations[0].fix


def test_egress_only_gateway_carries_outbound_flows_and_their_replies(net):  # type: ignore[no-untyped-def]
    eigw = egress_only_gateway(net, "db")
    add_route(net, "db-rt", Route(destination_ipv6_cidr_block="::/0", egress_only_internet_gateway_id=eigw))
    t = run(net, "db-1", "internet", protocol="tcp", port=443, ip_version=6)
    assert t.disposition == "reachable"
    assert [h.component for h in t.forward_hops][-1] == "egress-only-internet-gateway"
    assert t.return_hops[0].component == "egress-only-internet-gateway"
    # IPv4 never matches an IPv6 route: no route to the internet over IPv4
    assert codes(run(net, "db-1", "internet", protocol="tcp", port=443)) == ["NO_ROUTE_TO_DESTINATION"]


def test_egress_only_gateway_refuses_a_flow_started_outside(net):  # type: ignore[no-untyped-def]
    """The case a user expects to work: inbound from the internet through an egress-only gateway."""
    eigw = egress_only_gateway(net, "db")
    add_route(net, "db-rt", Route(destination_ipv6_cidr_block="::/0", egress_only_internet_gateway_id=eigw))
    t = run(net, "internet", "db-1", protocol="tcp", port=5432, ip_version=6)
    assert t.disposition == "blocked" and codes(t) == ["VPCLAB_EGRESS_ONLY_INBOUND"]
    e = t.explanations[0]
    assert e.component == eigw and "outbound only" in e.fix and "attach an internet gateway" in e.fix
    # from an internet address given explicitly, too
    t = run(net, "2001:db8:1::1", DB1_6, protocol="tcp", port=5432)
    assert codes(t) == ["VPCLAB_EGRESS_ONLY_INBOUND"]


def test_peering_requires_the_ipv6_route(net):  # type: ignore[no-untyped-def]
    drop_route(net, "db-rt", "2600:1f18:a:100::/56")
    t = run(net, "web-1", "db-1", protocol="tcp", port=5432, ip_version=6)
    assert t.disposition == "blocked" and codes(t, "return") == ["NO_ROUTE_TO_DESTINATION"]
    assert "2600:1f18:a:100::/56" in t.explanations[0].fix


def _nat(net):  # type: ignore[no-untyped-def]
    """A public NAT gateway in app-web (app's public subnet) with its own interface and address."""
    w = net.world
    sub = net.resource("app-web")
    eni = w.put(
        NetworkInterface(
            id="eni-0000000000000ff01",
            owner_id=sub.owner_id,
            region=sub.region,
            vpc_id=sub.vpc_id,  # type: ignore[attr-defined]
            subnet_id=sub.id,
            availability_zone=sub.availability_zone,  # type: ignore[attr-defined]
            private_ip_address="10.0.1.200",
            public_ip="3.3.3.3",
            interface_type="nat_gateway",
            status="in-use",
        )
    )
    nat = w.put(
        NatGateway(
            id="nat-0000000000000ff01",
            owner_id=sub.owner_id,
            region=sub.region,
            vpc_id=sub.vpc_id,  # type: ignore[attr-defined]
            subnet_id=sub.id,
            public_ip="3.3.3.3",
            private_ip="10.0.1.200",
            network_interface_id=eni.id,
        )
    )
    return nat.id


def test_nat64_translates_ipv6_to_an_ipv4_internet_host(net):  # type: ignore[no-untyped-def]
    nat = _nat(net)
    add_route(net, "app-internal", Route(destination_ipv6_cidr_block="64:ff9b::/96", nat_gateway_id=nat))
    t = run(net, "app-private", "64:ff9b::c633:640a", protocol="tcp", port=443)  # 198.51.100.10
    assert t.disposition == "reachable", t.explanations
    nat_hop = next(h for h in t.forward_hops if h.component == "nat-gateway")
    assert nat_hop.packet.dst_ip == "198.51.100.10" and nat_hop.packet.src_ip == "10.0.1.200"
    back = next(h for h in t.return_hops if h.component == "nat-gateway")
    assert back.packet.src_ip == "64:ff9b::c633:640a" and back.packet.dst_ip == t.flow.src_ip


def test_nat_gateway_refuses_ipv6_outside_the_nat64_prefix(net):  # type: ignore[no-untyped-def]
    nat = _nat(net)
    add_route(net, "app-internal", Route(destination_ipv6_cidr_block="::/0", nat_gateway_id=nat))
    t = run(net, "app-private", "internet", protocol="tcp", port=443, ip_version=6)
    assert codes(t) == ["VPCLAB_NAT64_PREFIX_REQUIRED"]
    assert "egress-only internet gateway" in t.explanations[0].fix


def test_trace_api_accepts_ip_version(net):  # type: ignore[no-untyped-def]
    with pytest.raises(ReachError):
        trace(net.world, net.id("web-1"), net.id("db-1"), ip_version=5)


def test_intents_accept_ipv6_flows(net):  # type: ignore[no-untyped-def]
    from vpclab.network import IntentError

    report = net.check(
        [
            {"from": "web-1", "to": "db-1", "port": 5432, "ip_version": 6, "expect": "reachable"},
            {"from": "web-1", "to": DB1_6, "port": 22, "expect": "unreachable"},
        ]
    )
    assert report.ok, [r.to_dict() for r in report.violated]
    assert report.results[0].intent.title.endswith("tcp/5432 IPv6: reachable")
    with pytest.raises(IntentError, match="ip_version must be 4 or 6"):
        net.check([{"from": "web-1", "to": "db-1", "ip_version": 5, "expect": "reachable"}])


def test_diff_over_ipv6():  # type: ignore[no-untyped-def]
    """Removing db's IPv6 return route closes the IPv6 flows from app, not the IPv4 ones."""
    import vpclab

    old, new = two_peered_dual_stack(), two_peered_dual_stack()
    drop_route(new, "db-rt", "2600:1f18:a:100::/56")
    assert not vpclab.diff(old, new, flows=[("tcp", 5432)]).closed
    closed = vpclab.diff(old, new, flows=[("tcp", 5432)], family=6).closed
    assert {(c.source, c.destination) for c in closed} >= {("app-web", "db-data")}
    assert closed[0].after is not None and closed[0].after.flow.src_ip.startswith("2600:")
