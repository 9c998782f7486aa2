"""Direct Connect to a virtual private gateway: a private virtual interface (through a Direct
Connect gateway association) beside a VPN on the same gateway."""

from __future__ import annotations

import vpclab
from vpclab.model.route_table import RouteTable
from vpclab.model.vpn import propagated_routes

NETWORK = """
account: 111111111111
region: us-east-1
vpcs:
  app:
    cidr: 10.1.0.0/16
    subnets:
      app-a: {cidr: 10.1.1.0/24, az: us-east-1a}
    route_tables:
      app-rt: {subnets: [app-a], propagate_vgw: true}
    security_groups:
      app-sg:
        description: from on premises
        ingress:
          - {protocol: tcp, port: 443, cidr: 172.16.0.0/12}
    instances:
      app-1: {subnet: app-a, groups: [app-sg], private_ip: 10.1.1.10}
vpn_gateways:
  app-vgw: {vpc: app, amazon_side_asn: 64520}
customer_gateways:
  dc: {ip: 203.0.113.50, asn: 65100, on_premises_cidrs: [172.16.0.0/16]}
vpn_connections:
  dc-vpn: {customer_gateway: dc, vpn_gateway: app-vgw}
direct_connect_gateways:
  corp-dx:
    amazon_side_asn: 65000
    associations: {app-vgw: [10.1.0.0/16]}
    virtual_interfaces:
      dc-private: {type: private, vlan: 201, asn: 65100, on_premises_cidrs: [172.16.0.0/16]}
"""
PRIVATE = "dc-private: {type: private, vlan: 201, asn: 65100, on_premises_cidrs: [172.16.0.0/16]}"


def _names(hops) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.name or h.id for h in hops]


def test_direct_connect_routes_rank_above_the_vpn_on_a_virtual_private_gateway() -> None:
    """Identical prefixes on a virtual private gateway: BGP routes from Direct Connect before the
    VPN's ("Route tables and VPN route priority",
    https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-route-priority.html); the VPC CIDR reaches on
    premises over the association, whose allowed prefix equals it ("Allowed prefixes interactions",
    https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html)."""
    net = vpclab.loads(NETWORK)
    out = net.trace("app-1", "dc", protocol="tcp", port=443)
    assert out.disposition == "reachable"
    assert _names(out.forward_hops)[-3:] == ["app-vgw", "corp-dx", "dc-private"]
    assert _names(out.return_hops)[:3] == ["dc-private", "corp-dx", "app-vgw"]
    into = net.trace("dc", "app-1", protocol="tcp", port=443)
    assert into.disposition == "reachable" and _names(into.forward_hops)[0] == "dc-private"


def test_withdrawn_or_filtered_direct_connect_leaves_the_vpn() -> None:
    """With the interface's BGP session down the VPN carries both directions; with an allowed prefix
    narrower than the VPC CIDR, on premises does not learn the VPC over Direct Connect ("You must set
    the prefixes to a range that is the same or wider than the VPC CIDR block",
    https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html) and sends
    over the VPN, while the reply comes back over Direct Connect."""
    down = vpclab.loads(NETWORK.replace(PRIVATE, PRIVATE[:-1] + ", bgp: down}"))
    t = down.trace("dc", "app-1", protocol="tcp", port=443)
    assert t.disposition == "reachable"
    assert "dc-vpn" in _names(t.forward_hops) and "dc-vpn" in _names(t.return_hops)
    assert "dc-private" not in _names(t.forward_hops + t.return_hops)
    narrow = vpclab.loads(NETWORK.replace("app-vgw: [10.1.0.0/16]", "app-vgw: [10.1.0.0/24]"))
    t = narrow.trace("dc", "app-1", protocol="tcp", port=443)
    assert "dc-vpn" in _names(t.forward_hops) and "dc-private" in _names(t.return_hops)


def test_prefixes_learned_over_a_private_interface_propagate_into_vpc_route_tables() -> None:
    """A virtual private gateway propagates what it learns over Direct Connect into the route tables
    with route propagation (https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html#EnableDisableRouteProp),
    VPN or not."""
    net = vpclab.loads(
        NETWORK.replace(PRIVATE, PRIVATE.replace("[172.16.0.0/16]", "[172.16.0.0/16, 172.18.0.0/16]"))
    )
    rtb = net.resource("app-rt")
    assert isinstance(rtb, RouteTable)
    cidrs = sorted(r.destination_cidr_block or "" for r in propagated_routes(net.world, rtb))
    assert cidrs == ["172.16.0.0/16", "172.18.0.0/16"]
