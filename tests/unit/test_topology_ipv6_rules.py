"""IPv6 routes, security group rules and network ACL entries written in a topology file."""

from __future__ import annotations

from vpclab.model.network_acl import NetworkAcl
from vpclab.model.route_table import RouteTable
from vpclab.model.security_group import SecurityGroup
from vpclab.topology import TopologyError, loads

TEXT = '''
vpcs:
  app:
    cidr: 10.0.0.0/16
    egress_only_internet_gateway: true
    subnets:
      web: {cidr: 10.0.1.0/24, az: us-east-1a}
    route_tables:
      pub:
        subnets: [web]
        routes:
          "::/0": eigw
    security_groups:
      web-sg:
        ingress:
          - {protocol: tcp, port: 443, cidr: "::/0"}
          - {protocol: icmpv6, cidr: "2001:db8::/32"}
        egress:
          - {protocol: tcp, port: 443, cidr: "::/0"}
    network_acls:
      acl:
        subnets: [web]
        ingress:
          100: {action: allow, protocol: tcp, port: 443, cidr: "::/0"}
'''


def test_ipv6_routes_rules_and_entries_are_built() -> None:
    net = loads(TEXT, file="v6.yaml")
    rt = net.resource("pub")
    assert isinstance(rt, RouteTable)
    route = rt.route_to("::/0")
    assert route is not None and route.egress_only_internet_gateway_id == net.id("app/eigw")
    sg = net.resource("web-sg")
    assert isinstance(sg, SecurityGroup)
    assert [(r.ip_protocol, r.cidr_ipv6) for r in sg.ingress] == [
        ("tcp", "::/0"), ("icmpv6", "2001:db8::/32")]
    assert [(r.ip_protocol, r.cidr_ipv6) for r in sg.egress] == [("tcp", "::/0")]  # the default replaced
    acl = net.resource("acl")
    assert isinstance(acl, NetworkAcl)
    entry = acl.entry(100, False)
    assert entry is not None and entry.ipv6_cidr_block == "::/0"


def test_eigw_route_needs_the_gateway() -> None:
    text = TEXT.replace("    egress_only_internet_gateway: true\n", "")
    try:
        loads(text, file="v6.yaml")
    except TopologyError as e:
        assert "has no egress-only internet gateway" in str(e)
    else:
        raise AssertionError("expected a TopologyError")
